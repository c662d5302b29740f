"""Bulk inserts of plain rows (articles.bulk_rows): COPY on PostgreSQL stores what
``bulk_create`` stores, returns the new ids, and a failing COPY leaves nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.bulk_rows import insert_rows
from articles.importing import CREATED, FAILED, Importer, _Session
from articles.models import Article, LeadImage, Mention, Person, Quote, Shingle
from tests.factories import ArticleFactory, PersonFactory
from tests.test_importing import copies

pytestmark = pytest.mark.django_db

# Values COPY's text format must escape (tabs, newlines, backslashes, \N, quotes) or that
# a field prepares (CRLF in a LineTextField, JSON).
TRICKY = 'tab\there, "quoted" \\N back\\slash\nnew line, ünïcode “curly” — \\.'
WHEN = dt.datetime(2024, 3, 5, 12, 30, 15, 123456, tzinfo=dt.UTC)


def stored(model, pks):
    """Every column of the rows ``pks`` but the key and the times the database sets."""
    skip = {model._meta.pk.attname, "created_at", "updated_at"}
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
    return list(model.objects.filter(pk__in=pks).order_by("pk").values_list(*names))


def rows_of(article, person):
    """Rows of the tables the importer copies into, with awkward values in every column."""
    return {
        Article: [
            {
                "headline": TRICKY,
                "slug": f"tricky-{i}",
                "body": "One.\r\n\r\nTwo.\rThree " + TRICKY,
                "url": f"https://example.org/{i}",
                "import_key": f"https://example.org/{i}" if i else None,
                "content_hash": "ab" * 32,
                "published_at": WHEN if i else None,
                "related_links": [{"title": TRICKY, "url": "https://example.org/x"}],
                "flags": ["possible_version"] if i else [],
                "imported_hashes": ["ab" * 32],
                "extracted": {"headline": TRICKY, "nested": {"n": [1, 2.5, None, True]}},
                "raw_input": TRICKY + "\r\n",
                "imported_at": WHEN,
            }
            for i in range(3)
        ],
        Person: [
            {
                "name": name,
                "name_key": name.lower(),
                "slug": f"tricky-person-{i}",
                "role": TRICKY,
                "extracted": {"name": name, "role": TRICKY},
                "import_run_id": None,
            }
            for i, name in enumerate(["Jane Roe", "Jean-Luc D'Arcy", "Zoë \\ Tab\tName"])
        ],
        Quote: [
            {
                "article_id": article.pk,
                "text": f"Quote {i}\r\nsecond line " + TRICKY,
                "speaker_id": person.pk if i else None,
                "speaker_organization_id": None,
                "kind": Quote.Kind.PARTIAL if i else Quote.Kind.FULL,
                "paragraph": i,
                "start": 10 * i,
                "end": 10 * i + 7,
                "sentence": "The sentence\r" + TRICKY,
                "said_to": "",
                "cue": "said",
                "rule": "speaker.after",
                "confidence": [None, 0.1, 1 / 3][i],
                "resolved_from": TRICKY,
                "source_description": "",
                "extracted": {"text": TRICKY, "confidence": 1 / 3},
                "import_run_id": None,
            }
            for i in range(3)
        ],
        Mention: [
            {
                "article_id": article.pk,
                "person_id": person.pk,
                "role": TRICKY,
                "extracted": {"role": TRICKY},
                "rule": "people.title",
                "evidence": TRICKY,
                "confidence": 0.75,
            }
        ],
        Shingle: [{"article_id": article.pk, "value": v} for v in (-(2**63), 0, 2**63 - 1)],
    }


@pytest.mark.parametrize("model", [Article, Person, Quote, Mention, Shingle])
def test_insert_rows_stores_what_bulk_create_stores(model):
    article, person = ArticleFactory(), PersonFactory()
    rows = rows_of(article, person)[model]
    made = model.objects.bulk_create([model(**row) for row in rows])
    expected = stored(model, [obj.pk for obj in made])
    model.objects.filter(pk__in=[obj.pk for obj in made]).delete()

    ids = insert_rows(model, rows, with_ids=True)

    assert stored(model, ids) == expected
    assert len(set(ids)) == len(rows)


def test_insert_rows_returns_each_rows_id_in_order():
    rows = rows_of(ArticleFactory(), PersonFactory())[Person]
    ids = insert_rows(Person, list(reversed(rows)), with_ids=True)
    assert [Person.objects.get(pk=pk).slug for pk in ids] == [r["slug"] for r in reversed(rows)]
    assert ids == sorted(ids)
    # The table's own numbering goes on after them.
    assert PersonFactory().pk > max(ids)


def test_columns_a_row_leaves_out_get_what_bulk_create_gives():
    article = ArticleFactory()
    before = Quote.objects.count()
    insert_rows(Quote, [{"article_id": article.pk, "text": "Hello", "start": 3}])
    quote = Quote.objects.get()
    assert Quote.objects.count() == before + 1
    assert (quote.state, quote.version, quote.kind, quote.extracted) == (
        "unreviewed",
        1,
        "full",
        {},
    )
    assert quote.public_at is None
    assert quote.created_at is not None and quote.updated_at is not None


def test_a_failing_copy_raises_djangos_error_and_its_transaction_writes_nothing():
    article = ArticleFactory()
    place = {"article_id": article.pk, "paragraph": 0, "start": 0}
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Shingle, [{"article_id": article.pk, "value": 1}])
        insert_rows(Quote, [{**place, "text": "One"}, {**place, "text": "Two"}])
    assert not Shingle.objects.exists()
    assert not Quote.objects.exists()


def test_a_copy_is_counted_with_the_queries():
    article = ArticleFactory()
    with CaptureQueriesContext(connection) as queries:
        insert_rows(Shingle, [{"article_id": article.pk, "value": v} for v in range(5)])
    assert len(queries) == 1


def test_a_field_copy_cannot_write_is_refused():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the rows go through bulk_create")
    with pytest.raises(TypeError, match="ImageField"):
        insert_rows(LeadImage, [{"alt": "A photo"}])


def test_a_batch_refused_in_the_middle_of_its_inserts_is_written_again_file_by_file(
    seeds_dir, tmp_path, monkeypatch
):
    """One file's quotes clash in the database (two at one place): the batch's inserts up
    to there are rolled back, and the files are written one by one, that one failing."""
    files = copies(seeds_dir, tmp_path, 6)
    real = _Session.new_quotes

    def clashing_quotes(self, article_id, extracted, people):
        quotes = real(self, article_id, extracted, people)
        if extracted.page.original_url.endswith("/copy-3"):
            quotes.append({**quotes[0], "text": "Another quote at the same place"})
        return quotes

    monkeypatch.setattr(_Session, "new_quotes", clashing_quotes)
    results = list(Importer().import_paths(files, workers=0))

    assert [r.outcome for r in results] == [CREATED] * 3 + [FAILED] + [CREATED] * 2
    assert "IntegrityError" in results[3].error
    assert Article.objects.count() == 5
    assert not Article.objects.filter(url__endswith="/copy-3").exists()
    created = [r.article_id for r in results if r.outcome == CREATED]
    assert set(Shingle.objects.values_list("article_id", flat=True)) == set(created)
    assert set(Quote.objects.values_list("article_id", flat=True)) == set(created)
    assert set(Mention.objects.values_list("article_id", flat=True)) == set(created)
