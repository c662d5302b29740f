"""The quicker array literals (articles.pg_arrays) are byte for byte psycopg's own."""

import pytest
from psycopg.adapt import PyFormat, Transformer
from psycopg.types.array import ListDumper
from psycopg.types.json import Jsonb

from articles.pg_arrays import TextArrayDumper

TRICKY = [
    'He said "no" and left.',
    'a back\\slash, and \\"both\\"',
    "",
    "NULL",
    "{braces}, commas",
    "plain",
    "  spaces\tand\nlines  ",
    None,
]


def _dump(cls, values):
    tx = Transformer()
    return bytes(cls(list, tx).upgrade(values, PyFormat.TEXT).dump(values))


@pytest.mark.parametrize(
    "values",
    [
        TRICKY,
        [[v for v in TRICKY if v is not None], ["x", '"']],
        [1, 2, None, -3],
        [Jsonb({"text": 'a "quote"', "path": "C:\\dir"}), Jsonb(["\\", '"'])],
        [],
    ],
)
def test_array_literals_are_psycopgs_own(values):
    assert _dump(TextArrayDumper, values) == _dump(ListDumper, values)


@pytest.mark.django_db
def test_postgresql_connections_use_quick_array_literals():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    connection.ensure_connection()
    dumper = connection.connection.adapters.get_dumper(list, PyFormat.TEXT)
    assert issubclass(dumper, TextArrayDumper)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [TRICKY])
        assert cursor.fetchone()[0] == TRICKY
