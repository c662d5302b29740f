"""Lists read as plain rows (issue #12): the quote list's default page is built from
``values()`` rows by ``serializers.quote_row_data`` instead of model instances and the
serializer; the article list and home read their stored rows with ``values_list``. Each
gives the bytes (ETag, Last-Modified) of the serializer's path, after every kind of write,
and any parameter but paging goes to the serializer."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Model
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from articles import api, publishing, serializers
from articles.models import Article, Person, PersonVariant, Quote, Source
from articles.page_queries import PageQuery
from tests.factories import (
    ArticleFactory,
    MentionFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

COMPARED_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary")
QUOTE_URLS = (
    "/api/v1/quotes/",
    "/api/v1/quotes/?page=2&page_size=3",
    "/api/v1/quotes/?page=last&page_size=3",
    "/api/v1/quotes/?page_size=100",
    "/api/v1/quotes/?page=9",
    "/api/v1/quotes/?cursor=&page_size=3",
)
LIST_URLS = (
    *QUOTE_URLS,
    "/api/v1/people/",
    "/api/v1/people/?page=2&page_size=1",
    "/api/v1/people/?page=last&page_size=1",
    "/api/v1/people/?cursor=&page_size=1",
    "/api/v1/sources/",
    "/api/v1/sources/?page_size=1",
    "/api/v1/sources/?cursor=&page_size=1",
)


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}


@pytest.fixture
def quotes():
    return make_quotes()


def make_quotes():
    """Quotes of every shape a list item takes: a person or an organisation speaking, or
    no one; verified or not; said to someone; an article with no source; and quotes
    readers do not see (rejected, of a draft, of an article not yet out)."""
    source = SourceFactory(name="Harbour Gazette")
    article = ArticleFactory(published=True, source=source, headline="Ferries stop")
    other = ArticleFactory(published=True, source=None, headline="No outlet")
    ann = PersonFactory(name="Ann Lee")
    QuoteFactory(article=article, speaker=ann, said_to="reporters", state=Quote.State.VERIFIED)
    QuoteFactory(article=article, speaker=None, speaker_organization=SourceFactory())
    QuoteFactory(article=other, speaker=None, kind=Quote.Kind.PARTIAL)
    QuoteFactory(article=other, speaker=ann, paragraph=2, sentence="She said the words.")
    PersonVariant.objects.create(person=ann, name="A. Lee")
    PersonVariant.objects.create(person=ann, name="Annie Lee")
    MentionFactory(article=other, person=PersonFactory(name="Bo Ek"), role="mayor")
    QuoteFactory(article=article, state=Quote.State.REJECTED)
    QuoteFactory(article=ArticleFactory())  # a draft's
    later = ArticleFactory(published=True, published_at=timezone.now() + dt.timedelta(days=1))
    QuoteFactory(article=later)
    return {"article": article, "other": other, "ann": ann, "source": source}


@contextmanager
def by_serializer():
    """The quote, people and sources lists answered by the serializer, as before rows."""
    with (
        mock.patch.object(api.QuoteViewSet, "row_columns", None),
        mock.patch.object(api.PersonViewSet, "row_columns", None),
        mock.patch.object(api.SourceViewSet, "row_columns", None),
    ):
        yield


def served(client, urls=LIST_URLS) -> dict:
    found = {}
    for url in urls:
        response = client.get(url)
        found[url] = (response.status_code, response.content)
        found[url] += tuple(response.get(h) for h in COMPARED_HEADERS)
        if "?cursor=" in url and response.status_code == 200:
            following = response.json()["next"]
            found[url] += (client.get(following).content if following else None,)
    return found


def assert_same_as_serializer(client) -> dict:
    rows = served(client)
    with by_serializer():
        assert rows == served(client)
    assert rows["/api/v1/quotes/"][0] == 200
    return rows


def test_the_quote_list_from_rows_is_the_serializers_bytes(client, quotes):
    assert_same_as_serializer(client)
    listed = [item["text"] for item in client.get("/api/v1/quotes/").json()["results"]]
    assert len(listed) == 4  # none of the hidden ones


def test_people_and_sources_from_rows_are_the_serializers_bytes(client, quotes):
    rows = assert_same_as_serializer(client)
    people = client.get("/api/v1/people/").json()["results"]
    assert {"name": "Ann Lee", "variants": ["A. Lee", "Annie Lee"]}.items() <= {
        **next(p for p in people if p["name"] == "Ann Lee")
    }.items()
    assert b"Harbour Gazette" in rows["/api/v1/sources/"][1]


def test_the_quote_list_from_rows_builds_no_model_instance_and_no_serializer(
    client, quotes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publishing.count_public_lists()  # the kept counts read too, as rows
    with (
        mock.patch.object(Model, "from_db", side_effect=AssertionError("an instance")),
        mock.patch.object(serializers.QuoteSerializer, "__init__", side_effect=AssertionError),
        mock.patch.object(serializers.PersonSerializer, "__init__", side_effect=AssertionError),
        mock.patch.object(serializers.SourceSerializer, "__init__", side_effect=AssertionError),
    ):
        for url in LIST_URLS:
            assert client.get(url).status_code in (200, 404), url  # 404: past the last page


def test_lists_from_rows_follow_every_write(client, quotes):
    ann, article, source = quotes["ann"], quotes["article"], quotes["source"]
    before = assert_same_as_serializer(client)
    quote = Quote.objects.filter(speaker=ann).first()
    quote.text = "Edited words"
    quote.save()
    assert b"Edited words" in assert_same_as_serializer(client)["/api/v1/quotes/"][1]
    quote.state = Quote.State.REJECTED
    quote.save()
    assert b"Edited words" not in assert_same_as_serializer(client)["/api/v1/quotes/"][1]
    person = Person.objects.get(pk=ann.pk)
    person.name = "Ann Lee-Smith"
    person.save()
    assert b"Ann Lee-Smith" in assert_same_as_serializer(client)["/api/v1/quotes/"][1]
    PersonVariant.objects.create(person=person, name="Lee-Smith")
    assert b'Lee-Smith"]' in assert_same_as_serializer(client)["/api/v1/people/"][1]
    outlet = Source.objects.get(pk=source.pk)
    outlet.name = "Harbour Times"
    outlet.save()
    rows = assert_same_as_serializer(client)
    assert b"Harbour Times" in rows["/api/v1/quotes/"][1]
    assert b"Harbour Times" in rows["/api/v1/sources/"][1]
    story = Article.objects.get(pk=article.pk)
    story.headline = "Ferries run again"
    story.save()
    assert b"Ferries run again" in assert_same_as_serializer(client)["/api/v1/quotes/"][1]
    publishing.unpublish(articles=[Article.objects.get(pk=article.pk)])
    after = assert_same_as_serializer(client)
    assert b"Ferries run again" not in after["/api/v1/quotes/"][1]
    assert after != before


def test_parameters_but_paging_go_to_the_serializer(client, quotes):
    built = []
    real = serializers.quote_row_data

    def counting(row, request):
        built.append(row["pk"])
        return real(row, request)

    with mock.patch.object(api, "quote_row_data", counting):
        for query in ("fields=id,text", "q=words", "kind=full", "ordering=-published_at"):
            assert client.get(f"/api/v1/quotes/?{query}").status_code == 200, query
        assert built == []
        for url in QUOTE_URLS[:4]:
            assert client.get(url).status_code == 200
        assert built
    from_rows, real_rows = [], api.ReaderViewSetMixin.build_list_from_rows

    def counting_rows(view):
        from_rows.append(type(view).__name__)
        return real_rows(view)

    with mock.patch.object(api.ReaderViewSetMixin, "build_list_from_rows", counting_rows):
        for endpoint, query in (
            ("people", "name=ann"),
            ("people", "fields=name"),
            ("sources", "name=h"),
        ):
            assert client.get(f"/api/v1/{endpoint}/?{query}").status_code == 200, query
        assert from_rows == []
        assert client.get("/api/v1/people/?page_size=2").status_code == 200
        assert client.get("/api/v1/sources/?page_size=2").status_code == 200
        assert from_rows == ["PersonViewSet", "SourceViewSet"]


@pytest.mark.parametrize("n", [3, 30])
def test_lists_from_rows_run_constant_queries(
    client, django_assert_num_queries, django_capture_on_commit_callbacks, n
):
    with django_capture_on_commit_callbacks(execute=True):  # the lists counted at commit
        article = ArticleFactory(published=True)
        QuoteFactory.create_batch(n, article=article, state=Quote.State.VERIFIED)
        for person in Person.objects.all():
            PersonVariant.objects.create(person=person, name=f"{person.name} II")
    # The kept count, the page and (people) their variants.
    for url, queries in (("/api/v1/people/?page_size=100", 3), ("/api/v1/sources/", 2)):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    # The kept count and the page; by cursor, no count.
    for url, queries in (("/api/v1/quotes/", 2), ("/?page_size=100", 2), ("/?cursor=", 1)):
        with django_assert_num_queries(queries):
            assert client.get(url.replace("/?", "/api/v1/quotes/?")).status_code == 200


def test_article_lists_of_stored_rows_build_no_model_instance(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            ArticleFactory(published=True, slug=f"s-{i}")
    with mock.patch.object(Model, "from_db", side_effect=AssertionError("an instance")):
        for url in ("/", "/?page=1", "/api/v1/articles/", "/api/v1/articles/?cursor="):
            assert client.get(url).status_code == 200, url


# --- pages read by SQL compiled once (articles.page_queries) ---------------------------------

PAGED_URLS = (
    "/",
    "/?page=last",
    "/api/v1/articles/",
    "/api/v1/articles/?page=2&page_size=1",
    "/api/v1/quotes/",
    "/api/v1/quotes/?page=2&page_size=2",
    "/api/v1/people/",
    "/api/v1/sources/?page_size=1",
)


@contextmanager
def by_orm():
    """Every list's page read by its queryset, built and compiled per request, as before."""

    def orm_rows(self, window):
        return list(self.page(self.queryset(), window))

    with mock.patch.object(PageQuery, "rows", orm_rows):
        yield


@pytest.fixture
def listed(django_capture_on_commit_callbacks):
    """The quotes above and a few more articles, every list's count kept (counted at
    commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        quotes = make_quotes()
        for i in range(3):
            ArticleFactory(published=True, slug=f"listed-{i}", headline=f"Listed {i}")
    return quotes


def test_compiled_pages_are_the_bytes_the_orm_reads(client, listed):
    urls = (*PAGED_URLS, *LIST_URLS, "/?page=2", "/api/v1/articles/?cursor=&page_size=2")
    compiled = served(client, urls)
    with by_orm():
        assert served(client, urls) == compiled
    assert {url for url, found in compiled.items() if found[0] != 200} == {
        "/?page=2",
        "/api/v1/quotes/?page=9",
    }
    assert b"Listed 2" in compiled["/api/v1/articles/"][1] and b"Listed 2" in compiled["/"][1]


def test_list_pages_build_and_compile_no_query_per_request(client, listed):
    for url in PAGED_URLS:
        assert client.get(url).status_code == 200, url  # compiled on the first request
    compiled = []
    real = SQLCompiler.as_sql

    def recording(self, *args, **kwargs):
        compiled.append(self.query.model)
        return real(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", recording):
        for url in PAGED_URLS:
            assert client.get(url).status_code == 200, url
        assert compiled == []  # the people's variants too: compiled once per number of ids
        with by_orm():
            assert client.get("/api/v1/quotes/").status_code == 200
        assert Quote in compiled


def test_a_compiled_page_reads_each_requests_time(
    client, listed, django_capture_on_commit_callbacks
):
    for url in PAGED_URLS:
        client.get(url)  # compiled before the article's time comes
    at = timezone.now() + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(published=True, published_at=at, headline="Scheduled news")
        QuoteFactory(article=article, text="Words said later", state=Quote.State.VERIFIED)
    for url in ("/", "/api/v1/articles/", "/api/v1/quotes/"):
        assert b"Scheduled news" not in client.get(url).content, url
    with mock.patch("django.utils.timezone.now", return_value=at + dt.timedelta(minutes=1)):
        for url in ("/", "/api/v1/articles/", "/api/v1/quotes/"):
            assert b"Scheduled news" in client.get(url).content, url
        assert b"Words said later" in client.get("/api/v1/quotes/").content


def test_a_changed_floor_compiles_the_pages_again(client, listed, settings):
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0
    QuoteFactory(article=listed["article"], confidence=0.1, text="Unsure words")
    assert b"Unsure words" in client.get("/api/v1/quotes/").content  # compiled with no floor
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0.6
    assert b"Unsure words" not in client.get("/api/v1/quotes/").content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_page_queries_are_prepared_with_the_time_their_one_parameter(client, listed):
    for _ in range(8):
        for url in PAGED_URLS:
            assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, parameter_types::text[], generic_plans + custom_plans"
            " FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "articles_quote"%'],
        )
        prepared = cursor.fetchall()  # one per window: page 1 of 20, page 2 of 2
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ['%FROM "articles_publiccount"%'],
        )
        ((counted,),) = cursor.fetchall()
    assert counted >= 8 * len(PAGED_URLS)  # the kept count's lookup, every list
    assert len(prepared) >= 2 and min(runs for *_, runs in prepared) >= 8  # prepared once
    for statement, types, _ in prepared:
        # The rule's constants written in: the time (of the page and of its ids) the only
        # parameter.
        assert set(types) == {"timestamp with time zone"}, types
        assert "'rejected'" in statement and "$1" in statement
