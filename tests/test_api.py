"""The reader API under /api/v1/: visibility, shapes, filters, paging, caching, errors."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from articles.models import Article, Quote
from articles.signals import public_cache_version
from tests.factories import (
    ArticleFactory,
    MentionFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Most tests look at fresh responses; test_public_responses_are_cached turns it on."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def api():
    return APIClient()


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return [item["slug"] for item in results(response)]


def assert_error(response, status, code=None):
    """An error is problem details (RFC 9457) with our machine-readable ``code``."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    error = json.loads(response.content)
    assert error["status"] == status
    assert error["title"] and error["detail"] and error["type"]
    if code:
        assert error["code"] == code
    return error


# --- visibility ---------------------------------------------------------------------------


def test_readers_see_only_published_articles_whose_time_has_come(api):
    shown = ArticleFactory(published=True)
    ArticleFactory()  # draft
    ArticleFactory(
        status=Article.Status.PUBLISHED, published_at=timezone.now() + dt.timedelta(days=1)
    )
    assert slugs(api.get("/api/v1/articles/")) == [shown.slug]


def test_draft_detail_is_a_json_404(api):
    draft = ArticleFactory()
    assert_error(api.get(f"/api/v1/articles/{draft.slug}/"), 404, "not_found")


def test_article_detail_carries_source_people_quotes_and_absolute_urls(api):
    article = ArticleFactory(published=True, body="One.\n\nTwo.")
    MentionFactory(article=article, person__name="Ann Lee", role="foreign minister")
    quote = QuoteFactory(article=article, text="We will talk.", kind=Quote.Kind.FULL)
    QuoteFactory(article=article, state=Quote.State.REJECTED)

    data = api.get(f"/api/v1/articles/{article.slug}/").json()

    assert data["source"]["slug"] == article.source.slug
    assert data["people"][0]["name"] == "Ann Lee"
    assert data["people"][0]["role"] == "foreign minister"
    assert [q["text"] for q in data["quotes"]] == ["We will talk."]
    assert data["quotes"][0]["speaker"]["slug"] == quote.speaker.slug
    assert data["quotes"][0]["kind"] == "full"
    assert data["paragraphs"] == ["One.", "Two."]
    assert data["url"] == "http://testserver" + article.get_absolute_url()
    assert data["api_url"] == f"http://testserver/api/v1/articles/{article.slug}/"


def test_quotes_exclude_rejected_ones_and_those_of_unpublished_articles(api):
    shown = QuoteFactory(article=ArticleFactory(published=True))
    QuoteFactory(article=shown.article, state=Quote.State.REJECTED)
    QuoteFactory(article=ArticleFactory())
    data = results(api.get("/api/v1/quotes/"))
    assert [q["id"] for q in data] == [shown.pk]
    assert data[0]["article"]["slug"] == shown.article.slug
    assert data[0]["source"]["slug"] == shown.article.source.slug
    assert data[0]["speaker"]["type"] == "person"


def test_people_and_sources_are_those_of_published_articles(api):
    published = ArticleFactory(published=True)
    draft = ArticleFactory()
    seen = MentionFactory(article=published).person
    MentionFactory(article=draft)
    speaker = QuoteFactory(article=published).speaker
    QuoteFactory(article=published, state=Quote.State.REJECTED)  # its speaker stays hidden

    assert sorted(slugs(api.get("/api/v1/people/"))) == sorted([seen.slug, speaker.slug])
    assert slugs(api.get("/api/v1/sources/")) == [published.source.slug]
    assert_error(api.get(f"/api/v1/sources/{draft.source.slug}/"), 404)


def test_person_carries_variants_counts_and_quotes_link(api):
    article = ArticleFactory(published=True)
    person = MentionFactory(article=article).person
    person.variants.create(name="Ann")
    QuoteFactory(article=article, speaker=person)
    QuoteFactory(article=ArticleFactory(), speaker=person)  # unpublished: not counted

    data = api.get(f"/api/v1/people/{person.slug}/").json()

    assert data["variants"] == ["Ann"]
    assert (data["quote_count"], data["article_count"]) == (1, 1)
    assert data["quotes_url"] == f"http://testserver/api/v1/people/{person.slug}/quotes/"


def test_staff_may_list_drafts_with_status_by_session_or_token(api, editor):
    draft = ArticleFactory()
    ArticleFactory(published=True)

    api.force_login(editor)
    assert slugs(api.get("/api/v1/articles/?status=draft")) == [draft.slug]
    api.logout()

    _, key = AuthToken.objects.create(user=editor)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/articles/?status=draft")
    assert slugs(response) == [draft.slug]
    assert "no-store" in response["Cache-Control"]


def test_readers_may_not_list_drafts(api):
    ArticleFactory()
    assert_error(api.get("/api/v1/articles/?status=draft"), 403, "permission_denied")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("detail", [False, True])
def test_writes_answer_405_and_change_nothing(api, editor, method, detail):
    article = ArticleFactory(published=True, headline="Original")
    api.force_login(editor)  # a session without a CSRF token: still 405, not 403
    url = f"/api/v1/articles/{article.slug}/" if detail else "/api/v1/articles/"
    response = getattr(api, method)(url, {"headline": "Changed"}, format="json")
    assert_error(response, 405, "method_not_allowed")
    article.refresh_from_db()
    assert article.headline == "Original"
    assert Article.objects.count() == 1


# --- filters, search, ordering, paging, fields --------------------------------------------


def test_articles_filter_by_source_person_dates_and_quotes(api):
    now = timezone.now()
    old = ArticleFactory(published=True, published_at=now - dt.timedelta(days=10))
    new = ArticleFactory(published=True)
    person = MentionFactory(article=old).person
    QuoteFactory(article=new)

    assert slugs(api.get(f"/api/v1/articles/?source={old.source.slug}")) == [old.slug]
    assert slugs(api.get(f"/api/v1/articles/?person={person.slug}")) == [old.slug]
    day = (now - dt.timedelta(days=5)).date().isoformat()
    assert slugs(api.get(f"/api/v1/articles/?published_to={day}")) == [old.slug]
    assert slugs(api.get(f"/api/v1/articles/?published_from={day}")) == [new.slug]
    assert slugs(api.get("/api/v1/articles/?has_quotes=true")) == [new.slug]
    assert slugs(api.get("/api/v1/articles/?has_quotes=false")) == [old.slug]


def test_quotes_filter_by_speaker_kind_article_and_source(api):
    article = ArticleFactory(published=True)
    full = QuoteFactory(article=article, kind=Quote.Kind.FULL)
    partial = QuoteFactory(article=ArticleFactory(published=True), kind=Quote.Kind.PARTIAL)

    def ids(query):
        return [q["id"] for q in results(api.get(f"/api/v1/quotes/?{query}"))]

    assert ids(f"speaker={full.speaker.slug}") == [full.pk]
    assert ids("kind=partial") == [partial.pk]
    assert ids(f"article={article.slug}") == [full.pk]
    assert ids(f"source={partial.article.source.slug}") == [partial.pk]


def test_people_filter_by_name_prefix_and_role(api):
    article = ArticleFactory(published=True)
    ann = MentionFactory(article=article, person__name="Ann Lee", person__role="minister").person
    MentionFactory(article=article, person__name="Bob Ray", person__role="mayor")
    assert slugs(api.get("/api/v1/people/?name=an")) == [ann.slug]
    assert slugs(api.get("/api/v1/people/?role=minis")) == [ann.slug]


def test_search_finds_articles_and_quotes(api):
    hit = ArticleFactory(published=True, headline="Harvest festival opens")
    ArticleFactory(published=True, headline="Budget vote delayed")
    QuoteFactory(article=hit, text="The harvest was good")
    assert slugs(api.get("/api/v1/articles/?q=harvest")) == [hit.slug]
    assert [q["text"] for q in results(api.get("/api/v1/quotes/?q=harvest"))] == [
        "The harvest was good"
    ]


def test_ordering_and_pages_are_stable_and_complete(api):
    when = timezone.now() - dt.timedelta(hours=2)
    made = {ArticleFactory(published=True, published_at=when).slug for _ in range(7)}
    seen = []
    for page in (1, 2, 3):
        response = api.get(f"/api/v1/articles/?ordering=published_at&page_size=3&page={page}")
        seen += slugs(response)
    assert sorted(seen) == sorted(made)
    assert response.json()["pages"] == 3
    ordered = slugs(api.get("/api/v1/articles/?ordering=-headline&page_size=100"))
    assert ordered == sorted(ordered, reverse=True)


def test_page_size_up_to_100(api):
    ArticleFactory.create_batch(3, published=True)
    data = api.get("/api/v1/articles/?page_size=100").json()
    assert data["page_size"] == 100
    assert len(data["results"]) == 3


def test_sparse_fields_return_only_those_fields(api):
    ArticleFactory(published=True)
    item = results(api.get("/api/v1/articles/?fields=headline,slug,published_at"))[0]
    assert set(item) == {"headline", "slug", "published_at"}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("source=no-such-source", "source"),
        ("person=nobody", "person"),
        ("published_from=2024-13-45", "published_from"),
        ("published_to=yesterday", "published_to"),
        ("has_quotes=maybe", "has_quotes"),
        ("ordering=password", "ordering"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=99999999999999999999", "page_size"),
        ("q=%27%3B%20--", "q"),
        ("q=.*%5B(%3F", "q"),
        ("q=" + "a" * 201, "q"),
        ("source=%00", "source"),
        ("fields=headline,password", "fields"),
        ("status=nonsense", "status"),
    ],
)
def test_bad_query_parameters_answer_400_naming_the_parameter(api, query, parameter):
    ArticleFactory(published=True)
    error = assert_error(api.get(f"/api/v1/articles/?{query}"), 400, "invalid")
    assert error["parameter"] == parameter
    assert [e["parameter"] for e in error["errors"]] == [parameter]
    assert parameter in error["detail"]
    assert error["type"] == "http://testserver/api/problems/invalid-parameter/"


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE articles_article; --", "50% off_", r"a\b", "(x|y)*", "O'Brien"]
)
def test_search_with_metacharacters_is_safe(api, query):
    ArticleFactory(published=True, headline="O'Brien speaks")
    response = api.get("/api/v1/articles/", {"q": query})
    assert response.status_code == 200
    assert Article.objects.count() == 1


def test_page_past_the_end_is_a_404(api):
    ArticleFactory(published=True)
    assert_error(api.get("/api/v1/articles/?page=2"), 404, "not_found")


# --- nested lists ---------------------------------------------------------------------------


def test_nested_lists(api):
    article = ArticleFactory(published=True)
    quote = QuoteFactory(article=article)
    QuoteFactory(article=ArticleFactory(published=True))
    speaker = quote.speaker

    person_quotes = results(api.get(f"/api/v1/people/{speaker.slug}/quotes/"))
    article_quotes = results(api.get(f"/api/v1/articles/{article.slug}/quotes/"))
    source_articles = slugs(api.get(f"/api/v1/sources/{article.source.slug}/articles/"))

    assert [q["id"] for q in person_quotes] == [quote.pk]
    assert [q["id"] for q in article_quotes] == [quote.pk]
    assert source_articles == [article.slug]


def test_nested_lists_of_hidden_parents_are_404(api):
    draft = ArticleFactory()
    hidden = PersonFactory()
    assert_error(api.get(f"/api/v1/articles/{draft.slug}/quotes/"), 404)
    assert_error(api.get(f"/api/v1/people/{hidden.slug}/quotes/"), 404)
    assert_error(api.get(f"/api/v1/sources/{draft.source.slug}/articles/"), 404)


# --- HTTP: caching, errors, rate limit, CORS ----------------------------------------------


def test_etag_answers_304_and_changes_with_the_content(api):
    article = ArticleFactory(published=True)
    first = api.get("/api/v1/articles/")
    assert first["Cache-Control"] == "public, max-age=60"
    etag = first["ETag"]

    again = api.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag

    # A save (an update() must call refresh_public_state: the list is of stored rows).
    article.headline = "New words"
    article.save()
    assert api.get("/api/v1/articles/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_last_modified_answers_304(api):
    article = ArticleFactory(published=True)
    first = api.get(f"/api/v1/articles/{article.slug}/")
    modified = first["Last-Modified"]
    assert (
        api.get(f"/api/v1/articles/{article.slug}/", HTTP_IF_MODIFIED_SINCE=modified).status_code
        == 304
    )
    Article.objects.filter(pk=article.pk).update(
        headline="Later", updated_at=timezone.now() + dt.timedelta(minutes=1)
    )
    assert (
        api.get(f"/api/v1/articles/{article.slug}/", HTTP_IF_MODIFIED_SINCE=modified).status_code
        == 200
    )


def test_anonymous_rate_limit_answers_429_with_retry_after(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    for _ in range(3):
        assert api.get("/api/v1/sources/").status_code == 200
    response = api.get("/api/v1/sources/")
    error = assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert error["retry_after"] == int(response["Retry-After"])


def test_unknown_api_path_is_a_json_404(api):
    assert_error(api.get("/api/v1/nothing-here/"), 404, "not_found")


def test_cors_allows_get_from_any_origin(api):
    ArticleFactory(published=True)
    response = api.get("/api/v1/articles/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = api.options(
        "/api/v1/articles/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_api_root_lists_the_resources(api):
    data = api.get("/api/v1/").json()
    assert set(data) == {"articles", "people", "quotes", "sources"}


# --- queries --------------------------------------------------------------------------------


def make_rows(n):
    source = SourceFactory()
    for _ in range(n):
        article = ArticleFactory(published=True, source=source, headline="A headline")
        person = MentionFactory(article=article).person
        person.variants.create(name=f"Variant {person.pk}")
        QuoteFactory(article=article, speaker=person, text="Some words.")
        QuoteFactory(
            article=article,
            speaker=None,
            speaker_organization=source,
            text="More words.",
            start=10_000,
        )
    return source, article, person


LIST_URLS = [
    # Unfiltered lists read their count as kept on write (articles.models.PublicCount).
    ("/api/v1/articles/", 2),  # kept count, page of stored rows (articles.fragments)
    ("/api/v1/articles/?expand=people,quotes", 4),  # kept count, page, mentions+people, quotes
    ("/api/v1/articles/?q=headline", 4),  # + the newest matches' ids (articles.search)
    ("/api/v1/quotes/", 2),  # kept count, page (article, source, speaker joined)
    ("/api/v1/quotes/?q=words", 3),  # + the newest matches' ids
    ("/api/v1/people/", 3),  # kept count, page (counts on the rows), variants
    ("/api/v1/people/?ordering=-quote_count", 3),
    ("/api/v1/sources/", 2),  # kept count, page (counts on the rows)
    ("/api/v1/people/{person}/quotes/", 3),  # + the person
    ("/api/v1/articles/{article}/quotes/", 3),  # + the article
    ("/api/v1/sources/{source}/articles/", 4),  # + the source
]


@pytest.mark.parametrize(("url", "queries"), LIST_URLS)
@pytest.mark.parametrize(("n", "page_size"), [(3, 2), (3, 100), (30, 2), (30, 100)])
def test_list_endpoints_run_a_constant_number_of_queries(
    api, django_assert_num_queries, django_capture_on_commit_callbacks, url, queries, n, page_size
):
    """The same queries whatever the page size and the number of rows behind it."""
    with django_capture_on_commit_callbacks(execute=True):  # the lists counted at commit
        source, article, person = make_rows(n)
    url = url.format(source=source.slug, article=article.slug, person=person.slug)
    separator = "&" if "?" in url else "?"
    public_cache_version()  # the cache's state, as every process has it after its first request
    with django_assert_num_queries(queries):
        response = api.get(f"{url}{separator}page_size={page_size}")
    assert response.status_code == 200
    assert response.json()["count"] >= 1


def test_public_responses_are_cached_until_readers_content_changes(
    api, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    article = ArticleFactory(published=True, headline="First words")
    assert api.get("/api/v1/articles/")["X-Page-Cache"] == "miss"
    hit = api.get("/api/v1/articles/")
    assert hit["X-Page-Cache"] == "hit"
    assert results(hit)[0]["headline"] == "First words"

    article.headline = "Second words"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()  # the signals bump the cache version on commit

    fresh = api.get("/api/v1/articles/")
    assert results(fresh)[0]["headline"] == "Second words"


def test_dates_at_the_ends_of_the_calendar_are_answered(api):
    article = ArticleFactory(published=True)
    assert slugs(api.get("/api/v1/articles/?published_from=0001-01-01")) == [article.slug]
    assert slugs(api.get("/api/v1/articles/?published_to=0001-01-01")) == []
    assert slugs(api.get("/api/v1/articles/?published_to=9999-12-31")) == [article.slug]
    assert slugs(api.get("/api/v1/articles/?published_from=9999-12-31")) == []
