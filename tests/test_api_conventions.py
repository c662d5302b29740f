"""The reader API's conventions (issue #13): parameter names, search syntax, person names,
paging, problem details. Everything here is asserted on the JSON and headers clients see."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from tests.factories import ArticleFactory, MentionFactory, PersonFactory, QuoteFactory

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


def test_people_order_by_their_kept_counts_and_page_by_cursor(api):
    quoted, named = PersonFactory(name="Quoted Often"), PersonFactory(name="Named Once")
    for n in range(3):
        article = ArticleFactory(published=True)
        MentionFactory(article=article, person=quoted)
        QuoteFactory(article=article, speaker=quoted, text=f"Words {n}")
    MentionFactory(article=ArticleFactory(published=True), person=named)
    names = [p["name"] for p in results(api.get("/api/v1/people/?ordering=-quote_count"))]
    assert names[:2] == ["Quoted Often", "Named Once"]
    page = api.get("/api/v1/people/?ordering=-article_count&page_size=1").json()
    assert page["results"][0]["name"] == "Quoted Often" and page["next_cursor"]


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


# --- problem details (RFC 9457) -------------------------------------------------------------


def test_not_found_is_a_problem_naming_what_was_missing(api):
    body = problem(api.get("/api/v1/articles/no-such-story/"), 404)
    assert body["type"] == "about:blank"
    assert body["title"] == "Not Found"
    assert body["detail"] == "No published article has the slug “no-such-story”."
    assert body["instance"] == "/api/v1/articles/no-such-story/"
    assert body["code"] == "not_found"
    body = problem(api.get("/api/v1/people/nobody/quotes/"), 404)
    assert body["detail"] == "No person in a published article has the slug “nobody”."
    assert problem(api.get("/api/v1/quotes/99999/"), 404)["detail"].endswith("the id “99999”.")


def test_unknown_paths_and_pages_past_the_end_are_problems(api):
    ArticleFactory(published=True)
    assert problem(api.get("/api/v1/nothing-here/"), 404)["code"] == "not_found"
    body = problem(api.get("/api/v1/articles/?page=3"), 404)
    assert body["parameter"] == "page"
    assert body["detail"] == "Page 3 is past the last page, 1."


def test_invalid_parameter_type_has_its_own_page(api):
    body = problem(api.get("/api/v1/articles/?page_size=0"), 400)
    assert body["title"] == "Invalid query parameter"
    assert body["errors"] == [{"parameter": "page_size", "detail": body["detail"][11:]}]
    page = api.get(body["type"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Invalid query parameter" in page.content.decode()


def test_writes_are_a_405_problem_with_allow(api):
    response = api.post("/api/v1/articles/", {"headline": "x"}, format="json")
    body = problem(response, 405)
    assert body["title"] == "Method Not Allowed"
    assert "POST" not in response["Allow"] and "GET" in response["Allow"]


def test_a_bad_token_is_a_401_problem(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api.get("/api/v1/articles/")
    assert problem(response, 401)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_database_down_is_a_503_problem_with_retry_after(api):
    from django.db import OperationalError, connection

    def unreachable(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(unreachable):  # every statement, the page's own too
        response = api.get("/api/v1/articles/")
    body = problem(response, 503)
    assert body["code"] == "service_unavailable"
    assert int(response["Retry-After"]) == body["retry_after"] > 0
    assert "no-store" in response["Cache-Control"]


# --- OPTIONS, docs ------------------------------------------------------------------------------


def test_options_advertises_no_parsers(api):
    data = api.options("/api/v1/articles/").json()
    assert data["renders"] == ["application/json"]
    assert "parses" not in data and "actions" not in data


def test_redoc_is_served_offline(api):
    response = api.get("/api/redoc/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "redoc" in page.lower()
    assert "/static/drf_spectacular_sidecar/redoc" in page
    assert "cdn." not in page and "unpkg" not in page


def test_only_article_lists_carry_security_so_swagger_shows_no_padlock_elsewhere(api):
    schema = json.loads(api.get("/api/schema/?format=json").content)
    secured = sorted(
        path
        for path, operations in schema["paths"].items()
        if any(operation.get("security") for operation in operations.values())
    )
    assert secured == ["/api/v1/articles/", "/api/v1/sources/{source_slug}/articles/"]
    assert "security" not in schema


def test_schema_documents_search_cursor_and_problem_details(api):
    schema = json.loads(api.get("/api/schema/?format=json").content)
    operation = schema["paths"]["/api/v1/articles/"]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert {"search", "q", "cursor", "page", "page_size", "fields"} <= set(names)
    assert {"type": "string", "enum": ["last"]} in names["page"]["schema"]["oneOf"]
    problem_schema = operation["responses"]["400"]["content"]["application/problem+json"]
    assert problem_schema["schema"]["$ref"].endswith("/Problem")
    body = schema["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "instance", "parameter", "errors"} <= set(body)
    page = schema["components"]["schemas"]["PaginatedArticleList"]["properties"]
    assert "next_cursor" in page
    assert "503" in operation["responses"]


# --- paging -----------------------------------------------------------------------------------


def test_page_last_is_the_last_page(api):
    made = [ArticleFactory(published=True).slug for _ in range(5)]
    data = api.get("/api/v1/articles/?page=last&page_size=2").json()
    assert (data["page"], data["pages"]) == (3, 3)
    everything = slugs(api.get("/api/v1/articles/?page_size=100"))
    assert sorted(everything) == sorted(made)
    assert [item["slug"] for item in data["results"]] == everything[4:]


def test_numbered_pages_stop_at_the_limit_but_last_is_read_from_the_end(api, monkeypatch):
    from articles import api_plumbing

    monkeypatch.setattr(api_plumbing, "MAX_NUMBERED_ITEMS", 4)
    for _ in range(7):
        ArticleFactory(published=True)
    everything = slugs(api.get("/api/v1/articles/?page_size=100"))
    body = problem(api.get("/api/v1/articles/?page=3&page_size=2"), 400)
    assert body["parameter"] == "page"
    assert "next_cursor" in body["detail"]
    last = api.get("/api/v1/articles/?page=last&page_size=2").json()
    assert last["page"] == 4
    assert [item["slug"] for item in last["results"]] == everything[6:]
    last = api.get("/api/v1/articles/?page=last&page_size=3&ordering=headline").json()
    by_headline = slugs(api.get("/api/v1/articles/?page_size=100&ordering=headline"))
    assert [item["slug"] for item in last["results"]] == by_headline[6:]


def cursor_of(link):
    return parse_qs(urlsplit(link).query)["cursor"][0]


def follow(api, url):
    """Every item reached by following ``next`` links from ``url`` (cursor mode)."""
    seen = []
    while url:
        data = api.get(url).json()
        assert "count" not in data
        seen += [item.get("slug", item.get("id")) for item in data["results"]]
        url = data["next"]
    return seen


@pytest.mark.parametrize(
    "query",
    ["", "&ordering=headline", "&ordering=-updated_at", "&ordering=published_at", "&source={}"],
)
def test_cursors_reach_every_item_once_in_order(api, query):
    when = ArticleFactory(published=True).published_at
    source = ArticleFactory(published=True, published_at=when).source
    for _ in range(6):  # equal dates: the id breaks the ties
        ArticleFactory(published=True, published_at=when, source=source)
    query = query.format(source.slug)
    everything = slugs(api.get(f"/api/v1/articles/?page_size=100{query}"))
    assert follow(api, f"/api/v1/articles/?cursor=&page_size=3{query}") == everything
    # Numbered pages hand over to cursors at any page.
    second = api.get(f"/api/v1/articles/?page=2&page_size=2{query}").json()
    assert follow(api, second["next_cursor"].removeprefix("http://testserver")) == everything[4:]


def test_cursors_page_quotes_people_and_nested_lists(api):
    article = ArticleFactory(published=True)
    for paragraph in range(5):
        QuoteFactory(article=article, paragraph=paragraph)
    for url in (
        "/api/v1/quotes/",
        "/api/v1/people/",
        f"/api/v1/articles/{article.slug}/quotes/",
        "/api/v1/quotes/?ordering=-published_at",
    ):
        separator = "&" if "?" in url else "?"
        everything = [
            item.get("slug", item.get("id"))
            for item in results(api.get(f"{url}{separator}page_size=100"))
        ]
        assert len(everything) == 5
        assert follow(api, f"{url}{separator}cursor=&page_size=2") == everything, url


def test_a_cursor_never_repeats_items_when_articles_are_added(api):
    for _ in range(4):
        ArticleFactory(published=True)
    first = api.get("/api/v1/articles/?page_size=2").json()
    ArticleFactory(published=True)  # newest: numbered page 2 would now repeat an item
    shown = [item["slug"] for item in first["results"]]
    rest = follow(api, first["next_cursor"].removeprefix("http://testserver"))
    assert len(shown + rest) == 4 == len(set(shown + rest))


@pytest.mark.parametrize(
    "query",
    [
        "cursor=&search=harvest",
        "cursor=&q=harvest",
        "cursor=&page=2",
        "cursor=not-a-cursor",
        "cursor=eyJvIjpbXX0",  # {"o":[]}: no values
    ],
)
def test_cursors_refuse_what_they_cannot_follow(api, query):
    ArticleFactory(published=True, headline="Harvest")
    assert problem(api.get(f"/api/v1/articles/?{query}"), 400)["parameter"] == "cursor"


def test_a_cursor_belongs_to_its_ordering(api):
    for _ in range(3):
        ArticleFactory(published=True)
    token = cursor_of(api.get("/api/v1/articles/?page_size=1").json()["next_cursor"])
    response = api.get(f"/api/v1/articles/?cursor={token}&ordering=headline")
    assert "another ordering" in problem(response, 400)["detail"]
    body = problem(api.get("/api/v1/quotes/?cursor=&ordering=speaker"), 400)
    assert body["parameter"] == "cursor"


def test_search_and_speaker_orderings_have_no_next_cursor(api):
    for _ in range(3):
        QuoteFactory(article=ArticleFactory(published=True, headline="Harvest"))
    assert api.get("/api/v1/articles/?search=harvest&page_size=1").json()["next_cursor"] is None
    assert api.get("/api/v1/quotes/?ordering=speaker&page_size=1").json()["next_cursor"] is None


def test_a_cursor_page_skips_the_count(api, django_assert_num_queries):
    for _ in range(3):
        QuoteFactory(article=ArticleFactory(published=True))
    token = cursor_of(api.get("/api/v1/quotes/?page_size=1").json()["next_cursor"])
    with django_assert_num_queries(1):  # the page; the numbered page also counts
        data = api.get(f"/api/v1/quotes/?cursor={token}&page_size=1").json()
    assert len(data["results"]) == 1


def test_an_unexpected_error_is_a_500_problem_under_api_only(monkeypatch, rf):
    from articles import api as api_views
    from newsroom.errors import server_error

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api_views.ArticleViewSet, "build_list", broken)
    response = APIClient(raise_request_exception=False).get("/api/v1/articles/")
    body = problem(response, 500)
    assert body["code"] == "server_error"
    assert "a bug" not in body["detail"]
    site = server_error(rf.get("/articles/"))
    assert site.status_code == 500
    assert not site["Content-Type"].startswith("application/problem+json")
