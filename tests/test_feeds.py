"""RSS and Atom feeds, sitemap.xml and the Google News sitemap."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, ET.fromstring(response.content)


def test_rss_feed_lists_the_latest_published_articles(client):
    ArticleFactory(published=True, headline="Public story", body="<b>Lead</b> paragraph.")
    ArticleFactory(headline="Draft story")
    response, root = xml(client, "/feed/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    items = root.findall("./channel/item")
    assert [i.findtext("title") for i in items] == ["Public story"]
    # Descriptions are HTML to feed readers: scraped markup arrives escaped, as text.
    assert items[0].findtext("description") == "&lt;b&gt;Lead&lt;/b&gt; paragraph."
    assert items[0].findtext("link").startswith("http://testserver/")


def test_atom_feed_lists_the_latest_published_articles(client):
    ArticleFactory(published=True, headline="Public story")
    ArticleFactory(headline="Draft story")
    response, root = xml(client, "/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Public story"]


def test_person_feeds_list_their_visible_quotes(client):
    person = PersonFactory(name="Jane Example", slug="jane-example")
    article = ArticleFactory(published=True)
    quote = QuoteFactory(article=article, speaker=person, text="Visible words")
    QuoteFactory(article=article, speaker=person, text="Rejected words", state="rejected")
    QuoteFactory(article=ArticleFactory(), speaker=person, text="Draft words")
    _, rss = xml(client, "/people/jane-example/feed/rss/")
    items = rss.findall("./channel/item")
    assert len(items) == 1 and "Visible words" in items[0].findtext("title")
    assert items[0].findtext("link").endswith(f"{article.get_absolute_url()}#quote-{quote.pk}")
    _, atom = xml(client, "/people/jane-example/feed/atom/")
    assert len(atom.findall(f"{ATOM}entry")) == 1


def test_person_feed_of_an_unknown_or_hidden_person_is_404(client):
    hidden = PersonFactory()
    QuoteFactory(article=ArticleFactory(), speaker=hidden)
    assert client.get(f"/people/{hidden.slug}/feed/rss/").status_code == 404
    assert client.get("/people/nobody/feed/atom/").status_code == 404


def test_sitemap_lists_public_pages_only(client):
    article = ArticleFactory(published=True)
    person = PersonFactory()
    QuoteFactory(article=article, speaker=person)
    draft = ArticleFactory()
    hidden = PersonFactory()
    QuoteFactory(article=draft, speaker=hidden)
    _, root = xml(client, "/sitemap.xml")
    locations = {e.findtext(f"{SITEMAP}loc") for e in root.findall(f"{SITEMAP}url")}
    assert f"http://testserver{article.get_absolute_url()}" in locations
    assert f"http://testserver{person.get_absolute_url()}" in locations
    assert f"http://testserver{article.source.get_absolute_url()}" in locations
    assert "http://testserver/" in locations
    assert not any(draft.slug in loc or hidden.slug in loc for loc in locations)


def test_news_sitemap_lists_the_last_two_days(client):
    now = timezone.now()
    recent = ArticleFactory(published=True, headline="Fresh & new")
    ArticleFactory(published=True, published_at=now - timezone.timedelta(days=3))
    ArticleFactory(headline="Draft")
    _, root = xml(client, "/news-sitemap.xml")
    [url] = root.findall(f"{SITEMAP}url")
    assert url.findtext(f"{SITEMAP}loc") == f"http://testserver{recent.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}title") == "Fresh & new"
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newsroom"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == recent.published_at.isoformat()


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/feed/rss/", 1),
        ("/feed/atom/", 1),
        ("/people/{slug}/feed/rss/", 2),  # the person, their quotes
        ("/sitemap.xml", 6),  # count + page for articles, people and sources
        ("/news-sitemap.xml", 2),  # count, page
    ],
)
def test_feeds_and_sitemaps_run_a_constant_number_of_queries(
    client, django_assert_num_queries, settings, url, queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    person = PersonFactory()
    url = url.format(slug=person.slug)
    for rows in (1, 5):
        for _ in range(rows):
            QuoteFactory(article=ArticleFactory(published=True), speaker=person)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
