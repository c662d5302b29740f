"""Only editors who may publish change what readers see (issue 11 §1).

A Reporter edits drafts and articles in review. Through the quote admin they could add
a quote to a published article, or move a draft's quote into one, and they could rename
the people and sources that published pages show. Each case is tried through the admin
as a Reporter (refused, database unchanged) and as an Editor (allowed).
"""

import pytest
from django.urls import reverse

from articles.models import Person, Quote, Source
from tests.admin_forms import browser_form_data, submit_unchanged
from tests.factories import ArticleFactory, MentionFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db

QUOTE_ADD = reverse("admin:articles_quote_add")


def post_form(client, url, **values):
    data = browser_form_data(client.get(url).content.decode())
    data.update({k: [str(v)] for k, v in values.items()})
    data["_save"] = ["Save"]
    return client.post(url, data)


def add_quote(client, article, person):
    return post_form(
        client,
        QUOTE_ADD,
        article=article.pk,
        speaker=person.pk,
        text="Words nobody said",
        kind="full",
        state="verified",
        paragraph=0,
        start=0,
        end=17,
    )


@pytest.mark.parametrize("role, allowed", [("reporter", False), ("editor", True)])
def test_adding_a_quote_to_a_published_article_needs_the_publish_permission(
    client, request, role, allowed
):
    live, person = ArticleFactory(published=True), PersonFactory()
    client.force_login(request.getfixturevalue(role))
    response = add_quote(client, live, person)
    assert Quote.objects.filter(article=live).exists() is allowed
    if not allowed:
        assert response.status_code == 200
        assert "only editors with the publish permission" in response.content.decode()


def test_a_reporter_still_adds_quotes_to_drafts(client, reporter):
    draft, person = ArticleFactory(), PersonFactory()
    client.force_login(reporter)
    add_quote(client, draft, person)
    assert Quote.objects.filter(article=draft, text="Words nobody said").exists()


@pytest.mark.parametrize("role, allowed", [("reporter", False), ("editor", True)])
def test_moving_a_quote_into_a_published_article_needs_the_publish_permission(
    client, request, role, allowed
):
    draft, live = ArticleFactory(), ArticleFactory(published=True)
    quote = QuoteFactory(article=draft, text="Draft words")
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:articles_quote_change", args=[quote.pk])
    post_form(client, url, article=live.pk, text="New words on a live page")
    quote.refresh_from_db()
    assert (quote.article_id == live.pk) is allowed
    assert (quote.text == "New words on a live page") is allowed


def test_a_reporter_cannot_delete_a_published_articles_quote(client, reporter):
    quote = QuoteFactory(article=ArticleFactory(published=True))
    client.force_login(reporter)
    url = reverse("admin:articles_quote_delete", args=[quote.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Quote.objects.filter(pk=quote.pk).exists()


@pytest.mark.parametrize("role, allowed", [("reporter", False), ("editor", True)])
@pytest.mark.parametrize("shown_by", ["mention", "quote"])
def test_renaming_a_person_on_a_published_page_needs_the_publish_permission(
    client, request, role, allowed, shown_by
):
    person = PersonFactory(name="Right Name")
    live = ArticleFactory(published=True)
    if shown_by == "mention":
        MentionFactory(article=live, person=person)
    else:
        QuoteFactory(article=live, speaker=person)
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:articles_person_change", args=[person.pk])
    response = post_form(client, url, name="Wrong Name")
    assert (Person.objects.get(pk=person.pk).name == "Wrong Name") is allowed
    if not allowed:
        assert response.status_code == 403


def test_a_reporter_renames_a_person_only_drafts_name(client, reporter):
    person = PersonFactory(name="Draft Person")
    MentionFactory(article=ArticleFactory(), person=person)
    client.force_login(reporter)
    post_form(client, reverse("admin:articles_person_change", args=[person.pk]), name="Fixed")
    assert Person.objects.get(pk=person.pk).name == "Fixed"


@pytest.mark.parametrize("role, allowed", [("reporter", False), ("editor", True)])
def test_renaming_a_published_articles_source_needs_the_publish_permission(
    client, request, role, allowed
):
    live = ArticleFactory(published=True)
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:articles_source_change", args=[live.source.pk])
    post_form(client, url, name="Renamed outlet")
    assert (Source.objects.get(pk=live.source.pk).name == "Renamed outlet") is allowed


def test_a_reporter_sees_a_live_person_read_only(client, reporter):
    person = PersonFactory()
    MentionFactory(article=ArticleFactory(published=True), person=person)
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_person_change", args=[person.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    # The unchanged form cannot be posted back either.
    response = submit_unchanged(client, reverse("admin:articles_person_change", args=[person.pk]))
    assert response.status_code == 403
