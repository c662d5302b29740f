"""What machines read on an article page: canonical link, Open Graph, Twitter card, JSON-LD."""

import json
from datetime import datetime

import pytest
from bs4 import BeautifulSoup

from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db

# The part of schema.org's vocabulary the page uses: for each type, the properties it
# may carry (its own and inherited: NewsArticle < Article < CreativeWork < Thing), as
# defined at schema.org. A misspelt or invented property fails the test.
THING = {"name", "url", "description", "image", "mainEntityOfPage", "sameAs", "identifier"}
CREATIVE_WORK = THING | {
    "headline",
    "author",
    "publisher",
    "datePublished",
    "dateModified",
    "isBasedOn",
    "inLanguage",
    "keywords",
    "creator",
    "sourceOrganization",
    "about",
    "mentions",
}
SCHEMA = {
    "NewsArticle": CREATIVE_WORK | {"articleBody", "articleSection", "wordCount", "dateline"},
    "Person": THING | {"jobTitle", "affiliation"},
    "Organization": THING | {"logo"},
    "WebPage": CREATIVE_WORK,
    "ImageObject": CREATIVE_WORK | {"contentUrl", "width", "height", "caption", "creditText"},
}
EXPECTED_TYPES = {"author": {"Person", "Organization"}, "publisher": {"Organization"}}


def check_node(node: dict) -> None:
    """Fail unless ``node`` is a schema.org thing of a known type with known properties."""
    kind = node["@type"]
    assert kind in SCHEMA, f"unknown type {kind}"
    for key, value in node.items():
        if key.startswith("@"):
            continue
        assert key in SCHEMA[kind], f"{kind} has no property {key}"
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                if key in EXPECTED_TYPES:
                    assert item["@type"] in EXPECTED_TYPES[key]
                check_node(item)


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def json_ld(soup) -> dict:
    [script] = soup.find_all("script", type="application/ld+json")
    return json.loads(script.string)


def test_article_has_a_canonical_link_and_open_graph_and_twitter_tags(client):
    article = ArticleFactory(published=True, headline="Talks resume", body="Diplomats met.")
    soup = page(client, article)
    url = f"http://testserver{article.get_absolute_url()}"
    assert soup.find("link", rel="canonical")["href"] == url
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
    assert og["og:type"] == "article" and og["og:url"] == url
    assert og["og:title"] == "Talks resume" and og["og:description"] == "Diplomats met."
    assert og["article:published_time"] == article.published_at.isoformat()
    twitter = {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}
    assert twitter["twitter:card"] == "summary" and twitter["twitter:title"] == "Talks resume"


def test_json_ld_is_a_valid_schema_org_news_article(client):
    article = ArticleFactory(published=True, headline="Talks resume", byline="Anna Reporter")
    data = json_ld(page(client, article))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    check_node(data)
    assert data["headline"] == "Talks resume"
    assert datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert datetime.fromisoformat(data["dateModified"]) >= article.published_at
    assert data["author"] == [{"@type": "Person", "name": "Anna Reporter"}]
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"]
    assert data["mainEntityOfPage"]["@id"].endswith(article.get_absolute_url())


def test_json_ld_credits_the_agency_when_there_is_no_byline(client):
    source = SourceFactory(name="Example Agency", homepage="https://agency.example/")
    data = json_ld(page(client, ArticleFactory(published=True, source=source, byline="")))
    check_node(data)
    assert data["author"] == [
        {"@type": "Organization", "name": "Example Agency", "url": "https://agency.example/"}
    ]


def test_json_ld_cannot_be_broken_out_of_by_scraped_text(client):
    article = ArticleFactory(
        published=True, headline="</script><script>alert(1)</script>", body="a & b <c>"
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    data = json_ld(BeautifulSoup(html, "html.parser"))
    assert data["headline"] == "</script><script>alert(1)</script>"
    assert data["description"] == "a & b <c>"


def test_every_page_has_one_h1_and_the_landmarks(client):
    article = ArticleFactory(published=True)
    for url in ("/", article.get_absolute_url(), "/search/?q=x", "/missing/"):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        assert len(soup.find_all("h1")) == 1, url
        assert soup.find("header") and soup.find("main") and soup.find("footer"), url
        assert soup.find("form", role="search"), url
        assert soup.html["lang"] == "en"
