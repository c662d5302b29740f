"""Markup in a page is never stored or served as markup (issue #11).

A saved page's metadata and text are untrusted: an ``og:title`` holding '<img onerror=...>',
a ``<script>`` as the site name, tags in the JSON-LD author, the caption, the credit and the
names in the text. The importer keeps their words and drops the markup before anything is
stored, so the database and the API's JSON hold plain text only.
"""

import json

import pytest
from rest_framework.test import APIClient

from articles.extraction import extract_from_text
from articles.extraction.text import plain_text
from articles.models import Article, Person, Quote, Source

HOSTILE_PAGE = """<!doctype html>
<html><head>
<title>&lt;img src=x onerror=alert(1)&gt;Mayor opens bridge | Daily Bugle</title>
<meta property="og:title" content="&lt;img src=x onerror=alert(1)&gt;Mayor opens bridge">
<meta property="og:site_name" content="&lt;script&gt;alert(2)&lt;/script&gt;Daily Bugle">
<meta property="og:url" content="https://bugle.example.org/2024/05/06/mayor-opens-bridge">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "<img src=x onerror=alert(1)>Mayor opens bridge",
 "author": {"@type": "Person", "name": "<svg onload=alert(3)>Jane Roe"},
 "datePublished": "2024-05-06"}</script>
</head><body><article>
<h1>&lt;img src=x onerror=alert(1)&gt;Mayor opens bridge</h1>
<figure><img src="bridge.jpg" alt="">
<figcaption>&lt;b onmouseover=alert(4)&gt;The new bridge at dawn.&lt;/b&gt;
Photo: &lt;i&gt;John Doe&lt;/i&gt;</figcaption></figure>
<p>The mayor opened the new bridge over the river on Monday, three years after work began
on it, and the first cars crossed it within the hour, city officials said.</p>
<p>"It is a great day for &lt;script&gt;alert(5)&lt;/script&gt;the whole city," Mayor
&lt;i&gt;Anna Berg&lt;/i&gt; told reporters at the opening ceremony on the eastern bank.</p>
<p>Engineer Tom Hale said the bridge would carry 20,000 cars a day. "We built it to last a
century &lt;img src=x onerror=alert(6)//," he said.</p>
</article></body></html>
"""


def strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_plain(values):
    values = list(values)
    assert values
    for value in values:
        assert "<" not in value, value  # no tag, and no '<' that could open one
        assert "alert(1)" not in value and "alert(5)" not in value, value  # inside tags, scripts


def test_plain_text_drops_tags_scripts_and_tag_openers_but_keeps_comparisons():
    assert plain_text("<img src=x onerror=alert(1)>Mayor opens bridge") == "Mayor opens bridge"
    assert plain_text("<script>alert(2)</script>Daily Bugle") == "Daily Bugle"
    assert (
        plain_text("a century <img src=x onerror=alert(6)//")
        == "a century img src=x onerror=alert(6)//"
    )
    assert plain_text("Inflation < 2% and rates > 4%") == "Inflation < 2% and rates > 4%"


def test_extraction_output_holds_no_markup():
    extracted = extract_from_text(HOSTILE_PAGE, filename="bridge.html")
    line = extracted.as_json(file="bridge.html")
    assert line["headline"] == "Mayor opens bridge"
    assert line["source"] == "Daily Bugle"
    assert "Anna Berg" in {p["name"] for p in line["people"]}
    assert all("<" not in value for value in strings(line))


@pytest.mark.django_db
def test_imported_rows_and_api_json_hold_no_markup(run_import, tmp_path, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    page = tmp_path / "bridge.html"
    page.write_text(HOSTILE_PAGE, encoding="utf-8")
    out, err, error = run_import(page, "--publish")
    assert error is None, err

    article = Article.objects.get()
    assert article.headline == "Mayor opens bridge"
    assert article.source.name == "Daily Bugle"
    stored = [article.headline, article.body, article.image_caption, article.image_credit]
    stored += [article.byline, article.source.name, *Source.objects.values_list("name", flat=True)]
    stored += list(Person.objects.values_list("name", flat=True))
    stored += list(Person.objects.values_list("role", flat=True))
    stored += list(Quote.objects.values_list("text", flat=True))
    stored += list(Quote.objects.values_list("sentence", flat=True))
    for value in stored:
        assert "<" not in value, value
    assert Quote.objects.filter(text__startswith="It is a great day for").exists()

    api = APIClient()
    for url in (
        f"/api/v1/articles/{article.slug}/",
        "/api/v1/articles/",
        "/api/v1/people/",
        "/api/v1/sources/",
        "/api/v1/quotes/",
    ):
        response = api.get(url)
        assert response.status_code == 200, url
        assert_plain(s for s in strings(response.json()) if not s.startswith("http"))
    detail = json.loads(api.get(f"/api/v1/articles/{article.slug}/").content)
    assert detail["headline"] == "Mayor opens bridge"
