"""The public read-only API (/api/v1/): articles, people, quotes and sources.

Readers see published articles whose time has come (``Article.objects.published()``) and the
quotes (never rejected ones), people and sources appearing in them. Staff with the right to
view articles may add ``?status=`` to article lists to see drafts. Every write method is 405.

Around every response: errors as problem details (RFC 9457, articles.api_plumbing), strict
query parameters (an unknown name, a repeated one or a bad value is a 400 naming it, never a
500 or a silently ignored filter), ETag/Last-Modified with 304, Cache-Control, an anonymous
rate limit (429 with Retry-After), sparse fields (``?fields=``), numbered pages and cursors
(articles.api_plumbing.ReaderPagination).
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response

from . import filters, fragments
from .api_plumbing import (
    FIELDS_PARAM,
    FORMAT_PARAM,
    PROBLEM_CONTENT_TYPE,
    JSONOnlyNegotiation,
    list_page_query,
)
from .models import Article, Mention, Person, PersonVariant, PublicCount, Quote, Source
from .page_queries import IdsQuery
from .rendering import FastJSONRenderer
from .serializers import (
    PERSON_ROW_COLUMNS,
    QUOTE_ROW_COLUMNS,
    SOURCE_ROW_COLUMNS,
    ArticleDetailSerializer,
    ArticleSerializer,
    PersonSerializer,
    QuoteSerializer,
    SourceSerializer,
    person_row_data,
    quote_row_changed_at,
    quote_row_data,
    source_row_data,
)
from .signals import public_cache_version

PUBLIC_MAX_AGE = 60
EXPAND_PARAM = "expand"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


# --- schema -------------------------------------------------------------------------------


class ProblemErrorSerializer(serializers.Serializer):
    parameter = serializers.CharField(help_text="The query parameter.")
    detail = serializers.CharField(help_text="What is wrong with it.")


class ProblemSerializer(serializers.Serializer):
    """Problem details (RFC 9457), the body of every error, as application/problem+json."""

    type = serializers.CharField(
        help_text=(
            "The problem type: `about:blank` (nothing beyond the HTTP status), or a URI whose "
            "page explains it (`/api/problems/invalid-parameter/`)."
        )
    )
    title = serializers.CharField(help_text="The problem type in a few words.")
    status = serializers.IntegerField(help_text="The HTTP status.")
    detail = serializers.CharField(help_text="What went wrong this time, for people.")
    instance = serializers.CharField(help_text="The path and query that were asked for.")
    code = serializers.CharField(
        help_text=(
            "Machine-readable: invalid, not_found, method_not_allowed, permission_denied, "
            "authentication_failed, throttled, service_unavailable, server_error."
        )
    )
    parameter = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="The offending query parameter (400; 404 for a page past the end).",
    )
    errors = ProblemErrorSerializer(
        many=True, required=False, help_text="Every offending parameter (400)."
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait before trying again (429, 503)."
    )


ERROR_RESPONSES = {
    400: "A query parameter is unknown, repeated or invalid; `parameter` names it.",
    401: "A token was sent and is not valid (send none to read as the public).",
    404: "No such item, or not one readers may see.",
    405: "The API is read-only.",
    429: "Anonymous rate limit reached; retry after `Retry-After` seconds.",
    503: "The database cannot be reached; retry after `Retry-After` seconds.",
}


class ReaderAutoSchema(AutoSchema):
    """Every operation documents the shared error responses and ``?fields=``."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        serializer_class = (
            getattr(self.view, "serializer_class", None)
            or getattr(self.view, "get_serializer_class", lambda: None)()
        )
        if self.method == "GET" and serializer_class is not None:
            names = list(serializer_class.Meta.fields)
            expandable = list(getattr(serializer_class.Meta, "expandable", ()))
            in_list = getattr(self.view, "action", None) == "list"
            summary = ""
            if expandable and in_list:
                summary = (
                    " Without it, a list gives each item's summary: every field but "
                    + ", ".join(f"`{name}`" for name in expandable)
                    + " (see `expand`)."
                )
            parameters.append(
                OpenApiParameter(
                    FIELDS_PARAM,
                    {"type": "array", "items": {"type": "string", "enum": names}},
                    explode=False,
                    description=(
                        "Comma-separated field names: return only these fields of each item "
                        "(for example `slug,headline,published_at`)." + summary
                    ),
                )
            )
            parameters.append(
                OpenApiParameter(
                    FORMAT_PARAM,
                    {"type": "string", "enum": ["json"]},
                    description="The API answers JSON whatever this says; only `json` is valid.",
                )
            )
            if expandable and in_list:
                parameters.append(
                    OpenApiParameter(
                        EXPAND_PARAM,
                        {"type": "array", "items": {"type": "string", "enum": expandable}},
                        explode=False,
                        description=(
                            "Comma-separated: add these fields, left out of list items by "
                            "default, to each item (`expand=people,quotes`: every person and "
                            "quote of each article, as the detail shows them). The nested "
                            "lists (`/articles/{slug}/quotes/`) page through them instead."
                        ),
                    )
                )
        return parameters

    def get_auth(self):
        """Only article lists say how to authenticate: ``?status=`` is for staff.

        Everything else answers the same with or without credentials, so Swagger UI shows no
        padlock there (drf-spectacular would list the session and token schemes everywhere).
        """
        if isinstance(self.view, PreviewMixin) and getattr(self.view, "action", None) == "list":
            return super().get_auth()
        return []

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = {
            PROBLEM_CONTENT_TYPE: {
                "schema": self.resolve_serializer(ProblemSerializer, direction).ref
            }
        }
        for code, description in ERROR_RESPONSES.items():
            responses.setdefault(str(code), {"content": error, "description": description})
        if isinstance(self.view, PreviewMixin):
            responses.setdefault(
                "403",
                {
                    "content": error,
                    "description": "`status` other than published, without staff rights.",
                },
            )
        responses.setdefault("304", {"description": "Not modified (conditional GET)."})
        return responses


PATH_PARAMETERS = {
    "slug": "The item's slug, as in its `api_url`.",
    "id": "The quote's id.",
    "person_slug": "The person's slug.",
    "article_slug": "The article's slug.",
    "source_slug": "The source's slug.",
}


SPARSE_COMPONENTS = ("Article", "ArticleDetail", "Quote", "Person", "Source")


def describe_schema(result, generator, request, public):
    """Spectacular post-processing hook: headers and path parameter descriptions."""
    # With ?fields= an item has only the fields asked for: none is always there.
    for name in SPARSE_COMPONENTS:
        component = result.get("components", {}).get("schemas", {}).get(name)
        if component is not None:
            component.pop("required", None)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if not parameter.get("description"):
                    parameter["description"] = PATH_PARAMETERS.get(parameter["name"], "")
            responses = operation.get("responses", {})
            if "200" in responses:
                responses["200"]["description"] = "OK"
                responses["200"]["headers"] = {
                    "ETag": {"schema": {"type": "string"}, "description": "Hash of the body."},
                    "Last-Modified": {
                        "schema": {"type": "string"},
                        "description": "Newest change among the rows shown.",
                    },
                }
            for status in ("429", "503"):
                if status in responses:
                    responses[status]["headers"] = {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "Seconds to wait before the next request.",
                        }
                    }
    return result


# --- viewsets -------------------------------------------------------------------------------


def may_preview(user) -> bool:
    """Staff who may view articles in the admin may see drafts in the API too."""
    return bool(
        user
        and user.is_active
        and user.is_staff
        and (user.has_perm("articles.view_article") or user.has_perm("articles.change_article"))
    )


_KNOWN_PARAMETERS: dict[tuple[type, str | None], list[str]] = {}


class ReaderViewSetMixin:
    """Read-only, strict about its query, conditional GET and caching headers."""

    http_method_names = ["get", "head", "options"]
    content_negotiation_class = JSONOnlyNegotiation
    renderer_classes = [FastJSONRenderer]
    last_modified = None
    store_as = None

    def initial(self, request, *args, **kwargs):
        # Before authentication: a write is 405 even with a session and no CSRF token.
        if request.method not in SAFE_METHODS:
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        for name, value in request.query_params.lists():
            if any("\x00" in item for item in [name, *value]):
                raise exceptions.ValidationError({name: ["NUL characters are not allowed."]})
        self.check_parameter_names(request)

    def known_parameters(self) -> list[str]:
        """The query parameter names this endpoint documents: its filters, its paging (lists)
        and the parameters ReaderAutoSchema adds (``fields``, ``format``...), read from the
        schema inspector itself so that what is documented and what is accepted are one list.
        """
        # The same for every request to one endpoint: worked out once per view and action.
        cached = _KNOWN_PARAMETERS.get((type(self), self.action))
        if cached is not None:
            return cached
        names = []
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            names += list(filterset_class.base_filters)
        if self.action == "list" and self.paginator is not None:
            names += list(self.paginator.query_params)
        # A fresh inspector: the one on the class is shared between requests (and threads).
        inspector = type(self.schema)()
        inspector.view, inspector.method = self, "GET"
        names += [parameter.name for parameter in inspector.get_override_parameters()]
        _KNOWN_PARAMETERS[type(self), self.action] = names
        return names

    def check_parameter_names(self, request):
        """400 for a parameter this endpoint does not know, or one given twice.

        A mistyped name (``?serach=``) would otherwise be ignored silently, the client
        getting every item, and each new name would make a new entry in the response cache.
        """
        known = self.known_parameters()
        for name, values in request.query_params.lists():
            if name not in known:
                raise exceptions.ValidationError(
                    {name: [f"Unknown parameter. This endpoint knows: {', '.join(known)}."]}
                )
            if len(values) > 1:
                raise exceptions.ValidationError({name: ["Give this parameter once."]})
        wanted = request.query_params.get(FORMAT_PARAM)
        if wanted is not None and wanted != "json":
            raise exceptions.ValidationError({FORMAT_PARAM: ["The API speaks JSON only: json."]})

    def requested_fields(self) -> list[str] | None:
        """The names given with ``?fields=``, or None without it; 400 when it names none."""
        raw = self.request.query_params.get(FIELDS_PARAM)
        if raw is None:
            return None
        names = [name.strip() for name in raw.split(",") if name.strip()]
        if not names:
            raise exceptions.ValidationError({FIELDS_PARAM: ["Name at least one field."]})
        return names

    def shown_fields(self) -> list[str] | None:
        """The fields each item shows, or None for all of them; 400 for an unknown name.

        ``?fields=`` names them; otherwise a list shows its items' summary, every field but
        the serializer's ``Meta.expandable`` ones (an article's people and quotes), unless
        ``?expand=`` asks for them. A detail shows everything.
        """
        serializer_class = self.get_serializer_class()
        known = list(serializer_class.Meta.fields)
        expandable = list(getattr(serializer_class.Meta, "expandable", ()))
        expanded = []
        raw = self.request.query_params.get(EXPAND_PARAM) if expandable else None
        if raw is not None:
            expanded = [name.strip() for name in raw.split(",") if name.strip()]
            unknown = [name for name in expanded if name not in expandable]
            if unknown or not expanded:
                raise exceptions.ValidationError(
                    {EXPAND_PARAM: [f"Expand one or more of: {', '.join(expandable)}."]}
                )
        wanted = self.requested_fields()
        if wanted is not None:
            unknown = [name for name in wanted if name not in known]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        FIELDS_PARAM: [
                            f"Unknown field(s): {', '.join(unknown)}. "
                            f"Choose from: {', '.join(known)}."
                        ]
                    }
                )
            return [*wanted, *(name for name in expanded if name not in wanted)]
        if self.action != "list" or not expandable:
            return None
        return [name for name in known if name not in expandable or name in expanded]

    def get_serializer(self, *args, **kwargs):
        serializer_class = self.get_serializer_class()
        kwargs.setdefault("context", self.get_serializer_context())
        shown = self.shown_fields()
        if shown is not None:
            kwargs["fields"] = shown
        return serializer_class(*args, **kwargs)

    def wants(self, *names: str) -> bool:
        """Whether the response shows any of these fields (to skip needless prefetches)."""
        shown = self.shown_fields()
        return shown is None or any(name in shown for name in names)

    def prepare(self, objects):
        """Load what the serializer needs beside ``objects`` (a page, or one item)."""

    # The list's name in articles.models.PublicCount, if its unfiltered count is kept.
    public_list = None

    def kept_count(self) -> int | None:
        """The unfiltered list's count as kept on write, or None: count the rows. A filter
        (an ordering only reorders) or a staff preview counts its own rows."""
        if self.public_list is None or self.action != "list" or self.is_preview():
            return None
        if self.given_filters() - {"ordering"}:
            return None
        return PublicCount.objects.kept(self.public_list)

    def given_filters(self) -> set[str]:
        """The names of this endpoint's filter parameters that the request gives."""
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is None:
            return set()
        return set(filterset_class.base_filters) & self.request.query_params.keys()

    def filter_queryset(self, queryset):
        # No filter given: django-filter would build a FilterSet (deep copies of its filters,
        # a form, the choices' querysets) to change nothing, a third of a quote page's time.
        if not self.given_filters():
            return queryset
        return super().filter_queryset(queryset)

    def changed_at(self, obj):
        return obj.updated_at

    def list(self, request, *args, **kwargs):
        return self.cached(self.build_list)

    # A list whose default page is read as plain rows of these columns (``values()``) and
    # built by ``rows_data``, the serializer's representation without model instances or
    # the serializer (issue #12); None: always the serializer.
    row_columns = None

    def only_paging(self) -> bool:
        """Whether the request gives no parameter but paging (page, page_size, cursor)."""
        return not self.request.query_params.keys() - set(self.paginator.query_params)

    def rows_data(self, rows: list[dict]) -> list[dict]:
        """The items of a page read as rows of ``row_columns``."""
        raise NotImplementedError

    def row_changed_at(self, row: dict):
        return row["updated_at"]

    # The list's default page as a PageQuery (articles.page_queries: its SQL compiled once
    # per window), read as rows of ``row_columns``.
    page_query = None

    def rows_queryset(self):
        """The list for a page read as rows (no prefetch: ``rows_data`` reads whatever else
        the items show)."""
        return self.page_query

    def build_list_from_rows(self):
        self.page_columns = self.row_columns
        page = self.paginate_queryset(self.rows_queryset())
        self.last_modified = max(map(self.row_changed_at, page), default=None)
        return Response({**self.paginator.envelope(), "results": self.rows_data(page)})

    def build_list(self):
        # Only paging asked for: the page as rows; any other parameter (a filter, a search,
        # fields=, ordering) goes to the serializer.
        if self.row_columns is not None and self.only_paging():
            return self.build_list_from_rows()
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self.prepare(page)
        self.last_modified = max((self.changed_at(obj) for obj in page), default=None)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def cached(self, build):
        """The stored body for this URL while nothing readers see has changed, else build().

        Shares the public pages' cache and its version (articles.signals), so any save of an
        article, quote, person, mention or source makes the next request build afresh.
        Only after authentication and throttling (in ``initial``), never for previews.
        """
        timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
        if not timeout or self.is_preview():
            return build()
        # Parameters in any order are one entry; check_parameter_names refused unknown ones.
        query = urlencode(sorted(self.request.query_params.items()))
        url = f"{self.request.build_absolute_uri(self.request.path)}?{query}".encode()
        key = f"articles:api:{public_cache_version()}:{hashlib.sha256(url).hexdigest()}"
        stored = cache.get(key)
        if stored is not None:
            content, self.last_modified = stored
            response = HttpResponse(content, content_type="application/json")
            response["X-Page-Cache"] = "hit"
            return response
        self.store_as = (key, timeout)
        return build()

    def is_preview(self) -> bool:
        return False

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        if self.is_preview() or response.status_code >= 500:
            patch_cache_control(response, private=True, no_store=True)
            return response
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        if hasattr(response, "render"):
            response.render()
        if self.store_as is not None:
            key, timeout = self.store_as
            cache.set(key, (response.content, self.last_modified), timeout)
            response["X-Page-Cache"] = "miss"
        digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
        response["ETag"] = f'"{digest}"'
        timestamp = None
        if self.last_modified is not None:
            timestamp = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=timestamp, response=response
        )


def visible_or_404(queryset, what: str, **lookup):
    """The one row of ``queryset`` matching ``lookup``, or a 404 that says what was missing."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        ((field, value),) = lookup.items()
        raise exceptions.NotFound(f"No {what} has the {field} “{value}”.") from None


class ReaderReadOnlyViewSet(ReaderViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A resource's list and its detail by slug (or id)."""

    what = "item"

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            field = self.lookup_url_kwarg or self.lookup_field
            label = "id" if field == "pk" else field
            raise exceptions.NotFound(
                f"No {self.what} has the {label} “{self.kwargs[field]}”."
            ) from None

    def retrieve(self, request, *args, **kwargs):
        return self.cached(self.build_detail)

    def build_detail(self):
        obj = self.get_object()
        self.prepare([obj])
        self.last_modified = self.changed_at(obj)
        return Response(self.get_serializer(obj).data)


ARTICLE_ORDER = ("-published_at", "-pk")


class PreviewMixin(ReaderViewSetMixin):
    """Article lists: staff may add ``?status=`` to see articles in any state."""

    def is_preview(self) -> bool:
        return "status" in self.request.query_params

    def base_articles(self):
        if not self.is_preview():
            return Article.objects.published()
        wanted = self.request.query_params.get("status")
        # An unknown state is the filter's 400; published is what readers see anyway.
        if (
            wanted not in Article.Status.values
            or wanted == Article.Status.PUBLISHED
            and not (may_preview(self.request.user))
        ):
            return Article.objects.published()
        if not may_preview(self.request.user):
            raise exceptions.PermissionDenied(
                "Only staff who may view articles can list them by status."
            )
        return Article.objects.all()

    def articles(self, *, detail: bool = False):
        heavy = ["raw_input", "extracted", "related_links", "flags", "source_file"]
        queryset = self.base_articles().select_related("source").defer(*heavy)
        if detail:
            queryset = queryset.select_related("lead_image")
        else:
            queryset = queryset.defer("body", "image_caption", "image_credit", "url")
        return queryset.order_by(*ARTICLE_ORDER)

    def prepare(self, articles):
        """Attach each article's people and visible quotes: one query each, as plain rows.

        Rows rather than prefetched model instances: a page holds hundreds of people and
        quotes, and building model instances for them was a third of the response time.
        """
        ids = [article.pk for article in articles]
        people = {pk: [] for pk in ids}
        quotes = {pk: [] for pk in ids}
        if ids and self.wants("people"):
            rows = (
                Mention.objects.filter(article_id__in=ids)
                .order_by("person__name", "pk")
                .values(*MENTION_COLUMNS)
            )
            for row in rows:
                people[row["article_id"]].append(row)
        counts = {}
        if ids and self.wants("quotes"):
            rows = (
                Quote.objects.shown()
                .filter(article_id__in=ids)
                .order_by("paragraph", "start", "pk")
                .values(*QUOTE_COLUMNS)
            )
            for row in rows:
                quotes[row["article_id"]].append(row)
        elif ids and self.wants("quote_count"):
            counts = dict(
                Quote.objects.filter(article_id__in=ids)
                .exclude(state=Quote.State.REJECTED)
                .order_by()
                .values("article_id")
                .annotate(n=Count("pk"))
                .values_list("article_id", "n")
            )
        for article in articles:
            article.people_rows = people[article.pk]
            article.quote_rows = quotes[article.pk]
            article.quote_total = counts.get(article.pk, 0) if counts else len(quotes[article.pk])

    def changed_at(self, article):
        times = [article.updated_at]
        if article.source is not None:
            times.append(article.source.updated_at)
        times.extend(row["person__updated_at"] for row in article.people_rows)
        times.extend(row["updated_at"] for row in article.quote_rows)
        times.extend(row["speaker__updated_at"] or article.updated_at for row in article.quote_rows)
        return max(times)


MENTION_COLUMNS = ("article_id", "role", "person__name", "person__slug", "person__updated_at")
QUOTE_COLUMNS = (
    "article_id",
    "id",
    "text",
    "kind",
    "updated_at",
    "speaker__name",
    "speaker__slug",
    "speaker__updated_at",
    "speaker_organization__name",
    "speaker_organization__slug",
)


# The article list's default page: stored rows (articles.fragments), what readers see
# (without ``status=``, PreviewMixin.base_articles is the same rule), built from the rule and
# the order alone (the rows read no related model).
ARTICLE_ROWS = list_page_query(
    lambda now: fragments.listed(
        Article.objects.published(now=now).order_by(*ARTICLE_ORDER), api=True
    )
)


@extend_schema(tags=["articles"])
class ArticleViewSet(PreviewMixin, ReaderReadOnlyViewSet):
    """Published articles, newest first.

    A list gives each article's summary (source and quote count, no people or quotes:
    add them with `expand=people,quotes` or `fields=`); the detail gives the whole article
    with its people and quotes.
    """

    public_list = PublicCount.List.ARTICLES
    what = "published article"
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    filterset_class = filters.ArticleFilter

    def get_queryset(self):
        return self.articles(detail=self.action == "retrieve")

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    def build_list(self):
        # Only paging asked for: a page of the rows stored on each article's last write
        # (articles.fragments), joined as they are; any other parameter (a filter, fields=,
        # expand=, status=) is answered by the serializer.
        if not self.only_paging():
            return super().build_list()
        page = self.paginate_queryset(ARTICLE_ROWS)
        rows = fragments.stored_rows(page)
        # Rows with no fragment that may be served (rendered under another key, or before
        # a write that skipped refresh_public_state): rendered here, in one more query.
        missing = [article.pk for article, row in zip(page, rows, strict=True) if row is None]
        rendered, times = {}, [row.list_changed_at for row in rows if row is not None]
        renderer = self.renderer_classes[0]()
        if missing:
            full = list(self.get_queryset().filter(pk__in=missing))
            self.prepare(full)
            for article in full:
                rendered[article.pk] = renderer.render(self.get_serializer(article).data).decode()
                times.append(self.changed_at(article))
        self.last_modified = max(times, default=None)
        origin = fragments.origin(self.request)
        items = ",".join(
            row.list_api.replace(fragments.ORIGIN, origin)
            if row is not None
            else rendered[article.pk]
            for article, row in zip(page, rows, strict=True)
            if row is not None or article.pk in rendered  # not unpublished in between
        )
        body = renderer.render(self.paginator.envelope())[:-1] + f',"results":[{items}]}}'.encode()
        return HttpResponse(body, content_type="application/json")

    def build_detail(self):
        # The whole article as stored on its last write (articles.fragments): one query.
        # Any parameter (fields=, status=, format=) is answered by the serializer.
        if not self.request.query_params:
            fragment = fragments.stored(slug=self.kwargs[self.lookup_field], page=False)
            if fragment is not None:
                self.last_modified = fragment.changed_at
                content = fragments.with_origin(fragment.api_body, self.request)
                return HttpResponse(content.encode(), content_type="application/json")
        return super().build_detail()


# What a quote's item and its Last-Modified read (QuoteSerializer, quote_changed_at), and the
# columns the lists order and filter by: model instances of these columns only.
QUOTE_ITEM_COLUMNS = (*(c for c in QUOTE_ROW_COLUMNS if c != "pk"), "start")


def rows_page_query(queryset_at, columns):
    """A list's default page read as rows of ``columns``, its SQL compiled once
    (``articles.page_queries``), from the list's queryset at a time (``quotes_queryset``),
    without the prefetches only the serializer reads."""
    return list_page_query(lambda now: queryset_at(now=now).prefetch_related(None), columns)


class CountsComeDueMixin:
    """A list whose rows keep counts that change when a scheduled article's time comes
    (people, sources): a page read as rows brings them up to date first, as the list's
    queryset does (``public_cache_version``)."""

    def rows_queryset(self):
        public_cache_version()
        return super().rows_queryset()


def quotes_queryset(*, now=None):
    return (
        Quote.objects.visible(now=now)
        .select_related("article__source", "speaker", "speaker_organization")
        .only(*QUOTE_ITEM_COLUMNS)
        # Newest first by id: an index scan that stops after one page. Ordering by the
        # articles' dates (?ordering=-published_at) sorts every visible quote instead.
        .order_by("-pk")
    )


def quote_changed_at(quote):
    times = [quote.updated_at, quote.article.updated_at]
    if quote.speaker is not None:
        times.append(quote.speaker.updated_at)
    return max(times)


@extend_schema(tags=["quotes"])
class QuoteViewSet(ReaderReadOnlyViewSet):
    """Quotes readers may see: never rejected ones, only from published articles."""

    public_list = PublicCount.List.QUOTES
    what = "visible quote of a published article"
    serializer_class = QuoteSerializer
    filterset_class = filters.QuoteFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return quotes_queryset()

    def changed_at(self, quote):
        return quote_changed_at(quote)

    row_columns = QUOTE_ROW_COLUMNS
    page_query = rows_page_query(quotes_queryset, QUOTE_ROW_COLUMNS)

    def rows_data(self, rows):
        return [quote_row_data(row, self.request) for row in rows]

    def row_changed_at(self, row):
        return quote_row_changed_at(row)


def people_queryset(*, now=None):
    """Visible people with their counts, all kept on the rows (articles.publishing)."""
    public_cache_version()  # counts the articles whose scheduled time has just come
    return (
        filters.visible_people(now=now)
        .alias(quote_count=F("public_quote_count"), article_count=F("public_article_count"))
        .defer("extracted")
        .prefetch_related("variants")
        .order_by("name", "pk")
    )


# The names of some people's variants, in the variants' own order (as the serializer's
# prefetch reads them), by SQL compiled once per number of people.
PERSON_VARIANTS = IdsQuery(
    lambda ids: PersonVariant.objects.filter(person_id__in=ids).values("person_id", "name")
)


@extend_schema(tags=["people"])
class PersonViewSet(CountsComeDueMixin, ReaderReadOnlyViewSet):
    """People named or quoted in published articles, with their name variants and counts."""

    public_list = PublicCount.List.PEOPLE
    what = "person in a published article"
    serializer_class = PersonSerializer
    filterset_class = filters.PersonFilter
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()  # the schema generator: no database needed
        return people_queryset()

    row_columns = PERSON_ROW_COLUMNS
    page_query = rows_page_query(people_queryset, PERSON_ROW_COLUMNS)

    def rows_data(self, rows):
        # The variants' names in one query, as the serializer's prefetch reads them.
        variants = {row["pk"]: [] for row in rows}
        if variants:
            for row in PERSON_VARIANTS.rows_for(list(variants)):
                variants[row["person_id"]].append(row["name"])
        return [person_row_data(row, variants[row["pk"]], self.request) for row in rows]


def sources_queryset(*, now=None):
    """Visible sources with their counts, all kept on the rows (articles.publishing)."""
    public_cache_version()  # counts the articles whose scheduled time has just come
    return (
        filters.visible_sources(now=now)
        .alias(article_count=F("public_article_count"), quote_count=F("public_quote_count"))
        .order_by("name", "pk")
    )


@extend_schema(tags=["sources"])
class SourceViewSet(CountsComeDueMixin, ReaderReadOnlyViewSet):
    """Outlets, agencies and organisations of published articles and quotes."""

    public_list = PublicCount.List.SOURCES
    what = "source of a published article"
    serializer_class = SourceSerializer
    filterset_class = filters.SourceFilter
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Source.objects.none()  # the schema generator: no database needed
        return sources_queryset()

    row_columns = SOURCE_ROW_COLUMNS
    page_query = rows_page_query(sources_queryset, SOURCE_ROW_COLUMNS)

    def rows_data(self, rows):
        return [source_row_data(row, self.request) for row in rows]


# --- nested lists -------------------------------------------------------------------------


class NestedQuotesMixin(ReaderViewSetMixin):
    serializer_class = QuoteSerializer
    filterset_class = filters.QuoteFilter

    def changed_at(self, quote):
        return quote_changed_at(quote)


@extend_schema(tags=["people"], summary="A person's quotes")
class PersonQuoteViewSet(NestedQuotesMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """What one person said, newest first."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no URL kwargs
            return quotes_queryset().none()
        person = visible_or_404(
            filters.visible_people(),
            "person in a published article",
            slug=self.kwargs["person_slug"],
        )
        return quotes_queryset().filter(speaker=person)


@extend_schema(tags=["articles"], summary="An article's quotes")
class ArticleQuoteViewSet(NestedQuotesMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The quotes of one article, in reading order unless ``ordering`` says otherwise."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no URL kwargs
            return quotes_queryset().none()
        article = visible_or_404(
            Article.objects.published(), "published article", slug=self.kwargs["article_slug"]
        )
        return quotes_queryset().filter(article=article).order_by("paragraph", "start", "pk")


@extend_schema(tags=["sources"], summary="A source's articles")
class SourceArticleViewSet(PreviewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The published articles of one source, newest first."""

    serializer_class = ArticleSerializer
    filterset_class = filters.ArticleFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no URL kwargs
            return self.articles().none()
        source = visible_or_404(
            filters.visible_sources(), "source", slug=self.kwargs["source_slug"]
        )
        return self.articles().filter(source=source)
