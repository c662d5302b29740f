"""API plumbing named in REST_FRAMEWORK and SPECTACULAR_SETTINGS (newsroom/settings.py).

Kept apart from articles.api because DRF imports the classes its settings name while it
defines ``APIView``: a module that itself imports DRF's views (as the viewsets do) would be
imported half-made. So nothing here imports ``rest_framework.views`` at module level.
"""

from __future__ import annotations

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

FIELDS_PARAM = "fields"

API_DESCRIPTION = """
Read-only access to Newsroom's published articles, the people named in them, their quotes and
the sources (outlets, agencies, organisations).

* **Versioned** under `/api/v1/`. Every write method (POST, PUT, PATCH, DELETE) answers 405.
* **Pagination**: `page` (from 1) and `page_size` (1 to 100, default 20). Pages are stable: every
  ordering ends with the id.
* **Sparse fields**: `fields=headline,slug,published_at` returns only those fields of each item.
* **Search**: `q` is full-text search (PostgreSQL, English stemming, `"phrases"`, `or`, `-word`);
  results come best first unless `ordering` is given.
* **Conditional GET**: responses carry `ETag` (exact: a hash of the body) and `Last-Modified`
  (newest change among the rows shown); send `If-None-Match` or `If-Modified-Since` for a 304.
  Public responses are `Cache-Control: public, max-age=60`.
* **Rate limit**: anonymous clients may make 120 requests a minute per IP address (the
  `API_ANON_RATE` setting); over it they get 429 with `Retry-After` (seconds). Authenticated
  staff are not limited.
* **CORS**: any origin may GET (no credentials).
* **Errors** (400, 403, 404, 405, 429) share one shape:
  `{"error": {"status": 400, "code": "invalid", "message": "...", "details": {...}}}`; `details`
  maps each bad parameter to its messages.
"""


class ReaderPagination(PageNumberPagination):
    """Numbered pages whose size the client may choose; out-of-range values are a 400."""

    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = "Page number, from 1."
    page_size_query_description = "Items per page, from 1 to 100 (default 20)."

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


def error_body(status_code: int, code: str, message: str, details=None) -> dict:
    return {"error": {"status": status_code, "code": code, "message": message, "details": details}}


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
    """DRF's handler (status, Retry-After...) with every error in one JSON shape."""
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        message = "Invalid query parameters: " + _summary(detail)
        code, details = "invalid", detail
    else:
        # Django's Http404 and PermissionDenied arrive unconverted: take their DRF codes.
        code = getattr(getattr(exc, "detail", None), "code", None) or DEFAULT_CODES.get(
            response.status_code, "error"
        )
        message, details = _summary(getattr(exc, "detail", detail)), None
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details = {"retry_after": int(exc.wait + 0.999)}
    response.data = error_body(response.status_code, code, message, details)
    return response


def not_found(request, *args, **kwargs):
    """Any other path under /api/: the API's own 404 (not the site's HTML page)."""
    message = "No such endpoint. The API's documentation is at /api/docs/."
    return JsonResponse(error_body(404, "not_found", message), status=404)
