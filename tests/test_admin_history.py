"""History, compare and revert in the admin, and merging people (issue 10 §1).

- A revert restores content only: the workflow status never changes by revert.
- An imported row's creation is credited to the importing user and run.
- The history list and compare view show the fields editors know, word by word, and
  nothing else; no "None" and no raw column names.
- Merging people never adds a bare given name as a name variant.
"""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import publishing
from articles.importing import Importer
from articles.models import Article, ImportRun, Person, PersonVariant, Quote
from tests.admin_forms import browser_form_data, submit_unchanged
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED = "003_7cf8419b6963604b.txt"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_history", args=[obj.pk])


def revert_url(record):
    name = record.instance._meta.model_name
    return reverse(f"admin:articles_{name}_simple_history", args=[record.id, record.history_id])


def compare_url(record):
    name = record.instance._meta.model_name
    return reverse(f"admin:articles_{name}_history_compare", args=[record.id, record.history_id])


# --- revert: content only --------------------------------------------------------------


def test_reverting_a_live_article_restores_its_words_and_leaves_it_live(editor):
    article = ArticleFactory(headline="Right headline", published=True, raw_input="the scrape")
    published_at = article.published_at
    publishing.unpublish(articles=[article], by=editor)
    article.refresh_from_db()
    article.headline = "Wrong headline"
    article.save()
    publishing.publish(articles=[article], by=editor, at=published_at)
    # The oldest version is the live one with the right headline... and so is the current row.
    draft_version = article.history.get(headline="Wrong headline", status="draft")
    oldest = article.history.earliest()
    client = logged_in(editor)

    # Reverting to a version that was a draft: the words come back, the article stays live.
    form = client.get(revert_url(draft_version)).content.decode()
    assert 'name="status"' not in form and 'name="published_at_0"' not in form
    assert "a live article stays live" in form
    response = submit_unchanged(client, revert_url(draft_version))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.headline == "Wrong headline"
    assert (article.status, article.published_at) == ("published", published_at)
    assert article.is_published and article.raw_input == "the scrape"

    response = submit_unchanged(client, revert_url(oldest))
    article.refresh_from_db()
    assert article.headline == "Right headline" and article.is_published
    assert article.history.latest().history_change_reason.startswith("reverted to the version")
    assert article.history.latest().history_user == editor


def test_reverting_a_draft_to_a_version_that_was_published_keeps_it_a_draft(reporter, editor):
    article = ArticleFactory(headline="Live words", published=True)
    publishing.unpublish(articles=[article], by=editor)
    article.refresh_from_db()
    article.headline = "Draft words"
    article.save()
    live_version = article.history.filter(status="published").earliest()

    # A Reporter may revert a draft: no status changes, so no publish permission is needed.
    response = submit_unchanged(logged_in(reporter), revert_url(live_version))

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Live words", Article.Status.DRAFT)
    assert not Article.objects.published().exists()


def test_revert_service_copies_content_and_never_the_workflow(editor):
    article = ArticleFactory(headline="Old", published=True)
    article.headline = "New"
    article.save()
    old = article.history.earliest().instance
    old.status = Article.Status.DRAFT  # whatever the old version says
    publishing.revert(current=article, to=old, by=editor)
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Old", Article.Status.PUBLISHED)


def test_a_stale_revert_is_refused(editor):
    article = ArticleFactory(headline="First")
    article.headline = "Second"
    article.save()
    first = article.history.earliest()
    client = logged_in(editor)
    page = client.get(revert_url(first)).content.decode()
    data = browser_form_data(page)
    assert data["opened_version"] == [str(article.version)]
    article.headline = "Third, saved meanwhile"
    article.save()
    data["_save"] = ["Save"]
    response = client.post(revert_url(first), data)
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).headline == "Third, saved meanwhile"
    assert 'id="edit-conflict"' in response.content.decode()


# --- who created an imported row ---------------------------------------------------------


def test_an_imported_rows_creation_is_credited_to_the_importer_and_the_run(seeds_dir, editor):
    upload = SimpleUploadedFile(SEED, (seeds_dir / SEED).read_bytes())
    logged_in(editor).post(reverse("admin:articles_importrun_upload"), {"files": [upload]})
    run = ImportRun.objects.get()
    article = Article.objects.get()
    quote = article.quotes.first()
    person = quote.speaker
    assert (article.import_run, quote.import_run, person.import_run) == (run, run, run)
    assert not article.history.exists()  # still lazy

    # Someone else edits all three first.
    other = UserFactory(username="second", groups=["Editor"])
    client = logged_in(other)
    for obj, field, value in [
        (article, "headline", "An edited headline"),
        (quote, "said_to", "reporters"),
        (person, "role", "an edited role"),
    ]:
        url = reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])
        response = submit_unchanged(client, url, **{field: value})
        assert response.status_code == 302, response.content.decode()[:3000]
        created, edited = obj.history.order_by("history_date", "history_id")
        assert (created.history_type, created.history_user) == ("+", editor)
        assert created.history_change_reason == f"import run #{run.pk}"
        assert edited.history_user == other

    page = client.get(history_url(article)).content.decode()
    assert f"import run #{run.pk}" in page
    assert page.count("<td>editor</td>") == 1 and page.count("<td>second</td>") == 1


def test_a_command_line_imports_creation_is_credited_to_the_system(seeds_dir, editor):
    result = Importer().import_path(seeds_dir / SEED)
    article = Article.objects.get(pk=result.article_id)
    client = logged_in(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    submit_unchanged(client, url, headline="Edited")
    created = article.history.earliest()
    assert (created.history_user, created.history_change_reason) == (None, "import")
    assert "<td>the system</td>" in client.get(history_url(article)).content.decode()


# --- what the history shows --------------------------------------------------------------


def test_history_list_has_readable_headers_and_never_says_none(editor):
    article = ArticleFactory(headline="Talks resume")
    article.headline = "Talks resume in Geneva"
    article.save()  # no user, no reason
    page = logged_in(editor).get(history_url(article)).content.decode()
    header = page.split("<thead>")[1].split("</thead>")[0]
    assert "Change reason" in header and "Compare and revert" in header
    assert "compare_link" not in page.lower() and "None" not in page.split("<tbody>")[1]
    assert "<td>—</td>" in page
    assert "Talks resume <ins>in Geneva</ins>" in page


def test_compare_shows_a_one_word_fix_as_one_word_and_no_bookkeeping(editor):
    words = " ".join(f"word{i}" for i in range(60))
    article = ArticleFactory(body=f"{words} teh end.", published=True)
    article.body = f"{words} the end."
    article.published_at += dt.timedelta(microseconds=7)
    article.extracted = {"body": "a new snapshot"}
    article.content_hash = "f" * 64
    article.save()
    latest = article.history.latest()
    response = logged_in(editor).get(compare_url(latest))

    rows = response.context["rows"]
    assert [row["name"] for row in rows] == ["body"]  # no time, hash, snapshot or version
    segments = rows[0]["segments"]
    assert ("del", "teh ") in segments and ("ins", "the ") in segments
    assert segments[0] == ("same", "… " + " ".join(f"word{i}" for i in range(52, 60)) + " ")
    page = response.content.decode()
    assert "<del>teh </del><ins>the </ins>" in page
    assert "word3 " not in page  # the unchanged stretch is shortened, not highlighted whole
    for hidden in ("Content hash", "Extracted", "Version", "Updated at"):
        assert hidden not in page


def test_compare_lists_quote_and_person_fields_editors_know(editor):
    quote = QuoteFactory(text="We will talk")
    new_speaker = PersonFactory(name="Dmitry Peskov")
    quote.text = "We will talk soon"
    quote.speaker = new_speaker
    quote.save()
    response = logged_in(editor).get(compare_url(quote.history.latest()))
    assert {row["name"] for row in response.context["rows"]} == {"text", "speaker"}
    assert "<ins>Dmitry Peskov</ins>" in response.content.decode()


# --- merging people ------------------------------------------------------------------------


def test_merging_never_adds_a_bare_given_name_as_a_variant(editor):
    trump = PersonFactory(name="Donald Trump")
    donald = PersonFactory(name="Donald")
    surname = PersonFactory(name="Trump")
    client = logged_in(editor)
    response = client.post(
        reverse("admin:articles_person_changelist"),
        {
            "action": "merge_people",
            ACTION_CHECKBOX_NAME: [trump.pk, donald.pk, surname.pk],
            "apply": "1",
            "survivor": trump.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert list(Person.objects.all()) == [trump]
    assert list(PersonVariant.objects.values_list("name", flat=True)) == ["Trump"]
    page = response.content.decode()
    assert "1 name variants added" in page
    assert "Not kept as name variants: “Donald”" in page


@pytest.mark.parametrize(
    "name, survivor, kept",
    [
        ("Donald", "Donald Trump", False),
        ("Donald", "Trump", False),
        ("Trump", "Donald Trump", True),
        ("Peskov", "Dmitry Peskov", True),
        ("Wallace", "Chris Wallace", True),  # a given name too, but his surname
        ("D. Trump", "Donald Trump", True),
        ("Donald J. Trump", "Donald Trump", True),
    ],
)
def test_which_merged_names_become_variants(name, survivor, kept):
    assert publishing.is_variant_worth_keeping(name, survivor=Person(name=survivor)) is kept


def test_merging_keeps_quotes_of_the_person_whose_given_name_is_dropped(editor):
    trump, donald = PersonFactory(name="Donald Trump"), PersonFactory(name="Donald")
    quote = QuoteFactory(speaker=donald)
    result = publishing.merge_people(survivor=trump, others=[donald], by=editor)
    assert (result.variants_added, result.names_dropped, result.quotes_moved) == (0, ["Donald"], 1)
    assert Quote.objects.get(pk=quote.pk).speaker == trump


def test_the_history_page_runs_the_same_queries_for_3_and_12_versions(editor):
    client = logged_in(editor)

    def queries_for(versions):
        article = ArticleFactory(headline="v0")
        for n in range(1, versions):
            article.headline = f"v{n}"
            article.body = f"Body {n}."
            article._history_user = editor
            article.save()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(history_url(article)).status_code == 200
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(12)


@pytest.mark.parametrize("model", ["person", "quote", "source"])
def test_reverting_a_person_quote_or_source_restores_its_words(editor, model):
    from tests.factories import SourceFactory

    obj, field = {
        "person": (lambda: PersonFactory(name="Maria Zakharova"), "name"),
        "quote": (lambda: QuoteFactory(text="We will respond"), "text"),
        "source": (lambda: SourceFactory(name="TASS"), "name"),
    }[model]
    obj = obj()
    right = getattr(obj, field)
    setattr(obj, field, "Wrong words")
    obj.save()
    response = submit_unchanged(logged_in(editor), revert_url(obj.history.earliest()))
    assert response.status_code == 302, response.content.decode()[:3000]
    obj.refresh_from_db()
    assert getattr(obj, field) == right
