"""Readers see only the roles published articles give, or an editor typed (issue 11 §1).

The importer fills ``Person.role`` from the first article that names a person, draft or not.
What readers see is ``Person.public_role`` (``articles.publishing.public_role``): the role an
editor typed, else the one the newest published article gives, else none; the person's page,
the API (detail, list and its ``role`` filter), the person's feed and the people listed on
other articles read only that.
"""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from articles import publishing
from articles.models import Article, Mention, Person
from articles.signals import public_cache_version
from tests.factories import ArticleFactory, MentionFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db

DRAFT_ROLE = "acting governor of the region"


def imported_person(name="Oleg Drafted", role=DRAFT_ROLE) -> Person:
    """A person as the importer makes one: the role is the extraction's (``extracted``)."""
    return PersonFactory(name=name, role=role, extracted={"name": name, "role": role})


@pytest.fixture
def drafted():
    """A person whose role only a draft gives, also named (without a role) by a published
    article, so their page and API entry exist."""
    person = imported_person()
    draft = ArticleFactory(headline="The draft that named him")
    MentionFactory(article=draft, person=person, role=DRAFT_ROLE)
    live = ArticleFactory(published=True, headline="A published story")
    MentionFactory(article=live, person=person, role="")
    QuoteFactory(article=live, speaker=person, text="We will see.")
    return person, draft, live


def shown(path: str) -> str:
    cache.clear()  # pages are cached; each look is a reader's first
    response = APIClient().get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def api_role(person) -> str:
    cache.clear()
    return APIClient().get(f"/api/v1/people/{person.slug}/").json()["role"]


def listed_roles(query="") -> dict[str, str]:
    cache.clear()
    response = APIClient().get(f"/api/v1/people/?page_size=100{query}")
    return {p["slug"]: p["role"] for p in response.json()["results"]}


def feed(person) -> str:
    return shown(reverse("articles:person-feed-rss", args=[person.slug]))


def everywhere(person, live) -> list[bool]:
    """Whether the draft's role shows: page, API detail, API list, ?role= filter, feed, and
    beside the person on another published article."""
    return [
        DRAFT_ROLE in shown(person.get_absolute_url()),
        api_role(person) == DRAFT_ROLE,
        listed_roles().get(person.slug) == DRAFT_ROLE,
        person.slug in listed_roles("&role=governor"),
        DRAFT_ROLE in feed(person),
        DRAFT_ROLE in shown(live.get_absolute_url()),
    ]


def test_a_role_only_a_draft_gives_shows_nowhere(drafted):
    person, _draft, live = drafted
    assert everywhere(person, live) == [False] * 6
    # ...though the person is public, and editors still see the role in the admin.
    assert person.name in shown(live.get_absolute_url())
    assert Person.objects.get(pk=person.pk).role == DRAFT_ROLE


def test_publishing_the_draft_shows_its_role_everywhere(drafted):
    person, draft, live = drafted
    publishing.publish(articles=[draft])
    assert everywhere(person, live) == [True] * 6


def test_unpublishing_takes_the_role_off_again(drafted):
    person, draft, live = drafted
    publishing.publish(articles=[draft])
    publishing.unpublish(articles=[Article.objects.get(pk=draft.pk)])
    assert everywhere(person, live) == [False] * 6


def test_a_scheduled_article_gives_its_role_when_it_goes_live(drafted):
    person, draft, live = drafted
    at = timezone.now() + dt.timedelta(hours=1)
    publishing.schedule(articles=[draft], at=at)
    assert api_role(person) == ""
    Article.objects.filter(pk=draft.pk).update(published_at=timezone.now())
    publishing.refresh_public_state(articles=[draft.pk])
    assert api_role(person) == DRAFT_ROLE


def test_a_role_an_editor_typed_shows_at_once(drafted, client, editor):
    person, _draft, live = drafted
    client.force_login(editor)
    url = reverse("admin:articles_person_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {**form.initial, "role": "Governor of the region", "variants-TOTAL_FORMS": 0}
    data.update({"variants-INITIAL_FORMS": 0, "_save": "Save"})
    assert client.post(url, data).status_code == 302
    client.logout()
    assert api_role(person) == "Governor of the region"
    assert "Governor of the region" in shown(person.get_absolute_url())
    assert "Governor of the region" in shown(live.get_absolute_url())


def test_a_person_made_by_hand_shows_their_role():
    person = PersonFactory(name="Hand Made", role="mayor")  # no extraction snapshot
    MentionFactory(article=ArticleFactory(published=True), person=person, role="")
    assert api_role(person) == "mayor"


def test_the_newest_published_article_gives_the_role():
    person = imported_person(role="deputy minister")
    older = ArticleFactory(published=True)
    older.published_at = timezone.now() - dt.timedelta(days=30)
    older.save()
    MentionFactory(article=older, person=person, role="deputy minister")
    MentionFactory(article=ArticleFactory(published=True), person=person, role="minister")
    MentionFactory(article=ArticleFactory(), person=person, role="former minister")  # a draft
    assert api_role(person) == "minister"


def test_an_article_shows_its_own_role_before_the_persons(drafted):
    person, _draft, live = drafted
    mention = Mention.objects.get(article=live, person=person)
    mention.role = "regional official"
    mention.save()  # as an editor's edit does (a bulk update() would bypass the fragments)
    assert "regional official" in shown(live.get_absolute_url())


def test_the_migration_fills_public_roles_by_the_same_rule(drafted):
    person, draft, _live = drafted
    hand = PersonFactory(name="Hand Made", role="mayor")
    publishing.publish(articles=[draft])
    Person.objects.update(public_role="")
    migration = importlib.import_module("articles.migrations.0015_person_public_role")
    migration.fill_public_roles(django_apps, None)
    roles = dict(Person.objects.values_list("pk", "public_role"))
    assert (roles[person.pk], roles[hand.pk]) == (DRAFT_ROLE, "mayor")


def add_people(live, first: int, n: int) -> None:
    for i in range(first, first + n):
        person = imported_person(name=f"Listed Person{i}", role=f"role {i}")
        MentionFactory(article=live, person=person, role="")
        MentionFactory(article=ArticleFactory(), person=person, role=f"draft role {i}")


def queries_for(path: str) -> tuple[int, str]:
    cache.clear()
    public_cache_version()  # the cache's state, as every process has it after its first request
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_people_list_and_an_articles_people_take_constant_queries():
    live = ArticleFactory(published=True)
    add_people(live, 0, 2)
    few = [queries_for("/api/v1/people/?page_size=100"), queries_for(live.get_absolute_url())]
    add_people(live, 2, 6)
    many = [queries_for("/api/v1/people/?page_size=100"), queries_for(live.get_absolute_url())]
    assert [count for count, _ in many] == [count for count, _ in few]
    (_, people), (_, page) = many
    assert people.count('"role":""') == 8 and "draft role" not in people
    assert "Listed Person7" in page and "draft role" not in page
