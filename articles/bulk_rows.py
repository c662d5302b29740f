"""Inserting many new rows at once: PostgreSQL's COPY, ``bulk_create`` on other databases.

The importer writes each batch of new articles with one insert per table (articles,
people, mentions, quotes, sketch values, related links). ``bulk_create`` makes a model
instance per row and runs every value through its field's ``pre_save`` and
``get_db_prep_save``: for a batch of a hundred articles and their few thousand rows, that
Python work was most of the writing process's time. :func:`insert_rows` takes the rows
as plain dicts of column values and, on PostgreSQL, streams them with ``COPY ... FROM
STDIN`` (psycopg's ``cursor.copy()``), preparing only the values whose field needs it:
line breaks of :class:`~articles.fields.LineTextField` columns made ``\\n``, JSON
serialised as Django's ``JSONField`` does. Columns a row leaves out get what
``bulk_create`` would give them: the field's default, or the time for ``auto_now``
fields. The rows stored are the same (``tests/test_bulk_rows.py`` compares them).

COPY returns no ids, so a caller that needs the new rows' ids gets them reserved from
the table's sequence first, in one query; other databases return them from
``bulk_create``. Like any statement, a COPY that fails raises inside the caller's
transaction, which then writes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from functools import cache
from operator import itemgetter

from django.db import connection, models
from django.utils import timezone

from articles.fields import LineTextField, normalize_newlines

# Fields whose Python value COPY may send as it is: psycopg writes str, int, float, bool,
# None and aware datetimes exactly as the server reads them back.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.FloatField,
    models.BooleanField,
    models.DateTimeField,
    models.AutoField,
    models.BigAutoField,
    models.ForeignKey,
)


def insert_rows(
    model: type[models.Model], rows: Sequence[dict], *, with_ids: bool = False
) -> list[int]:
    """Insert ``rows`` into ``model``'s table in one statement; the new ids if asked.

    Each row maps column names (``attname``: ``article_id``, not ``article``) to values,
    every row the same columns. Values are as the model holds them (a dict for a JSON
    field); no model method or signal runs, as with ``bulk_create``. With ``with_ids``
    returns the new rows' primary keys in the rows' order, else an empty list.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create([model(**row) for row in rows])
        return [obj.pk for obj in objects] if with_ids else []
    ids = reserve_ids(model, len(rows)) if with_ids else []
    plan = _copy_plan(model, columns, with_ids=with_ids)
    values = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    defaults = tuple(prepare(default()) for prepare, default in plan.defaults)
    started = time.monotonic()
    # Errors raised as Django's (IntegrityError...), as for any query through the ORM.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(plan.statement) as copy:
            for i, row in enumerate(rows):
                out = list(values(row))
                for index, prepare in plan.prepared:
                    out[index] = prepare(out[index])
                if with_ids:
                    out.append(ids[i])
                copy.write_row((*out, *defaults))
    if connection.queries_logged:
        # Counted with the ORM's queries (DEBUG, assertNumQueries), which COPY bypasses.
        elapsed = time.monotonic() - started
        sql = f"{plan.statement} -- {len(rows)} rows"
        connection.queries_log.append({"sql": sql, "time": f"{elapsed:.3f}"})
    return ids


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` new primary keys for ``model`` from its PostgreSQL sequence, smallest first.

    They are the ids the table would give ``n`` rows inserted now, and no other insert
    gets them, committed or not (like ids used by a rolled-back insert, they are skipped).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, n],
        )
        return sorted(row[0] for row in cursor.fetchall())


class _CopyPlan:
    """How one model's rows with given columns are copied: the statement, the columns
    whose values need preparing, and the default of each column the rows leave out."""

    def __init__(self, statement: str, prepared: list, defaults: list):
        self.statement = statement
        self.prepared = prepared
        self.defaults = defaults


@cache
def _copy_plan(model: type[models.Model], columns: tuple[str, ...], *, with_ids: bool) -> _CopyPlan:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = set(columns) - set(fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
    pk = model._meta.pk
    given = [*columns, *([pk.attname] if with_ids else [])]
    left_out = [f for f in fields.values() if f.attname not in given and f is not pk]
    for field in [*(fields[c] for c in given), *left_out]:
        if not isinstance(field, (*_PLAIN_FIELDS, models.JSONField)):
            raise TypeError(f"{model.__name__}.{field.name}: {type(field).__name__} not copied")
    prepared = [
        (index, prepare)
        for index, name in enumerate(columns)
        if (prepare := _preparer(fields[name])) is not None
    ]
    defaults = [(_preparer(f) or _same, _default_of(f)) for f in left_out]
    quote = connection.ops.quote_name
    names = ", ".join(quote(fields[name].column) for name in given)
    names += "".join(f", {quote(f.column)}" for f in left_out)
    statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    return _CopyPlan(statement, prepared, defaults)


def _preparer(field: models.Field) -> Callable | None:
    """What a value of ``field`` needs before COPY sends it (None: nothing)."""
    if isinstance(field, LineTextField):
        return normalize_newlines
    if isinstance(field, models.JSONField):
        encoder = field.encoder

        def dump_json(value):
            # As JSONField does (psycopg's Jsonb with json.dumps and the field's encoder).
            return None if value is None else json.dumps(value, cls=encoder)

        return dump_json
    return None


def _default_of(field: models.Field) -> Callable:
    """The value ``bulk_create`` gives ``field`` when a row leaves it out, as a callable."""
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return timezone.now
    return field.get_default


def _same(value):
    return value
