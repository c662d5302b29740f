"""Model rules: who sees what, constraints, derived values."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, Quote
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_articles():
    live = ArticleFactory(published=True)
    ArticleFactory()  # draft
    ArticleFactory(
        status=Article.Status.PUBLISHED, published_at=timezone.now() + timezone.timedelta(days=1)
    )
    ArticleFactory(status=Article.Status.ARCHIVED, published_at=timezone.now())
    assert list(Article.objects.published()) == [live]


def test_is_published_mirrors_the_queryset():
    assert ArticleFactory(published=True).is_published
    scheduled = ArticleFactory(
        status=Article.Status.PUBLISHED, published_at=timezone.now() + timezone.timedelta(minutes=5)
    )
    assert not scheduled.is_published
    assert not ArticleFactory().is_published


def test_published_article_needs_a_publication_time():
    with pytest.raises(IntegrityError):
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)


def test_original_url_is_unique_but_may_be_blank():
    ArticleFactory(url="")
    ArticleFactory(url="")
    ArticleFactory(url="https://example.org/a")
    with pytest.raises(IntegrityError):
        ArticleFactory(url="https://example.org/a")


def test_quote_place_is_unique_per_article():
    quote = QuoteFactory(paragraph=1, start=5)
    with pytest.raises(IntegrityError):
        QuoteFactory(article=quote.article, paragraph=1, start=5)


def test_quote_has_at_most_one_kind_of_speaker():
    with pytest.raises(IntegrityError):
        QuoteFactory(speaker_organization=SourceFactory(name="Kremlin"))


def test_quote_speaker_type_and_name():
    person_quote = QuoteFactory(speaker=PersonFactory(name="Dmitry Peskov"))
    org_quote = QuoteFactory(speaker=None, speaker_organization=SourceFactory(name="Kremlin"))
    nobody = QuoteFactory(speaker=None)
    assert (person_quote.speaker_type, person_quote.speaker_name) == ("person", "Dmitry Peskov")
    assert (org_quote.speaker_type, org_quote.speaker_name) == ("organization", "Kremlin")
    assert (nobody.speaker_type, nobody.speaker_name) == (None, None)


def test_visible_quotes_hide_rejected_and_unpublished():
    live = ArticleFactory(published=True)
    shown = QuoteFactory(article=live)
    QuoteFactory(article=live, state=Quote.State.REJECTED)
    QuoteFactory(article=ArticleFactory())
    assert list(Quote.objects.visible()) == [shown]


def test_person_name_key_folds_transliterations():
    a = PersonFactory(name="Volodymyr Zelensky")
    b = PersonFactory(name="Volodymyr Zelenskyy")
    assert a.name_key == b.name_key


def test_paragraphs_split_on_blank_lines():
    article = ArticleFactory(body="One.\n\nTwo.\n\n\nThree.")
    assert article.paragraphs == ["One.", "Two.", "Three."]


def test_absolute_url_is_dated_and_slugged():
    article = ArticleFactory(
        slug="kremlin-dismisses-claims",
        status=Article.Status.PUBLISHED,
        published_at=dt.datetime(2024, 7, 17, 9, tzinfo=dt.UTC),
    )
    assert article.get_absolute_url() == "/2024/07/17/kremlin-dismisses-claims/"
