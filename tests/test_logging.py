"""Request logging (issue 13, Operations): one line per request with its id, JSON on demand."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from newsroom.log import JSONFormatter, request_id_var
from tests.test_deploy import ROOT


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "newsroom.request"]


def test_one_line_per_request_with_its_id(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/api/v1/nothing-here/?page=2")
    (line,) = request_lines(caplog)
    assert response.status_code == 404
    assert line.getMessage().startswith("GET /api/v1/nothing-here/?page=2 404 ")
    assert (line.method, line.path, line.status, line.client) == (
        "GET",
        "/api/v1/nothing-here/?page=2",
        404,
        "127.0.0.1",
    )
    assert len(response["X-Request-ID"]) == 32


def test_a_404_is_logged_once(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.get("/no/such/page/")
    assert [
        record.name for record in caplog.records if "/no/such/page/" in record.getMessage()
    ] == ["newsroom.request"]


def test_each_request_gets_a_new_id_and_a_clients_own_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    first = client.get("/healthz", HTTP_X_REQUEST_ID="forged-id")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != "forged-id"
    assert first != second


def test_a_trusted_proxys_request_id_is_kept(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")["X-Request-ID"] == "lb-1234"
    unsafe = client.get("/healthz", HTTP_X_REQUEST_ID="two words\n")["X-Request-ID"]
    assert unsafe != "two words\n"
    assert len(unsafe) == 32


def test_probes_are_logged_below_info(client, caplog):
    caplog.set_level(logging.DEBUG, logger="newsroom.request")
    client.get("/healthz")
    client.get("/readyz")
    assert [r.levelno for r in request_lines(caplog)] == [logging.DEBUG, logging.DEBUG]


SCRIPT = """
import django
from unittest import mock
django.setup()
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
client = Client(raise_request_exception=False)
client.get("/api/v1/nothing-here/")
with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("down")):
    print(client.get("/")["X-Request-ID"])
"""


def run_logged(**env):
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "NEWSROOM_ENV_FILE": "",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "SECRET_KEY": "logging-test",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": "sqlite:///:memory:",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_json_logs_one_object_per_line_with_the_request_id():
    result = run_logged(LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    # (Python's own warnings, such as WhiteNoise's about a missing STATIC_ROOT, are not logs.)
    lines = [line for line in result.stderr.splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    request_id = result.stdout.strip()
    not_found, unavailable = [r for r in records if r["logger"] == "newsroom.request"]
    (error,) = [r for r in records if r["logger"] == "django.request"]
    assert not_found["logger"] == "newsroom.request"
    assert (not_found["status"], not_found["path"]) == (404, "/api/v1/nothing-here/")
    # The database error is logged with its traceback, under the same id as its request line.
    assert error["logger"] == "django.request"
    assert error["level"] == "ERROR"
    assert "OperationalError: down" in error["exception"]
    assert error["request_id"] == unavailable["request_id"] == request_id
    assert unavailable["status"] == 503


def test_text_logs_carry_the_request_id():
    result = run_logged()
    assert result.returncode == 0, result.stderr
    request_id = result.stdout.strip()
    line = next(line for line in result.stderr.splitlines() if "newsroom.request" in line)
    assert " INFO newsroom.request [" in line
    assert f"[{request_id}] GET / 503 " in result.stderr


def test_an_unknown_log_format_stops_start_up():
    result = run_logged(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be text or json" in result.stderr


# --- one line per imported file -------------------------------------------------------------


def file_lines(caplog):
    return [record for record in caplog.records if record.name == "articles.importing"]


@pytest.mark.django_db
def test_the_command_logs_one_line_per_file_under_the_runs_id(tmp_path, caplog):

    (tmp_path / "a.txt").write_text(
        "Harbour ferry returns\n\nThe ferry sailed again on Monday, the harbour said.\n"
    )
    (tmp_path / "b.txt").write_text("")
    caplog.set_level(logging.INFO, logger="articles.importing")
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path), verbosity=0)
    created, failed = sorted(file_lines(caplog), key=lambda r: r.file)
    assert (created.levelname, created.outcome, created.file) == (
        "INFO",
        "created",
        str(tmp_path / "a.txt"),
    )
    assert created.article_id is not None
    assert (failed.levelname, failed.outcome) == ("WARNING", "failed")
    assert failed.error and failed.error in failed.getMessage()
    # Both files' lines carry one id, this run's, and none is left set after it.
    ids = {created.request_id, failed.request_id}
    assert len(ids) == 1 and ids.pop().startswith("import-")
    assert request_id_var.get() == "-"


def test_a_file_line_in_json_has_its_own_keys():
    record = logging.LogRecord("articles.importing", logging.INFO, __file__, 1, "x", (), None)
    fields = {"file": "a.txt", "outcome": "created", "article_id": 7, "import_run": 3}
    record.__dict__.update(fields, error=None, request_id="import-run-3")
    entry = json.loads(JSONFormatter().format(record))
    assert {key: entry[key] for key in fields} == fields
    assert entry["request_id"] == "import-run-3"
