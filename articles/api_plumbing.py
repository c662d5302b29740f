"""API plumbing named in REST_FRAMEWORK and SPECTACULAR_SETTINGS (newsroom/settings.py).

Kept apart from articles.api because DRF imports the classes its settings name while it
defines ``APIView``: a module that itself imports DRF's views (as the viewsets do) would be
imported half-made. So nothing here imports ``rest_framework.views`` at module level.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

logger = logging.getLogger(__name__)

FIELDS_PARAM = "fields"
# DRF's URL_FORMAT_OVERRIDE: accepted (json only) so that ?format=json links keep working.
FORMAT_PARAM = "format"

API_DESCRIPTION = """
Read-only access to Newsroom's published articles, the people named in them, their quotes and
the sources (outlets, agencies, organisations).

* **Versioned** under `/api/v1/`. Every write method (POST, PUT, PATCH, DELETE) answers 405.
* **Pagination**: `page` (from 1) and `page_size` (1 to 100, default 20). Pages are stable: every
  ordering ends with the id.
* **Sparse fields**: `fields=headline,slug,published_at` returns only those fields of each item.
* **Strict parameters**: an unknown parameter name, a parameter given twice or a value the
  endpoint cannot use is a 400 naming the parameter, never silently ignored.
* **Search**: `search` is full-text search (`q` is its alias): words (all must match),
  `"a phrase"`, `or` between alternatives, `-word` to exclude; results come best first unless
  `ordering` is given. English stemming on PostgreSQL.
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


class ReaderPagination(PageNumberPagination):
    """Numbered pages whose size the client may choose; out-of-range values are a 400."""

    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = "Page number, from 1."
    page_size_query_description = "Items per page, from 1 to 100 (default 20)."

    @property
    def query_params(self) -> tuple[str, ...]:
        return (self.page_query_param, self.page_size_query_param)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as exc:
            raise PageNotFound(exc.detail) from None

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw in self.last_page_strings:
            return raw
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: ["A page number is a whole number from 1."]}
            )
        return raw

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
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page": self.page.number,
                "pages": self.page.paginator.num_pages,
                "page_size": self.page.paginator.per_page,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        number = {"type": "integer"}
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "page", "pages", "page_size", "next", "previous", "results"],
            "properties": {
                "count": {**number, "description": "Items on all pages."},
                "page": {**number, "description": "This page's number."},
                "pages": {**number, "description": "Number of pages."},
                "page_size": {**number, "description": "Items per page."},
                "next": {**link, "description": "The next page, or null on the last."},
                "previous": {**link, "description": "The previous page, or null on the first."},
                "results": schema,
            },
        }


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
        exc = ServiceUnavailable()
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
