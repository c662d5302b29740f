"""Full-text search over articles and quotes, shared by the public site and the API.

**PostgreSQL**: real full-text search with the English configuration.

- Articles: migration ``0004_search_vector`` adds a ``search_vector`` column to
  ``articles_article`` that a trigger keeps up to date (headline weighted A, body B) and a GIN
  index on it. The column is deliberately not a model field: it exists only on PostgreSQL, the
  ORM never reads or writes it, and the trigger fills it on every insert and update (also for
  ``bulk_create`` and ``QuerySet.update``). Ranking reads the stored vector, so ranking many
  matches costs no re-parsing of bodies.
- Quotes: likewise a stored ``search_vector`` of the words, kept by a trigger, with a GIN index
  (migration ``0008_public_counts``).
- The query is passed to ``websearch_to_tsquery``: ``"exact phrase"``, ``or`` and ``-word`` work,
  and no input can make it fail (it has no syntax errors). Results are ordered by ``ts_rank``.

**SQLite fallback** (development and tests): every word of the query must appear, as a
case-insensitive substring, in one of the fields; operators are ignored; results whose headline
contains more of the words come first, then the queryset's own order (newest first). Both
databases agree on simple word queries, which is what the tests assert on both.

Either way the SQL is parameterised: quotes, ``%``, ``_``, backslashes and regex characters in a
query are only ever data.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

MAX_QUERY_LENGTH = 200
MAX_WORDS = 20

TSQUERY_SQL = "websearch_to_tsquery('english', %s)"


def query_words(query: str) -> list[str]:
    """The words of a search query, without operators or punctuation (at most 20)."""
    return re.findall(r"\w+", query[:MAX_QUERY_LENGTH])[:MAX_WORDS]


def _order_after_rank(qs: QuerySet) -> tuple[str, ...]:
    """The queryset's ordering with the primary key last, so equal ranks page stably."""
    order = tuple(qs.query.order_by) or tuple(qs.model._meta.ordering)
    return (*order, "-pk")


def _substring_search(qs: QuerySet, words: list[str], fields: tuple[str, ...]) -> QuerySet:
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    # Words found in the first field (the headline) raise the rank: a cheap stand-in for weights.
    rank = sum(
        (
            Case(
                When(**{f"{fields[0]}__icontains": word}, then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for word in words
        ),
        Value(0.0, output_field=FloatField()),
    )
    return qs.filter(condition).annotate(rank=rank).order_by("-rank", *_order_after_rank(qs))


class StoredVector(Expression):
    """The row's stored ``search_vector`` column, qualified by the query's own alias (the
    column is not a model field, and a joined article has one too)."""

    output_field = FloatField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


class Matches(Func):
    """``search_vector @@ websearch_to_tsquery('english', query)``: a filter its GIN index
    answers."""

    template = "%(expressions)s @@ " + TSQUERY_SQL.replace("%s", "%%s")
    output_field = BooleanField()
    conditional = True

    def __init__(self, query: str):
        super().__init__(StoredVector())
        self.query = query

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, self.query)


def _postgresql_search(qs: QuerySet, query: str) -> QuerySet:
    rank = Func(
        StoredVector(),
        RawSQL(TSQUERY_SQL, (query,)),
        function="ts_rank",
        output_field=FloatField(),
    )
    return qs.filter(Matches(query)).annotate(rank=rank).order_by("-rank", *_order_after_rank(qs))


def search_articles(qs: QuerySet, query: str) -> QuerySet:
    """Articles in ``qs`` matching ``query``, best first (headline weighs more than body).

    Returns ``qs`` filtered and annotated with a float ``rank``, ordered by rank, then by
    ``qs``'s own order, then newest id. A query without a single word gives ``qs.none()``.
    """
    return _search(qs, query, fields=("headline", "body"))


def search_quotes(qs: QuerySet, query: str) -> QuerySet:
    """Quotes in ``qs`` whose words match ``query``, best first (same contract as above)."""
    return _search(qs, query, fields=("text",))


def _search(qs: QuerySet, query: str, *, fields: tuple[str, ...]) -> QuerySet:
    query = query[:MAX_QUERY_LENGTH]
    words = query_words(query)
    if not words:
        return qs.none()
    if connections[qs.db].vendor == "postgresql":
        return _postgresql_search(qs, query)
    return _substring_search(qs, words, fields)
