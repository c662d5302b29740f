"""The reader API's conventions (issue #13): parameter names, search syntax, person names,
paging, problem details. Everything here is asserted on the JSON and headers clients see."""

import json

import pytest
from rest_framework.test import APIClient

from tests.factories import ArticleFactory, MentionFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def api():
    return APIClient()


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return [item["slug"] for item in results(response)]


def problem(response, status):
    """The problem details of an error response (RFC 9457)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


# --- parameter names --------------------------------------------------------------------------


def test_search_is_the_search_parameter_and_q_its_alias(api):
    hit = ArticleFactory(published=True, headline="Harvest festival opens")
    ArticleFactory(published=True, headline="Budget vote delayed")
    QuoteFactory(article=hit, text="The harvest was good")
    assert slugs(api.get("/api/v1/articles/?search=harvest")) == [hit.slug]
    assert slugs(api.get("/api/v1/articles/?q=harvest")) == [hit.slug]
    assert [q["text"] for q in results(api.get("/api/v1/quotes/?search=harvest"))] == [
        "The harvest was good"
    ]


def test_search_and_its_alias_together_are_a_400(api):
    body = problem(api.get("/api/v1/articles/?search=harvest&q=budget"), 400)
    assert body["parameter"] == "q"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles/?serach=harvest",
        "/api/v1/quotes/?speakr=x",
        "/api/v1/people/?nmae=ann",
        "/api/v1/sources/?utm_source=newsletter",
        "/api/v1/articles/?page=1&cachebuster=123",
    ],
)
def test_unknown_parameter_names_are_a_400_naming_them(api, url):
    ArticleFactory(published=True)
    name = url.rsplit("&", 1)[-1].split("?")[-1].split("=")[0]
    body = problem(api.get(url), 400)
    assert body["parameter"] == name
    assert name in body["detail"]


def test_a_parameter_given_twice_is_a_400(api):
    body = problem(api.get("/api/v1/articles/?page=1&page=2"), 400)
    assert body["parameter"] == "page"


def test_format_json_is_accepted_and_other_formats_refused(api):
    ArticleFactory(published=True)
    assert len(results(api.get("/api/v1/articles/?format=json"))) == 1
    assert problem(api.get("/api/v1/articles/?format=xml"), 400)["parameter"] == "format"


def test_unknown_parameters_make_no_cache_entry_and_order_does_not_matter(api, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    ArticleFactory(published=True)
    assert api.get("/api/v1/articles/?x=1").status_code == 400
    first = api.get("/api/v1/articles/?page_size=5&fields=slug")
    assert first["X-Page-Cache"] == "miss"
    assert api.get("/api/v1/articles/?fields=slug&page_size=5")["X-Page-Cache"] == "hit"
    assert api.get("/api/v1/articles/?x=2").status_code == 400


def nested_urls():
    article = ArticleFactory(published=True)
    person = MentionFactory(article=article).person
    QuoteFactory(article=article, speaker=person)
    return {
        "{article_slug}": article.slug,
        "{person_slug}": person.slug,
        "{source_slug}": article.source.slug,
        "{slug}": article.slug,
        "{id}": "1",
    }


def test_every_documented_parameter_is_accepted_and_only_those(api):
    """The names the schema lists for each list endpoint are exactly the names it accepts."""
    values = nested_urls()
    schema = json.loads(api.get("/api/schema/?format=json").content)
    checked = 0
    for path, operations in schema["paths"].items():
        if "{slug}" in path or "{id}" in path or path == "/api/v1/":
            continue
        documented = sorted(
            p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"
        )
        url = path
        for placeholder, value in values.items():
            url = url.replace(placeholder, value)
        body = problem(api.get(url, {"no_such_parameter": "1"}), 400)
        known = body["detail"].split("This endpoint knows: ")[1].rstrip(".").split(", ")
        assert sorted(known) == documented, path
        checked += 1
    assert checked == 7


# --- orderings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people/?ordering=quote_count",
        "/api/v1/people/?ordering=-article_count",
        "/api/v1/sources/?ordering=article_count",
    ],
)
def test_orderings_by_uncounted_totals_are_refused(api, url):
    assert problem(api.get(url), 400)["parameter"] == "ordering"


def test_people_and_sources_order_by_name(api):
    article = ArticleFactory(published=True)
    for name in ("Cara Bell", "Ann Lee", "Bob Ray"):
        MentionFactory(article=article, person__name=name)
    names = [p["name"] for p in results(api.get("/api/v1/people/?ordering=-name"))]
    assert names == ["Cara Bell", "Bob Ray", "Ann Lee"]


# --- search syntax --------------------------------------------------------------------------


def test_search_excludes_a_minus_word_through_the_api(api):
    """Issue #13: on SQLite `q=Kharkiv -Kremlin` returned only the Kremlin article."""
    alone = ArticleFactory(published=True, headline="Shelling in Kharkiv")
    ArticleFactory(published=True, headline="Kremlin comments on Kharkiv")
    ArticleFactory(published=True, headline="Kremlin meeting")
    assert slugs(api.get("/api/v1/articles/", {"search": "Kharkiv -Kremlin"})) == [alone.slug]
    assert slugs(api.get("/api/v1/articles/", {"q": "Kharkiv -Kremlin"})) == [alone.slug]


# --- person names ---------------------------------------------------------------------------


@pytest.fixture
def zelenskyy_and_trumps():
    article = ArticleFactory(published=True)
    zelenskyy = MentionFactory(article=article, person__name="Volodymyr Zelenskyy").person
    donald = MentionFactory(article=article, person__name="Donald J. Trump").person
    donald.variants.create(name="The Donald")
    melania = MentionFactory(
        article=ArticleFactory(published=True), person__name="Melania Knavs"
    ).person
    melania.variants.create(name="Melania Trump")
    MentionFactory(article=article, person__name="Trumpeter Swan")
    quotes = {
        person.slug: QuoteFactory(article=article, speaker=person).pk
        for person in (zelenskyy, donald, melania)
    }
    return zelenskyy, donald, melania, quotes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("zelensky", ["Volodymyr Zelenskyy"]),  # another spelling of the surname
        ("Zelenskiy", ["Volodymyr Zelenskyy"]),
        ("volodymyr zel", ["Volodymyr Zelenskyy"]),
        ("trump", ["Donald J. Trump", "Melania Knavs", "Trumpeter Swan"]),  # word prefixes
        ("the donald", ["Donald J. Trump"]),  # a variant
        ("knavs", ["Melania Knavs"]),
        ("swan", ["Trumpeter Swan"]),
        ("putin", []),
    ],
)
def test_people_name_filter_matches_spellings_variants_and_surnames(
    api, zelenskyy_and_trumps, name, expected
):
    names = [person["name"] for person in results(api.get("/api/v1/people/", {"name": name}))]
    assert names == expected


def test_speaker_filter_takes_a_slug_a_surname_or_a_variant(api, zelenskyy_and_trumps):
    zelenskyy, donald, melania, quotes = zelenskyy_and_trumps

    def ids(speaker):
        return sorted(q["id"] for q in results(api.get("/api/v1/quotes/", {"speaker": speaker})))

    assert ids(donald.slug) == [quotes[donald.slug]]
    # Whole words: "trump" is Donald's surname and in Melania's variant, not "Trumpeter".
    assert ids("trump") == sorted([quotes[donald.slug], quotes[melania.slug]])
    assert ids("Zelensky") == [quotes[zelenskyy.slug]]
    assert ids("Melania Trump") == [quotes[melania.slug]]
    body = problem(api.get("/api/v1/quotes/", {"speaker": "putin"}), 400)
    assert body["parameter"] == "speaker"


def test_article_person_filter_takes_a_name_and_lists_an_article_once(api, zelenskyy_and_trumps):
    zelenskyy, donald, melania, quotes = zelenskyy_and_trumps
    first = zelenskyy.mentions.get().article
    MentionFactory(article=first, person=melania)
    both = results(api.get("/api/v1/articles/", {"person": "trump"}))
    # The first article names Donald and Melania, the second Melania: each listed once.
    assert len(both) == 2
    assert len({article["slug"] for article in both}) == 2
    assert len(results(api.get("/api/v1/articles/", {"person": "zelensky"}))) == 1
