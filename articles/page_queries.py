"""A list's page query, built and compiled once, then run on the cursor per request (issue #12).

An uncached list page (the API's article, quote, people and sources lists, home) read its
page with a queryset built per request (the visibility rule, the order, the joined or
stored columns) and compiled to SQL per request: about 0.8 ms of Python on this machine,
twice what the whole ceiling response takes. What that SQL says depends only on the page's
window (offset and size), the columns read, the settings the rule reads (the confidence
floor) and the database; the one value that changes from request to request is the time
the rule is read at. So a :class:`PageQuery` builds its list's queryset once per window with
a stand-in time (:data:`SENTINEL`, passed as the rule's ``now``), compiles it, and keeps the
SQL, the parameters (with the stand-in's positions) and the columns' converters. A request
then runs that SQL on Django's cursor (its connection, its execute wrappers: the statement
timeout, query counting) with its own time in the stand-in's place, and shapes the rows as
``values()`` (dicts) or ``values_list(named=True)`` (named tuples) would: the same rows, in
the same order, as the queryset. Anything else (a count that is not kept, a cursor, the last
page of a long list) reads :meth:`PageQuery.queryset`, the ORM's queryset, as before.

Compiled queries are kept per connection and window (at most :data:`KEPT` windows each) and
forgotten when a setting changes (tests).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import OrderedDict
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import QuerySet
from django.db.models.utils import create_namedtuple_class
from django.dispatch import receiver
from django.utils import timezone
from psycopg.pq import Format

# The time the queries are built with, found again among their parameters (no rule reads it
# otherwise: a time in the past that no row of this site can have to the microsecond).
SENTINEL = dt.datetime(1970, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
# Windows kept compiled per query and connection (page 1 at the default size is most).
KEPT = 64

_queries: weakref.WeakSet[PageQuery] = weakref.WeakSet()


# Stand-ins for the ids an IdsQuery is built with, found again among its parameters.
_ID_STAND_INS = tuple(-987_654_321_000_000 - k for k in range(1000))
_NOW = object()  # the kind of a parameter that takes the time of the request


class _Compiled:
    __slots__ = ("sql", "params", "slots", "converters", "compiler", "shape")

    def __init__(self, queryset: QuerySet, connection, ids: int = 0):
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # an empty window: no query, as the ORM runs none
            sql, params = None, ()
        stand_ins = {connection.ops.adapt_datetimefield_value(SENTINEL): _NOW}
        stand_ins.update((value, k) for k, value in enumerate(_ID_STAND_INS[:ids]))
        self.sql, self.params = sql, list(params)
        # (position, what goes there): the time, or the k-th id.
        self.slots = [
            (i, stand_ins[value])
            for i, value in enumerate(self.params)
            if not isinstance(value, bool) and _hashable(value) and value in stand_ins
        ]
        if sql is not None and connection.vendor == "postgresql":
            self.sql, self.params, self.slots = _with_constants_written(
                connection, self.sql, self.params, self.slots
            )
        self.converters = {}
        if sql is not None:
            fields = [select[0] for select in compiler.select[: compiler.col_count]]
            self.converters = compiler.get_converters(fields)
        self.compiler = compiler
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if getattr(queryset, "_fields", None) is None:
            raise ValueError("A PageQuery reads values() or values_list(named=True) rows.")
        iterable = queryset._iterable_class.__name__
        if iterable == "ValuesIterable":
            self.shape = lambda row: dict(zip(names, row, strict=True))
        elif iterable == "NamedValuesListIterable":
            self.shape = create_namedtuple_class(*names)._make
        else:
            raise ValueError("A PageQuery reads values() or values_list(named=True) rows.")

    def rows(self, connection, ids=()) -> list:
        if self.sql is None:
            return []
        params = self.params
        if self.slots:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            params = list(params)
            for i, kind in self.slots:
                params[i] = now if kind is _NOW else ids[kind]
        with page_cursor(connection) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        return [self.shape(row) for row in rows]


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


_MARKER = "zq0page0time0qz"


def _with_constants_written(connection, sql: str, params: list, slots: list):
    """``sql`` with every parameter but the time (and the ids) written in as a literal
    (quoted by the driver, as Django's own cursors send them).

    PostgreSQL plans a prepared statement once for all its parameters (a generic plan) only
    when that plan looks no worse than one made for the values given; with the rule's
    constants as parameters (a quote's state, the confidence floor) it cannot tell how few
    rows they leave, the generic plan of a page of quotes read every visible quote (0.4 s),
    and so every run was planned again (about 1 ms). With them written, only the time is
    unknown, and a page's generic plan is the one planned for its values.
    """
    variable = {i for i, _ in slots}
    values = [_MARKER if i in variable else value for i, value in enumerate(params)]
    written = connection.ops.compose_sql(sql, values).replace("%", "%%")
    placeholder = connection.ops.compose_sql("%s", [_MARKER])
    if written.count(placeholder) != len(slots):
        return sql, params, slots  # a literal that looks like the marker: keep them all
    kept = [params[i] for i, _ in slots]
    return (
        written.replace(placeholder, "%s"),
        kept,
        [(n, kind) for n, (_, kind) in enumerate(slots)],
    )


def page_cursor(connection):
    """Django's cursor on ``connection`` (its execute wrappers and query log), whose
    statements PostgreSQL prepares: planned on a connection's first run of each, not on
    every request (planning a page of joined rows took longer than running it, about 1 ms).

    Django's own cursors bind parameters in the client, which cannot prepare; this one binds
    them on the server (psycopg's ``Cursor``), for these page queries only. Elsewhere, the
    connection's own cursor.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's automatic preparing off (for poolers without it): only
        # cursors that ask, as this one does, prepare; its client-binding cursors never do.
        raw.prepare_threshold = _NEVER_BY_COUNT
    with connection.wrap_database_errors:
        cursor = _PreparingCursor(raw)
    timestamptz = raw.adapters.types["timestamptz"].oid
    if settings.USE_TZ and connection.timezone_name == "UTC":
        # Django's loader of aware times is a Python subclass of psycopg's: it parses each
        # one in Python (a page of stored article rows reads 80, 0.5 ms of a 0.7 ms read).
        # psycopg's own (in C, psycopg-binary) parses them in the session's time zone,
        # which Django sets to the connection's: the same instants, in UTC.
        cursor.adapters.register_loader(timestamptz, _DRIVER_TIMESTAMPTZ_LOADER)
    elif connection.timezone != raw.adapters.get_loader(timestamptz, Format.TEXT).timezone:
        # As Django's own cursors: results in the connection's time zone.
        register_tzloader(connection.timezone, cursor)
    if connection.queries_logged:
        return _DebugCursor(cursor, connection)
    return connection.make_cursor(cursor)


_NEVER_BY_COUNT = 1 << 30
_DRIVER_TIMESTAMPTZ_LOADER = psycopg.adapters.get_loader(
    psycopg.adapters.types["timestamptz"].oid, Format.TEXT
)


class _DebugCursor(CursorDebugWrapper):
    """Logs the statement with its parameters, as Django's own cursors do (what it reads
    back from a client-binding cursor, a preparing one does not keep)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)


class _PreparingCursor(psycopg.Cursor):
    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True)


class PageQuery:
    """A list's rows, read a page at a time by SQL compiled once.

    ``build(now)``: the list's queryset (its visibility rule read at ``now``, its order, what
    its page reads beside: annotations, ``values_list(named=True)``), as the list's own
    queryset is; ``page(queryset, window)``: that queryset's rows for one window as the
    list reads them (``queryset[window]`` by default; ``values()`` or
    ``values_list(named=True)`` rows either way). Django's paginator takes it as its
    ``object_list``: ``count()`` and ``[window]``.
    """

    ordered = True  # for Django's paginator: build() orders the rows

    def __init__(
        self,
        build: Callable[[dt.datetime | None], QuerySet],
        page: Callable[[QuerySet, slice], QuerySet] | None = None,
    ):
        self.build = build
        self.page = page or (lambda queryset, window: queryset[window])
        self._kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._ordering = self._using = None
        _queries.add(self)

    def queryset(self) -> QuerySet:
        """The ORM's queryset of the list as it is now."""
        return self.build(None)

    @property
    def ordering(self) -> tuple:
        """The list's ``order_by``, as its queryset's ``query.order_by`` gives it."""
        if self._ordering is None:
            self._ordering = tuple(self.build(SENTINEL).query.order_by)
        return self._ordering

    def count(self) -> int:
        return self.queryset().count()

    def rows(self, window: slice) -> list:
        """The rows of ``window`` (a slice with a start and a stop), read now."""
        return self._run(
            (window.start, window.stop), lambda: self.page(self.build(SENTINEL), window)
        )

    def _run(self, key, make, ids=(), count: int = 0) -> list:
        if self._using is None:
            self._using = self.build(SENTINEL).db
        connection = connections[self._using]
        kept = self._kept.get(connection)
        if kept is None:
            kept = self._kept[connection] = OrderedDict()
        compiled = kept.get(key)
        if compiled is None:
            compiled = _Compiled(make(), connection, count)
            kept[key] = compiled
            while len(kept) > KEPT:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
        return compiled.rows(connection, ids)

    def __getitem__(self, window: slice) -> list:
        if not isinstance(window, slice):
            raise TypeError("A PageQuery is read by windows.")
        return self.rows(slice(window.start or 0, window.stop))

    def forget(self) -> None:
        self._kept = weakref.WeakKeyDictionary()


class IdsQuery(PageQuery):
    """Rows that belong to some ids (a page's people's variant names), read by SQL compiled
    once per number of ids: ``build(ids)`` is their queryset (``values()`` rows)."""

    def __init__(self, build: Callable[[list[int]], QuerySet]):
        super().__init__(lambda now: build([]))
        self.build_for = build

    def rows_for(self, ids: list[int]) -> list:
        count = len(ids)
        if count > len(_ID_STAND_INS):
            return list(self.build_for(ids))
        stand_ins = list(_ID_STAND_INS[:count])
        return self._run(count, lambda: self.build_for(stand_ins), ids, count)


@receiver(setting_changed)
def _forget_compiled(**kwargs) -> None:
    """A setting that the rules read (the confidence floor, the time zone) may change the
    SQL: compile again."""
    for query in list(_queries):
        query.forget()
