"""Shared fixtures: paths to the committed seeds and test data, and an import helper."""

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


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
