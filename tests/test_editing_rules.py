"""The rules of editing together, as services: versions, stale checks, presence, word diffs."""

import pytest
from django.db import transaction

from articles import publishing
from articles.diffs import word_diff
from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

# --- word diffs (plain Python) -----------------------------------------------------------


def test_word_diff_marks_only_the_words_that_changed():
    assert word_diff("Talks resume on Monday", "Talks will resume on Tuesday") == [
        ("same", "Talks "),
        ("ins", "will "),
        ("same", "resume on "),
        ("del", "Monday"),
        ("ins", "Tuesday"),
    ]


def test_word_diff_gives_the_new_text_back_and_keeps_line_breaks():
    old, new = "One two.\n\nThree four.", "One two.\n\nThree five."
    segments = word_diff(old, new)
    assert "".join(text for kind, text in segments if kind != "del") == new


def test_word_diff_shortens_long_unchanged_stretches_only_around_a_change():
    words = " ".join(f"w{i}" for i in range(100))
    assert word_diff(words, words) == [("same", words)]
    changed = word_diff(words, words.replace("w50", "fifty"))
    assert [kind for kind, _ in changed] == ["same", "del", "ins", "same"]
    assert changed[0][1].startswith("… w42 ") and changed[-1][1].endswith("w58 … ")


# --- versions and stale checks -----------------------------------------------------------


@pytest.mark.django_db
def test_every_save_counts_from_the_stored_version_even_from_an_old_copy():
    article = ArticleFactory()
    assert article.version == 1
    old_copy = Article.objects.get(pk=article.pk)
    article.headline = "Second"
    article.save()
    assert article.version == 2
    old_copy.byline = "Third save, from a copy loaded before the second"
    old_copy.save()
    assert Article.objects.get(pk=article.pk).version == 3
    old_copy.save(update_fields=["byline"])
    assert Article.objects.get(pk=article.pk).version == 4


@pytest.mark.django_db
def test_check_version_says_who_saved_since_and_what_the_form_showed():
    ann = UserFactory(username="ann", first_name="Ann", last_name="Lee")
    article = ArticleFactory(headline="First")
    with transaction.atomic():
        assert publishing.check_version(model=Article, pk=article.pk, version=1) is None
    article.headline = "Second"
    article._history_user = ann
    article.save()
    with transaction.atomic():
        conflict = publishing.check_version(model=Article, pk=article.pk, version=1)
    assert conflict.saved_by == ["Ann Lee"]
    assert conflict.base.headline == "First" and conflict.current.headline == "Second"
    with transaction.atomic():
        assert publishing.check_version(model=Article, pk=article.pk, version=None) is not None


# --- presence ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_presence_lists_the_others_and_forgets_those_gone_quiet(monkeypatch):
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    article = ArticleFactory()
    clock = [1000.0]
    monkeypatch.setattr(publishing.time, "time", lambda: clock[0])
    assert publishing.mark_editing(obj=article, by=ann) == []
    assert publishing.mark_editing(obj=article, by=bob) == ["ann"]
    clock[0] += publishing.PRESENCE_SECONDS - 1
    assert publishing.mark_editing(obj=article, by=ann) == ["bob"]
    clock[0] += publishing.PRESENCE_SECONDS - 1  # bob's page has not renewed since
    assert publishing.mark_editing(obj=article, by=ann) == []
    publishing.mark_editing(obj=article, by=bob)
    publishing.stop_editing(obj=article, by=bob)
    assert publishing.mark_editing(obj=article, by=ann) == []
