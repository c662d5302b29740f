"""API plumbing named in REST_FRAMEWORK and SPECTACULAR_SETTINGS (newsroom/settings.py).

Kept apart from articles.api because DRF imports the classes its settings name while it
defines ``APIView``: a module that itself imports DRF's views (as the viewsets do) would be
imported half-made. So nothing here imports ``rest_framework.views`` at module level.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
import operator
from functools import reduce
from http import HTTPStatus

from django.core.paginator import Page, Paginator
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from newsroom.timeouts import is_statement_timeout

from .page_queries import PageQuery

logger = logging.getLogger(__name__)

FIELDS_PARAM = "fields"
# DRF's URL_FORMAT_OVERRIDE: accepted (json only) so that ?format=json links keep working.
FORMAT_PARAM = "format"

API_DESCRIPTION = """
Read-only access to Newsroom's published articles, the people named in them, their quotes and
the sources (outlets, agencies, organisations).

* **Versioned** under `/api/v1/`. Every write method (POST, PUT, PATCH, DELETE) answers 405.
* **Pagination**: `page` (from 1, or `last`) and `page_size` (1 to 100, default 20). Pages are
  stable: every ordering ends with the id. Numbered pages reach the first 10,000 items; for any
  depth follow `next_cursor` (or start with an empty `cursor=`): cursor pages carry `next` and
  no counts, go forward only, and are not available with `search` or `ordering=speaker`.
* **People by name**: `person` and `speaker` take a slug or a name in any spelling, a name
  variant or the surname alone (`speaker=putin`).
* **Sparse fields**: `fields=headline,slug,published_at` returns only those fields of each item.
* **Strict parameters**: an unknown parameter name, a parameter given twice or a value the
  endpoint cannot use is a 400 naming the parameter, never silently ignored.
* **Search**: `search` is full-text search (`q` is its alias): words (all must match),
  `"a phrase"`, `or` between alternatives, `-word` to exclude; results come best first unless
  `ordering` is given. English stemming on PostgreSQL. A search reaches the newest 1,000
  matches of the rows the other filters leave, and `count` counts at most those: narrow by
  `published_from`/`published_to` to reach older matches.
* **Conditional GET**: responses carry `ETag` (exact: a hash of the body) and `Last-Modified`
  (newest change among the rows shown); send `If-None-Match` or `If-Modified-Since` for a 304.
  Public responses are `Cache-Control: public, max-age=60`.
* **Rate limit**: anonymous clients may make 120 requests a minute per IP address (the
  `API_ANON_RATE` setting); over it they get 429 with `Retry-After` (seconds). Authenticated
  staff are not limited.
* **CORS**: any origin may GET (no credentials).
* **Errors** are problem details (RFC 9457), `Content-Type: application/problem+json`:
  `{"type", "title", "status", "detail", "instance", "code"}`, plus `parameter` and `errors`
  (each `{parameter, detail}`) for a bad query parameter, `retry_after` for 429 and 503.
"""


class PageNotFound(exceptions.NotFound):
    parameter = "page"


class InvalidCursor(exceptions.ValidationError):
    def __init__(self, message: str):
        super().__init__({CURSOR_PARAM: [message]})


CURSOR_PARAM = "cursor"
# Numbered pages reach this many items; deeper, an OFFSET makes the database read and drop
# every item before the page (the NYT's API stops at page 100 for the same reason).
MAX_NUMBERED_ITEMS = 10_000
# Orderings a cursor can follow: columns that are never null for what readers see, so "after
# this item" is a plain comparison (NULLs sort differently on SQLite and PostgreSQL).
CURSOR_FIELDS = {
    "pk",
    "published_at",
    "headline",
    "updated_at",
    "name",
    "paragraph",
    "start",
    "article__published_at",
    "public_quote_count",
    "public_article_count",
}


def _encode_value(value):
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    return value


def _decode_value(value):
    if isinstance(value, dict):
        return dt.datetime.fromisoformat(value["t"])
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    raise ValueError(value)


def _value_at(obj, path: str):
    if isinstance(obj, dict):  # a page read as values() rows
        return obj[path]
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj


def page_rows(queryset, window: slice, columns: tuple[str, ...] | None = None):
    """``queryset[window]``, the page's ids picked from the listed table alone when they can be.

    Ordered by the table's own columns (ending with the id), a page is the ids the table's
    indexes give for the window, then those rows with their joins (``select_related``, the
    related ``columns``, annotations of joined columns): ``WHERE id IN (SELECT id ... LIMIT
    n)``. Asked in one, the
    planner may drive the join from the other side and read every row of the joined table
    (every article, for a page of quotes) before it stops. The same rows in the same order
    either way. ``columns``: the page as plain dicts of these columns (``values()``), not
    model instances.
    """
    query = queryset.query
    # Joined rows: select_related, related columns, or annotations reading another table
    # (an article's stored rows: one article published with hundreds of others at the same
    # time made the planner join all of them to their rows before sorting).
    joins = (
        query.select_related
        or len(query.alias_map) > 1
        or any("__" in name for name in columns or ())
    )
    if not joins or not picks_by_own_columns(queryset):
        picked = queryset[window]
    else:
        picked = queryset.filter(pk__in=queryset.values("pk")[window])
    return picked if columns is None else picked.values(*columns)


def picks_by_own_columns(queryset) -> bool:
    ordering = ReaderPagination.keyset_ordering(queryset)
    return ordering is not None and not any("__" in name for name in ordering)


def list_page_query(build, columns: tuple[str, ...] | None = None) -> PageQuery:
    """A list's PageQuery whose pages are read as :func:`page_rows` reads them (the ids
    picked from the listed table alone, the rows as ``values()`` of ``columns`` if given)."""
    return PageQuery(build, lambda queryset, window: page_rows(queryset, window, columns))


def orm(queryset):
    """The ORM's queryset of a list given as a queryset or as a PageQuery."""
    return queryset.queryset() if isinstance(queryset, PageQuery) else queryset


class KeysFirstPaginator(Paginator):
    """Django's paginator, each page read by :func:`page_rows` (as rows of ``columns``,
    if given)."""

    columns = None

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        window = slice(bottom, top)
        if isinstance(self.object_list, PageQuery):
            rows = self.object_list.rows(window)  # its own columns, compiled once
        else:
            rows = page_rows(self.object_list, window, self.columns)
        return self._get_page(rows, number, self)


class ReaderPagination(PageNumberPagination):
    """Numbered pages for the first 10,000 items, and keyset cursors for any depth.

    ``page`` (or ``last``) and ``page_size``: a page with ``count``, ``pages``, ``next`` and
    ``previous``; past item 10,000 only ``page=last`` is served (read from the other end).
    ``next_cursor`` links to the items after this page by cursor: ``cursor=<token>`` answers
    the ``page_size`` items after the item the token names, with a ``next`` link and no
    counts. A cursor costs one index range read at any depth and never skips or repeats an
    item when articles are added meanwhile. Its limits: forward only; not with search
    (results ranked by a computed score) or an ordering by speaker (which may be empty); it
    belongs to the ordering it was made for (400 otherwise).
    """

    django_paginator_class = KeysFirstPaginator
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = (
        "Page number, from 1, or `last`. Numbered pages reach the first 10,000 items; "
        "`next_cursor` goes further."
    )
    page_size_query_description = "Items per page, from 1 to 100 (default 20)."
    cursor_query_description = (
        "Continue after the item this token names (take it from `next_cursor` or `next`; "
        "empty: from the first item). Forward only; not with `search`/`q` or "
        "`ordering=speaker`."
    )

    @property
    def query_params(self) -> tuple[str, ...]:
        return (self.page_query_param, self.page_size_query_param, CURSOR_PARAM)

    def paginate_queryset(self, queryset, request, view=None):
        """The page's items: model instances, or plain dicts of the view's
        ``page_columns`` when it sets them (read with ``values()``)."""
        self.request = request
        self.cursor_mode = CURSOR_PARAM in request.query_params
        self.ordering = self.keyset_ordering(queryset)
        self.columns = getattr(view, "page_columns", None)
        page_size = self.get_page_size(request)
        if self.cursor_mode:
            return self.paginate_by_cursor(orm(queryset), request, page_size)
        # A list's PageQuery (articles.page_queries): numbered pages by its compiled SQL.
        paginator = self.django_paginator_class(queryset, page_size)
        paginator.columns = self.columns
        kept = getattr(view, "kept_count", lambda: None)()
        if kept is not None:
            paginator.count = kept  # counted on write (articles.models.PublicCount)
        number = self.get_page_number(request, paginator)
        offset = (number - 1) * page_size
        if offset >= MAX_NUMBERED_ITEMS and number != paginator.num_pages:
            raise exceptions.ValidationError(
                {
                    self.page_query_param: [
                        f"Numbered pages reach the first {MAX_NUMBERED_ITEMS:,} items; "
                        "follow `next_cursor` to go further, or ask for page=last."
                    ]
                }
            )
        if number > paginator.num_pages:
            raise PageNotFound(f"Page {number} is past the last page, {paginator.num_pages}.")
        if offset >= MAX_NUMBERED_ITEMS:
            # The last page, read from the other end: no deep OFFSET.
            size = paginator.count - offset
            rows = page_rows(orm(queryset).reverse(), slice(0, size), self.columns)
            items = list(reversed(rows))
            self.page = Page(items, number, paginator)
        else:
            self.page = paginator.page(number)
        return list(self.page)

    def paginate_by_cursor(self, queryset, request, page_size):
        if self.page_query_param in request.query_params:
            raise InvalidCursor("Give `cursor` or `page`, not both.")
        if self.ordering is None:
            raise InvalidCursor(
                "Cursors cannot follow this ordering (search results, or by speaker); use `page`."
            )
        token = request.query_params[CURSOR_PARAM]
        if token:
            queryset = queryset.filter(self.after(self.decode_cursor(token)))
        items = list(page_rows(queryset, slice(0, page_size + 1), self.columns))
        self.page_size_used = page_size
        self.has_next = len(items) > page_size
        self.items = items[:page_size]
        return self.items

    # --- keyset -----------------------------------------------------------------------------

    @staticmethod
    def keyset_ordering(queryset) -> tuple[str, ...] | None:
        """The queryset's ordering if a cursor can follow it (ends with the pk), else None."""
        if isinstance(queryset, PageQuery):
            ordering = queryset.ordering
        else:
            ordering = tuple(queryset.query.order_by)
        names = [str(name).lstrip("-") for name in ordering]
        if not ordering or names[-1] != "pk" or any(n not in CURSOR_FIELDS for n in names):
            return None
        if not all(isinstance(name, str) for name in ordering):
            return None
        return ordering

    def after(self, values) -> Q:
        """Rows after the item whose ordering values are ``values``, in self.ordering."""
        steps = []
        for index, field in enumerate(self.ordering):
            name = field.lstrip("-")
            step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": values[index]})
            for earlier, value in zip(self.ordering[:index], values, strict=False):
                step &= Q(**{earlier.lstrip("-"): value})
            steps.append(step)
        return reduce(operator.or_, steps)

    def encode_cursor(self, obj) -> str | None:
        if self.ordering is None:
            return None
        values = [_value_at(obj, field.lstrip("-")) for field in self.ordering]
        if any(value is None for value in values):
            return None  # a staff preview's draft without a date: no place to continue from
        payload = {"o": list(self.ordering), "v": [_encode_value(v) for v in values]}
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode_cursor(self, token: str) -> list:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload = json.loads(raw)
            ordering, values = payload["o"], [_decode_value(v) for v in payload["v"]]
        except (ValueError, TypeError, KeyError, binascii.Error):
            raise InvalidCursor(
                "Not a cursor this API made; take one from `next_cursor`."
            ) from None
        if tuple(ordering) != self.ordering or len(values) != len(ordering):
            raise InvalidCursor(
                "This cursor was made for another ordering; start again without it."
            )
        return values

    def cursor_link(self, obj) -> str | None:
        token = self.encode_cursor(obj)
        if token is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, CURSOR_PARAM, token)

    # --- parameters ---------------------------------------------------------------------------

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw in self.last_page_strings:
            return paginator.num_pages
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: ["A page number is a whole number from 1, or last."]}
            )
        return int(raw)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"The page size is a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {
                    "oneOf": [
                        {"type": "integer", "minimum": 1},
                        {"type": "string", "enum": list(self.last_page_strings)},
                    ]
                }
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        parameters.append(
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": {"type": "string"},
            }
        )
        return parameters

    def get_paginated_response(self, data):
        return Response({**self.envelope(), "results": data})

    def envelope(self) -> dict:
        """The page's members around its ``results``, in the order they are written."""
        if self.cursor_mode:
            following = self.cursor_link(self.items[-1]) if self.has_next else None
            return {"page_size": self.page_size_used, "next": following}
        last = self.page.object_list[-1] if self.page.object_list else None
        return {
            "count": self.page.paginator.count,
            "page": self.page.number,
            "pages": self.page.paginator.num_pages,
            "page_size": self.page.paginator.per_page,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "next_cursor": self.cursor_link(last) if self.page.has_next() else None,
        }

    def get_paginated_response_schema(self, schema):
        number = {"type": "integer"}
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["page_size", "next", "results"],
            "properties": {
                "count": {**number, "description": "Items on all pages (numbered pages only)."},
                "page": {**number, "description": "This page's number (numbered pages only)."},
                "pages": {**number, "description": "Number of pages (numbered pages only)."},
                "page_size": {**number, "description": "Items per page."},
                "next": {**link, "description": "The next page, or null on the last."},
                "previous": {
                    **link,
                    "description": "The previous page, or null on the first (numbered pages).",
                },
                "next_cursor": {
                    **link,
                    "description": (
                        "The items after this page by cursor, at any depth; null on the last "
                        "page, with search, or ordered by speaker (numbered pages only)."
                    ),
                },
                "results": schema,
            },
        }


class ReaderMetadata(SimpleMetadata):
    """OPTIONS: the endpoint's name, description and what it renders; a read-only API parses
    nothing, so no ``parses`` (and, with no write method, no ``actions``)."""

    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        metadata.pop("parses", None)
        return metadata


class JSONOnlyNegotiation(BaseContentNegotiation):
    """The API speaks JSON only, whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReaderAnonThrottle(AnonRateThrottle):
    """AnonRateThrottle reading its rate when used, so settings changes (tests) apply."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


# --- errors: RFC 9457 problem details ------------------------------------------------------

PROBLEM_CONTENT_TYPE = "application/problem+json"
INVALID_PARAMETER = "invalid-parameter"
# Problem types of our own, each documented at /api/problems/<name>/. Every other error is
# "about:blank": nothing to it beyond its HTTP status, whose phrase is then the title.
PROBLEM_TYPES = {
    INVALID_PARAMETER: (
        "Invalid query parameter",
        "A query parameter is unknown to this endpoint, given twice, or has a value the "
        "endpoint cannot use (a malformed date, an unknown slug or choice, a page size over "
        "100...). `parameter` names the first such parameter and `errors` lists every one, "
        "each as {parameter, detail}. Nothing is returned or changed; fix the request and "
        "send it again.",
    ),
}
RETRY_AFTER_UNAVAILABLE = 30


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "The database cannot be reached; try again shortly."
    default_code = "service_unavailable"


# A statement of a public request ran past PUBLIC_STATEMENT_TIMEOUT_MS (newsroom/timeouts.py).
TIMED_OUT = "The database took too long to answer this request; try again shortly."


def problem_response(
    request, status_code: int, code: str, detail: str, *, kind: str | None = None, **members
) -> JsonResponse:
    """A problem details response (RFC 9457) outside DRF's views (unknown /api/ paths)."""
    body = problem_body(request, status_code, code, detail, kind=kind, **members)
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_body(
    request, status_code: int, code: str, detail: str, *, kind: str | None = None, **members
) -> dict:
    """RFC 9457 members (type, title, status, detail, instance) plus ours (code, ...).

    ``kind`` names one of PROBLEM_TYPES; without it the type is about:blank and the title the
    status phrase, as RFC 9457 section 4.2.1 asks.
    """
    if kind is None:
        type_uri, title = "about:blank", HTTPStatus(status_code).phrase
    else:
        type_uri = request.build_absolute_uri(reverse("api:problem", args=[kind]))
        title = PROBLEM_TYPES[kind][0]
    return {
        "type": type_uri,
        "title": title,
        "status": status_code,
        "detail": detail,
        "instance": request.get_full_path(),
        "code": code,
        **members,
    }


def _summary(detail) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{name}: {_summary(value)}" for name, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_summary(value) for value in detail)
    return str(detail)


DEFAULT_CODES = {
    403: exceptions.PermissionDenied.default_code,
    404: exceptions.NotFound.default_code,
}


def exception_handler(exc, context):
    """DRF's handler (status, Retry-After, WWW-Authenticate...), answering problem details.

    A database that cannot be reached (or a statement cut off by its timeout) is a 503 with
    Retry-After, not Django's HTML 500. Other unexpected errors stay Django's to log and answer.
    """
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("API request failed on the database: %s", exc)
        exc = ServiceUnavailable(TIMED_OUT if is_statement_timeout(exc) else None)
        exc.wait = RETRY_AFTER_UNAVAILABLE
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    members = {}
    kind = None
    if isinstance(exc, exceptions.ValidationError):
        kind, code = INVALID_PARAMETER, "invalid"
        errors = [
            {"parameter": name, "detail": _summary(messages)}
            for name, messages in (
                exc.detail.items() if isinstance(exc.detail, dict) else [(None, exc.detail)]
            )
        ]
        detail = "; ".join(
            f"{error['parameter']}: {error['detail']}" if error["parameter"] else error["detail"]
            for error in errors
        )
        members = {"parameter": errors[0]["parameter"], "errors": errors}
    else:
        # Django's Http404 and PermissionDenied arrive unconverted: take their DRF codes.
        code = getattr(getattr(exc, "detail", None), "code", None) or DEFAULT_CODES.get(
            response.status_code, "error"
        )
        detail = _summary(getattr(exc, "detail", response.data))
        parameter = getattr(exc, "parameter", None)
        if parameter is not None:
            members["parameter"] = parameter
        if isinstance(exc, exceptions.Throttled | ServiceUnavailable) and exc.wait is not None:
            members["retry_after"] = int(exc.wait + 0.999)
            response["Retry-After"] = str(members["retry_after"])
    response.data = problem_body(request, response.status_code, code, detail, kind=kind, **members)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def not_found(request, *args, **kwargs):
    """Any other path under /api/: the API's own 404 (not the site's HTML page)."""
    detail = "No such endpoint. The API's documentation is at /api/docs/."
    return problem_response(request, 404, "not_found", detail)


def problem_type(request, name):
    """What a problem type of ours means, for people following its ``type`` URI."""
    if name not in PROBLEM_TYPES:
        return not_found(request)
    title, description = PROBLEM_TYPES[name]
    return HttpResponse(
        format_html(
            "<!doctype html><title>{}</title><h1>{}</h1><p>{}</p>"
            '<p>See the <a href="{}">API documentation</a>.</p>',
            title,
            title,
            description,
            reverse("api:docs"),
        )
    )
