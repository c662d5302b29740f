"""The editors' workplace in the Django admin: pages, queries, roles and history."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ImportRun, Mention, Person, Quote
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

pytestmark = pytest.mark.django_db

SEED = "003_7cf8419b6963604b.txt"
CHANGELIST = reverse("admin:articles_article_changelist")


def client_for(client, user):
    client.force_login(user)
    return client


def form_data(client, url, **changes):
    """The change form at ``url`` as the browser would post it, with ``changes``."""
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "related"}
    data.update(
        {
            "flags": "[]",
            "related_links": "[]",
            "mentions-TOTAL_FORMS": 0,
            "mentions-INITIAL_FORMS": 0,
            "quotes-TOTAL_FORMS": 0,
            "quotes-INITIAL_FORMS": 0,
            **changes,
        }
    )
    return data


def act(client, url, action, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(url, data, follow=True)


# --- pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "admin:articles_article_changelist",
        "admin:articles_article_add",
        "admin:articles_person_changelist",
        "admin:articles_quote_changelist",
        "admin:articles_source_changelist",
        "admin:articles_importrun_changelist",
        "admin:articles_importrun_upload",
    ],
)
def test_admin_pages_open_for_an_editor(client, editor, name):
    QuoteFactory(article=ArticleFactory(published=True))
    response = client_for(client, editor).get(reverse(name))
    assert response.status_code == 200


def test_article_change_page_shows_inlines_provenance_and_public_link(client, editor):
    article = ArticleFactory(raw_input="<script>alert(1)</script> raw scrape", source_file="a.txt")
    QuoteFactory(article=article, text="We will see")
    response = client_for(client, editor).get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    page = response.content.decode()
    assert "We will see" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; raw scrape" in page
    assert article.get_absolute_url() in page
    assert "staff only until it is published" in page


def test_anonymous_users_only_reach_the_login_page(client):
    article = ArticleFactory()
    for url in [
        CHANGELIST,
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_importrun_upload"),
        reverse("admin:articles_article_history", args=[article.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).status_code == 200


def test_article_changelist_runs_the_same_queries_for_5_and_50_rows(
    client, editor, django_assert_num_queries
):
    client_for(client, editor)

    def count_queries(n):
        Article.objects.all().delete()
        for article in ArticleFactory.create_batch(n):
            QuoteFactory.create_batch(2, article=article)
            Mention.objects.create(article=article, person=PersonFactory())
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == n
        return len(ctx.captured_queries)

    five = count_queries(5)
    fifty = count_queries(50)
    assert five == fifty
    with django_assert_num_queries(fifty):
        client.get(CHANGELIST)


def test_article_changelist_counts_people_quotes_and_unreviewed(client, editor):
    article = ArticleFactory()
    QuoteFactory(article=article, state=Quote.State.VERIFIED)
    QuoteFactory(article=article)
    QuoteFactory(article=article, state=Quote.State.REJECTED)
    Mention.objects.create(article=article, person=PersonFactory())
    response = client_for(client, editor).get(CHANGELIST)
    row = response.context["cl"].result_list[0]
    assert (row.people_count, row.quote_count, row.unreviewed_count) == (1, 2, 1)


def test_article_changelist_filters_articles_with_unreviewed_quotes(client, editor):
    pending = ArticleFactory()
    QuoteFactory(article=pending)
    done = ArticleFactory()
    QuoteFactory(article=done, state=Quote.State.VERIFIED)
    client_for(client, editor)
    yes = client.get(CHANGELIST, {"unreviewed": "yes"}).context["cl"].result_list
    no = client.get(CHANGELIST, {"unreviewed": "no"}).context["cl"].result_list
    assert list(yes) == [pending]
    assert list(no) == [done]


def test_person_and_source_lists_show_counts(client, editor):
    person = PersonFactory()
    kremlin = SourceFactory(name="Kremlin")
    article = ArticleFactory(source=kremlin)
    QuoteFactory(article=article, speaker=person)
    Mention.objects.create(article=article, person=person)
    client_for(client, editor)
    people = client.get(reverse("admin:articles_person_changelist")).context["cl"].result_list
    assert (people[0].quote_count, people[0].article_count) == (1, 1)
    sources = client.get(reverse("admin:articles_source_changelist")).context["cl"]
    row = next(s for s in sources.result_list if s.pk == kremlin.pk)
    assert row.article_count == 1


# --- roles (every role × every write path: tests/test_permission_matrix.py) ----------


def test_reporter_sees_no_publish_actions_but_can_send_to_review(client, reporter):
    article = ArticleFactory()
    client_for(client, reporter)
    choices = dict(client.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert "publish" not in choices and "unpublish" not in choices and "archive" not in choices
    assert "delete_selected" not in choices
    assert "send_to_review" in choices
    act(client, CHANGELIST, "send_to_review", [article])
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_reporter_can_only_view_a_published_article(client, reporter):
    article = ArticleFactory(published=True)
    client_for(client, reporter)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_reporter_can_revert_a_draft(client, reporter):
    article = ArticleFactory(headline="Right")
    article.headline = "Wrong"
    article.save()
    first = article.history.earliest()
    url = reverse("admin:articles_article_simple_history", args=[article.pk, first.history_id])
    client_for(client, reporter)
    client.post(url, form_data(client, url))
    article.refresh_from_db()
    assert article.headline == "Right"
    assert article.history.latest().history_user == reporter


# --- history ---------------------------------------------------------------------------


def test_history_page_lists_changes_and_compares_versions_side_by_side(client, editor):
    article = ArticleFactory(headline="Old <b>headline</b>")
    client_for(client, editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client, url, headline="New headline")
    assert client.post(url, data).status_code == 302
    latest = article.history.latest()
    assert latest.history_user == editor

    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "compare with previous" in history.content.decode()
    compare = client.get(
        reverse("admin:articles_article_history_compare", args=[article.pk, latest.history_id])
    )
    page = compare.content.decode()
    headline_row = next(r for r in compare.context["rows"] if r["label"] == "headline")
    assert (headline_row["old"], headline_row["new"]) == ("Old <b>headline</b>", "New headline")
    assert headline_row["segments"] == [("del", "Old <b>headline</b>"), ("ins", "New headline")]
    assert "<del>Old &lt;b&gt;headline&lt;/b&gt;</del><ins>New headline</ins>" in page
    assert "Revert to this version" in page


# --- people, quotes and imports through the admin --------------------------------------


def test_merge_action_asks_for_the_survivor_first(client, editor):
    one, two = PersonFactory(name="Maria Zakharova"), PersonFactory(name="Masha Zakharova")
    client_for(client, editor)
    url = reverse("admin:articles_person_changelist")
    response = act(client, url, "merge_people", [one, two])
    assert response.templates[0].name == "admin/articles/person/merge_people.html"
    assert Person.objects.count() == 2
    response = act(client, url, "merge_people", [one, two], apply="1", survivor=one.pk)
    assert list(Person.objects.all()) == [one]
    assert "Merged Masha Zakharova into Maria Zakharova" in response.content.decode()


def test_quote_actions_verify_reject_and_reassign(client, editor):
    quotes = QuoteFactory.create_batch(3)
    peskov = PersonFactory(name="Dmitry Peskov")
    client_for(client, editor)
    url = reverse("admin:articles_quote_changelist")
    act(client, url, "verify", quotes[:1])
    act(client, url, "reject", quotes[1:2])
    states = [Quote.objects.get(pk=q.pk).state for q in quotes]
    assert states == ["verified", "rejected", "unreviewed"]
    page = act(client, url, "reassign_speaker", quotes)
    assert page.templates[0].name == "admin/articles/quote/reassign_speaker.html"
    act(client, url, "reassign_speaker", quotes, apply="1", speaker=peskov.pk)
    assert set(Quote.objects.values_list("speaker", flat=True)) == {peskov.pk}


def test_upload_shows_the_per_file_report(client, editor, seeds_dir):
    client_for(client, editor)
    files = [
        SimpleUploadedFile(SEED, (seeds_dir / SEED).read_bytes()),
        SimpleUploadedFile("empty.txt", b""),
    ]
    response = client.post(
        reverse("admin:articles_importrun_upload"), {"files": files}, follow=True
    )
    page = response.content.decode()
    run = ImportRun.objects.get()
    assert response.request["PATH_INFO"] == reverse(
        "admin:articles_importrun_change", args=[run.pk]
    )
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in page
    assert "empty file" in page
    assert run.user == editor
    # Runs are a record: nobody edits or deletes them.
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False


def test_editor_schedules_an_article_from_the_form(client, editor):
    article = ArticleFactory(published_at=None)
    client_for(client, editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(
        client,
        url,
        status="published",
        published_at_0="2099-01-02",
        published_at_1="08:00:00",
    )
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at.year == 2099
    assert not Article.objects.published().exists()
    assert "Published (scheduled for 2099-01-02 08:00)" in client.get(CHANGELIST).content.decode()


def test_form_refuses_a_move_the_workflow_does_not_have(client, editor):
    article = ArticleFactory()
    client_for(client, editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, form_data(client, url, status="archived"))
    assert response.status_code == 200
    assert "cannot go from Draft to Archived" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_person_page_lists_the_articles_they_appear_in(client, editor):
    person = PersonFactory()
    article = ArticleFactory(headline="Talks resume in Geneva")
    Mention.objects.create(article=article, person=person)
    response = client_for(client, editor).get(
        reverse("admin:articles_person_change", args=[person.pk])
    )
    assert "Talks resume in Geneva" in response.content.decode()
