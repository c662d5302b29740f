"""A list's page is its ids picked from the listed table alone, then their rows (issue #12).

``articles.api_plumbing.page_rows``: the same rows, in the same order, as slicing the
queryset with its joins; so every list's bytes are what they were.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles import api_plumbing
from articles.models import Quote
from tests.factories import ArticleFactory, MentionFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quotes(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    people = PersonFactory.create_batch(2)
    for i in range(4):
        article = ArticleFactory(published=True, headline=f"Article {i}")
        for j, person in enumerate(people):
            MentionFactory(article=article, person=person)
            QuoteFactory(article=article, speaker=person, paragraph=j, text=f"Words {i} {j}.")
        QuoteFactory(article=article, paragraph=5, state=Quote.State.REJECTED)
    ArticleFactory()  # a draft, with no quotes shown
    return people


def followed(client, url):
    """Every page of a list by cursor, as bodies."""
    bodies = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        bodies.append(response.content)
        url = response.json()["next"]
    return bodies


def bodies(quotes):
    client = APIClient()
    urls = [
        "/api/v1/quotes/",
        "/api/v1/quotes/?page=2&page_size=3",
        "/api/v1/quotes/?page=last&page_size=3",
        "/api/v1/quotes/?kind=full&page_size=5",
        f"/api/v1/people/{quotes[0].slug}/quotes/",
        "/api/v1/articles/?expand=people,quotes&page_size=3",
        "/api/v1/articles/?page=2&page_size=3",
        "/api/v1/sources/",
        "/api/v1/people/",
    ]
    found = {url: client.get(url).content for url in urls}
    found["cursor"] = followed(client, "/api/v1/quotes/?cursor=&page_size=3")
    return found


def test_lists_are_the_bytes_a_sliced_queryset_gives(quotes, monkeypatch):
    picked = bodies(quotes)

    def sliced(queryset, window, columns=None):
        return queryset[window] if columns is None else queryset[window].values(*columns)

    monkeypatch.setattr(api_plumbing, "page_rows", sliced)
    assert bodies(quotes) == picked
    assert len(picked["cursor"]) == 3  # 8 quotes, 3 a page


def test_the_quote_page_picks_its_ids_from_the_quotes_table_alone(quotes):
    with CaptureQueriesContext(connection) as queries:
        assert APIClient().get("/api/v1/quotes/?page_size=3").status_code == 200
    (page,) = [q["sql"] for q in queries.captured_queries if "IN (SELECT" in q["sql"]]
    outer, inner = page.split("IN (SELECT", 1)
    assert "JOIN" in outer and "JOIN" not in inner
    assert 'FROM "articles_quote"' in inner and "LIMIT 3" in inner


def test_a_list_given_no_filter_builds_no_filterset(quotes, monkeypatch):
    from articles import filters

    built = []
    original = filters.QuoteFilter.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("data"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(filters.QuoteFilter, "__init__", counting)
    client = APIClient()
    assert client.get("/api/v1/quotes/?page_size=3").json()["count"] == 8
    assert built == []
    assert client.get("/api/v1/quotes/?page_size=3&ordering=-published_at").status_code == 200
    assert client.get("/api/v1/quotes/?kind=full").json()["count"] == 8
    assert client.get("/api/v1/quotes/?kind=").status_code == 400  # still strict
    assert len(built) == 3
