"""What readers see, kept on the rows (articles.publishing.refresh_public_state).

``Quote.public_at``, ``Mention.public_at``, each person's and source's ``public_since`` and
public counts, and each person's ``public_role``, must always agree with the rule computed
from the articles (``Article.objects.published()``, ``Quote.objects.visible_rule()``),
through every write path: the publishing services, the admin, plain saves and deletes, and
the importer.
"""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from articles import publishing
from articles.importing import Importer
from articles.models import Article, Mention, Person, Quote, Source
from articles.signals import public_cache_version
from tests.factories import (
    ArticleFactory,
    MentionFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

SEED = "003_7cf8419b6963604b.txt"


def expected_state() -> dict:
    """Every row's public state computed from scratch by the rule, as the kept fields say it."""
    published = Article.objects.published()
    visible = Quote.objects.visible_rule()
    now = timezone.now()
    people = {}
    for person in Person.objects.all():
        quotes = visible.filter(speaker=person).count()
        articles = Mention.objects.filter(person=person, article__in=published).count()
        people[person.pk] = {
            "quotes": quotes,
            "articles": articles,
            "seen": bool(quotes or articles),
            "role": expected_role(person, published),
        }
    sources = {}
    for source in Source.objects.all():
        articles = published.filter(source=source).count()
        quotes = visible.filter(speaker_organization=source).count()
        sources[source.pk] = {
            "quotes": quotes,
            "articles": articles,
            "seen": bool(quotes or articles),
        }
    return {
        "quotes": set(visible.values_list("pk", flat=True)),
        "mentions": set(Mention.objects.filter(article__in=published).values_list("pk", flat=True)),
        "people": people,
        "sources": sources,
        "now": now,
    }


def expected_role(person, published) -> str:
    """An editor's role (not the importer's snapshot), else the newest published article's."""
    if person.role and person.role != person.extracted.get("role", object()):
        return person.role
    newest = (
        Mention.objects.filter(person=person, article__in=published)
        .exclude(role="")
        .order_by("-article__published_at", "-pk")
        .first()
    )
    return newest.role if newest else ""


def kept_state(now) -> dict:
    return {
        "quotes": set(Quote.objects.filter(public_at__lte=now).values_list("pk", flat=True)),
        "mentions": set(Mention.objects.filter(public_at__lte=now).values_list("pk", flat=True)),
        "people": {
            p.pk: {
                "quotes": p.public_quote_count,
                "articles": p.public_article_count,
                "seen": p.public_since is not None and p.public_since <= now,
                "role": p.public_role,
            }
            for p in Person.objects.all()
        },
        "sources": {
            s.pk: {
                "quotes": s.public_quote_count,
                "articles": s.public_article_count,
                "seen": s.public_since is not None and s.public_since <= now,
            }
            for s in Source.objects.all()
        },
        "now": now,
    }


def assert_kept_state_is_right():
    expected = expected_state()
    assert kept_state(expected["now"]) == expected


def person_counts(person) -> tuple[int, int, bool]:
    person = Person.objects.get(pk=person.pk)
    return (
        person.public_quote_count,
        person.public_article_count,
        Person.objects.public().filter(pk=person.pk).exists(),
    )


@pytest.fixture
def scene():
    """A published article and a draft, each with a mention and quotes of person and source."""
    source = SourceFactory(name="Kremlin")
    published = ArticleFactory(published=True)
    draft = ArticleFactory(source=published.source)
    # Roles as the importer leaves them: readers see one only once a published article gives it.
    ann = PersonFactory(name="Ann Lee", extracted={"role": "spokesman"})
    bob = PersonFactory(name="Bob Roe", extracted={"role": "spokesman"})
    for article in (published, draft):
        MentionFactory(article=article, person=ann)
        QuoteFactory(article=article, speaker=ann)
        QuoteFactory(article=article, speaker=None, speaker_organization=source)
    MentionFactory(article=draft, person=bob)
    QuoteFactory(article=draft, speaker=bob)
    return {"published": published, "draft": draft, "ann": ann, "bob": bob, "source": source}


# --- the services -----------------------------------------------------------------------------


def test_state_is_right_after_plain_creation(scene):
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (1, 1, True)
    assert person_counts(scene["bob"]) == (0, 0, False)
    assert Source.objects.public().filter(pk=scene["source"].pk).exists()


def test_publish_unpublish_and_archive_keep_it_right(scene, editor):
    publishing.publish(articles=[scene["draft"]], by=editor)
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (2, 2, True)
    assert person_counts(scene["bob"]) == (1, 1, True)
    publishing.unpublish(articles=[scene["published"]], by=editor)
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (1, 1, True)
    publishing.archive(articles=[scene["draft"]], by=editor)
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (0, 0, False)
    assert person_counts(scene["bob"]) == (0, 0, False)
    assert not Source.objects.public().filter(pk=scene["source"].pk).exists()


def test_a_scheduled_article_counts_from_its_time_without_another_write(scene, editor):
    at = timezone.now() + dt.timedelta(hours=1)
    publishing.schedule(articles=[scene["draft"]], at=at, by=editor)
    assert_kept_state_is_right()
    assert person_counts(scene["bob"]) == (0, 0, False)
    public_cache_version()  # the page cache's state knows the next scheduled time
    later = at + dt.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        # Visibility needs nothing: the kept times are compared with the clock.
        assert Person.objects.public().filter(pk=scene["bob"].pk).exists()
        public_cache_version()  # due: renews the version and counts what came due
        assert person_counts(scene["bob"]) == (1, 1, True)
        assert_kept_state_is_right()


def test_rejecting_reassigning_and_merging_keep_it_right(scene, editor):
    quote = Quote.objects.get(article=scene["published"], speaker=scene["ann"])
    publishing.set_quote_state(quotes=[quote], state=Quote.State.REJECTED, by=editor)
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (0, 1, True)
    publishing.set_quote_state(quotes=[quote], state=Quote.State.VERIFIED, by=editor)
    publishing.reassign_speaker(quotes=[quote], speaker=scene["bob"], by=editor)
    assert_kept_state_is_right()
    assert person_counts(scene["bob"]) == (1, 1, True)  # quoted and now mentioned there
    assert person_counts(scene["ann"]) == (0, 1, True)
    org_quote = Quote.objects.get(article=scene["published"], speaker_organization__isnull=False)
    publishing.reassign_speaker(quotes=[org_quote], speaker=scene["ann"], by=editor)
    assert_kept_state_is_right()
    assert Source.objects.get(pk=scene["source"].pk).public_quote_count == 0

    publishing.publish(articles=[scene["draft"]], by=editor)
    survivor = Person.objects.get(pk=scene["ann"].pk)  # counts read before the merge
    publishing.merge_people(survivor=survivor, others=[scene["bob"]], by=editor)
    assert_kept_state_is_right()
    assert person_counts(survivor) == (4, 2, True)


def test_edits_and_deletes_keep_it_right(scene):
    quote = Quote.objects.filter(article=scene["published"], speaker=scene["ann"]).get()
    quote.article = scene["draft"]  # moved into the draft
    quote.paragraph = 7
    quote.save()
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (0, 1, True)
    Mention.objects.filter(article=scene["published"], person=scene["ann"]).delete()
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (0, 0, False)
    mention = Mention.objects.get(article=scene["draft"], person=scene["bob"])
    mention.article = scene["published"]
    mention.save()
    assert_kept_state_is_right()
    assert person_counts(scene["bob"]) == (0, 1, True)

    other = SourceFactory()
    article = scene["published"]
    article.source = other
    article.save()
    assert_kept_state_is_right()
    scene["published"].delete()
    assert_kept_state_is_right()
    assert person_counts(scene["bob"]) == (0, 0, False)
    assert not Source.objects.public().exists()


def test_saving_a_person_with_stale_counts_keeps_the_right_ones(scene):
    stale = Person.objects.get(pk=scene["ann"].pk)
    QuoteFactory(article=scene["published"], speaker=scene["ann"])
    stale.role = "spokeswoman"
    stale.save()  # writes the counts it read before the new quote
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (2, 1, True)


# --- the admin ----------------------------------------------------------------------------------


def test_admin_actions_and_deletion_keep_it_right(client, editor, scene):
    client.force_login(editor)
    articles_url = reverse("admin:articles_article_changelist")

    def act(url, action, objects, **extra):
        data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
        assert client.post(url, data, follow=True).status_code == 200

    act(articles_url, "publish", [scene["draft"]])
    assert_kept_state_is_right()
    assert person_counts(scene["bob"]) == (1, 1, True)
    quotes_url = reverse("admin:articles_quote_changelist")
    act(quotes_url, "reject", list(Quote.objects.filter(speaker=scene["bob"])))
    assert_kept_state_is_right()
    assert person_counts(scene["bob"]) == (0, 1, True)
    act(
        reverse("admin:articles_person_changelist"),
        "merge_people",
        [scene["ann"], scene["bob"]],
        apply="1",
        survivor=scene["ann"].pk,
    )
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (2, 2, True)
    act(articles_url, "unpublish", [scene["published"]])
    assert_kept_state_is_right()
    act(articles_url, "delete_selected", [scene["draft"]], post="yes")
    assert not Article.objects.filter(pk=scene["draft"].pk).exists()
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (0, 0, False)


def test_admin_person_form_does_not_write_counts_back(client, editor, scene):
    client.force_login(editor)
    url = reverse("admin:articles_person_change", args=[scene["ann"].pk])
    form = client.get(url).context["adminform"].form
    assert not {"public_since", "public_quote_count", "public_article_count"} & set(form.fields)
    data = {"name": "Ann Lee-Smith", "slug": scene["ann"].slug, "role": "envoy"}
    data["opened_version"] = form.initial["opened_version"]  # the version this form shows
    data.update({"variants-TOTAL_FORMS": 0, "variants-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.get(pk=scene["ann"].pk).name == "Ann Lee-Smith"
    assert_kept_state_is_right()
    assert person_counts(scene["ann"]) == (1, 1, True)


# --- the importer -------------------------------------------------------------------------------


def test_import_with_publish_and_without_keeps_it_right(seeds_dir):
    list(Importer(publish=True).import_paths(sorted(seeds_dir.glob("*.txt"))[:3]))
    assert Quote.objects.visible().exists()
    assert_kept_state_is_right()
    drafts = list(Importer().import_paths(sorted(seeds_dir.glob("*.txt"))[3:]))
    assert drafts
    assert_kept_state_is_right()
    # A re-import refreshes in place (its own transaction per file).
    Importer(publish=True).import_path(seeds_dir / SEED)
    assert_kept_state_is_right()


def test_the_api_shows_the_kept_counts(scene, editor):
    api_client = APIClient()
    publishing.publish(articles=[scene["draft"]], by=editor)
    rows = {
        row["slug"]: (row["quote_count"], row["article_count"])
        for row in api_client.get("/api/v1/people/").json()["results"]
    }
    assert rows == {scene["ann"].slug: (2, 2), scene["bob"].slug: (1, 1)}
    ordered = api_client.get("/api/v1/people/?ordering=-quote_count").json()["results"]
    assert [row["slug"] for row in ordered] == [scene["ann"].slug, scene["bob"].slug]
    source = api_client.get(f"/api/v1/sources/{scene['source'].slug}/").json()
    assert source["quote_count"] == 2


def test_related_articles_are_the_newest_five_naming_the_same_people():
    from articles.views import related_articles

    now = timezone.now()
    ann, bob = PersonFactory(), PersonFactory()
    article = ArticleFactory(published=True)
    MentionFactory(article=article, person=ann)
    MentionFactory(article=article, person=bob)
    naming_ann = []
    for hours in range(2, 10):
        other = ArticleFactory(published=True, published_at=now - dt.timedelta(hours=hours))
        MentionFactory(article=other, person=ann)
        naming_ann.append(other)
    newest_bob = ArticleFactory(published=True, published_at=now - dt.timedelta(minutes=90))
    MentionFactory(article=newest_bob, person=bob)
    for hidden in (
        ArticleFactory(),  # a draft
        ArticleFactory(published=True, published_at=now + dt.timedelta(hours=1)),  # scheduled
    ):
        MentionFactory(article=hidden, person=ann)
    chosen = ArticleFactory(published=True, published_at=now - dt.timedelta(days=30))
    article.related.add(chosen)
    rows = related_articles(article, [ann.pk, bob.pk])
    assert rows == [newest_bob, *naming_ann[:4]]
    article.related.add(ArticleFactory(published=True, published_at=now - dt.timedelta(minutes=5)))
    assert related_articles(article, [ann.pk, bob.pk])[1:] == [newest_bob, *naming_ann[:3]]
    alone = ArticleFactory(published=True)
    alone.related.add(chosen)
    assert related_articles(alone, []) == [chosen]  # the editors' choice, with no people
