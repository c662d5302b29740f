"""A statement timeout for public requests on PostgreSQL (issue 11 §4).

Every request outside the admin (the site's pages and the API, whoever asks) runs its SQL
under ``statement_timeout = PUBLIC_STATEMENT_TIMEOUT_MS``: a query that would tie up a worker
and a database backend is cancelled by the server, and the request answers 503 with
Retry-After as when the database cannot be reached (newsroom/errors.py for pages,
articles/api_plumbing.py for the API). The admin, imports, workers and management commands
are not limited: they never pass through here.

The timeout is set on the connection before the request's first query (a page served from
the page cache opens no connection at all) and reset to the server's default when the
request ends, so a persistent connection (CONN_MAX_AGE) never carries it into the next
request, an admin one, or anything else. A connection that cannot be reset is closed.
SQLite has no statement timeout: nothing is done there, nor with the setting at 0.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack

from django.conf import settings
from django.db import DatabaseError, connections
from django.urls import reverse

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATE for "canceling statement due to statement timeout" (query_canceled).
QUERY_CANCELED = "57014"


def is_statement_timeout(exc: BaseException) -> bool:
    """Whether ``exc`` (a Django database error) is a statement the server cancelled."""
    cause = getattr(exc, "__cause__", None)
    return getattr(cause, "sqlstate", None) == QUERY_CANCELED


class StatementTimeout:
    """An execute wrapper (Django's database instrumentation) that sets ``statement_timeout``
    on its connection before the first query it sees, and remembers it did."""

    def __init__(self, milliseconds: int):
        self.milliseconds = milliseconds
        self.applied_to = None  # the DB-API connection the timeout was set on

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        if self.applied_to is not connection.connection:
            # On the driver's cursor, as Django sets a connection's time zone: plumbing, not
            # one of the request's queries (nor counted as one).
            with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, false)",
                    [f"{self.milliseconds}ms"],
                )
            self.applied_to = connection.connection
        return execute(sql, params, many, context)

    def reset(self, connection) -> None:
        """Give the connection back its default timeout if this wrapper set one on it."""
        if self.applied_to is None or self.applied_to is not connection.connection:
            return  # never set, or set on a connection that has since been closed
        self.applied_to = None
        try:
            with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
        except DatabaseError:
            logger.warning("statement_timeout could not be reset; closing the connection")
            connection.close()


def is_public(request) -> bool:
    return not request.path.startswith(reverse("admin:index"))


class PublicStatementTimeoutMiddleware:
    """Runs the SQL of every public request under PUBLIC_STATEMENT_TIMEOUT_MS (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        milliseconds = settings.PUBLIC_STATEMENT_TIMEOUT_MS
        if not milliseconds or not is_public(request):
            return self.get_response(request)
        limited = [
            (connection, StatementTimeout(milliseconds))
            for connection in connections.all()
            if connection.vendor == "postgresql"
        ]
        try:
            with ExitStack() as stack:
                for connection, timeout in limited:
                    stack.enter_context(connection.execute_wrapper(timeout))
                return self.get_response(request)
        finally:
            for connection, timeout in limited:
                timeout.reset(connection)
