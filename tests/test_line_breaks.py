"""Line breaks are "\n" at the model boundary, whatever path writes the text (issue 10 §1).

Browsers send textarea line breaks as CRLF. Before this, saving any article form turned
the body into one paragraph (``paragraphs`` splits on blank lines) and the quotes lost
their highlights.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry

from articles.fields import normalize_newlines
from articles.models import Article, Quote
from tests.admin_forms import submit_unchanged
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

pytestmark = pytest.mark.django_db

TWO_LINES = "Two\nlines"
CRLF_BODY = "First paragraph.\r\n\r\nSecond paragraph.\r\n\r\nThird \rparagraph."


def test_normalize_newlines_turns_crlf_and_lone_cr_into_lf():
    assert normalize_newlines("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert normalize_newlines(None) is None


def test_save_stores_lf_and_keeps_the_paragraphs():
    article = ArticleFactory(body=CRLF_BODY)
    assert article.body == "First paragraph.\n\nSecond paragraph.\n\nThird \nparagraph."
    article.refresh_from_db()
    assert "\r" not in article.body
    assert article.paragraphs == ["First paragraph.", "Second paragraph.", "Third \nparagraph."]


def test_bulk_create_and_update_store_lf():
    source = SourceFactory()
    [article] = Article.objects.bulk_create(
        [Article(source=source, headline="Bulk", slug="bulk", body=CRLF_BODY, content_hash="b")]
    )
    assert "\r" not in Article.objects.get(slug="bulk").body
    Article.objects.filter(pk=article.pk).update(body="One.\r\n\r\nTwo.")
    assert Article.objects.get(pk=article.pk).paragraphs == ["One.", "Two."]
    quote = QuoteFactory(text="Line one\r\nline two", sentence="A\r\nB")
    quote.refresh_from_db()
    assert (quote.text, quote.sentence) == ("Line one\nline two", "A\nB")


def test_paragraphs_split_on_blank_lines_holding_spaces():
    article = ArticleFactory.build(body="One.\n  \nTwo.\n\n\nThree.")
    assert article.paragraphs == ["One.", "Two.", "Three."]


def test_saving_the_article_form_unchanged_changes_no_row_and_records_nothing(client, editor):
    article = ArticleFactory(body="First paragraph.\n\nSecond paragraph, with a quote.")
    QuoteFactory(article=article, text="with a quote", paragraph=1, start=18, end=30)
    client.force_login(editor)
    before = (Article.objects.values().get(pk=article.pk), list(Quote.objects.values()))
    versions = article.history.count()

    response = submit_unchanged(client, f"/admin/articles/article/{article.pk}/change/")

    assert response.status_code == 302, response.content.decode()[:2000]
    assert (Article.objects.values().get(pk=article.pk), list(Quote.objects.values())) == before
    assert article.history.count() == versions
    assert not LogEntry.objects.exists()


def test_a_real_change_through_the_form_keeps_the_paragraphs(client, editor):
    article = ArticleFactory(body="First paragraph.\n\nSecond paragraph.")
    client.force_login(editor)
    response = submit_unchanged(
        client, f"/admin/articles/article/{article.pk}/change/", headline="A new headline"
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "A new headline"
    assert article.paragraphs == ["First paragraph.", "Second paragraph."]
    assert article.history.first().body == article.body


@pytest.mark.parametrize(
    "url",
    [
        lambda: f"/admin/articles/person/{PersonFactory().pk}/change/",
        lambda: f"/admin/articles/source/{SourceFactory().pk}/change/",
        lambda: f"/admin/articles/quote/{QuoteFactory(text=TWO_LINES).pk}/change/",
    ],
    ids=["person", "source", "quote"],
)
def test_saving_any_other_form_unchanged_changes_no_row(client, editor, url):
    path = url()
    model = {"person": "person", "source": "source", "quote": "quote"}[path.split("/")[3]]
    Model = apps.get_model("articles", model)
    before = list(Model.objects.values())
    versions = Model.history.count()
    client.force_login(editor)
    response = submit_unchanged(client, path)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Model.objects.values()) == before
    assert Model.history.count() == versions


def test_migration_repairs_stored_crlf_bodies_and_quotes():
    article = ArticleFactory()
    quote = QuoteFactory(article=article)
    # Rows written before the fix, straight into the table.
    Article.objects.filter(pk=article.pk).update(body="x")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET body = %s WHERE id = %s", [CRLF_BODY, article.pk]
        )
        cursor.execute(
            "UPDATE articles_quote SET text = %s WHERE id = %s", ["a\r\nb", quote.pk]
        )
    assert "\r" in Article.objects.values_list("body", flat=True).get(pk=article.pk)

    migration = importlib.import_module("articles.migrations.0005_line_breaks")
    migration.repair_line_breaks(apps, None)

    article.refresh_from_db()
    quote.refresh_from_db()
    assert len(article.paragraphs) == 3
    assert quote.text == "a\nb"
