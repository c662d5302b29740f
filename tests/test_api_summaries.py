"""Article lists give summaries; ``?expand=`` or ``?fields=`` add people and quotes (issue #12)."""

import pytest
from rest_framework.test import APIClient

from articles.models import Quote
from tests.factories import ArticleFactory, MentionFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = ArticleFactory(published=True)
    MentionFactory(article=article, person__name="Ann Lee")
    QuoteFactory(article=article, text="We will talk.")
    QuoteFactory(article=article, state=Quote.State.REJECTED)
    return article


def items(url):
    response = APIClient().get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_list_item_is_a_summary_with_its_quote_count(article):
    (item,) = items("/api/v1/articles/")
    assert "people" not in item and "quotes" not in item
    assert item["quote_count"] == 1
    assert item["source"]["slug"] == article.source.slug
    (item,) = items(f"/api/v1/sources/{article.source.slug}/articles/")
    assert "quotes" not in item and item["quote_count"] == 1


def test_expand_and_fields_add_people_and_quotes(article):
    (item,) = items("/api/v1/articles/?expand=people,quotes")
    assert [p["name"] for p in item["people"]] == ["Ann Lee"]
    assert [q["text"] for q in item["quotes"]] == ["We will talk."]
    assert item["quote_count"] == 1
    (item,) = items("/api/v1/articles/?expand=quotes")
    assert "people" not in item and len(item["quotes"]) == 1
    (item,) = items("/api/v1/articles/?fields=slug,people")
    assert set(item) == {"slug", "people"}
    (item,) = items("/api/v1/articles/?fields=slug&expand=quotes")
    assert set(item) == {"slug", "quotes"}


def test_the_detail_is_whole(article):
    data = APIClient().get(f"/api/v1/articles/{article.slug}/").json()
    assert [p["name"] for p in data["people"]] == ["Ann Lee"]
    assert len(data["quotes"]) == 1 and "body" in data


@pytest.mark.parametrize("value", ["body", "", "people,nope"])
def test_an_unknown_expansion_is_a_400_naming_the_parameter(article, value):
    response = APIClient().get(f"/api/v1/articles/?expand={value}")
    assert response.status_code == 400
    assert response.json()["parameter"] == "expand"


def test_the_schema_documents_expand_on_article_lists_only():
    schema = APIClient().get("/api/schema/?format=json").json()

    def names(path):
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}

    assert "expand" in names("/api/v1/articles/")
    assert "expand" in names("/api/v1/sources/{source_slug}/articles/")
    assert "expand" not in names("/api/v1/articles/{slug}/")
    assert "expand" not in names("/api/v1/quotes/")
