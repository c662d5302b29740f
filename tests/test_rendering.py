"""The API's orjson renderer writes the bytes DRF's JSONRenderer writes (articles.rendering)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from articles.rendering import FastJSONRenderer
from tests.factories import ArticleFactory, QuoteFactory

SAMPLES = [
    {"text": "Kyiv — «quoted» 'words' \"and\" \\ back\nslash", "n": 3, "none": None, "ok": True},
    [{"line": "separators \u2028 and \u2029 stay escaped"}, [], {}],
    {"error": {"message": gettext_lazy("This field is required."), "amount": Decimal("1.50")}},
    {"when": dt.datetime(2024, 7, 17, 10, 30, tzinfo=dt.UTC), "day": dt.date(2024, 7, 17)},
    {
        "when": dt.datetime(
            2024, 7, 17, 10, 30, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=3))
        )
    },
    {"emoji": "🙂", "big": 2**40, "float": 1.5},
]


@pytest.mark.parametrize("data", SAMPLES)
def test_the_same_bytes_as_drf(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


@pytest.mark.django_db
def test_api_responses_are_rendered_by_it():
    QuoteFactory(article=ArticleFactory(published=True), text="Line\u2028break")
    response = APIClient().get("/api/v1/quotes/")
    assert isinstance(response.accepted_renderer, FastJSONRenderer)
    assert b"Line\\u2028break" in response.content
    assert response.json()["results"][0]["text"] == "Line\u2028break"


@pytest.mark.django_db
def test_quotes_built_as_dicts_equal_drfs_representation():
    from articles.api import quotes_queryset
    from articles.serializers import QuoteSerializer
    from tests.factories import SourceFactory

    article = ArticleFactory(published=True)
    QuoteFactory(article=article, said_to="reporters", state="verified")
    QuoteFactory(article=article, speaker=None, speaker_organization=SourceFactory())
    QuoteFactory(article=ArticleFactory(published=True, source=None), speaker=None)
    request = APIClient().get("/api/v1/").wsgi_request
    quotes = list(quotes_queryset())
    assert len(quotes) == 3
    for fields in (None, ["id", "article", "source"]):
        serializer = QuoteSerializer(context={"request": request}, fields=fields)
        for quote in quotes:
            built = serializer.to_representation(quote)
            assert built == serializer.drf_representation(quote)
            assert list(built) == list(serializer.drf_representation(quote))
    # A list's default page, read as rows (articles.serializers.quote_row_data).
    from articles.api import quote_changed_at
    from articles.serializers import QUOTE_ROW_COLUMNS, quote_row_changed_at, quote_row_data

    rows = {row["pk"]: row for row in quotes_queryset().values(*QUOTE_ROW_COLUMNS)}
    serializer = QuoteSerializer(context={"request": request})
    for quote in quotes:
        built = quote_row_data(rows[quote.pk], request)
        assert built == serializer.drf_representation(quote)
        assert list(built) == list(serializer.drf_representation(quote))
        assert quote_row_changed_at(rows[quote.pk]) == quote_changed_at(quote)


@pytest.mark.django_db
def test_people_and_sources_built_as_dicts_equal_drfs_representation():
    from articles.api import people_queryset, sources_queryset
    from articles.models import PersonVariant
    from articles.serializers import PersonSerializer, SourceSerializer
    from tests.factories import MentionFactory, PersonFactory, SourceFactory

    article = ArticleFactory(published=True, source=SourceFactory(homepage="https://a.example"))
    ann = PersonFactory(name="Ann Lee", role="Minister")
    PersonVariant.objects.create(person=ann, name="A. Lee")
    MentionFactory(article=article, person=ann, role="spokeswoman")
    QuoteFactory(article=article, speaker=ann)
    QuoteFactory(article=article, speaker=None, speaker_organization=SourceFactory(kind="agency"))
    MentionFactory(article=article, person=PersonFactory(name="Bob Roe"))
    request = APIClient().get("/api/v1/").wsgi_request
    cases = [
        (PersonSerializer, list(people_queryset()), ["slug", "variants", "url"]),
        (SourceSerializer, list(sources_queryset()), ["name", "homepage", "articles_url"]),
    ]
    for serializer_class, rows, some in cases:
        assert len(rows) == 2
        for fields in (None, some):
            serializer = serializer_class(context={"request": request}, fields=fields)
            for row in rows:
                built = serializer.to_representation(row)
                assert built == serializer.drf_representation(row)
                assert list(built) == list(serializer.drf_representation(row))
    # A list's default page, read as rows (articles.serializers.person_row_data...).
    from articles.serializers import (
        PERSON_ROW_COLUMNS,
        SOURCE_ROW_COLUMNS,
        person_row_data,
        source_row_data,
    )

    people = {row["pk"]: row for row in people_queryset().values(*PERSON_ROW_COLUMNS)}
    serializer = PersonSerializer(context={"request": request})
    for person in cases[0][1]:
        names = [variant.name for variant in person.variants.all()]
        built = person_row_data(people[person.pk], names, request)
        assert built == serializer.drf_representation(person)
        assert list(built) == list(serializer.drf_representation(person))
    sources = {row["pk"]: row for row in sources_queryset().values(*SOURCE_ROW_COLUMNS)}
    serializer = SourceSerializer(context={"request": request})
    for source in cases[1][1]:
        built = source_row_data(sources[source.pk], request)
        assert built == serializer.drf_representation(source)
        assert list(built) == list(serializer.drf_representation(source))
    # Each list's page is made of them.
    assert APIClient().get("/api/v1/people/").json()["results"][0]["variants"] == ["A. Lee"]
