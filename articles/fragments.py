"""Pre-rendered fragments of published articles, kept on their rows and refreshed on write.

Rendering an article page or its API detail is most of its cost (quotes marked in the
paragraphs, JSON-LD, the serializers), and none of it depends on the request but the
scheme and host of absolute URLs. So each published (or scheduled) article keeps an
:class:`~articles.models.ArticleFragment` row (apart from the article's, which every list
reads):

- ``page_meta`` / ``page_body``: the page's ``<head>`` extras and its body (the article,
  its quotes, its people), rendered from the same partials as the full page
  (``articles/_article_meta.html``, ``_article_body.html``); the related articles, which
  depend on other articles and on the time, are still found per request;
- ``api_body``: the API detail's JSON, and ``changed_at`` its Last-Modified;
- ``people``: the ids of the people it names (for the related articles);
- ``list_api`` / ``list_changed_at``: its item in the API's article list (the summary,
  ``ArticleSerializer`` without people and quotes) and that item's Last-Modified;
  ``list_html``: its summary on the home page (``articles/_article_summary.html``). A list
  is then one query of these rows (and its count), joined as they are (:func:`listed`);
- ``key``: what they were rendered with (:func:`current_key`), and ``article_updated_at``
  the article's own ``updated_at`` then.

Absolute URLs are rendered under a stand-in origin (:data:`ORIGIN`) that a request
replaces with its own. :func:`render_fragments` is called by
``articles.publishing.refresh_public_state``, in the writing transaction, for every article
a write touches (its own row, its quotes and mentions, and the articles that show a
renamed person or source or an edited lead image). A row whose key is not the current one
(written before the fragments existed, or under another template, floor or time zone) is
not used: the view renders the page in full, as it does for an article whose ``updated_at``
moved since (a write that skipped ``refresh_public_state``, against the rule of
``articles.signals``). ``manage.py render_fragments`` renders the stale ones.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, set_script_prefix
from rest_framework.request import Request

from .models import Article, ArticleFragment, Mention, Quote

# Bump when what the fragments hold changes in Python (the templates are digested below).
FORMAT = 2
# Stands for the request's scheme and host in stored absolute URLs: not a real host
# (.invalid), and a request's own host (validated against ALLOWED_HOSTS) needs no escaping
# in HTML or JSON, so replacing the stand-in gives the bytes a full render gives.
ORIGIN = "http://zq0fragment0origin0qz.invalid"
TEMPLATES = (
    "articles/_article_meta.html",
    "articles/_article_body.html",
    "articles/_quote.html",
    "articles/_article_summary.html",
)
FIELDS = (
    "key",
    "page_meta",
    "page_body",
    "api_body",
    "changed_at",
    "article_updated_at",
    "people",
    "list_api",
    "list_changed_at",
    "list_html",
)
BATCH = 200


@functools.lru_cache(maxsize=1)
def _templates_digest() -> str:
    digest = hashlib.sha256()
    for name in TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=16)
def _key(*parts) -> str:
    return hashlib.sha256(repr((*parts, _templates_digest())).encode()).hexdigest()[:32]


def rendered_prefix() -> str:
    """The script prefix fragments are rendered under (the site's, not a request's)."""
    return settings.FORCE_SCRIPT_NAME or "/"


def current_key() -> str:
    """What a fragment must have been rendered with to be served now."""
    return _key(
        FORMAT,
        settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE,
        settings.TIME_ZONE,
        settings.MEDIA_URL,
        rendered_prefix(),
    )


def usable(key: str) -> bool:
    """Whether a fragment stored with ``key`` may be served to this request."""
    return bool(key) and key == current_key() and get_script_prefix() == rendered_prefix()


class StandInRequest(HttpRequest):
    """A GET of the home page whose absolute URLs start with :data:`ORIGIN`."""

    def __init__(self):
        super().__init__()
        self.method = "GET"
        self.path = self.path_info = "/"
        scheme, host = ORIGIN.split("://")
        self.META = {"SERVER_NAME": host, "SERVER_PORT": "80", "wsgi.url_scheme": scheme}
        self.__dict__["_current_scheme_host"] = ORIGIN

    def get_host(self) -> str:
        return ORIGIN.split("://")[1]


def with_origin(stored: str, request) -> str:
    """``stored`` with the stand-in origin replaced by the request's scheme and host."""
    return stored.replace(ORIGIN, origin(request))


def _shows_stand_in(article: Article, quotes, mentions) -> bool:
    """Whether the article's own text holds the stand-in (it would be replaced: no fragment)."""
    host = ORIGIN.split("://")[1]
    texts = [
        article.headline,
        article.body,
        article.byline,
        article.url,
        article.image_caption,
        article.image_credit,
    ]
    if article.lead_image is not None:
        image = article.lead_image
        texts += [image.alt, image.caption, image.credit, image.file.name or ""]
    if article.source is not None:
        texts += [article.source.name, article.source.homepage]
    texts += [quote.text for quote in quotes] + [quote.said_to for quote in quotes]
    texts += [quote.speaker_name or "" for quote in quotes]
    texts += [m.role for m in mentions] + [m.person.name for m in mentions]
    texts += [m.person.role for m in mentions]
    return any(host in text for text in texts)


def articles_showing(
    *,
    people: Iterable[int] = (),
    sources: Iterable[int] = (),
    images: Iterable[int] = (),
) -> list[int]:
    """Ids of the published (or scheduled) articles whose fragments show any of these:
    people named or quoted, sources (the publisher, or quoted), lead images."""
    people, sources, images = set(people) - {None}, set(sources) - {None}, set(images) - {None}
    if not (people or sources or images):
        return []
    shown = Q(pk__in=[])
    if people:
        shown |= Q(pk__in=Mention.objects.filter(person_id__in=people).values("article_id"))
        shown |= Q(pk__in=Quote.objects.filter(speaker_id__in=people).values("article_id"))
    if sources:
        shown |= Q(source_id__in=sources)
        shown |= Q(
            pk__in=Quote.objects.filter(speaker_organization_id__in=sources).values("article_id")
        )
    if images:
        shown |= Q(lead_image_id__in=images)
    return list(
        Article.objects.filter(shown, status=Article.Status.PUBLISHED).values_list("pk", flat=True)
    )


def render_in_migration(apps, schema_editor) -> None:
    """A migration's backfill: render every published article's fragments now. A database
    whose rows this code cannot render (migrated forward from long before, past later
    changes to the models) is left to ``manage.py render_fragments``, which it is told."""
    from django.core.exceptions import FieldError
    from django.db import DatabaseError

    if not apps.get_model("articles", "Article").objects.filter(status="published").exists():
        return
    try:
        with transaction.atomic():
            render_fragments(everything=True)
    except (DatabaseError, FieldError) as exc:
        print(f"\n  Fragments not rendered ({exc}): run `manage.py render_fragments`.")


def render_fragments(*, articles: Iterable[int] = (), everything: bool = False) -> int:
    """Render and store the fragments of these articles (all, with ``everything``).

    Articles not published lose theirs. Side effects: a few queries per batch of 200
    articles and one UPDATE per batch. Returns how many articles were rendered.
    """
    ids = None if everything else set(articles) - {None}
    if ids is not None and not ids:
        return 0
    rows = Article.objects.all() if ids is None else Article.objects.filter(pk__in=ids)
    gone = ArticleFragment.objects.exclude(article__status=Article.Status.PUBLISHED)
    (gone if ids is None else gone.filter(article_id__in=ids)).delete()
    published = list(
        rows.filter(status=Article.Status.PUBLISHED).order_by("pk").values_list("pk", flat=True)
    )
    prefix = get_script_prefix()
    set_script_prefix(rendered_prefix())
    try:
        for start in range(0, len(published), BATCH):
            _render_batch(published[start : start + BATCH])
    finally:
        set_script_prefix(prefix)
    return len(published)


@transaction.atomic
def _render_batch(ids: list[int]) -> None:
    from .api import ArticleViewSet
    from .views import UNSHOWN_ARTICLE_FIELDS, article_page_context

    # Two writes to one article (two of its quotes, say) render it one after the other,
    # the second from rows that include the first's: without the lock each could render
    # without the other's change, and the last to store would keep it stale.
    list(Article.objects.filter(pk__in=ids).order_by("pk").select_for_update().values("pk"))
    key = current_key()
    articles = list(
        Article.objects.filter(pk__in=ids)
        .select_related("source", "lead_image")
        .defer(*UNSHOWN_ARTICLE_FIELDS)
    )
    quotes, mentions = defaultdict(list), defaultdict(list)
    # The orders of the page's own queries (article.quotes.shown(), article.mentions).
    for quote in (
        Quote.objects.shown()
        .filter(article_id__in=ids)
        .select_related("speaker", "speaker_organization")
    ):
        quotes[quote.article_id].append(quote)
    for mention in Mention.objects.filter(article_id__in=ids).select_related("person"):
        mentions[mention.article_id].append(mention)
    request = StandInRequest()
    view = ArticleViewSet(request=Request(request), action="retrieve", kwargs={}, format_kwarg=None)
    view.prepare(articles)
    renderer = view.renderer_classes[0]()
    detail = {}
    fragments, unrenderable = [], []
    for article in articles:
        own_quotes, own_mentions = quotes[article.pk], mentions[article.pk]
        if _shows_stand_in(article, own_quotes, own_mentions):
            unrenderable.append(article.pk)
            continue
        context = article_page_context(
            article, request, quotes=own_quotes, mentions=own_mentions, preview=False
        )
        detail[article.pk] = {
            "page_meta": render_to_string("articles/_article_meta.html", context),
            "page_body": render_to_string("articles/_article_body.html", context),
            "api_body": renderer.render(view.get_serializer(article).data).decode(),
            "changed_at": view.changed_at(article),
        }
    # The list's own view of the same rows: its summary fields, its count of quotes.
    listing = ArticleViewSet(request=Request(request), action="list", kwargs={}, format_kwarg=None)
    shown = [article for article in articles if article.pk in detail]
    listing.prepare(shown)
    for article in shown:
        fragments.append(
            ArticleFragment(
                article=article,
                key=key,
                **detail[article.pk],
                article_updated_at=article.updated_at,
                people=[m.person_id for m in mentions[article.pk]],
                list_api=renderer.render(listing.get_serializer(article).data).decode(),
                list_changed_at=listing.changed_at(article),
                list_html=render_summary(article),
            )
        )
    if unrenderable:
        ArticleFragment.objects.filter(article_id__in=unrenderable).delete()
    ArticleFragment.objects.bulk_create(
        fragments, update_conflicts=True, unique_fields=["article"], update_fields=FIELDS
    )


def render_summary(article: Article) -> str:
    """The article's summary on the home page, as the list's template includes it."""
    return render_to_string("articles/_article_summary.html", {"article": article})


def listed(queryset, *, api: bool):
    """``queryset`` of articles (a list's own, in its order) as plain rows of what a list of
    stored rows needs, no model instances: named tuples of the columns its order, cursors
    and freshness check read (``pk``, ``published_at``, ``updated_at``), the fragment's key
    and the article time it was rendered from (``stored_key``, ``stored_from``), and the
    stored row itself.

    ``api``: the API list's rows (``list_api``, ``list_changed_at``); else the home page's
    (``list_html``).
    """
    shown = ("list_api", "list_changed_at") if api else ("list_html",)
    return (
        queryset.select_related(None)
        .annotate(
            stored_key=F("fragment__key"),
            stored_from=F("fragment__article_updated_at"),
            **{name: F(f"fragment__{name}") for name in shown},
        )
        .values_list(
            "pk", "published_at", "updated_at", "stored_key", "stored_from", *shown, named=True
        )
    )


def stored_rows(rows) -> list:
    """For each row of a :func:`listed` queryset, the row if its stored item may be served
    (its key the current one, rendered from the article as it is), else None."""
    if get_script_prefix() != rendered_prefix():
        return [None for _ in rows]
    key = current_key()
    return [
        row if row.stored_key == key and row.stored_from == row.updated_at else None for row in rows
    ]


def origin(request) -> str:
    """The request's scheme and host, which replace :data:`ORIGIN` in stored rows."""
    return request.build_absolute_uri("/")[:-1]


def stored(*, slug: str, page: bool) -> ArticleFragment | None:
    """The fragments of the article readers see at ``slug`` (``fragment.article`` holds the
    few columns around them), or None when there are none that may be served. One query.

    ``page``: the page's fragments; else the API detail's.
    """
    shown = ("page_meta", "page_body", "people") if page else ("api_body", "changed_at")
    found = (
        Article.objects.published()
        .filter(slug=slug)
        .select_related("fragment")
        .only(
            "slug",
            "headline",
            "status",
            "published_at",
            "created_at",
            "updated_at",
            "fragment__key",
            "fragment__article_updated_at",
            *(f"fragment__{name}" for name in shown),
        )
        .order_by()[:1]
    )
    article = next(iter(found), None)
    fragment = getattr(article, "fragment", None) if article is not None else None
    if fragment is None or not usable(fragment.key):
        return None
    if fragment.article_updated_at != article.updated_at:
        return None  # the article was written without refresh_public_state (an update())
    return fragment


def stale() -> list[int]:
    """Ids of the published (or scheduled) articles without fragments that may be served:
    rows from before fragments existed, rendered under another template, floor or zone, or
    from an article written since without ``refresh_public_state``."""
    served = Q(fragment__key=current_key(), fragment__article_updated_at=F("updated_at"))
    return list(
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .exclude(served)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
