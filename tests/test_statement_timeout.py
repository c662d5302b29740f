"""Public requests run their SQL under a statement timeout on PostgreSQL (issue 11 §4).

A slow query is stood in for by ``pg_sleep`` run at the start of a real view (the API's
article list, the site's home page, the admin's article list). The tests commit for real
(transaction=True): a cancelled statement inside the tests' usual wrapping transaction would
abort it, which no real request sees.
"""

import time
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client

from articles.admin import ArticleAdmin
from articles.api import ArticleViewSet
from articles.api_plumbing import TIMED_OUT
from articles.views import ArticleListView
from newsroom.timeouts import StatementTimeout

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no statement timeout (the middleware does nothing there); "
        "CI's PostgreSQL pass runs these",
    ),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT_MS = 300
# Far past the timeout: a request that is not cut takes this long and fails the time check.
TOO_SLOW = 10.0


@pytest.fixture(autouse=True)
def _timeout(settings):
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = TIMEOUT_MS
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def client():
    # A browser sees the answer, not the view's exception.
    return Client(raise_request_exception=False)


@pytest.fixture
def staff_client(admin_user):
    staff = Client(raise_request_exception=False)
    staff.force_login(admin_user)
    return staff


def server_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def slowed(cls, name: str, seconds: float, seen: list | None = None):
    """Patch ``cls.name`` to run ``pg_sleep(seconds)`` first (noting the timeout in ``seen``)."""
    real = getattr(cls, name)

    def slow(*args, **kwargs):
        if seen is not None:
            seen.append(server_timeout())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [seconds])
        return real(*args, **kwargs)

    return mock.patch.object(cls, name, slow)


def timed_get(client, path):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def test_a_slow_api_query_is_cut_and_answers_json_503(client):
    with slowed(ArticleViewSet, "list", TOO_SLOW):
        response, seconds = timed_get(client, "/api/v1/articles/")
    assert seconds < TOO_SLOW / 2
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    problem = response.json()
    assert problem["code"] == "service_unavailable"
    assert problem["detail"] == TIMED_OUT
    assert problem["retry_after"] == int(response["Retry-After"])


def test_a_slow_page_query_is_cut_and_answers_the_503_page(client):
    with slowed(ArticleListView, "get", TOO_SLOW):
        response, seconds = timed_get(client, "/")
    assert seconds < TOO_SLOW / 2
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    assert "Briefly unavailable" in response.content.decode()


def test_a_staff_session_on_the_public_site_is_limited_too(staff_client):
    with slowed(ArticleViewSet, "list", TOO_SLOW):
        response, seconds = timed_get(staff_client, "/api/v1/articles/")
    assert seconds < TOO_SLOW / 2
    assert response.status_code == 503


def test_public_requests_run_under_the_setting_and_the_admin_without_it(client, staff_client):
    default = server_timeout()
    seen_public, seen_admin = [], []
    with slowed(ArticleViewSet, "list", 0, seen_public):
        assert client.get("/api/v1/articles/").status_code == 200
    with slowed(ArticleAdmin, "get_queryset", 0, seen_admin):
        assert staff_client.get("/admin/articles/article/").status_code == 200
    assert seen_public == [f"{TIMEOUT_MS}ms"]
    assert seen_admin == [default]


def test_a_slow_admin_query_is_not_cut(staff_client):
    slow = TIMEOUT_MS / 1000 * 3
    with slowed(ArticleAdmin, "get_queryset", slow):
        response, seconds = timed_get(staff_client, "/admin/articles/article/")
    assert response.status_code == 200
    assert seconds >= slow


def test_the_timeout_does_not_outlive_its_request_on_a_kept_connection(client, staff_client):
    default = server_timeout()
    kept = connection.connection
    with slowed(ArticleViewSet, "list", TOO_SLOW):
        assert client.get("/api/v1/articles/").status_code == 503
    # The same server connection (CONN_MAX_AGE keeps it), back to the server's default ...
    assert connection.connection is kept
    assert server_timeout() == default
    # ... so the next admin request, on that connection, may run a slow query.
    slow = TIMEOUT_MS / 1000 * 3
    with slowed(ArticleAdmin, "get_queryset", slow):
        response, seconds = timed_get(staff_client, "/admin/articles/article/")
    assert connection.connection is kept
    assert response.status_code == 200
    assert seconds >= slow


def test_the_setting_at_zero_sets_no_timeout(client, settings):
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = 0
    default, seen = server_timeout(), []
    with slowed(ArticleViewSet, "list", 0, seen):
        assert client.get("/api/v1/articles/").status_code == 200
    assert seen == [default]


def driver_timeout() -> str:
    """The server's setting read on the driver's own cursor (past Django's wrappers)."""
    with connection.connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_public_requests_on_a_kept_connection_set_the_timeout_once(client, staff_client):
    default = server_timeout()
    applied, real = [], StatementTimeout.apply

    def apply(self, connection, wanted, inside):
        applied.append(wanted)
        real(self, connection, wanted, inside)

    with mock.patch.object(StatementTimeout, "apply", apply):
        for _ in range(3):
            assert client.get("/api/v1/articles/").status_code == 200
            assert client.get("/").status_code == 200
        assert applied == [TIMEOUT_MS]  # the first public query only
        assert driver_timeout() == f"{TIMEOUT_MS}ms"  # kept between public requests
        seen_admin = []
        with slowed(ArticleAdmin, "get_queryset", 0, seen_admin):
            assert staff_client.get("/admin/articles/article/").status_code == 200
        assert seen_admin == [default]  # taken off before the admin's first query
        assert applied == [TIMEOUT_MS, None]
        seen_public = []
        with slowed(ArticleViewSet, "list", 0, seen_public):
            assert client.get("/api/v1/articles/").status_code == 200
        assert seen_public == [f"{TIMEOUT_MS}ms"]
        assert applied == [TIMEOUT_MS, None, TIMEOUT_MS]


def test_a_timeout_set_in_a_rolled_back_transaction_is_set_again(client):
    default = server_timeout()

    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        assert client.get("/api/v1/articles/").status_code == 200  # set inside it
        raise RolledBack
    assert driver_timeout() == default  # the rollback took the setting back
    seen = []
    with slowed(ArticleViewSet, "list", 0, seen):
        assert client.get("/api/v1/articles/").status_code == 200
    assert seen == [f"{TIMEOUT_MS}ms"]
    assert server_timeout() == default  # and off again for the test's own queries
