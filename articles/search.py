"""Full-text search over articles and quotes, shared by the public site and the API.

On PostgreSQL: ``SearchVector``/``SearchQuery`` (English configuration, web-search
syntax) ranked by ``SearchRank``. On SQLite, which has no such search, a documented
fallback: every word of the query must appear (case-insensitive substring) in
one of the fields; results come newest first.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import FloatField, Q, QuerySet, Value

ARTICLE_FIELDS = ("headline", "body")
QUOTE_FIELDS = ("text",)
MAX_QUERY_LENGTH = 200


def query_words(query: str) -> list[str]:
    """The words of a search query, without operators or punctuation (at most 20)."""
    return re.findall(r"\w+", query[:MAX_QUERY_LENGTH])[:20]


def _search(qs: QuerySet, query: str, fields: tuple[str, ...], weights: tuple[str, ...]):
    words = query_words(query)
    if not words:
        return qs.none()
    if connection.vendor == "postgresql":
        vector = SearchVector(fields[0], weight=weights[0], config="english")
        for name, weight in zip(fields[1:], weights[1:], strict=True):
            vector += SearchVector(name, weight=weight, config="english")
        search = SearchQuery(" ".join(words), search_type="websearch", config="english")
        return (
            qs.annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", *qs.query.order_by)
        )
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return qs.filter(condition).annotate(rank=Value(0.0, output_field=FloatField()))


def search_articles(qs: QuerySet, query: str) -> QuerySet:
    """Articles in ``qs`` matching ``query``, best first (headline weighs more than body)."""
    return _search(qs, query, ARTICLE_FIELDS, ("A", "B"))


def search_quotes(qs: QuerySet, query: str) -> QuerySet:
    """Quotes in ``qs`` whose words match ``query``, best first."""
    return _search(qs, query, QUOTE_FIELDS, ("A",))
