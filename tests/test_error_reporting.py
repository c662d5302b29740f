"""Error reporting through SENTRY_DSN (issue 13, Operations), against a stand-in Sentry server
on 127.0.0.1 that keeps what it receives."""

import gzip
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.test_deploy import ROOT

SCRIPT = """
import django
from unittest import mock
django.setup()
import sentry_sdk
from django.test import Client
client = Client(raise_request_exception=False)
with mock.patch("articles.views.ArticleListView.get", side_effect=ValueError("boom-for-sentry")):
    response = client.get("/")
print(response.status_code, response["X-Request-ID"])
sentry_sdk.flush(timeout=10)
"""


@pytest.fixture
def sentry_server():
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "deflate":
                body = zlib.decompress(body)
            received.append(body)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()


def run(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "NEWSROOM_ENV_FILE": "",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "SECRET_KEY": "sentry-test",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": "sqlite:///:memory:",
            "PUBLIC_PAGE_CACHE_SECONDS": "0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_uncaught_error_is_reported_with_its_request_id(sentry_server):
    port, received = sentry_server
    result = run(SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1")
    assert result.returncode == 0, result.stderr
    status, request_id = result.stdout.split()
    assert status == "500"
    report = b"\n".join(received).decode("utf-8", "replace")
    assert "boom-for-sentry" in report
    assert request_id in report
    assert "sentry-test" not in report  # settings' secrets are not sent


def test_nothing_is_sent_without_a_dsn(sentry_server):
    port, received = sentry_server
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "500"
    assert received == []
