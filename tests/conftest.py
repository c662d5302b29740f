"""Shared fixtures: seeds and test data, an import helper, users, a headless browser."""

import io
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # the closed network refuses these connections
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_for_browser_tests(present: bool, reason: str) -> None:
    """Skip a browser test whose tools are missing; in CI, fail instead."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must have it (make browser)", pytrace=False)
    pytest.skip(f"{reason}; run `make browser`")


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached public pages must not carry over from one test into the next."""
    cache.clear()


@pytest.fixture
def run_import():
    """Run import_articles; returns (stdout, stderr, error or None)."""

    def run(*args):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_articles", *map(str, args), stdout=out, stderr=err)
        except Exception as exc:  # CommandError for failed files: the caller asserts on it
            return out.getvalue(), err.getvalue(), exc
        return out.getvalue(), err.getvalue(), None

    return run


@pytest.fixture
def editor(db):
    """A staff user in the Editor group (made by a data migration)."""
    return UserFactory(username="editor", groups=["Editor"])


@pytest.fixture
def reporter(db):
    """A staff user in the Reporter group: drafts and review, no publishing."""
    return UserFactory(username="reporter", groups=["Reporter"])


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    require_for_browser_tests(CHROMIUM.exists(), f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls
    # from a thread with a running loop unless told it is safe, which it is here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    # ORM calls made while Playwright ran got their own database connection; close it,
    # or PostgreSQL refuses to drop the test database at the end of the session.
    connections.close_all()


@pytest.fixture
def back_to_the_latest_schema():
    """For migration tests: later tests need every migration, so migrate forward again,
    whatever the test did."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
