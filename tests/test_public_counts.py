"""The unfiltered public lists' counts, kept on write (articles.models.PublicCount, issue #12).

After every kind of write that changes what readers see, once it commits, each kept count
equals its list's rule counted from scratch, and the API list reports it without a COUNT;
a filtered list, a stale count and a scheduled row whose time has come are counted instead.
"""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from articles import publishing
from articles.importing import Importer
from articles.models import Article, PublicCount, Quote
from articles.signals import public_cache_version
from tests.factories import ArticleFactory, MentionFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db

URLS = {
    PublicCount.List.ARTICLES: "/api/v1/articles/",
    PublicCount.List.QUOTES: "/api/v1/quotes/",
    PublicCount.List.PEOPLE: "/api/v1/people/",
    PublicCount.List.SOURCES: "/api/v1/sources/",
}


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose writes are then committed, as far as on_commit callbacks go."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def rule_counts() -> dict[str, int]:
    return {name: PublicCount.rows(name)[0].count() for name in URLS}


def listed_counts() -> dict[str, int]:
    """Each list's ``count``, asserting it was read from the kept row (no COUNT query)."""
    client = APIClient()
    counts = {}
    for name, url in URLS.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counted = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT") and "COUNT(" in q["sql"].upper()
        ]
        assert counted == [], url
        counts[name] = response.json()["count"]
    return counts


def assert_counts_right():
    expected = rule_counts()
    assert {name: PublicCount.objects.kept(name) for name in URLS} == expected
    assert listed_counts() == expected


@pytest.fixture
def scene(committed):
    with committed():
        published = ArticleFactory(published=True)
        draft = ArticleFactory()
        ann, bob = PersonFactory(name="Ann Lee"), PersonFactory(name="Bob Roe")
        for article, person in ((published, ann), (draft, bob)):
            MentionFactory(article=article, person=person)
            QuoteFactory(article=article, speaker=person)
            QuoteFactory(article=article, speaker=person, paragraph=2)
    assert rule_counts() == {"articles": 1, "quotes": 2, "people": 1, "sources": 1}
    assert_counts_right()
    return {"published": published, "draft": draft, "ann": ann, "bob": bob}


def test_publish_unpublish_and_archive(scene, editor, committed):
    with committed():
        publishing.publish(articles=[scene["draft"]], by=editor)
    assert rule_counts() == {"articles": 2, "quotes": 4, "people": 2, "sources": 2}
    assert_counts_right()
    with committed():
        publishing.unpublish(articles=[scene["published"]], by=editor)
    assert_counts_right()
    with committed():
        publishing.archive(articles=[scene["draft"]], by=editor)
    assert rule_counts() == {"articles": 0, "quotes": 0, "people": 0, "sources": 0}
    assert_counts_right()


def test_plain_saves_and_deletes(scene, committed):
    quote = Quote.objects.filter(article=scene["published"]).first()
    with committed():
        quote.state = Quote.State.REJECTED
        quote.save()
    assert rule_counts()["quotes"] == 1
    assert_counts_right()
    with committed():
        Quote.objects.get(pk=quote.pk).delete()
        QuoteFactory(article=scene["published"], speaker=scene["bob"], paragraph=7)
    assert rule_counts()["people"] == 2
    assert_counts_right()
    with committed():
        scene["published"].delete()
    assert rule_counts() == {"articles": 0, "quotes": 0, "people": 0, "sources": 0}
    assert_counts_right()


def test_merging_people(scene, editor, committed):
    with committed():
        publishing.publish(articles=[scene["draft"]], by=editor)
        publishing.merge_people(survivor=scene["ann"], others=[scene["bob"]], by=editor)
    assert rule_counts()["people"] == 1
    assert_counts_right()


def test_reassigning_a_speaker(scene, editor, committed):
    quotes = Quote.objects.filter(article=scene["published"])
    with committed():
        publishing.reassign_speaker(quotes=list(quotes), speaker=PersonFactory(), by=editor)
    assert_counts_right()


def test_import_with_and_without_publish(seeds_dir, committed):
    with committed():
        list(Importer().import_paths(sorted(seeds_dir.glob("*.txt"))[:2], workers=0))
    assert rule_counts()["articles"] == 0
    assert_counts_right()
    with committed():
        list(Importer(publish=True).import_paths(sorted(seeds_dir.glob("*.txt"))[2:4], workers=0))
    assert rule_counts()["articles"] == 2 and rule_counts()["quotes"] > 0
    assert_counts_right()


def test_a_scheduled_article_is_counted_once_its_time_comes(scene, editor, committed):
    at = timezone.now() + dt.timedelta(hours=1)
    with committed():
        publishing.schedule(articles=[scene["draft"]], at=at, by=editor)
    public_cache_version()  # the page cache's state knows the next scheduled time
    assert PublicCount.objects.get(name="articles").valid_until == at
    assert_counts_right()
    with mock.patch("django.utils.timezone.now", return_value=at + dt.timedelta(minutes=1)):
        # Due and not counted yet: the lists count their rows.
        assert PublicCount.objects.kept(PublicCount.List.ARTICLES) is None
        assert APIClient().get("/api/v1/articles/").json()["count"] == 2
        with committed():
            public_cache_version()  # due: renews the version, counts what came due

        assert rule_counts()["articles"] == 2
        assert_counts_right()


def test_filtered_lists_and_stale_counts_are_counted(scene, committed):
    client = APIClient()
    PublicCount.objects.filter(name="quotes").update(count=99)
    assert client.get("/api/v1/quotes/").json()["count"] == 99  # the kept figure is read
    assert client.get("/api/v1/quotes/?kind=full").json()["count"] == 2
    assert client.get("/api/v1/people/?name=ann").json()["count"] == 1
    assert client.get("/api/v1/articles/?ordering=headline").json()["count"] == 1
    # Counted under another confidence floor: not used.
    with mock.patch.object(PublicCount, "current_key", return_value="floor=0.9"):
        assert client.get("/api/v1/quotes/").json()["count"] == 2
    # A write marks them stale in its transaction, so a read there counts for itself.
    ArticleFactory(published=True)
    assert PublicCount.objects.kept(PublicCount.List.ARTICLES) is None
    assert client.get("/api/v1/articles/").json()["count"] == 2


def test_render_fragments_counts_the_lists(scene, committed):
    PublicCount.objects.all().delete()
    assert APIClient().get("/api/v1/articles/").json()["count"] == 1  # none kept: counted
    with committed():
        call_command("render_fragments", verbosity=0)
    assert PublicCount.objects.count() == len(URLS)
    assert_counts_right()


def test_a_count_after_commit_waits_for_the_counts_lock(scene, committed):
    """The count after commit locks the rows first (blocking); inside a transaction a write
    only marks unlocked rows stale (never waiting: that could deadlock)."""
    with CaptureQueriesContext(connection) as queries, committed():
        ArticleFactory(published=True)
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert any("SKIP LOCKED" in sql for sql in locks)
        assert any("SKIP LOCKED" not in sql for sql in locks)
    assert_counts_right()
    assert Article.objects.published().count() == 2


def test_a_count_failing_after_commit_leaves_the_write_done_and_the_lists_counting(
    scene, committed
):
    from django.db import OperationalError

    with mock.patch.object(publishing, "_count_lists", side_effect=OperationalError("gone")):
        with committed():
            ArticleFactory(published=True)  # no error: the write has committed
    assert PublicCount.objects.kept(PublicCount.List.ARTICLES) is None
    assert APIClient().get("/api/v1/articles/").json()["count"] == 2
