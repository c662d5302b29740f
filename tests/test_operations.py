"""The Procfile's processes in production configuration: one gunicorn process serves the site,
the admin and their static files (WhiteNoise: hashed names, gzip), and the worker runs (issue 13).

A real server in child processes, on a free port on 127.0.0.1, with .env.example's production
settings (tests/test_deploy.py), behind a pretend TLS proxy (X-Forwarded-Proto: https).
"""

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.test_deploy import ROOT, production_env

HTTPS = {"X-Forwarded-Proto": "https"}


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, headers: dict | None = None):
    """(status, headers, body) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("production")
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        REDIS_URL="",  # the processes' own cache: Redis is not needed to serve
        STATIC_ROOT=str(tmp / "static"),
        HOST="127.0.0.1",
        PORT=str(free_port()),
    )
    # The Procfile's commands (gunicorn, python) come from this virtual environment.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, timeout=300)
    return env


@pytest.fixture(scope="module")
def web_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("logs") / "web.log"


@pytest.fixture(scope="module")
def server(env, web_log):
    log = web_log
    process = subprocess.Popen(
        ["bash", "-c", f"exec {procfile()['web']}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),  # a file, not a pipe nobody reads that could fill and block
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        for _ in range(150):
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text()[-2000:]}")
            try:
                if fetch(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer /healthz in 30 s")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_procfile_names_a_web_and_a_worker_process():
    processes = procfile()
    assert shlex.split(processes["web"])[:2] == ["gunicorn", "newsroom.wsgi"]
    assert shlex.split(processes["worker"]) == ["python", "manage.py", "import_worker"]


def test_one_process_serves_the_admin_with_hashed_compressed_static_files(server):
    status, _, body = fetch(server + "/admin/login/", HTTPS)
    assert status == 200
    css = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', body)
    assert css, "the admin's stylesheet has no hashed name"
    status, headers, content = fetch(
        server + css.group(1).decode(), {**HTTPS, "Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    assert content[:2] == b"\x1f\x8b"  # gzip's magic number


def test_one_process_serves_the_site_and_its_stylesheet(server):
    status, _, body = fetch(server + "/", HTTPS)
    assert status == 200
    css = re.search(rb'href="(/static/articles/site\.[0-9a-f]{12}\.css)"', body)
    assert css, "the site's stylesheet has no hashed name"
    status, headers, content = fetch(server + css.group(1).decode(), HTTPS)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b"{" in content


def test_production_redirects_plain_http_but_answers_probes(server):
    status, headers, _ = fetch(server + "/")
    assert status == 301
    assert headers["Location"].startswith("https://127.0.0.1")
    status, headers, body = fetch(server + "/", HTTPS)
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert fetch(server + "/healthz")[0] == 200
    status, _, body = fetch(server + "/readyz")
    assert status == 200, body
    assert b'"tasks": {"status": "ok"' in body


def test_robots_txt_names_https_sitemaps_behind_the_proxy(server):
    status, _, body = fetch(server + "/robots.txt", HTTPS)
    assert status == 200
    assert f"Sitemap: https://127.0.0.1:{server.rsplit(':', 1)[1]}/sitemap.xml" in body.decode()


def test_the_worker_process_runs_until_told_to_stop(env):
    process = subprocess.Popen(
        ["bash", "-c", f"exec {procfile()['worker']}"],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first_line = process.stdout.readline()
    assert first_line.startswith("Import worker "), process.stderr.read()
    time.sleep(1)
    assert process.poll() is None  # still waiting for work
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Import worker stopped." in out


def test_the_web_process_logs_one_json_line_per_request_with_its_id(server, web_log):
    status, headers, _ = fetch(server + "/robots.txt?from=log-test", HTTPS)
    assert status == 200
    request_id = headers["X-Request-ID"]
    for _ in range(50):
        lines = [line for line in web_log.read_text().splitlines() if "from=log-test" in line]
        if lines:
            break
        time.sleep(0.1)
    (line,) = lines
    entry = json.loads(line)
    assert entry["request_id"] == request_id
    assert (entry["method"], entry["path"], entry["status"]) == (
        "GET",
        "/robots.txt?from=log-test",
        200,
    )
