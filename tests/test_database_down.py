"""With the database unreachable: 503 with Retry-After, JSON under /api/ (issue 11 §4)."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def client():
    # The test client re-raises a view's exception by default; a browser sees the answer.
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down():
    """Every query fails as it does when the server is stopped or unreachable."""
    refused = OperationalError("connection to server at 127.0.0.1 port 5432 failed")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        yield


@pytest.mark.parametrize(
    "path", ["/api/v1/articles/", "/api/v1/people/", "/api/v1/quotes/?q=war", "/api/v1/sources/"]
)
def test_api_answers_json_503_with_retry_after(client, database_down, path):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    problem = response.json()
    assert problem["status"] == 503
    assert problem["code"] == "service_unavailable"
    assert problem["retry_after"] == int(response["Retry-After"])


def test_site_answers_a_plain_503_page(client, database_down):
    response = client.get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    assert "Briefly unavailable" in response.content.decode()


def test_a_staff_session_with_the_database_down_still_gets_503(client, editor):
    client.force_login(editor)
    refused = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        response = client.get("/admin/")
    assert response.status_code == 503


def test_other_errors_stay_500_and_are_json_under_api(client):
    with mock.patch("articles.api.ArticleViewSet.list", side_effect=ValueError("a bug")):
        response = client.get("/api/v1/articles/")
    assert response.status_code == 500
    assert response.json()["status"] == 500
    assert "Retry-After" not in response
    with mock.patch("articles.views.ArticleListView.get", side_effect=ValueError("a bug")):
        response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_api_answers_again_when_the_database_is_back(client):
    article = ArticleFactory(published=True)
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        assert client.get("/api/v1/articles/").status_code == 503
    response = client.get("/api/v1/articles/")
    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["results"]] == [article.slug]


def test_pages_in_the_page_cache_are_still_served(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    article = ArticleFactory(published=True)
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        cached = client.get(article.get_absolute_url())
        uncached = client.get("/people/nobody/")
    assert cached.status_code == 200
    assert cached["X-Page-Cache"] == "hit"
    assert article.headline in cached.content.decode()
    assert uncached.status_code == 503


def test_the_503_page_is_served_even_when_its_template_fails(client, database_down):
    with mock.patch("newsroom.errors.loader.render_to_string", side_effect=ValueError("no")):
        response = client.get("/")
    assert response.status_code == 503
    assert "<h1>Briefly unavailable</h1>" in response.content.decode()


def test_the_500_page_is_served_even_when_its_template_fails(client):
    with (
        mock.patch("articles.views.ArticleListView.get", side_effect=ValueError("a bug")),
        mock.patch("django.views.defaults.loader.get_template", side_effect=ValueError("no")),
    ):
        response = client.get("/")
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()
