"""The permission matrix (issue 11 §1): every role × every write path × draft/published.

``ROWS`` is the roles table of the README (``test_the_readme_roles_table_is_this_matrix``
checks that the README shows exactly ``readme_table()``), and ``ACTIONS`` names, for each
row, the paths that do it: the admin's add, change and delete pages of every model, its list
actions and bulk deletes, the inlines of the article and person forms, the review screen,
reverts from the history, the upload, and every write method of the API. Each action is
tried by each role on a world whose article is a draft, then one whose article is published
(and so are the people, source, quotes and image it shows). Where the table says no, every
row of the articles app (history and the admin log included) must be as it was; where it says
yes, the change must have happened.

The rule itself is ``articles.publishing.may``: switch its live check or its permission
check off and the refused cells fail; break a path and its allowed cells fail.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import images, publishing
from articles.importing import Importer
from articles.models import (
    Article,
    ImportRun,
    LeadImage,
    Mention,
    Person,
    PersonVariant,
    Quote,
    Source,
)
from tests.admin_forms import browser_form_data
from tests.factories import (
    ArticleFactory,
    MentionFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
    UserFactory,
)
from tests.test_lead_images import image_bytes

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "003_7cf8419b6963604b.txt"
STATES = ("draft", "published")
ROLES = ("anonymous", "reporter", "editor")

# The README's roles table: (what, Editor, Reporter). "drafts only": while no published (or
# scheduled, or archived) article is concerned: for a person, source or image, while no such
# article shows it. A superuser may do what an editor may; anonymous visitors nothing.
ROWS = {
    "add": ("add an article (as a draft), a person, a source or a lead image", "yes", "yes"),
    "edit": (
        "edit an article, its quotes and the people it mentions (form, inlines, list actions, "
        "review screen), send it to review",
        "yes",
        "drafts only",
    ),
    "place": ("add a quote to an article, or move one out of or into it", "yes", "drafts only"),
    "shown": (
        "rename or edit a person (and their name variants), a source or a lead image",
        "yes",
        "drafts only",
    ),
    "revert": (
        "revert to an earlier version (content only: the status never changes)",
        "yes",
        "drafts only",
    ),
    "publish": (
        "publish, schedule, unpublish, archive, or add an article as published "
        "(`articles.publish_article`)",
        "yes",
        "no",
    ),
    "merge": ("merge people (`articles.merge_person`)", "yes", "no"),
    "delete": ("delete anything (one by one, in bulk, or in an inline)", "yes", "no"),
    "import": (
        "import files from the admin (an import may refresh published articles)",
        "yes",
        "no",
    ),
    "api": ("write through the API (read-only: every write method is refused)", "no", "no"),
}


def readme_table() -> str:
    lines = ["| | Editor | Reporter |", "| --- | --- | --- |"]
    lines += [f"| {what} | {editor} | {reporter} |" for what, editor, reporter in ROWS.values()]
    return "\n".join(lines)


def expected(role: str, row: str, state: str) -> bool:
    if role == "anonymous":
        return False
    _, editor, reporter = ROWS[row]
    cell = reporter if role == "reporter" else editor
    return cell == "yes" or (cell == "drafts only" and state == "draft")


# --- the world each cell starts from ------------------------------------------------------


@dataclass
class World:
    """An article (draft or published) with a quote, two people, a source and an image; a
    second draft with a quote; a person and a source that no article names."""

    state: str
    article: Article
    quote: Quote
    person: Person
    other_person: Person
    mention: Mention
    source: Source
    image: LeadImage
    draft: Article
    draft_quote: Quote
    loose_person: Person
    loose_source: Source
    notes: dict = field(default_factory=dict)

    def fresh(self, obj):
        return type(obj)._default_manager.filter(pk=obj.pk).first()


def build_world(state: str) -> World:
    source = SourceFactory(name="Matrix Outlet", slug="matrix-outlet")
    image = LeadImage(alt="The harbour at dawn", caption="The harbour", credit="Jane Roe")
    image.file.save("harbour.jpg", ContentFile(image_bytes((600, 400))), save=False)
    image.renditions = images.make_renditions(image)
    image.save()
    article = ArticleFactory(
        source=source,
        headline="Original headline",
        slug="original-headline",
        lead_image=image,
        published=state == "published",
    )
    person, other = PersonFactory(name="Anna Shown"), PersonFactory(name="Ann Shown")
    mention = MentionFactory(article=article, person=person, role="minister")
    MentionFactory(article=article, person=other, role="")
    quote = QuoteFactory(article=article, speaker=person, text="Original words", start=100)
    draft = ArticleFactory(headline="Another draft", slug="another-draft")
    draft_quote = QuoteFactory(article=draft, speaker=other, text="Draft words", start=200)
    return World(
        state=state,
        article=article,
        quote=quote,
        person=person,
        other_person=other,
        mention=mention,
        source=source,
        image=image,
        draft=draft,
        draft_quote=draft_quote,
        loose_person=PersonFactory(name="Nobody Named"),
        loose_source=SourceFactory(name="Nobody's Outlet", slug="nobodys-outlet"),
    )


def every_row() -> dict:
    """Each row of the articles app's tables (history included) and of the admin log."""
    models = [m for m in apps.get_app_config("articles").get_models() if m._meta.managed]
    return {
        m._meta.label: list(m._default_manager.order_by("pk").values()) for m in [*models, LogEntry]
    }


# --- how a browser does each thing ---------------------------------------------------------


def admin_url(obj_or_model, view: str, *args) -> str:
    opts = obj_or_model._meta
    if view in ("change", "delete", "history") and not args:
        args = (obj_or_model.pk,)
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def submit(client, url: str, changes: dict | None = None, add_rows: dict | None = None):
    """Post the form at ``url`` as the page shows it, with ``changes`` and new inline rows
    (``{prefix: [{field: value}]}``); a page that shows no form is posted ``changes`` alone."""
    page = client.get(url)
    data: dict = {}
    if page.status_code == 200:
        try:
            data = browser_form_data(page.content.decode())
        except ValueError:
            data = {}
    for prefix, rows in (add_rows or {}).items():
        total = int((data.get(f"{prefix}-TOTAL_FORMS") or ["0"])[0])
        for n, row in enumerate(rows, start=total):
            data.update({f"{prefix}-{n}-{k}": [str(v)] for k, v in row.items()})
        data[f"{prefix}-TOTAL_FORMS"] = [str(total + len(rows))]
    for key, value in (changes or {}).items():
        data[key] = value if hasattr(value, "read") else [str(value)]
    data.pop("_addanother", None)
    data.pop("_continue", None)
    data.setdefault("_save", ["Save"])
    return client.post(url, data)


def inline_index(client, url: str, prefix: str, pk: int) -> int:
    """The form index of the inline row ``pk`` on the page (0 when the page shows none)."""
    page = client.get(url)
    if page.status_code != 200:
        return 0
    found = re.search(rf'name="{prefix}-(\d+)-id" value="{pk}"', page.content.decode())
    return int(found.group(1)) if found else 0


def act(client, model, action: str, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(admin_url(model, "changelist"), data)


def revert(client, obj):
    """Revert ``obj`` to its first version from its history page (the action's setup changed
    it since, as the system)."""
    record = obj.history.earliest()
    return submit(client, admin_url(obj, "simple_history", obj.pk, record.history_id))


def change_then(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def review_post(client, w: World, **data):
    url = reverse("admin:articles_article_review_quote", args=[w.article.pk, w.quote.pk])
    return client.post(url, {"version": w.fresh(w.quote).version, **data})


def set_inline(client, w: World, prefix: str, row, **values):
    url = admin_url(w.article, "change")
    n = inline_index(client, url, prefix, row.pk)
    return submit(client, url, {f"{prefix}-{n}-{k}": v for k, v in values.items()})


def upload_seed(client, w: World):
    upload = SimpleUploadedFile(SEED.name, SEED.read_bytes())
    return client.post(reverse("admin:articles_importrun_upload"), {"files": [upload]})


def import_and_publish_seed(w: World):
    call_command("import_articles", str(SEED), stdout=io.StringIO())
    publishing.publish(articles=Article.objects.filter(source_file__endswith=SEED.name))


BROKEN = "Broken by a bad extractor."


def import_broken_seed(w: World):
    """The seed imported (and published in the published world) as if its extractor had once
    produced a broken body: re-running extraction repairs it."""
    result = Importer().import_path(SEED)
    if w.state == "published":
        publishing.publish(articles=Article.objects.filter(pk=result.article_id))
    article = Article.objects.get(pk=result.article_id)
    article.extracted["body"] = BROKEN
    Article.objects.filter(pk=article.pk).update(body=BROKEN, extracted=article.extracted)
    w.notes["seeded"] = article


def api(method: str, path: str):
    def do(client, w: World):
        target = {
            "article": w.article.slug,
            "person": w.person.slug,
            "quote": w.quote.pk,
            "source": w.source.slug,
        }
        name, _, view = path.partition(":")
        args = [] if view == "list" else [target[name]]
        url = reverse(f"api:{name}-{view}", args=args)
        response = client.generic(
            method,
            url,
            '{"name": "x", "headline": "x", "text": "x"}',
            content_type="application/json",
        )
        assert response.status_code in (401, 403, 405), response.status_code
        return response

    return do


def future():
    return timezone.localtime(timezone.now() + timezone.timedelta(days=3))


# --- the actions -----------------------------------------------------------------------------


@dataclass
class Action:
    row: str
    do: Callable  # (client, world) -> response
    done: Callable  # (world) -> bool: the change happened
    setup: Callable | None = None  # (world): before the snapshot, as the system
    states: tuple = STATES


A = Action
NEW_HEADLINE, NEW_WORDS, NEW_NAME = "Changed headline", "Changed words", "Changed Name"

ACTIONS: dict[str, Action] = {
    # add
    "article: add a draft": A(
        "add",
        lambda c, w: submit(
            c,
            admin_url(Article, "add"),
            {"headline": "Made by hand", "slug": "made-by-hand", "status": "draft"},
        ),
        lambda w: Article.objects.filter(slug="made-by-hand", status="draft").exists(),
        states=("draft",),
    ),
    "person: add": A(
        "add",
        lambda c, w: submit(c, admin_url(Person, "add"), {"name": "New Person", "slug": "np"}),
        lambda w: Person.objects.filter(slug="np").exists(),
        states=("draft",),
    ),
    "source: add": A(
        "add",
        lambda c, w: submit(
            c, admin_url(Source, "add"), {"name": "New Outlet", "slug": "no", "kind": "other"}
        ),
        lambda w: Source.objects.filter(slug="no").exists(),
        states=("draft",),
    ),
    "lead image: add": A(
        "add",
        lambda c, w: submit(
            c,
            admin_url(LeadImage, "add"),
            {
                "file": SimpleUploadedFile("new.jpg", image_bytes((600, 400)), "image/jpeg"),
                "alt": "A new photo",
            },
        ),
        lambda w: LeadImage.objects.filter(alt="A new photo").exists(),
        states=("draft",),
    ),
    # edit
    "article: change the form": A(
        "edit",
        lambda c, w: submit(c, admin_url(w.article, "change"), {"headline": NEW_HEADLINE}),
        lambda w: w.fresh(w.article).headline == NEW_HEADLINE,
    ),
    "article inline: change a quote": A(
        "edit",
        lambda c, w: set_inline(c, w, "quotes", w.quote, text=NEW_WORDS),
        lambda w: w.fresh(w.quote).text == NEW_WORDS,
    ),
    "article inline: change a mention's role": A(
        "edit",
        lambda c, w: set_inline(c, w, "mentions", w.mention, role="envoy"),
        lambda w: w.fresh(w.mention).role == "envoy",
    ),
    "article inline: add a mention": A(
        "edit",
        lambda c, w: submit(
            c,
            admin_url(w.article, "change"),
            add_rows={"mentions": [{"person": w.loose_person.pk, "role": "mayor"}]},
        ),
        lambda w: Mention.objects.filter(article=w.article, person=w.loose_person).exists(),
    ),
    "quote: change the form": A(
        "edit",
        lambda c, w: submit(c, admin_url(w.quote, "change"), {"text": NEW_WORDS}),
        lambda w: w.fresh(w.quote).text == NEW_WORDS,
    ),
    "quote action: verify": A(
        "edit",
        lambda c, w: act(c, Quote, "verify", [w.quote]),
        lambda w: w.fresh(w.quote).state == Quote.State.VERIFIED,
    ),
    "quote action: reject": A(
        "edit",
        lambda c, w: act(c, Quote, "reject", [w.quote]),
        lambda w: w.fresh(w.quote).state == Quote.State.REJECTED,
    ),
    "quote action: reassign the speaker": A(
        "edit",
        lambda c, w: act(
            c, Quote, "reassign_speaker", [w.quote], apply="1", speaker=w.other_person.pk
        ),
        lambda w: w.fresh(w.quote).speaker_id == w.other_person.pk,
    ),
    "review screen: verify": A(
        "edit",
        lambda c, w: review_post(c, w, state="verified"),
        lambda w: w.fresh(w.quote).state == Quote.State.VERIFIED,
    ),
    "review screen: change the speaker": A(
        "edit",
        lambda c, w: review_post(c, w, speaker=w.other_person.pk, new_kind="person"),
        lambda w: w.fresh(w.quote).speaker_id == w.other_person.pk,
    ),
    "article action: fetch og:image": A(
        "edit",
        lambda c, w: act(c, Article, "fetch_og_image", [w.article]),
        lambda w: w.fresh(w.article).lead_image_id not in (None, w.image.pk),
        setup=lambda w: Article.objects.filter(pk=w.article.pk).update(
            lead_image=None, og_image_url="https://images.example.org/harbour.jpg"
        ),
    ),
    "article action: send to review": A(
        "edit",
        lambda c, w: act(c, Article, "send_to_review", [w.article]),
        lambda w: w.fresh(w.article).status == Article.Status.REVIEW,
        states=("draft",),  # a published article goes back to draft first (unpublish)
    ),
    "article action: return to draft": A(
        "edit",
        lambda c, w: act(c, Article, "return_to_draft", [w.article]),
        lambda w: w.fresh(w.article).status == Article.Status.DRAFT,
        setup=lambda w: change_then(w.article, status=Article.Status.REVIEW),
        states=("draft",),  # an article in review
    ),
    "article action: re-run extraction": A(
        "edit",
        lambda c, w: act(c, Article, "rerun_extraction", [w.notes["seeded"]]),
        lambda w: w.fresh(w.notes["seeded"]).body != BROKEN,
        setup=lambda w: import_broken_seed(w),
    ),
    # place
    "quote: add to the article": A(
        "place",
        lambda c, w: submit(
            c,
            admin_url(Quote, "add"),
            {
                "article": w.article.pk,
                "speaker": w.person.pk,
                "text": "Words nobody said",
                "kind": "full",
                "state": "verified",
                "paragraph": 0,
                "start": 0,
                "end": 17,
            },
        ),
        lambda w: Quote.objects.filter(article=w.article, text="Words nobody said").exists(),
    ),
    "article inline: add a quote": A(
        "place",
        lambda c, w: submit(
            c,
            admin_url(w.article, "change"),
            add_rows={
                "quotes": [{"text": "Inline words", "speaker": w.person.pk, "state": "verified"}]
            },
        ),
        lambda w: Quote.objects.filter(article=w.article, text="Inline words").exists(),
    ),
    "quote: move one in from a draft": A(
        "place",
        lambda c, w: submit(
            c, admin_url(w.draft_quote, "change"), {"article": w.article.pk, "text": NEW_WORDS}
        ),
        lambda w: w.fresh(w.draft_quote).article_id == w.article.pk,
    ),
    "quote: move one out to a draft": A(
        "place",
        lambda c, w: submit(c, admin_url(w.quote, "change"), {"article": w.draft.pk}),
        lambda w: w.fresh(w.quote).article_id == w.draft.pk,
    ),
    # shown
    "person: rename": A(
        "shown",
        lambda c, w: submit(c, admin_url(w.person, "change"), {"name": NEW_NAME}),
        lambda w: w.fresh(w.person).name == NEW_NAME,
    ),
    "person inline: add a name variant": A(
        "shown",
        lambda c, w: submit(
            c, admin_url(w.person, "change"), add_rows={"variants": [{"name": "A. Shown"}]}
        ),
        lambda w: PersonVariant.objects.filter(person=w.person, name="A. Shown").exists(),
    ),
    "source: rename": A(
        "shown",
        lambda c, w: submit(c, admin_url(w.source, "change"), {"name": "Renamed Outlet"}),
        lambda w: w.fresh(w.source).name == "Renamed Outlet",
    ),
    "lead image: change the alt text": A(
        "shown",
        lambda c, w: submit(c, admin_url(w.image, "change"), {"alt": "Something else"}),
        lambda w: w.fresh(w.image).alt == "Something else",
    ),
    # revert
    "article: revert": A(
        "revert",
        lambda c, w: revert(c, w.article),
        lambda w: w.fresh(w.article).headline == "Original headline",
        setup=lambda w: change_then(w.fresh(w.article), headline=NEW_HEADLINE),
    ),
    "quote: revert": A(
        "revert",
        lambda c, w: revert(c, w.quote),
        lambda w: w.fresh(w.quote).text == "Original words",
        setup=lambda w: change_then(w.fresh(w.quote), text=NEW_WORDS),
    ),
    "person: revert": A(
        "revert",
        lambda c, w: revert(c, w.person),
        lambda w: w.fresh(w.person).name == "Anna Shown",
        setup=lambda w: change_then(w.fresh(w.person), name=NEW_NAME),
    ),
    "source: revert": A(
        "revert",
        lambda c, w: revert(c, w.source),
        lambda w: w.fresh(w.source).name == "Matrix Outlet",
        setup=lambda w: change_then(w.fresh(w.source), name="Renamed Outlet"),
    ),
    # publish
    "article: add as published": A(
        "publish",
        lambda c, w: submit(
            c,
            admin_url(Article, "add"),
            {"headline": "Made live", "slug": "made-live", "status": "published"},
        ),
        lambda w: Article.objects.published().filter(slug="made-live").exists(),
        states=("published",),
    ),
    "article action: publish": A(
        "publish",
        lambda c, w: act(c, Article, "publish", [w.article]),
        lambda w: w.fresh(w.article).is_published,
        states=("draft",),
    ),
    "article form: publish": A(
        "publish",
        lambda c, w: submit(c, admin_url(w.article, "change"), {"status": "published"}),
        lambda w: w.fresh(w.article).is_published,
        states=("draft",),
    ),
    "article form: schedule": A(
        "publish",
        lambda c, w: submit(
            c,
            admin_url(w.article, "change"),
            {
                "status": "published",
                "published_at_0": future().strftime("%Y-%m-%d"),
                "published_at_1": future().strftime("%H:%M:%S"),
            },
        ),
        lambda w: (
            w.fresh(w.article).status == "published"
            and w.fresh(w.article).published_at > timezone.now()
        ),
        states=("draft",),
    ),
    "article form: reschedule": A(
        "publish",
        lambda c, w: submit(
            c,
            admin_url(w.article, "change"),
            {
                "published_at_0": future().strftime("%Y-%m-%d"),
                "published_at_1": future().strftime("%H:%M:%S"),
            },
        ),
        lambda w: w.fresh(w.article).published_at > timezone.now(),
        states=("published",),
    ),
    "article action: unpublish": A(
        "publish",
        lambda c, w: act(c, Article, "unpublish", [w.article]),
        lambda w: w.fresh(w.article).status == Article.Status.DRAFT,
        states=("published",),
    ),
    "article action: archive": A(
        "publish",
        lambda c, w: act(c, Article, "archive", [w.article]),
        lambda w: w.fresh(w.article).status == Article.Status.ARCHIVED,
        states=("published",),
    ),
    # merge
    "person action: merge": A(
        "merge",
        lambda c, w: act(
            c, Person, "merge_people", [w.person, w.other_person], apply="1", survivor=w.person.pk
        ),
        lambda w: w.fresh(w.other_person) is None,
    ),
    # delete
    "article: delete": A(
        "delete",
        lambda c, w: c.post(admin_url(w.article, "delete"), {"post": "yes"}),
        lambda w: w.fresh(w.article) is None,
    ),
    "article action: delete selected": A(
        "delete",
        lambda c, w: act(c, Article, "delete_selected", [w.article, w.draft], post="yes"),
        lambda w: w.fresh(w.article) is None and w.fresh(w.draft) is None,
    ),
    "quote: delete": A(
        "delete",
        lambda c, w: c.post(admin_url(w.quote, "delete"), {"post": "yes"}),
        lambda w: w.fresh(w.quote) is None,
    ),
    "quote action: delete selected": A(
        "delete",
        lambda c, w: act(c, Quote, "delete_selected", [w.quote, w.draft_quote], post="yes"),
        lambda w: w.fresh(w.quote) is None and w.fresh(w.draft_quote) is None,
    ),
    "article inline: delete a quote": A(
        "delete",
        lambda c, w: set_inline(c, w, "quotes", w.quote, DELETE="on"),
        lambda w: w.fresh(w.quote) is None,
    ),
    "article inline: delete a mention": A(
        "delete",
        lambda c, w: set_inline(c, w, "mentions", w.mention, DELETE="on"),
        lambda w: w.fresh(w.mention) is None,
    ),
    # A person or source an article names cannot be deleted by anyone (protected).
    "person: delete": A(
        "delete",
        lambda c, w: c.post(admin_url(w.loose_person, "delete"), {"post": "yes"}),
        lambda w: w.fresh(w.loose_person) is None,
        states=("draft",),
    ),
    "source: delete": A(
        "delete",
        lambda c, w: c.post(admin_url(w.loose_source, "delete"), {"post": "yes"}),
        lambda w: w.fresh(w.loose_source) is None,
        states=("draft",),
    ),
    "lead image: delete": A(
        "delete",
        lambda c, w: c.post(admin_url(w.image, "delete"), {"post": "yes"}),
        lambda w: w.fresh(w.image) is None,
    ),
    # import: a new file (a draft), or the file of a published article
    "upload: import files": A(
        "import",
        upload_seed,
        lambda w: ImportRun.objects.filter(files_count=1).exists(),
        setup=lambda w: import_and_publish_seed(w) if w.state == "published" else None,
    ),
}
for _name in ("article", "person", "quote", "source"):
    ACTIONS[f"API: POST {_name}s"] = A("api", api("POST", f"{_name}:list"), lambda w: False)
    for _method in ("PUT", "PATCH", "DELETE"):
        ACTIONS[f"API: {_method} a {_name}"] = A(
            "api", api(_method, f"{_name}:detail"), lambda w: False
        )

CELLS = [
    pytest.param(role, name, state, id=f"{role}-{state}-{name}")
    for name, action in ACTIONS.items()
    for state in action.states
    for role in ROLES
]


@pytest.fixture
def fetched_images(monkeypatch):
    """og:image downloads answer with a small JPEG (no network)."""
    monkeypatch.setattr("articles.images.download", lambda url: image_bytes((600, 400)))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, role: str):
    if role == "anonymous":
        return None
    if role == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    else:
        user = UserFactory(username=role, groups=[role.capitalize()])
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role, name, state", CELLS)
def test_the_permission_matrix(client, fetched_images, role, name, state):
    action = ACTIONS[name]
    world = build_world(state)
    if action.setup is not None:
        action.setup(world)
    login(client, role)
    before = every_row()
    assert not action.done(world), "the world already shows the change"

    response = action.do(client, world)

    allowed = expected(role, action.row, state)
    if allowed:
        assert action.done(world), f"{role} could not: {response.status_code}"
    else:
        assert every_row() == before, f"{role} changed the database ({response.status_code})"


# --- the table itself ------------------------------------------------------------------------


def test_the_readme_roles_table_is_this_matrix():
    readme = (ROOT / "README.md").read_text()
    assert readme_table() in readme, "paste this table into the README:\n" + readme_table()


def test_every_row_of_the_table_is_tried_on_drafts_and_published_articles():
    for row in ROWS:
        states = {s for a in ACTIONS.values() if a.row == row for s in a.states}
        assert states == set(STATES) or row == "add", row
    assert {a.row for a in ACTIONS.values()} == set(ROWS)


def test_every_admin_list_action_is_in_the_matrix():
    """A new list action on a model admin of the articles app must get its cells here."""
    tried = {name.split(": ", 1)[1] for name in ACTIONS if ": " in name}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "articles":
            continue
        for _func, action_name, _description in model_admin._get_base_actions():
            label = {
                "delete_selected": "delete selected",
                "merge_people": "merge",
                "reassign_speaker": "reassign the speaker",
                "rerun_extraction": "re-run extraction",
                "fetch_og_image": "fetch og:image",
                "send_to_review": "send to review",
                "return_to_draft": "return to draft",
            }.get(action_name, action_name)
            assert label in tried, f"{model._meta.label}: {action_name} has no cells"
