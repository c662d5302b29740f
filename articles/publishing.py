"""Editors' operations: the publishing workflow, merging people, reassigning speakers,
re-running extraction, importing uploaded files, and the rules of editing together
(stale saves, who else has a form open, what a revert restores, what history shows).

The admin's actions call these functions; so can a command, the shell or an API.
Each takes keyword-only arguments and, where a person does the work, ``by``: the
user who is checked for the permission and recorded in the change history
(``None`` means the system itself, which is not checked).

The workflow::

    draft ──send_to_review──▶ in review ──publish──▶ published ──archive──▶ archived
      ▲  ◀──────return_to_draft───┘                     │                     │
      └──────────────────────────unpublish──────────────┴─────────────────────┘

Publishing sets ``published_at`` (now, unless a time was already set or is
given); a future time schedules the article, which readers see only from then
(``Article.objects.published()``). Moving an article into or out of
"published" or "archived" needs the ``articles.publish_article`` permission.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.text import slugify

from articles.extraction import ExtractionError
from articles.extraction.files import load_text
from articles.extraction.lexicon import is_given_name
from articles.extraction.people import name_key
from articles.fragments import articles_showing, render_fragments
from articles.importing import FAILED, FileResult, Importer
from articles.models import (
    Article,
    ImportRun,
    LeadImage,
    Mention,
    Person,
    PersonVariant,
    PublicCount,
    Quote,
    Source,
)

User = AbstractBaseUser | AnonymousUser

Status = Article.Status
PUBLISH_PERMISSION = "articles.publish_article"
MERGE_PERMISSION = "articles.merge_person"

# Which status may follow which. Anything else is refused with a reason.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.REVIEW, Status.PUBLISHED},
    Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.DRAFT, Status.ARCHIVED},
    Status.ARCHIVED: {Status.DRAFT},
}
# Statuses whose articles readers may see (or will, once scheduled): only
# editors with the publish permission move articles into or out of them.
GUARDED = {Status.PUBLISHED, Status.ARCHIVED}

# The fields editors know, per model: what the history lists and compares. Everything
# else (extraction snapshots, hashes, the version counter, timestamps) is bookkeeping.
EDITOR_FIELDS: dict[str, tuple[str, ...]] = {
    "article": (
        "headline",
        "slug",
        "byline",
        "source",
        "lead_image",
        "image_caption",
        "image_credit",
        "body",
        "status",
        "published_at",
        "flags",
        "related_links",
    ),
    "quote": (
        "article",
        "text",
        "speaker",
        "speaker_organization",
        "kind",
        "said_to",
        "sentence",
        "state",
    ),
    "person": ("name", "slug", "role"),
    "mention": ("person", "role"),
    "source": ("name", "slug", "kind", "homepage", "domain"),
}
# Changed only by the publishing actions (and the form's status field), never by a revert.
WORKFLOW_FIELDS = ("status", "published_at")
# Restored with a quote's words, so the highlight finds them where they were.
_REVERTED_WITH = {"quote": ("paragraph", "start", "end")}
# How long an open change form counts as "being edited" without a sign of life from it.
PRESENCE_SECONDS = 45


@dataclass
class TransitionResult:
    """Which articles changed status, and which were left alone and why."""

    changed: list[Article] = field(default_factory=list)
    skipped: list[tuple[Article, str]] = field(default_factory=list)


# --- permissions: one rule -----------------------------------------------------------
#
# Who may write what, in one sentence: a user may add, change or delete a row when they hold
# Django's permission for it (``articles.<action>_<model>``) and, if readers see that row or
# a page that shows it (or will, once scheduled), the publish permission too. A row being
# saved counts as it will be and as it is stored: moving a quote out of a published article
# changes that article. An import may refresh any published article, so it always counts as
# live. Besides: moving an article into or out of "published" or "archived" needs the publish
# permission (``check_transition``), merging people the merge permission. Every service below
# and every admin path (forms, inlines, actions, deletes, reverts) asks ``may`` or
# ``check_write``; ``tests/test_permission_matrix.py`` tries each path as each role.


def can_publish(user: User | None) -> bool:
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def is_live(obj: models.Model) -> bool:
    """Whether readers see (or, once scheduled, will see) ``obj`` or a page that shows it.

    For the row as given, without reading its stored copy: an article by its status; a
    quote, mention or name variant by the article or person it belongs to; a person by the
    articles that name or quote them; a source by its articles and the quotes it said; a
    lead image by the articles that show it; an import always.
    """
    if isinstance(obj, Article):
        return obj.status in GUARDED
    if isinstance(obj, Quote | Mention):
        return obj.article_id is not None and (
            Article.objects.filter(pk=obj.article_id, status__in=GUARDED).exists()
        )
    if isinstance(obj, PersonVariant):
        return obj.person_id is not None and is_live(Person(pk=obj.person_id))
    if obj.pk is None:
        return isinstance(obj, ImportRun)
    live = Article.objects.filter(status__in=GUARDED)
    if isinstance(obj, Person):
        return live.filter(Q(mentions__person=obj) | Q(quotes__speaker=obj)).exists()
    if isinstance(obj, Source):
        return live.filter(Q(source=obj) | Q(quotes__speaker_organization=obj)).exists()
    if isinstance(obj, LeadImage):
        return live.filter(lead_image=obj).exists()
    return isinstance(obj, ImportRun)


def may(user: User | None, action: str, obj: models.Model | type[models.Model]) -> bool:
    """The rule: may ``user`` ``action`` ("add", "change" or "delete") ``obj``?

    ``obj`` is a row (as given: see :func:`check_write` for a save) or a model, for the
    question "any row of it?" asked before a row is chosen. ``None`` is the system itself.
    """
    if user is None:
        return True
    opts = obj._meta
    if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        return False
    return isinstance(obj, type) or can_publish(user) or not is_live(obj)


def check_write(*, by: User | None, action: str, obj: models.Model) -> None:
    """Refuse (``PermissionDenied``, with the reason) a write :func:`may` does not allow,
    of ``obj`` as it will be and of its stored row (a save cannot move a row out of a page
    readers see either). Call before writing, inside the write's transaction."""
    rows = [obj]
    if obj.pk is not None and action != "add":
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        rows += [stored] if stored is not None else []
    for row in rows:
        if not may(by, action, row):
            raise PermissionDenied(_refusal(by, action, row))


def _refusal(by: User, action: str, obj: models.Model) -> str:
    opts = obj._meta
    if not by.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        return f"You may not {action} {opts.verbose_name_plural}."
    if isinstance(obj, ImportRun):
        return (
            "Only editors with the publish permission import files: an import may refresh "
            "published articles."
        )
    article, what = obj, f"“{obj}”"
    if isinstance(obj, Quote | Mention):
        article = Article.objects.filter(pk=obj.article_id).first()
        what = f"the {opts.verbose_name_plural} of “{article}”"
    if isinstance(article, Article):
        return (
            f"You may not {action} {what}: it is {Status(article.status).label.lower()}, and "
            "only editors with the publish permission change what readers see."
        )
    return (
        f"You may not {action} this {opts.verbose_name}: a published article shows it, and "
        "only editors with the publish permission change what readers see."
    )


def check_transition(*, article: Article, current: str | None, new: str, by: User | None) -> None:
    """Refuse a status change that the workflow or the user's permissions do not allow.

    ``current`` is the status stored in the database (``None`` for a new
    article). Raises ``ValidationError`` (code ``transition``) for a move the
    workflow does not have, ``PermissionDenied`` for one the user may not make.
    """
    if current == new:
        return
    if (current in GUARDED or new in GUARDED) and not can_publish(by):
        raise PermissionDenied("Only editors with the publish permission can do this.")
    if current is not None and new not in TRANSITIONS[current]:
        raise ValidationError(
            "An article cannot go from %(old)s to %(new)s.",
            code="transition",
            params={"old": Status(current).label, "new": Status(new).label},
        )


def apply_status(article: Article, status: str, *, at: dt.datetime | None = None) -> None:
    """Set ``status`` on ``article`` (unsaved), filling in the publication time.

    Publishing keeps a publication time already set (a scheduled time, or the
    original's date) unless ``at`` is given, and uses now when there is none.
    """
    article.status = status
    if status == Status.PUBLISHED:
        article.published_at = at or article.published_at or timezone.now()


# --- the workflow --------------------------------------------------------------------


def publish(
    *, articles: Iterable[Article], by: User | None = None, at: dt.datetime | None = None
) -> TransitionResult:
    """Publish ``articles``: from ``at`` if given (a future time schedules them)."""
    return _transition(articles=articles, status=Status.PUBLISHED, by=by, at=at)


def schedule(
    *, articles: Iterable[Article], at: dt.datetime, by: User | None = None
) -> TransitionResult:
    """Publish ``articles`` from the future time ``at``; readers see nothing before."""
    if at <= timezone.now():
        raise ValidationError("A scheduled time must be in the future.", code="past")
    return _transition(articles=articles, status=Status.PUBLISHED, by=by, at=at, reschedule=True)


def unpublish(*, articles: Iterable[Article], by: User | None = None) -> TransitionResult:
    """Take published (or scheduled, or archived) articles back to draft."""
    return _transition(
        articles=articles, status=Status.DRAFT, by=by, only_from={Status.PUBLISHED, Status.ARCHIVED}
    )


def send_to_review(*, articles: Iterable[Article], by: User | None = None) -> TransitionResult:
    """Mark drafts as ready for an editor."""
    return _transition(articles=articles, status=Status.REVIEW, by=by)


def return_to_draft(*, articles: Iterable[Article], by: User | None = None) -> TransitionResult:
    """Send articles in review back to their authors."""
    return _transition(articles=articles, status=Status.DRAFT, by=by, only_from={Status.REVIEW})


def archive(*, articles: Iterable[Article], by: User | None = None) -> TransitionResult:
    """Take published articles off the site, keeping them apart from drafts."""
    return _transition(articles=articles, status=Status.ARCHIVED, by=by)


@transaction.atomic
def _transition(
    *,
    articles: Iterable[Article],
    status: str,
    by: User | None,
    at: dt.datetime | None = None,
    only_from: set[str] | None = None,
    reschedule: bool = False,
) -> TransitionResult:
    """Move each article to ``status``, skipping (with a reason) those that cannot go.

    Raises ``PermissionDenied`` before changing anything when the user may not
    make this kind of move at all.
    """
    guarded = status in GUARDED or bool((only_from or set()) & GUARDED)
    if guarded and not can_publish(by):
        raise PermissionDenied("Only editors with the publish permission can do this.")
    result = TransitionResult()
    for article in articles:
        if article.status == status and not reschedule:
            result.skipped.append((article, f"already {Status(status).label.lower()}"))
            continue
        if only_from is not None and article.status not in only_from:
            result.skipped.append((article, f"is {Status(article.status).label.lower()}"))
            continue
        try:
            check_transition(article=article, current=article.status, new=status, by=by)
        except ValidationError as exc:
            result.skipped.append((article, exc.messages[0]))
            continue
        except PermissionDenied as exc:
            result.skipped.append((article, str(exc)))
            continue
        apply_status(article, status, at=at)
        _save(article, by=by, reason=f"status: {Status(status).label.lower()}")
        result.changed.append(article)
    return result


# --- history: what editors see, what a revert restores ------------------------------


def editor_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's fields editors know (``EDITOR_FIELDS``), in that order."""
    return [model._meta.get_field(name) for name in EDITOR_FIELDS[model._meta.model_name]]


def revert_fields(model: type[models.Model]) -> list[str]:
    """What a revert restores: the content, never the workflow status or publication time."""
    name = model._meta.model_name
    content = [f for f in EDITOR_FIELDS[name] if f not in WORKFLOW_FIELDS]
    return [*content, *_REVERTED_WITH.get(name, ())]


def revert(*, current: models.Model, to: models.Model, by: User | None = None) -> models.Model:
    """Make the content of the old version ``to`` current on the stored row ``current``.

    Only :func:`revert_fields` are copied: a live article stays live and a draft stays a
    draft (status changes only through the publishing actions, by someone allowed to
    publish); bookkeeping (the raw scrape, snapshots, the import key) stays as stored.
    ``to`` may carry an editor's corrections on the revert form. Returns ``current``, saved.
    """
    for name in revert_fields(type(current)):
        attname = current._meta.get_field(name).attname
        setattr(current, attname, getattr(to, attname))
    # As restored and as stored: a quote's old version may be in another article.
    check_write(by=by, action="change", obj=current)
    when = getattr(to, "updated_at", None)
    label = timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "an earlier one"
    _save(current, by=by, reason=f"reverted to the version of {label}")
    return current


# --- editing together: stale saves and open forms --------------------------------------


@dataclass
class Conflict:
    """A save from a form opened at ``version`` after someone else saved the row.

    ``current`` is the stored row (locked until the transaction ends), ``base`` the row
    as the form showed it (from the history; ``None`` if no version of it was kept), and
    ``saved_by`` who saved it since, oldest first.
    """

    current: models.Model
    version: int
    base: models.Model | None
    saved_by: list[str]


def check_version(*, model: type[models.Model], pk, version: int | None) -> Conflict | None:
    """Lock the stored row and compare its version with the one a form was opened at.

    Returns ``None`` when they agree (the save may go ahead), else a :class:`Conflict`:
    the save must be refused and nothing written. A form with no version (``None``) is
    treated as opened at version 0, so it is always refused. Call inside a transaction.
    """
    current = model._default_manager.select_for_update().filter(pk=pk).first()
    if current is None or current.version == version:
        return None
    version = version or 0
    history = getattr(model, "history", None)  # a mention keeps none: who and what are unknown
    base_record, names = None, []
    if history is not None:
        records = history.filter(id=pk)
        base_record = records.filter(version=version).order_by("-history_date").first()
        since = records.filter(version__gt=version).order_by("history_date", "history_id")
        for record in since.select_related("history_user"):
            name = _user_label(record.history_user)
            if name not in names:
                names.append(name)
    return Conflict(
        current=current,
        version=version,
        base=base_record.instance if base_record else None,
        saved_by=names or ["someone else"],
    )


@dataclass
class Deletion:
    """A row someone deleted while a form still showed it: what it was, who deleted it."""

    label: str
    deleted_by: str


def find_deletion(*, model: type[models.Model], pk) -> Deletion | None:
    """How a deleted row of ``model`` read, and who deleted it (from its history)."""
    history = getattr(model, "history", None)
    record = history.filter(id=pk).order_by("-history_date").first() if history else None
    if record is None:
        return Deletion(label=f"#{pk}", deleted_by="someone else")
    return Deletion(label=str(record.instance), deleted_by=_user_label(record.history_user))


def _presence_key(obj: models.Model) -> str:
    return f"articles:editing:{obj._meta.label_lower}:{obj.pk}"


def mark_editing(*, obj: models.Model, by: User) -> list[str]:
    """Record that ``by`` has ``obj``'s change form open; returns who else has it open.

    A lightweight presence record in the cache (shared between processes when
    ``REDIS_URL`` is set): the page renews it while it stays open, and an entry not
    renewed for ``PRESENCE_SECONDS`` has gone (the editor closed the page or left).
    """
    now = time.time()
    key = _presence_key(obj)
    present = {
        uid: (name, seen)
        for uid, (name, seen) in (cache.get(key) or {}).items()
        if now - seen < PRESENCE_SECONDS
    }
    present[by.pk] = (_user_label(by), now)
    cache.set(key, present, PRESENCE_SECONDS * 2)
    return sorted(name for uid, (name, _seen) in present.items() if uid != by.pk)


def stop_editing(*, obj: models.Model, by: User) -> None:
    """Forget that ``by`` has ``obj``'s form open (the page was closed or saved)."""
    key = _presence_key(obj)
    present = cache.get(key) or {}
    if present.pop(by.pk, None) is not None:
        cache.set(key, present, PRESENCE_SECONDS * 2)


def _user_label(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


# --- people and quotes ---------------------------------------------------------------


@dataclass
class MergeResult:
    survivor: Person
    merged: list[str]
    quotes_moved: int = 0
    mentions_moved: int = 0
    variants_added: int = 0
    # Merged names not kept as variants: bare given names ("Donald").
    names_dropped: list[str] = field(default_factory=list)


@transaction.atomic
def merge_people(
    *, survivor: Person, others: Iterable[Person], by: User | None = None
) -> MergeResult:
    """Merge ``others`` into ``survivor`` and delete them.

    Their quotes and mentions move to the survivor (a mention in an article
    that already mentions the survivor is dropped, its role kept if the
    survivor's is empty); their names and variants become the survivor's
    variants, so the next import matches those spellings to the survivor. A bare given
    name ("Donald") is never made a variant (see :func:`is_variant_worth_keeping`):
    the next import would give everyone called Donald to this person.
    """
    if by is not None and not by.has_perm(MERGE_PERMISSION):
        raise PermissionDenied("Only editors with the merge permission can merge people.")
    others = [p for p in others if p.pk != survivor.pk]
    result = MergeResult(survivor=survivor, merged=[p.name for p in others])
    if not others:
        return result
    known = set(survivor.variants.values_list("name_key", flat=True)) | {survivor.name_key}
    survivor_mentions = {m.article_id: m for m in survivor.mentions.all()}
    for other in others:
        for quote in Quote.objects.filter(speaker=other):
            quote.speaker = survivor
            _save(quote, by=by, reason=f"speaker merged: {other.name} → {survivor.name}")
            result.quotes_moved += 1
        for mention in Mention.objects.filter(person=other):
            kept = survivor_mentions.get(mention.article_id)
            if kept is None:
                mention.person = survivor
                mention.save(update_fields=["person"])
                survivor_mentions[mention.article_id] = mention
                result.mentions_moved += 1
            else:
                if not kept.role and mention.role:
                    kept.role = mention.role
                    kept.save(update_fields=["role"])
                mention.delete()
        names = [other.name, *other.variants.values_list("name", flat=True)]
        other.variants.all().delete()
        for name in names:
            key = name_key(name)
            if key and key not in known and not is_variant_worth_keeping(name, survivor=survivor):
                result.names_dropped.append(name)
            elif key and key not in known:
                PersonVariant.objects.create(person=survivor, name=name[:200])
                known.add(key)
                result.variants_added += 1
        if not survivor.role and other.role:
            survivor.role = other.role
        other._history_user = by
        other._change_reason = f"merged into {survivor.name} (#{survivor.pk})"
        other.delete()
    _save(survivor, by=by, reason="merged: " + ", ".join(result.merged))
    return result


def is_variant_worth_keeping(name: str, *, survivor: Person) -> bool:
    """Whether a merged person's ``name`` should become one of ``survivor``'s variants.

    A one-word name is kept only as a surname: the survivor's last name ("Trump" for
    Donald Trump), or a word that is not a given name. A bare given name ("Donald") is
    dropped: it names many people, and the importer would match them all to the survivor.
    """
    words = name.split()
    if len(words) != 1:
        return bool(words)
    surname = survivor.name.split()[-1] if survivor.name.split() else ""
    if name_key(words[0]) == name_key(surname) and len(survivor.name.split()) > 1:
        return True
    return not is_given_name(words[0].strip(".,"))


@transaction.atomic
def reassign_speaker(
    *,
    quotes: Iterable[Quote],
    speaker: Person | None = None,
    organization: Source | None = None,
    by: User | None = None,
) -> int:
    """Attribute ``quotes`` to ``speaker`` (a person) or ``organization``; returns how many.

    A person who was not yet mentioned in a quote's article becomes mentioned
    there, so the article's list of people stays true.
    """
    if (speaker is None) == (organization is None):
        raise ValidationError("Choose one speaker: a person or an organisation.", code="speaker")
    wanted = (speaker.pk if speaker else None, organization.pk if organization else None)
    # A new mention gets the role readers see (as stored), never one only a draft gives.
    role = Person.objects.filter(pk=wanted[0]).values_list("public_role", flat=True).first()
    changed = 0
    for quote in quotes:
        check_write(by=by, action="change", obj=quote)
        if (quote.speaker_id, quote.speaker_organization_id) == wanted:
            continue
        quote.speaker = speaker
        quote.speaker_organization = organization
        _save(quote, by=by, reason=f"speaker reassigned to {speaker or organization}")
        if speaker is not None:
            Mention.objects.get_or_create(
                article_id=quote.article_id,
                person=speaker,
                defaults={"role": role or ""},
            )
        changed += 1
    return changed


@transaction.atomic
def set_quote_state(*, quotes: Iterable[Quote], state: str, by: User | None = None) -> int:
    """Mark ``quotes`` verified, rejected or unreviewed; returns how many changed."""
    changed = 0
    for quote in quotes:
        check_write(by=by, action="change", obj=quote)
        if quote.state != state:
            quote.state = state
            _save(quote, by=by, reason=f"quote {Quote.State(state).label.lower()}")
            changed += 1
    return changed


class StaleQuote(Exception):
    """A review action on a quote someone else saved since the page showed it."""

    def __init__(self, conflict: Conflict):
        super().__init__(f"“{conflict.current}” was saved by {', '.join(conflict.saved_by)}.")
        self.conflict = conflict


@transaction.atomic
def review_quote(
    *,
    quote: Quote,
    version: int | None,
    state: str | None = None,
    speaker: Person | None = None,
    organization: Source | None = None,
    new_speaker: dict | None = None,
    by: User | None = None,
) -> Quote:
    """One editor's decision on one quote from the review screen, if the quote is as shown.

    ``version`` is the quote's version the page showed; a quote saved since is refused
    with :class:`StaleQuote` and nothing is written. Then ``state`` is set
    (:func:`set_quote_state`) and/or the speaker changed (:func:`reassign_speaker`), with
    their permission checks; ``new_speaker`` (``name``, ``kind``, ``role``: the arguments
    of :func:`add_speaker`) names a speaker to find or create first. One transaction: a
    refused change creates no speaker either. Returns the quote as stored.
    """
    conflict = check_version(model=Quote, pk=quote.pk, version=version)
    if conflict is not None:
        raise StaleQuote(conflict)
    current = Quote.objects.select_related("article").get(pk=quote.pk)
    check_write(by=by, action="change", obj=current)
    if new_speaker:
        found = add_speaker(**new_speaker, by=by)
        speaker, organization = (found, None) if isinstance(found, Person) else (None, found)
    if speaker is not None or organization is not None:
        reassign_speaker(quotes=[current], speaker=speaker, organization=organization, by=by)
    if state is not None:
        set_quote_state(quotes=[current], state=state, by=by)
    return current


@transaction.atomic
def add_speaker(*, name: str, kind: str, role: str = "", by: User | None = None):
    """The person (``kind="person"``) or organisation (``"organization"``) called ``name``,
    created if there is none yet, for an editor naming a speaker on the spot.

    An existing one is found by its name (a person also by a name variant), so typing a
    known name twice never makes a duplicate. Creating needs the ``add_person`` or
    ``add_source`` permission (``PermissionDenied``); an empty name is a
    ``ValidationError`` (code ``name``).
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Type the new speaker's name.", code="name")
    if kind == "person":
        key = name_key(name)
        found = Person.objects.filter(Q(name_key=key) | Q(variants__name_key=key)).first()
        model = Person
    else:
        found = Source.objects.filter(name__iexact=name).first()
        model = Source
    if found is not None:
        return found
    if not may(by, "add", model):
        raise PermissionDenied(f"You may not add a {model._meta.verbose_name}.")
    slug = base = slugify(name)[:190] or model._meta.model_name
    n = 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    fields = {"name": name[:200], "slug": slug}
    if kind == "person":
        fields["role"] = role[:300]
    obj = model(**fields)
    _save(obj, by=by, reason="added as a speaker on the review screen")
    return obj


def review_counts() -> list[dict]:
    """Who verified and who rejected how many quotes, from the quotes' history.

    A decision is a history record whose state is verified or rejected where the record
    before it had another state (re-saving a verified quote is not a second decision).
    Each item: ``user`` (a label), ``verified``, ``rejected``; most decisions first.
    """
    history = Quote.history.model
    before = history.objects.filter(
        id=models.OuterRef("id"), history_date__lt=models.OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    decided = (
        history.objects.filter(
            history_type="~", state__in=[Quote.State.VERIFIED, Quote.State.REJECTED]
        )
        .annotate(before=models.Subquery(before.values("state")[:1]))
        .filter(Q(before__isnull=True) | ~Q(before=models.F("state")))
        .values("history_user")
        .annotate(
            verified=models.Count("pk", filter=Q(state=Quote.State.VERIFIED)),
            rejected=models.Count("pk", filter=Q(state=Quote.State.REJECTED)),
        )
    )
    decided = list(decided)
    ids = [row["history_user"] for row in decided]
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    rows = [
        {
            "user": _user_label(users.get(row["history_user"])),
            "verified": row["verified"],
            "rejected": row["rejected"],
        }
        for row in decided
    ]
    return sorted(rows, key=lambda r: (-(r["verified"] + r["rejected"]), r["user"]))


# --- extraction and import -----------------------------------------------------------


def rerun_extraction(*, articles: Iterable[Article], by: User | None = None) -> list[FileResult]:
    """Extract each article again from its stored raw input and refresh it.

    Uses the importer, so only machine fields nobody edited are refreshed and
    editors' quotes are kept. Each article is its own transaction; an article
    that was not imported (no raw input) or no longer extracts is reported as
    failed and the others go on.
    """
    importer = Importer()
    results = []
    for article in articles:
        label = article.source_file or f"article {article.pk}"
        if not may(by, "change", article):
            results.append(_failed(label, article, "you may not change this article"))
            continue
        if not article.raw_input:
            results.append(_failed(label, article, "no raw input: the article was not imported"))
            continue
        path = Path(article.source_file)
        try:
            loaded = load_text(article.raw_input, path=path, content_hash=article.content_hash)
        except ExtractionError as exc:
            results.append(_failed(label, article, str(exc)))
            continue
        results.append(importer.import_loaded(path, loaded, label=label))
    return results


def import_uploads(*, files: Iterable[UploadedFile], by: User | None = None) -> ImportRun:
    """Store uploaded files as an import run and queue its import (see ``import_runs``).

    With a worker running (``manage.py import_worker``) this returns at once and the
    run fills in as files are imported; with the immediate task backend the files are
    imported before it returns.
    """
    from articles import import_runs  # import_runs imports this module's neighbours

    run = import_runs.queue_uploads(files=files, by=by)
    run.refresh_from_db()
    return run


# --- what readers see, kept on the rows ----------------------------------------------
#
# Public lists must not work out on every request which people, sources and quotes readers
# may see (EXISTS over published articles for each row) or count them. The answer is kept
# on the rows instead, and brought up to date by ``refresh_public_state`` on every write:
# the model signals call it for each save and delete (admin, these services, the shell),
# the importer after its bulk inserts. The rule itself is the one of
# ``Article.objects.published()`` and ``Quote.objects.visible_rule()``:
#
# - ``Quote.public_at``: the article's publication time while it is published and the
#   quote is not rejected, else null; ``Mention.public_at`` likewise (no rejection).
#   Readers see the row once ``public_at <= now``, so a scheduled article shows on time.
# - ``Person`` / ``Source``: ``public_since``, the earliest of those times (for a source,
#   also its published articles' times), so readers see them on time too; and
#   ``public_quote_count`` / ``public_article_count``, counted at the last write; a person's
#   ``public_role`` (:func:`public_role`): the editor's role, else the newest one readers see
#   in a published article, so a role taken from a draft stays off the site. A scheduled
#   article's own rows are counted when it goes live (``refresh_due``, run when the page
#   cache's version expires at that time: ``articles.signals.public_cache_version``).


def _article_live_time():
    """The article's publication time if it is published, else null (for an UPDATE)."""
    return Subquery(
        Article.objects.filter(pk=OuterRef("article_id"), status=Status.PUBLISHED).values(
            "published_at"
        )[:1]
    )


def _count(queryset, column: str):
    counted = queryset.filter(**{column: OuterRef("pk")}).order_by().values(column)
    return Coalesce(
        Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def _earliest(queryset, column: str, time: str):
    return Subquery(
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(at=Min(time))
        .values("at")
    )


def _least(first, second):
    # LEAST ignores nulls on PostgreSQL only: coalesce each way so both databases agree.
    return Least(Coalesce(first, second), Coalesce(second, first))


def editor_typed_role() -> Q:
    """People whose ``role`` an editor typed: set, and not the importer's value
    (``extracted["role"]``, kept from the article that made the person). A person made by hand
    or on the review screen has no snapshot, so any role they have is an editor's."""
    return ~Q(role="") & (~Q(extracted__has_key="role") | ~Q(role=KT("extracted__role")))


def public_role(*, now: dt.datetime):
    """The role readers see, for an UPDATE of people: the editor's, else the role the newest
    published article gives (a mention whose ``public_at`` has come), else none."""
    newest = (
        Mention.objects.filter(person=OuterRef("pk"), public_at__lte=now)
        .exclude(role="")
        .order_by("-public_at", "-pk")
        .values("role")[:1]
    )
    return Case(
        When(editor_typed_role(), then=F("role")),
        default=Coalesce(Subquery(newest), Value("")),
        output_field=CharField(),
    )


def refresh_public_state(
    *,
    articles: Iterable[int] = (),
    quotes: Iterable[int] = (),
    mentions: Iterable[int] = (),
    people: Iterable[int | None] = (),
    sources: Iterable[int | None] = (),
    pages: Iterable[int | None] = (),
    everything: bool = False,
) -> None:
    """Bring what readers see up to date after a write (ids of the rows written).

    ``articles``: their quotes and mentions, people and sources are refreshed; ``quotes`` /
    ``mentions``: those rows and their people and sources; ``people`` / ``sources``: also
    these (for example the speaker a quote was taken from). ``everything``: all rows (a
    migration, a bulk load). A handful of set-based queries whatever the number of rows.

    The pre-rendered fragments (``articles.fragments``) of the articles written, and of those
    of the quotes and mentions written, are rendered again, and those of ``pages``: articles
    that show something else that changed (a renamed person, the article a quote left).
    A few queries per 200 articles, and the rendering itself.
    """
    now = timezone.now()
    article_ids = set(articles)
    quote_ids, mention_ids = set(quotes), set(mentions)
    people_ids = {pk for pk in people if pk is not None}
    source_ids = {pk for pk in sources if pk is not None}
    quote_rows = (
        Quote.objects.all()
        if everything
        else Quote.objects.filter(Q(article_id__in=article_ids) | Q(pk__in=quote_ids))
    )
    mention_rows = (
        Mention.objects.all()
        if everything
        else Mention.objects.filter(Q(article_id__in=article_ids) | Q(pk__in=mention_ids))
    )
    if everything or article_ids or quote_ids:
        hidden = [When(state=Quote.State.REJECTED, then=Value(None))]
        floor = settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE
        if floor > 0:
            # Unreviewed and below the confidence floor: off the public site (Quote.shown()).
            hidden.append(
                When(state=Quote.State.UNREVIEWED, confidence__lt=floor, then=Value(None))
            )
        quote_rows.update(public_at=Case(*hidden, default=_article_live_time()))
        if not everything:
            for speaker, organization in quote_rows.values_list(
                "speaker_id", "speaker_organization_id"
            ):
                people_ids.add(speaker)
                source_ids.add(organization)
    if everything or article_ids or mention_ids:
        mention_rows.update(public_at=_article_live_time())
        if not everything:
            people_ids.update(mention_rows.values_list("person_id", flat=True))
    if article_ids:
        source_ids.update(
            Article.objects.filter(pk__in=article_ids).values_list("source_id", flat=True)
        )
    people_ids.discard(None)
    source_ids.discard(None)
    seen_quotes = Quote.objects.filter(public_at__lte=now)
    roles_before: dict[int, str] = {}
    if everything or people_ids:
        rows = Person.objects.all() if everything else Person.objects.filter(pk__in=people_ids)
        if not everything:
            roles_before = dict(rows.values_list("pk", "public_role"))
        rows.update(
            public_quote_count=_count(seen_quotes, "speaker"),
            public_article_count=_count(Mention.objects.filter(public_at__lte=now), "person"),
            public_since=_least(
                _earliest(Mention.objects.all(), "person", "public_at"),
                _earliest(Quote.objects.all(), "speaker", "public_at"),
            ),
            public_role=public_role(now=now),
        )
    if everything or source_ids:
        rows = Source.objects.all() if everything else Source.objects.filter(pk__in=source_ids)
        published = Article.objects.filter(status=Status.PUBLISHED)
        rows.update(
            public_article_count=_count(published.filter(published_at__lte=now), "source"),
            public_quote_count=_count(seen_quotes, "speaker_organization"),
            public_since=_least(
                _earliest(published, "source", "published_at"),
                _earliest(Quote.objects.all(), "speaker_organization", "public_at"),
            ),
        )
    rendered = set(article_ids) | set(pages)
    if roles_before:
        # A person's public role, changed by this write, shows on every article naming them
        # without a role of its own.
        now_roles = Person.objects.filter(pk__in=roles_before).values_list("pk", "public_role")
        changed = [pk for pk, role in now_roles if roles_before[pk] != role]
        rendered.update(articles_showing(people=changed))
    if not everything and quote_ids:
        rendered.update(Quote.objects.filter(pk__in=quote_ids).values_list("article_id", flat=True))
    if not everything and mention_ids:
        rendered.update(
            Mention.objects.filter(pk__in=mention_ids).values_list("article_id", flat=True)
        )
    render_fragments(articles=rendered, everything=everything)
    if everything or article_ids or quote_ids or mention_ids or people_ids or source_ids:
        count_public_lists()


# --- the unfiltered public lists' counts (models.PublicCount) ----------------------------
#
# Counted again after every write that may change what readers see, once the write has
# committed: in a short transaction of its own that first locks the counts' rows, so its
# COUNTs start after every write committed before it, and any write committing later counts
# again after it (two counts never overwrite each other with an older figure). Inside the
# writing transaction the rows are only marked stale (those another transaction has not
# locked: waiting for them there could deadlock against that transaction's article locks),
# so a read in that transaction counts for itself; other readers keep the last committed
# figure until the count after commit, as they keep the rows themselves.


def count_public_lists() -> None:
    """Count the unfiltered public lists again after a write (at its commit)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _count_lists()
        return
    pending = getattr(connection, "public_lists_counted_at_commit", False)
    if pending and any(entry[1] is _count_lists_at_commit for entry in connection.run_on_commit):
        return  # already marked stale in this transaction, and counted at its commit
    locked = PublicCount.objects.select_for_update(skip_locked=True).values_list("pk", flat=True)
    PublicCount.objects.filter(pk__in=list(locked)).update(key="")
    connection.public_lists_counted_at_commit = True
    # robust: a count that fails (the database gone) is logged, not raised at a write that
    # has committed; the rows stay marked stale and the lists count per request meanwhile.
    transaction.on_commit(_count_lists_at_commit, robust=True)


def _count_lists_at_commit() -> None:
    transaction.get_connection().public_lists_counted_at_commit = False
    _count_lists()


def _count_lists() -> None:
    with transaction.atomic():
        names = set(PublicCount.objects.select_for_update().values_list("pk", flat=True))
        missing = [PublicCount(name=name) for name in PublicCount.List.values if name not in names]
        if missing:
            PublicCount.objects.bulk_create(missing, ignore_conflicts=True)
            list(PublicCount.objects.select_for_update().values_list("pk", flat=True))
        key = PublicCount.current_key()
        for name in PublicCount.List.values:
            counted_at = timezone.now()
            shown, scheduled, column = PublicCount.rows(name)
            PublicCount.objects.filter(pk=name).update(
                count=shown.count(),
                valid_until=scheduled.aggregate(at=Min(column))["at"],
                key=key,
                counted_at=counted_at,
            )


def refresh_due(*, since: dt.datetime, until: dt.datetime | None = None) -> None:
    """Count the rows of scheduled articles whose time came in ``[since, until]``."""
    until = until or timezone.now()
    due = Article.objects.filter(
        status=Status.PUBLISHED, published_at__gte=since, published_at__lte=until
    ).values_list("pk", flat=True)
    ids = list(due)
    if ids:
        refresh_public_state(articles=ids)


# --- helpers -------------------------------------------------------------------------


def _save(obj, *, by: User | None, reason: str) -> None:
    """Save ``obj`` so its change history says who did it and why."""
    if by is not None and getattr(by, "pk", None):
        obj._history_user = by
    obj._change_reason = reason
    obj.save()


def _failed(label: str, article: Article, reason: str) -> FileResult:
    return FileResult(
        path=label, outcome=FAILED, article_id=article.pk, headline=article.headline, error=reason
    )


# --- partner API tokens ------------------------------------------------------------------

TOKEN_PERMISSION = "knox.add_authtoken"
PARTNER_TOKEN_DAYS = 365


def may_hold_token(*, account, by: User | None) -> bool:
    """Editors make tokens for partner accounts only (not staff); the superuser for anyone."""
    if by is not None and by.is_superuser:
        return True
    return not (account.is_staff or account.is_superuser)


def tokens_visible_to(queryset: models.QuerySet, *, by: User | None) -> models.QuerySet:
    """The tokens ``by`` may list and revoke: those of accounts they may make tokens for."""
    if by is not None and by.is_superuser:
        return queryset
    return queryset.filter(user__is_staff=False, user__is_superuser=False)


def check_partner_token(*, account: str, expires_at: dt.datetime, by: User | None) -> None:
    """Why a token for ``account`` expiring at ``expires_at`` may not be made (nothing written)."""
    from django.contrib.auth import get_user_model

    if by is not None and not by.has_perm(TOKEN_PERMISSION):
        raise PermissionDenied("Only editors may create API tokens.")
    if expires_at <= timezone.now():
        raise ValidationError({"expires": "The expiry must be in the future."})
    existing = get_user_model().objects.filter(username=account).first()
    if existing is not None and not may_hold_token(account=existing, by=by):
        raise ValidationError(
            {"account": f"“{account}” is a staff login: partner tokens are for partner accounts."}
        )


@transaction.atomic
def create_partner_token(*, account: str, expires_at: dt.datetime, by: User | None):
    """A token for the partner account ``account`` (made if new, with no password: it cannot
    log in to the admin), valid until ``expires_at``. Returns ``(AuthToken, key)``: only the
    key's SHA-512 digest is stored, so the key can be shown this once."""
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    check_partner_token(account=account, expires_at=expires_at, by=by)
    user, created = get_user_model().objects.get_or_create(username=account)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return AuthToken.objects.create(user=user, expiry=expires_at - timezone.now())
