"""/healthz, /readyz and robots.txt (issue 13, Operations)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from newsroom import health


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_readyz_reports_each_check_ok(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "tasks": "ok",
    }
    assert body["checks"]["tasks"]["ready"] == 0
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_down(client):
    refused = OperationalError("connection to server at 10.0.0.7 failed: password for newsroom")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        response = client.get("/readyz")
        liveness = client.get("/healthz")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json()["checks"]["database"] == {"status": "unavailable"}
    assert b"10.0.0.7" not in response.content  # the error's text goes to the log only
    assert liveness.status_code == 200  # the process itself is alive: do not restart it


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_is_unreachable(client):
    with mock.patch.object(health.cache, "set", side_effect=ConnectionError("redis down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"status": "unavailable"}
    assert response.json()["checks"]["database"] == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_task_queue_is_unreachable(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with mock.patch(
        "django_tasks_db.models.DBTaskResultQuerySet.ready",
        side_effect=OperationalError("no such table: django_tasks_database_dbtaskresult"),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"] == {"status": "unavailable"}


def test_healthz_touches_no_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_probes_by_ip_over_http_are_answered_not_redirected_or_refused(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["news.example.org"]
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/", HTTP_HOST="news.example.org").status_code == 301
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400


@pytest.mark.django_db
def test_health_checks_are_not_rate_limited_or_cached(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
    }
    statuses = {client.get("/readyz").status_code for _ in range(10)}
    assert statuses == {200}
    response = client.get("/readyz")
    assert "X-Page-Cache" not in response
    # The same client is limited on the API meanwhile.
    assert [client.get("/api/v1/sources/").status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_robots_txt_lists_the_sitemaps(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get(
        "/robots.txt", HTTP_HOST="news.example.org", HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    sitemaps = [line.removeprefix("Sitemap: ") for line in lines if line.startswith("Sitemap: ")]
    assert sitemaps == [
        "https://news.example.org/sitemap.xml",
        "https://news.example.org/news-sitemap.xml",
    ]
    for url in sitemaps:
        sitemap = client.get(
            url.removeprefix("https://news.example.org"),
            HTTP_HOST="news.example.org",
            HTTP_X_FORWARDED_PROTO="https",
        )
        assert sitemap.status_code == 200
        assert b"<urlset" in sitemap.content
