"""The public site: home, articles, people, sources and search.

Readers see only published articles (``Article.objects.published()``) and the quotes
and people in them; staff who may change articles can preview any article. Whole
pages are cached (``cache_public_page``) under a version that ``articles.signals``
bumps whenever content changes, so an editor's fix shows at once; uncached, an article page
is built around the fragments stored on its last write (``articles.fragments``). Scraped text is
untrusted: it reaches templates as plain strings, and the few pieces of markup built
here (quotes marked in paragraphs, search highlights, JSON-LD) escape every piece.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Max, Q
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.generic import DetailView, ListView, TemplateView

from . import fragments, search
from .images import lead_image_data
from .models import Article, Mention, Person, PublicCount, Quote, Source
from .page_queries import PageQuery
from .search import query_words, search_articles, search_quotes
from .signals import public_cache_version

SITE_NAME = "Newsroom"
# Big bookkeeping columns no public page shows.
UNSHOWN_ARTICLE_FIELDS = ("raw_input", "extracted", "related_links", "flags")
SEARCH_QUOTES_SHOWN = 20


# --- page cache -----------------------------------------------------------------------


def cache_public_page(view):
    """Serve GET/HEAD responses of ``view`` from the cache, keyed by URL and content version.

    Only complete 200 responses are stored, and never one marked ``private`` (a staff
    preview). ``PUBLIC_PAGE_CACHE_SECONDS = 0`` turns this off. Responses say
    ``X-Page-Cache: hit`` or ``miss``.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not timeout or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        url = request.build_absolute_uri()
        digest = hashlib.sha256(url.encode()).hexdigest()
        key = f"articles:page:{public_cache_version()}:{digest}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response

        response = view(request, *args, **kwargs)

        def store(response):
            private = "private" in response.get("Cache-Control", "")
            if response.status_code == 200 and not response.streaming and not private:
                # The view's own headers (Content-Type, a sitemap's X-Robots-Tag...); those
                # of the middleware are added again to every response, cached or not.
                headers = {k: v for k, v in response.items() if k.lower() != "set-cookie"}
                cache.set(key, (response.content, headers), timeout)
            response["X-Page-Cache"] = "miss"
            return response

        if hasattr(response, "render") and callable(response.render):
            response.add_post_render_callback(store)
            return response
        return store(response)

    return wrapped


# --- markup built from untrusted text -----------------------------------------------


def _quote_place(paragraph: str, quote: Quote) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``paragraph``: its stored offsets if they still hold
    (an editor may have changed the body since), else the first occurrence of its
    text, else None."""
    if 0 <= quote.start < quote.end <= len(paragraph):
        if paragraph[quote.start : quote.end] == quote.text:
            return quote.start, quote.end
    if quote.text:
        at = paragraph.find(quote.text)
        if at >= 0:
            return at, at + len(quote.text)
    return None


def _speaker_link(quote: Quote) -> tuple[str, str] | None:
    """(URL, name) of the page of whoever said ``quote``, if anyone."""
    if quote.speaker_id:
        return quote.speaker.get_absolute_url(), quote.speaker.name
    if quote.speaker_organization_id:
        org = quote.speaker_organization
        return org.get_absolute_url(), org.name
    return None


def _quote_markup(words: str, quote: Quote) -> SafeString:
    link = _speaker_link(quote)
    if link is None:
        return format_html('<q class="quote" id="quote-{}">{}</q>', quote.pk, words)
    url, name = link
    return format_html(
        '<q class="quote" id="quote-{}"><a href="{}">{}<span class="visually-hidden">'
        " (said by {})</span></a></q>",
        quote.pk,
        url,
        words,
        name,
    )


def mark_quotes(paragraphs: list[str], quotes, markup=None) -> list[SafeString]:
    """The paragraphs as escaped HTML, each quote in them wrapped in ``<q>`` and linked
    to its speaker's page. Quotes that cannot be found, or overlap an earlier one,
    are left unmarked (they are still listed beside the article).

    ``markup(words, quote)`` makes a quote's HTML from its (unescaped) words; the
    admin's review screen passes its own, linking each quote to its review panel."""
    markup = markup or _quote_markup
    by_paragraph = defaultdict(list)
    for quote in quotes:
        by_paragraph[quote.paragraph].append(quote)
    marked = []
    for index, text in enumerate(paragraphs):
        places = []
        for quote in by_paragraph.get(index, ()):
            place = _quote_place(text, quote)
            if place:
                places.append((*place, quote))
        places.sort(key=lambda p: (p[0], p[1]))
        pieces, pos = [], 0
        for start, end, quote in places:
            if start < pos:
                continue
            pieces.append(conditional_escape(text[pos:start]))
            pieces.append(markup(text[start:end], quote))
            pos = end
        pieces.append(conditional_escape(text[pos:]))
        marked.append(mark_safe("".join(pieces)))  # every piece is escaped above
    return marked


def _word_pattern(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    # A prefix match also lights up the forms full-text search stems to (minister/ministers).
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def highlight(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with each word of the query (or a longer form of it) in <mark>."""
    pattern = _word_pattern(words)
    if pattern is None:
        return conditional_escape(text)
    pieces, pos = [], 0
    for match in pattern.finditer(text):
        pieces.append(conditional_escape(text[pos : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        pos = match.end()
    pieces.append(conditional_escape(text[pos:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


def snippet(text: str, words: list[str], width: int = 240) -> SafeString:
    """A highlighted excerpt of ``text`` around the first word of the query it contains."""
    pattern = _word_pattern(words)
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - width // 3) if match else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    excerpt = Truncator(text[start:]).chars(width)
    return highlight(("… " if start else "") + excerpt, words)


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """``data`` as a JSON-LD script block; <, > and & are escaped so no text can end it."""
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def news_article_data(article: Article, request) -> dict:
    """schema.org ``NewsArticle`` for ``article``: what search engines read."""
    url = request.build_absolute_uri(article.get_absolute_url())
    home = request.build_absolute_uri("/")
    source = article.source
    if article.byline and not (source and article.byline.casefold() == source.name.casefold()):
        author = {"@type": "Person", "name": article.byline}
    elif source:
        author = {"@type": "Organization", "name": source.name}
        if source.homepage:
            author["url"] = source.homepage
    else:
        author = {"@type": "Organization", "name": SITE_NAME, "url": home}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": Truncator(article.headline).chars(110),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "author": [author],
        "publisher": {"@type": "Organization", "name": SITE_NAME, "url": home},
        "description": Truncator(next(iter(article.paragraphs), "")).chars(300),
    }
    if article.url:
        data["isBasedOn"] = article.url
    if (image := lead_image_data(article, request)) is not None:
        data["image"] = {
            "@type": "ImageObject",
            "url": image["url"],
            "contentUrl": image["url"],
            "width": image["width"],
            "height": image["height"],
            "caption": image["caption"] or None,
            "creditText": image["credit"] or None,
        }
        data["image"] = {k: v for k, v in data["image"].items() if v}
    return {key: value for key, value in data.items() if value}


# --- views ----------------------------------------------------------------------------


class ArticleViewMixin:
    """Readers see published articles; staff who may change articles also see drafts."""

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("source", "lead_image")
            .defer(*UNSHOWN_ARTICLE_FIELDS)
        )

    def can_preview(self) -> bool:
        user = self.request.user
        return user.is_active and user.is_staff and user.has_perm("articles.change_article")


def visible_people():
    """People readers may meet: quoted or mentioned in a published article."""
    return Person.objects.public()


def visible_sources():
    """Sources readers may meet: with a published article or a visible quote."""
    return Source.objects.public()


# Home's page of stored summaries (articles.fragments): the rule alone, in the articles'
# default order (the rows read no related model); its SQL compiled once per window. The
# page's ids are picked from the articles alone, then joined to their rows: in one query the
# planner joined every article published at the newest time (hundreds, after a bulk
# publish) to its row before sorting them.
HOME_ROWS = PageQuery(
    lambda now: fragments.listed(Article.objects.published(now=now), api=False),
    lambda queryset, window: queryset.filter(pk__in=queryset.values("pk")[window]),
)


class ArticleListView(ArticleViewMixin, ListView):
    """Home: the latest published articles, newest first, each summary as stored on the
    article's last write (``articles.fragments``): one query of stored rows, and the count
    the API's article list keeps on write (the same rule, ``Article.objects.published()``)."""

    paginate_by = 20
    context_object_name = "articles"
    template_name = "articles/article_list.html"  # the object list is not a queryset

    def get_queryset(self):
        return HOME_ROWS

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        kept = PublicCount.objects.kept(PublicCount.List.ARTICLES)
        if kept is not None:  # else (stale, or another floor) the paginator counts
            paginator.count = kept
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["articles"]
        rows = fragments.stored_rows(page)
        # Rows with no summary that may be served: rendered here, in one more query.
        missing = [article.pk for article, row in zip(page, rows, strict=True) if row is None]
        full = {}
        if missing:
            full = super().get_queryset().filter(pk__in=missing).in_bulk()
        context["summaries"] = [
            mark_safe(row.list_html)  # rendered from the summary's template, escaped there
            if row is not None
            else fragments.render_summary(full[article.pk])
            for article, row in zip(page, rows, strict=True)
            if row is not None or article.pk in full  # not unpublished in between
        ]
        return context


class ArticleDetailView(ArticleViewMixin, DetailView):
    """One article at its dated URL; any other date redirects there."""

    context_object_name = "article"

    def get_queryset(self):
        if self.can_preview():
            return Article.objects.select_related("source", "lead_image").defer(
                *UNSHOWN_ARTICLE_FIELDS
            )
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        if not self.can_preview():
            response = self.get_from_fragment()
            if response is not None:
                return response
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=self.object.is_published)
        context = self.get_context_data(object=self.object)
        response = self.render_to_response(context)
        if not self.object.is_published:
            # A staff preview must never be stored by our page cache or a shared one.
            response["Cache-Control"] = "private, no-store"
        return response

    def get_from_fragment(self):
        """The page around the article's stored fragments (one query, and the related
        articles'), or None when it has none that may be served (``articles.fragments``)."""
        stored = fragments.stored(slug=self.kwargs[self.slug_url_kwarg], page=True)
        if stored is None:
            return None
        article = self.object = stored.article
        canonical = article.get_absolute_url()
        if self.request.path != canonical:
            return redirect(canonical, permanent=True)
        context = self.get_context_data(
            object=article,
            fragment={
                "meta": mark_safe(fragments.with_origin(stored.page_meta, self.request)),
                "body": mark_safe(fragments.with_origin(stored.page_body, self.request)),
            },
            related=related_articles(article, stored.people),
        )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "fragment" in kwargs:
            return context
        article = self.object
        quotes = list(article.quotes.shown().select_related("speaker", "speaker_organization"))
        mentions = list(article.mentions.select_related("person"))
        context.update(
            article_page_context(
                article,
                self.request,
                quotes=quotes,
                mentions=mentions,
                preview=not article.is_published,
            ),
            related=related_articles(article, [m.person_id for m in mentions]),
        )
        return context


def article_page_context(article: Article, request, *, quotes, mentions, preview: bool) -> dict:
    """What the article page's head and body show (``_article_meta.html``,
    ``_article_body.html``): rendered per request, or once into its fragments."""
    return {
        "article": article,
        "paragraphs": mark_quotes(article.paragraphs, quotes),
        "quotes": quotes,
        "mentions": mentions,
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        "json_ld": json_ld(news_article_data(article, request)),
        "og_image": lead_image_data(article, request),
        "description": Truncator(next(iter(article.paragraphs), "")).chars(200),
        "preview": preview,
    }


RELATED_SHOWN = 5


# Each person's latest few articles, from the (person, public_at) index of mentions, and the
# editors' choice.
_RELATED_CANDIDATES_SQL = """
    SELECT latest.article_id FROM unnest(%s::bigint[]) AS person(id)
    CROSS JOIN LATERAL (
        SELECT m.article_id FROM articles_mention m
        WHERE m.person_id = person.id AND m.public_at <= %s AND m.article_id <> %s
        ORDER BY m.public_at DESC, m.article_id DESC LIMIT %s
    ) AS latest
    UNION
    SELECT to_article_id FROM articles_article_related WHERE from_article_id = %s
"""


def related_articles(article: Article, people: list[int]) -> list[Article]:
    """The editors' related articles and the latest others naming the same people, newest
    first, at most five (one query on PostgreSQL, two elsewhere, however many articles name
    those people).

    The latest five of each person are all the candidates there can be: on PostgreSQL one
    index scan of a few rows per person, in a subquery; elsewhere one grouped query first
    (small databases). Then the candidates themselves, by primary key.
    """
    now = timezone.now()
    chosen = Q(pk__in=article.related.values("pk"))
    if connection.vendor == "postgresql":  # in the same query as the articles themselves
        params = [people, now, article.pk, RELATED_SHOWN, article.pk]
        candidates = Q(pk__in=RawSQL(_RELATED_CANDIDATES_SQL, params))
    else:  # one grouped query instead (small databases), and the editors' choice
        latest = (
            Mention.objects.filter(person_id__in=people, public_at__lte=now)
            .exclude(article_id=article.pk)
            .values("article_id")
            .annotate(at=Max("public_at"))
            .order_by("-at", "-article_id")
            .values_list("article_id", flat=True)[: RELATED_SHOWN * max(1, len(people))]
        )
        candidates = Q(pk__in=list(latest)) | chosen
    return list(
        Article.objects.published()
        .filter(candidates)
        .exclude(pk=article.pk)
        .select_related("source")
        .defer(*UNSHOWN_ARTICLE_FIELDS)[:RELATED_SHOWN]
    )


class PersonDetailView(DetailView):
    """A person: role, name variants, their visible quotes newest first, their articles."""

    context_object_name = "person"
    quotes_per_page = 50

    def get_queryset(self):
        return visible_people().prefetch_related("variants")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        quotes = (
            Quote.objects.visible()
            .by_person(person)
            .select_related("article", "article__source")
            .defer(*(f"article__{name}" for name in UNSHOWN_ARTICLE_FIELDS), "article__body")
            .order_by("-article__published_at", "-article__pk", "paragraph", "start")
        )
        page = Paginator(quotes, self.quotes_per_page).get_page(self.request.GET.get("page"))
        articles = (
            Article.objects.published()
            .filter(mentions__person=person)
            .select_related("source")
            .defer(*UNSHOWN_ARTICLE_FIELDS, "body")[:20]
        )
        context.update(page_obj=page, quotes=page.object_list, articles=articles)
        return context


class SourceDetailView(DetailView):
    """A source: its published articles, and what it said when quoted."""

    context_object_name = "source"
    paginate_by = 20

    def get_queryset(self):
        return visible_sources()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        articles = (
            Article.objects.published()
            .filter(source=source)
            .select_related("source")
            .defer(*UNSHOWN_ARTICLE_FIELDS)
        )
        page = Paginator(articles, self.paginate_by).get_page(self.request.GET.get("page"))
        quotes = (
            Quote.objects.visible()
            .filter(speaker_organization=source)
            .select_related("article")
            .defer(*(f"article__{name}" for name in UNSHOWN_ARTICLE_FIELDS), "article__body")
            .order_by("-article__published_at", "paragraph", "start")[:20]
        )
        context.update(page_obj=page, articles=page.object_list, quotes=quotes)
        return context


class SearchView(TemplateView):
    """The API's search, for readers: matching articles and quotes, words highlighted."""

    template_name = "articles/search.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        words = query_words(query)
        # A search reaches the newest MAX_MATCHES matches (articles.search); the count says so.
        context.update(query=query, words=words, max_matches=search.MAX_MATCHES)
        if not words:
            return context
        articles = search_articles(
            Article.objects.published().select_related("source").defer(*UNSHOWN_ARTICLE_FIELDS),
            query,
        )
        page = Paginator(articles, self.paginate_by).get_page(self.request.GET.get("page"))
        quotes = search_quotes(
            Quote.objects.visible()
            .select_related("article", "speaker", "speaker_organization")
            .defer(*(f"article__{name}" for name in UNSHOWN_ARTICLE_FIELDS), "article__body"),
            query,
        )[:SEARCH_QUOTES_SHOWN]
        context.update(
            page_obj=page,
            articles=[
                {
                    "article": article,
                    "headline": highlight(article.headline, words),
                    "snippet": snippet(" ".join(article.paragraphs), words),
                }
                for article in page.object_list
            ],
            quotes=[{"quote": quote, "text": highlight(quote.text, words)} for quote in quotes],
        )
        return context
