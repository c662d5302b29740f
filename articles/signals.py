"""Keep cached public pages fresh: a change to what readers see invalidates them all.

Public pages are cached whole (see ``articles.views.cache_public_page``) under keys that
carry a *version*. Saving or deleting an article, quote, person, name variant, mention,
source or lead image bumps the version once the transaction commits, so the next request
renders afresh and an editor's fix shows at once; the old entries simply expire.

The version also expires by itself when a scheduled article's publication time
arrives, because no save happens then: the state kept in the cache records the next
such time (:func:`public_cache_version`).

Writes that skip model signals (``QuerySet.update()``, ``bulk_create()``) must call
:func:`invalidate_after_commit` themselves. Bulk work may wrap itself in
:func:`invalidation_deferred` to invalidate once at the end.

The same signals keep what readers see up to date on the rows (quotes' and mentions'
``public_at``, people's and sources' ``public_since`` and counts): such writes must also call
``articles.publishing.refresh_public_state`` with the ids they wrote, as the importer does.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models import (
    Article,
    ArticleFragment,
    LeadImage,
    Mention,
    Person,
    PersonVariant,
    Quote,
    Source,
)

STATE_KEY = "articles:public-pages:state"
WATCHED = (Article, Quote, Person, PersonVariant, Mention, Source, LeadImage)


def _new_state() -> dict:
    """A fresh version, and when the next scheduled article goes live (one query)."""
    now = timezone.now()
    upcoming = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=now
    ).aggregate(at=Min("published_at"))["at"]
    # A clock-based version never repeats, even after the cache lost the state.
    state = {"version": time.time_ns(), "expires_at": upcoming}
    cache.set(STATE_KEY, state, timeout=None)
    return state


def invalidate_public_pages() -> None:
    """Make every cached public page stale now. Side effect: one cache write, one query."""
    _new_state()


def public_cache_version() -> int:
    """The current page-cache version; renewed once a scheduled article is due.

    When one is due, the public counts of the people and sources of the articles that came
    due are brought up to date too (``articles.publishing.refresh_due``): no write happens
    at that time to do it.
    """
    state = cache.get(STATE_KEY)
    if state is None or (state["expires_at"] and state["expires_at"] <= timezone.now()):
        if state is not None:
            from .publishing import refresh_due

            refresh_due(since=state["expires_at"])
        state = _new_state()
    return state["version"]


_deferred = threading.local()


@contextmanager
def invalidation_deferred():
    """Within this block, invalidate once at its end instead of after every commit.

    For bulk work such as an import of thousands of files, where a cache write and
    a query after every file would cost more than the import itself.
    """
    depth = getattr(_deferred, "depth", 0)
    _deferred.depth = depth + 1
    try:
        yield
    finally:
        _deferred.depth = depth
        if depth == 0 and getattr(_deferred, "pending", False):
            _deferred.pending = False
            invalidate_public_pages()


def invalidate_after_commit(**kwargs) -> None:
    """Make cached pages stale once the current transaction commits (or when deferred)."""
    if getattr(_deferred, "depth", 0):
        _deferred.pending = True
        return
    # After commit: a page rendered before then would otherwise be cached from old rows.
    transaction.on_commit(invalidate_public_pages)


for model in WATCHED:
    post_save.connect(invalidate_after_commit, sender=model, dispatch_uid=f"cache-save-{model}")
    post_delete.connect(invalidate_after_commit, sender=model, dispatch_uid=f"cache-del-{model}")


@receiver(m2m_changed, sender=Article.related.through, dispatch_uid="cache-related")
def _related_changed(**kwargs) -> None:
    invalidate_after_commit()


# --- what readers see, kept on the rows (articles.publishing.refresh_public_state) ----------
#
# Every save and delete of an article, quote or mention refreshes the public state of the
# rows it touches, before and after (a quote moved to another speaker changes both
# speakers' counts). Bulk writes call refresh_public_state themselves (the importer).

# Which columns, read before a save, name what the row counted for until then (and, for
# a quote, the article it leaves when moved).
_BEFORE = {
    Article: ("source_id",),
    Quote: ("speaker_id", "speaker_organization_id", "article_id"),
    Mention: ("person_id",),
}
# Articles being deleted: their quotes' and mentions' deletions re-render no fragment.
_deleting = threading.local()


def _remember_before(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._public_before = ()
        return
    rows = sender._base_manager.filter(pk=instance.pk)
    columns = _BEFORE[sender]
    if sender is not Article and transaction.get_connection().in_atomic_block:
        # Lock the article before the row, in the order an article's own save takes them
        # (its row, then its quotes'): the refresh renders the article's page under its
        # lock, and two saves taking the locks in opposite orders could deadlock.
        rows = rows.select_related("article").select_for_update(of=("article",))
        rows = rows.only(*columns, "article__id")
        before = rows.first()
        instance._public_before = tuple(getattr(before, c) for c in columns) if before else ()
        return
    instance._public_before = rows.values_list(*columns).first() or ()


def _refresh_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    from .fragments import articles_showing
    from .publishing import refresh_public_state

    before = getattr(instance, "_public_before", ())
    if sender is Article:
        refresh_public_state(articles=[instance.pk], sources=before)
    elif sender is Quote:
        refresh_public_state(
            quotes=[instance.pk], people=before[:1], sources=before[1:2], pages=before[2:]
        )
    elif sender is Mention:
        refresh_public_state(mentions=[instance.pk], people=before)
    elif sender is Person:
        # A saved instance may carry counts read before a write changed them: count again.
        # Its name, role and slug are on the pages of the articles naming or quoting it.
        refresh_public_state(people=[instance.pk], pages=articles_showing(people=[instance.pk]))
    elif sender is Source:
        refresh_public_state(sources=[instance.pk], pages=articles_showing(sources=[instance.pk]))
    elif sender is LeadImage:
        refresh_public_state(pages=articles_showing(images=[instance.pk]))


def _refresh_deleted(sender, instance, **kwargs) -> None:
    from .publishing import refresh_public_state

    deleting = getattr(_deleting, "ids", set())
    if sender is Article:
        deleting.discard(instance.pk)
        # Its quotes and mentions went first: what their refresh rendered for it goes too.
        ArticleFragment.objects.filter(article_id=instance.pk).delete()
        refresh_public_state(sources=[instance.source_id])
        return
    page = [] if instance.article_id in deleting else [instance.article_id]
    if sender is Quote:
        refresh_public_state(
            people=[instance.speaker_id], sources=[instance.speaker_organization_id], pages=page
        )
    elif sender is Mention:
        refresh_public_state(people=[instance.person_id], pages=page)


@receiver(pre_delete, sender=Article, dispatch_uid="fragments-article-deleting")
def _article_deleting(sender, instance, **kwargs) -> None:
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    _deleting.ids.add(instance.pk)


@receiver(pre_delete, sender=LeadImage, dispatch_uid="fragments-image-deleting")
def _image_deleting(sender, instance, **kwargs) -> None:
    from .fragments import articles_showing

    # Its articles' lead_image is set to null before post_delete: find them now.
    instance._shown_in = articles_showing(images=[instance.pk])


@receiver(post_delete, sender=LeadImage, dispatch_uid="fragments-image-deleted")
def _image_deleted(sender, instance, **kwargs) -> None:
    from .publishing import refresh_public_state

    refresh_public_state(pages=getattr(instance, "_shown_in", ()))


for model in (Article, Quote, Mention):
    pre_save.connect(_remember_before, sender=model, dispatch_uid=f"public-before-{model}")
    post_delete.connect(_refresh_deleted, sender=model, dispatch_uid=f"public-del-{model}")
for model in (Article, Quote, Mention, Person, Source, LeadImage):
    post_save.connect(_refresh_saved, sender=model, dispatch_uid=f"public-save-{model}")
