"""A statement timeout for public requests on PostgreSQL (issue 11 §4).

Every request outside the admin (the site's pages and the API, whoever asks) runs its SQL
under ``statement_timeout = PUBLIC_STATEMENT_TIMEOUT_MS``: a query that would tie up a worker
and a database backend is cancelled by the server, and the request answers 503 with
Retry-After as when the database cannot be reached (newsroom/errors.py for pages,
articles/api_plumbing.py for the API). The admin, imports, workers and management commands
are not limited: they never pass through here.

The timeout is set on a connection before the first query of a public request that finds
it unset, and taken off (reset to the server's default) before the first query of anything
else that finds it set: an admin request, a streaming body read after its view, a worker or
test sharing the thread's connection. Between two public requests on a persistent connection
(CONN_MAX_AGE) it stays set, so a reader's request usually runs no statement of its own for
it (the set and the reset were two round trips of every request, about a third of an
uncached API list's database time). A change made inside a transaction may be rolled back
with it, so it is trusted only until that transaction ends (the next query outside one, or
the request's end, makes it again). SQLite has no statement timeout: nothing is done there,
nor with the setting at 0.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.urls import reverse

# PostgreSQL's SQLSTATE for "canceling statement due to statement timeout" (query_canceled).
QUERY_CANCELED = "57014"


def is_statement_timeout(exc: BaseException) -> bool:
    """Whether ``exc`` (a Django database error) is a statement the server cancelled."""
    cause = getattr(exc, "__cause__", None)
    return getattr(cause, "sqlstate", None) == QUERY_CANCELED


UNKNOWN = object()  # a change made in a transaction that has ended: make it again
# The timeout the code running now wants, in milliseconds; None: the server's default.
wanted_timeout: ContextVar[int | None] = ContextVar("wanted_timeout", default=None)


class StatementTimeout:
    """An execute wrapper (Django's database instrumentation), kept on one connection for
    good: before each query it makes the connection's ``statement_timeout`` the one
    :data:`wanted_timeout` holds, if the connection does not have it already."""

    def __init__(self):
        self.applied_to = None  # the DB-API connection whose setting is known
        self.applied = None  # its timeout (None: the server's default), or UNKNOWN
        self.in_transaction = False  # made inside a transaction: may be rolled back

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        inside = connection.in_atomic_block or not connection.get_autocommit()
        if self.in_transaction and not inside:
            self.applied = UNKNOWN  # that transaction ended, perhaps rolled back
        wanted = wanted_timeout.get()
        if self.applied_to is not connection.connection:
            # A new connection starts with the server's default.
            self.applied_to, self.applied, self.in_transaction = connection.connection, None, False
        if self.applied != wanted:  # UNKNOWN included
            self.apply(connection, wanted, inside)
        return execute(sql, params, many, context)

    def apply(self, connection, wanted: int | None, inside: bool) -> None:
        # On the driver's cursor, as Django sets a connection's time zone: plumbing, not
        # one of the request's queries (nor counted as one).
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            if wanted is None:
                cursor.execute("RESET statement_timeout")
            else:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{wanted}ms"])
        self.applied, self.in_transaction = wanted, inside

    def forget_in_transaction(self) -> None:
        """At a request's end: a change made in a transaction is not trusted past it."""
        if self.in_transaction:
            self.applied = UNKNOWN


def statement_timeout(connection) -> StatementTimeout:
    """The connection's :class:`StatementTimeout`, added to its execute wrappers once."""
    wrapper = getattr(connection, "statement_timeout", None)
    if wrapper is None:
        wrapper = connection.statement_timeout = StatementTimeout()
        connection.execute_wrappers.insert(0, wrapper)
    return wrapper


def is_public(request) -> bool:
    return not request.path.startswith(reverse("admin:index"))


class PublicStatementTimeoutMiddleware:
    """Runs the SQL of every public request under PUBLIC_STATEMENT_TIMEOUT_MS (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        milliseconds = settings.PUBLIC_STATEMENT_TIMEOUT_MS
        limited = [
            statement_timeout(connection)
            for connection in connections.all()
            if connection.vendor == "postgresql"
        ]
        wanted = milliseconds if milliseconds and is_public(request) else None
        token = wanted_timeout.set(wanted if limited else None)
        try:
            return self.get_response(request)
        finally:
            wanted_timeout.reset(token)
            for wrapper in limited:
                wrapper.forget_in_transaction()
