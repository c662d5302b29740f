"""Scale-out (issue 13, Operations): two gunicorn processes on two ports and an import worker,
sharing PostgreSQL and Redis, serve the same content, count one rate limit and see each
other's cache invalidations.

Runs the Procfile's commands against the test database (committed rows: transactional_db)
and a Redis on 127.0.0.1:6379 under a key prefix of its own. Needs both, so it runs in CI's
PostgreSQL pass and is skipped elsewhere.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection

from articles.models import Article, ImportRun
from tests.factories import ArticleFactory
from tests.test_deploy import ROOT, production_env
from tests.test_operations import HTTPS, fetch, free_port, procfile

REDIS_URL = "redis://127.0.0.1:6379/0"
RATE = 8
SEED = "000_a14a31d47b36e4a7.txt"


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def shared_env(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    if not redis_reachable():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    database_url = (
        f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = production_env(
        ALLOWED_HOSTS="news.example.org",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="0",  # no connection left open when the test database is dropped
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"scale-out-{secrets.token_hex(4)}",
        STATIC_ROOT=str(tmp_path / "static"),
        API_ANON_RATE=f"{RATE}/minute",
        TRUSTED_PROXY_COUNT="1",
        WEB_CONCURRENCY="2",
        HOST="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    env["PATH"] = f"{os.path.dirname(sys.executable)}{os.pathsep}{env['PATH']}"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return env


def start(command: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.fixture
def cluster(shared_env):
    """Two web processes (two gunicorn workers each) and a worker; yields the two base URLs."""
    ports = [free_port(), free_port()]
    processes = [start(procfile()["web"], {**shared_env, "PORT": str(port)}) for port in ports]
    processes.append(start(procfile()["worker"], shared_env))
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            for _ in range(150):
                try:
                    if fetch(base + "/readyz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"{base} was not ready in 30 s")
        yield bases
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def manage_shell(env: dict, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def client(address: str) -> dict:
    """Headers of a request that came through our TLS proxy from ``address``."""
    return {**HTTPS, "Host": "news.example.org", "X-Forwarded-For": address}


def test_two_processes_share_content_rate_limit_and_invalidation(cluster, shared_env):
    first, second = cluster
    article = ArticleFactory(published=True, headline="Before the correction")

    # The same content from both.
    bodies = [fetch(base + "/api/v1/articles/", client("198.51.100.1"))[2] for base in cluster]
    assert json.loads(bodies[0])["results"] == json.loads(bodies[1])["results"]
    assert json.loads(bodies[0])["count"] == 1

    # One page cache: a page the first process rendered is a hit on the second.
    page = article.get_absolute_url()
    status, headers, _ = fetch(first + page, client("198.51.100.2"))
    assert (status, headers["X-Page-Cache"]) == (200, "miss")
    status, headers, _ = fetch(second + page, client("198.51.100.2"))
    assert (status, headers["X-Page-Cache"]) == (200, "hit")

    # An edit saved by a third process is shown by both at their next request.
    manage_shell(
        shared_env,
        "from articles.models import Article\n"
        f"a = Article.objects.get(pk={article.pk}); a.headline = 'After the correction'; a.save()",
    )
    for base in cluster:
        status, headers, body = fetch(base + page, client("198.51.100.2"))
        assert status == 200
        assert b"After the correction" in body
        assert b"Before the correction" not in body

    # One rate limit: requests alternating between the processes are counted together.
    statuses = [
        fetch(cluster[n % 2] + "/api/v1/sources/", client("198.51.100.3"))[0]
        for n in range(2 * RATE)
    ]
    assert statuses.count(200) == RATE
    assert statuses[RATE:] == [429] * RATE

    # An upload queued by one process is imported by the worker, and once published shows on both.
    started = time.monotonic()
    run_id = int(
        manage_shell(
            shared_env,
            "from django.core.files.uploadedfile import SimpleUploadedFile\n"
            "from articles.import_runs import queue_uploads\n"
            f"data = open({str(ROOT / 'seeds' / SEED)!r}, 'rb').read()\n"
            "print(queue_uploads(files=[SimpleUploadedFile('seed.txt', data)]).pk)",
        ).strip()
    )
    for _ in range(300):
        run = ImportRun.objects.get(pk=run_id)
        if run.status == ImportRun.Status.FINISHED:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the worker did not finish run {run_id} in 60 s")
    assert run.created_count == 1
    imported = Article.objects.exclude(pk=article.pk).get()
    manage_shell(
        shared_env,
        "from articles.models import Article\nfrom articles.publishing import publish\n"
        f"publish(articles=Article.objects.filter(pk={imported.pk}))",
    )
    seconds = time.monotonic() - started
    imported.refresh_from_db()
    for base in cluster:
        body = fetch(base + "/", client("198.51.100.4"))[2].decode()
        assert imported.get_absolute_url() in body
    print(f"upload queued, imported by the worker and published in {seconds:.1f} s")
