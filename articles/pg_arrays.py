"""Cheaper array literals for PostgreSQL bulk inserts (the same bytes psycopg sends).

On PostgreSQL, Django's ``bulk_create`` sends each column as one array
(``INSERT ... SELECT * FROM UNNEST(%s::text[], ...)``), and psycopg, binding on the client,
writes each array as a text literal, backslash-escaping every double quote and backslash of
every element. It escapes with ``re.sub`` and a template replacement, which runs Python
code for every quote mark: in an import (quoted speech, and JSON snapshots full of
escaped quotes) that was a tenth of the writing process's time. :class:`TextArrayDumper`
is psycopg's own array dumper with that one step done by ``bytes.replace``; the literal is
byte for byte the same (``tests/test_pg_arrays.py``).
"""

from __future__ import annotations

from psycopg.types.array import ListDumper


class _Escapes:
    """The escaping step of :class:`ListDumper`, done without a regular expression.

    ``ListDumper`` calls ``_re_esc.sub(rb"\\\\\\1", element)``: a backslash before each
    ``"`` and ``\\``. Two replacements give the same bytes (backslashes first, so the ones
    added before quotes are not doubled).
    """

    @staticmethod
    def sub(_replacement: bytes, element: bytes) -> bytes:
        return element.replace(b"\\", b"\\\\").replace(b'"', b'\\"')


class TextArrayDumper(ListDumper):
    """psycopg's text-format list dumper, escaping array elements with ``bytes.replace``."""

    _re_esc = _Escapes()


def use_quick_array_literals(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: PostgreSQL connections dump lists with
    :class:`TextArrayDumper`."""
    if connection.vendor == "postgresql":
        connection.connection.adapters.register_dumper(list, TextArrayDumper)
