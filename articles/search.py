"""Full-text search over articles and quotes, shared by the public site and the API.

**PostgreSQL**: real full-text search with the English configuration.

- Articles: migration ``0004_search_vector`` adds a ``search_vector`` column to
  ``articles_article`` that a trigger keeps up to date (headline weighted A, body B) and a GIN
  index on it. The column is deliberately not a model field: it exists only on PostgreSQL, the
  ORM never reads or writes it, and the trigger fills it on every insert and update (also for
  ``bulk_create`` and ``QuerySet.update``). Ranking reads the stored vector, so ranking many
  matches costs no re-parsing of bodies.
- Quotes: likewise a stored ``search_vector`` of the words, kept by a trigger, with a GIN index
  (migration ``0010_public_counts``).
- The query is passed to ``websearch_to_tsquery``: ``"exact phrase"``, ``or`` and ``-word`` work,
  and no input can make it fail (it has no syntax errors). Results are ordered by ``ts_rank``.

**Either database**: a search reaches the first ``MAX_MATCHES`` (1,000) matching rows in the
queryset's own order (newest first for the public lists), and ranks and counts only those: at
100,000 articles a common word matches most of them, and ranking every match read every
match's vector (seconds). Rarer queries (fewer matches) are ranked over all their matches.
Filters narrow the rows first (a date range reaches older matches).

**SQLite fallback** (development and tests): the same query syntax as
``websearch_to_tsquery``, parsed here (:func:`parse_query`): words must all appear, ``"a
phrase"`` must appear as those words in a row, ``or`` between terms takes either side, and
``-word`` / ``-"a phrase"`` excludes rows containing it. Words match as case-insensitive
substrings (no stemming, no stop words); results whose headline holds more of the wanted terms
come first, then the queryset's own order (newest first). ``tests/test_search.py`` runs the same
queries, operators included, on both databases.

Either way the SQL is parameterised: quotes, ``%``, ``_``, backslashes and regex characters in a
query are only ever data.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import reduce

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
# A search reaches the newest this many matches (after the other filters): ranked among them,
# counted up to them (None: every match). See "Search at scale" in the README.
MAX_MATCHES: int | None = 1000

TSQUERY_SQL = "websearch_to_tsquery('english', %s)"


def query_words(query: str) -> list[str]:
    """The words of a search query, without operators or punctuation (at most 20)."""
    return re.findall(r"\w+", query[:MAX_QUERY_LENGTH])[:MAX_WORDS]


_BARE_TERM = re.compile(r'[^\s"]+')


@dataclass(frozen=True)
class Term:
    """One term of a query: a word, or words that must stand in a row (a phrase)."""

    words: tuple[str, ...]
    negated: bool = False


def parse_query(query: str) -> list[list[Term]]:
    """A query in ``websearch_to_tsquery``'s syntax, as alternatives of terms.

    The result is a list of alternatives (split at ``or``), each a list of terms that must
    all match (a negated term must not). ``"quoted words"`` and a hyphenated or dotted word
    ("Kremlin-backed", "U.S.") are phrases; ``-`` before a term negates it, also when a space
    follows it; ``or`` at either end is ignored; text without letters or digits is dropped.
    As PostgreSQL reads them: ``cat dog or rat`` is (cat and dog) or rat, ``cat -dog`` is cat
    and not dog. At most 20 words are read.

    >>> parse_query('Kharkiv -Kremlin')
    [[Term(words=('Kharkiv',), negated=False), Term(words=('Kremlin',), negated=True)]]
    """
    query = query[:MAX_QUERY_LENGTH]
    alternatives: list[list[Term]] = [[]]
    negated = False
    budget = MAX_WORDS
    position = 0
    while position < len(query) and budget > 0:
        char = query[position]
        if char.isspace():
            position += 1
            continue
        if char == "-":
            negated = not negated
            position += 1
            continue
        if char == '"':
            end = query.find('"', position + 1)
            end = len(query) if end == -1 else end
            text, position = query[position + 1 : end], end + 1
        else:
            match = _BARE_TERM.match(query, position)
            text, position = match.group(), match.end()
            if text.lower() == "or" and not negated:
                if alternatives[-1]:
                    alternatives.append([])
                continue
        words = tuple(re.findall(r"\w+", text))[:budget]
        if words:
            alternatives[-1].append(Term(words, negated))
            budget -= len(words)
        negated = False
    return [terms for terms in alternatives if terms]


def _order_after_rank(qs: QuerySet) -> tuple[str, ...]:
    """The queryset's ordering with the primary key last, so equal ranks page stably."""
    order = tuple(qs.query.order_by) or tuple(qs.model._meta.ordering)
    return (*order, "-pk")


def _term_condition(term: Term, field: str) -> Q:
    if len(term.words) == 1:
        return Q(**{f"{field}__icontains": term.words[0]})
    # Words in a row, whatever punctuation or spacing stands between them.
    pattern = r"\W+".join(re.escape(word) for word in term.words)
    return Q(**{f"{field}__iregex": pattern})


def _substring_search(
    qs: QuerySet, alternatives: list[list[Term]], fields: tuple[str, ...]
) -> QuerySet:
    def anywhere(term: Term) -> Q:
        found = reduce(operator.or_, (_term_condition(term, name) for name in fields))
        return ~found if term.negated else found

    condition = reduce(
        operator.or_,
        (reduce(operator.and_, (anywhere(term) for term in terms)) for terms in alternatives),
    )
    # Terms found in the first field (the headline) raise the rank: a stand-in for weights.
    wanted = {term for terms in alternatives for term in terms if not term.negated}
    rank = sum(
        (
            Case(
                When(_term_condition(term, fields[0]), then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for term in sorted(wanted, key=lambda term: term.words)
        ),
        Value(0.0, output_field=FloatField()),
    )
    return (
        _newest_matches(qs, condition)
        .annotate(rank=rank)
        .order_by("-rank", *_order_after_rank(qs))
    )


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
    return _newest_matches(qs, Matches(query)).annotate(rank=rank).order_by(
        "-rank", *_order_after_rank(qs)
    )


def _newest_matches(qs: QuerySet, condition: Q | Expression) -> QuerySet:
    """``qs``'s rows matching ``condition``, at most the first ``MAX_MATCHES`` in its own order.

    The bound is taken in ``qs``'s order (newest first for the public lists), which its index
    answers: a common word stops after ``MAX_MATCHES`` rows of that index, a rare one is read
    from the search index. Ranking and counting then read at most that many rows by primary
    key, not every article holding the word (100,000 of them for "said"). The ids are read
    here, once (the page and its count would each find them again).
    """
    if MAX_MATCHES is None:  # unbounded: every match ranked (bench/search_scale.py's "before")
        return qs.filter(condition)
    newest = qs.filter(condition).order_by(*_order_after_rank(qs)).values_list("pk", flat=True)
    return qs.filter(pk__in=list(newest[:MAX_MATCHES]))


def search_articles(qs: QuerySet, query: str) -> QuerySet:
    """Articles in ``qs`` matching ``query``, best first (headline weighs more than body).

    Returns ``qs`` filtered to its first ``MAX_MATCHES`` matching rows in its own order,
    annotated with a float ``rank``, ordered by rank, then by ``qs``'s own order, then newest
    id. A query without a single word gives ``qs.none()``.
    """
    return _search(qs, query, fields=("headline", "body"))


def search_quotes(qs: QuerySet, query: str) -> QuerySet:
    """Quotes in ``qs`` whose words match ``query``, best first (same contract as above)."""
    return _search(qs, query, fields=("text",))


def _search(qs: QuerySet, query: str, *, fields: tuple[str, ...]) -> QuerySet:
    query = query[:MAX_QUERY_LENGTH]
    if not query_words(query):
        return qs.none()
    if connections[qs.db].vendor == "postgresql":
        return _postgresql_search(qs, query)
    alternatives = parse_query(query)
    if not alternatives:  # only "or"s
        return qs.none()
    return _substring_search(qs, alternatives, fields)
