"""Logs an operator can follow (issue 13): one line per request and per imported file, each
record with its request id, as text or, with LOG_FORMAT=json, one JSON object per line.

``RequestLogMiddleware`` gives every request an id (the ``X-Request-ID`` a trusted proxy sent,
else a new one), returns it in the response's ``X-Request-ID`` and writes one line when the
response is ready: method, path, status, duration, size and the client's address. Every record
logged while the request runs (a database error, a failed import file) carries the same
``request_id``, through ``RequestIdFilter``; records outside a request carry ``-``, unless
they run inside :func:`log_context` (an import from the command line or a worker: every file's
line carries the run's id).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import time
import uuid

from django.conf import settings

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("newsroom.request")

# What a proxy's id may look like: short, no spaces or control characters (it is logged).
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Probes come every few seconds; their lines are kept out of the INFO log.
QUIET_PATHS = {"/healthz", "/readyz"}
# Fields of a request line and of an imported file's line that JSON output gives as their own
# keys.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "bytes", "client")
FILE_FIELDS = ("file", "outcome", "article_id", "import_run", "error")
LOGGED_FIELDS = REQUEST_FIELDS + FILE_FIELDS


def incoming_request_id(request) -> str:
    """The proxy's X-Request-ID when we trust a proxy and it is well-formed, else a new id."""
    sent = request.META.get("HTTP_X_REQUEST_ID", "")
    if settings.TRUSTED_PROXY_COUNT > 0 and REQUEST_ID.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


@contextlib.contextmanager
def log_context(request_id: str):
    """Give every record logged inside the block ``request_id`` (work outside a request)."""
    token = request_id_var.set(request_id)
    try:
        yield request_id
    finally:
        request_id_var.reset(token)


class RequestLogMiddleware:
    """One log line per request, and the request id on every record logged meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = incoming_request_id(request)
        request.request_id = request_id
        token = request_id_var.set(request_id)
        if settings.SENTRY_DSN:
            import sentry_sdk

            sentry_sdk.set_tag("request_id", request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            size = len(response.content) if not response.streaming else None
            fields = {
                "method": request.method,
                "path": request.get_full_path(),
                "status": response.status_code,
                "duration_ms": duration_ms,
                "bytes": size,
                "client": request.META.get("REMOTE_ADDR", ""),
            }
            level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
            logger.log(
                level,
                "%(method)s %(path)s %(status)s %(duration_ms)sms %(bytes)sB %(client)s",
                fields,
                extra=fields,
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (the current request's, or ``-``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id, and for request
    and imported files' lines their fields; an exception's traceback under ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for field in LOGGED_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JSONFormatter.converter = time.gmtime
