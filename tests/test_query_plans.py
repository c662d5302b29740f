"""No public page or API list scans a whole table of articles, quotes or mentions.

On PostgreSQL only: each query that the public URLs below run is captured and EXPLAINed with
sequential scans priced out (``enable_seqscan = off``). The planner then takes an index
wherever one can answer the query, so what is left reading a whole table means no index can:
at 100,000 articles the query would read them all. That is a ``Seq Scan`` on one of these
tables, or an index read from end to end (no index condition), unless a ``LIMIT`` stops it
after a page (nothing that needs every row, a sort or an aggregate, in between).

What this cannot see: an index range that holds nearly every row (``status = 'published'``
when almost every article is): the bench (bench/uncached_bench.py) measures those.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from articles.signals import public_cache_version
from tests.factories import ArticleFactory, MentionFactory, PersonFactory, QuoteFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL plans only"
    ),
]

BIG_TABLES = ("articles_article", "articles_quote", "articles_mention")


@pytest.fixture
def site(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    people = PersonFactory.create_batch(3)
    articles = []
    for i in range(6):
        article = ArticleFactory(
            published=True, headline=f"Minister speaks {i}", body="The minister spoke."
        )
        for person in people:
            MentionFactory(article=article, person=person)
            QuoteFactory(article=article, speaker=person, text="We will talk to people.")
        articles.append(article)
    ArticleFactory()  # a draft
    public_cache_version()
    return {"article": articles[-1], "person": people[0], "source": articles[-1].source}


def public_urls(site) -> list[str]:
    article, person, source = site["article"], site["person"], site["source"]
    return [
        "/api/v1/articles/",
        "/api/v1/articles/?expand=people,quotes",
        f"/api/v1/articles/{article.slug}/",
        "/api/v1/quotes/?q=people",
        "/api/v1/articles/?q=minister",
        "/api/v1/people/",
        "/api/v1/people/?ordering=-quote_count",
        "/api/v1/sources/",
        f"/api/v1/people/{person.slug}/quotes/",
        f"/api/v1/articles/{article.slug}/quotes/",
        f"/api/v1/sources/{source.slug}/articles/",
        "/",
        article.get_absolute_url(),
        person.get_absolute_url(),
        source.get_absolute_url(),
        "/search/?q=minister",
        # Pages of stored rows (articles.fragments), by number and by cursor.
        "/?page=1",
        "/api/v1/articles/?page=2&page_size=2",
        "/api/v1/articles/?page=last&page_size=2",
        "/api/v1/articles/?cursor=&page_size=2",
    ]


# Bitmap scans and materialised inner tables too: on tables of a few test rows, never
# analysed, the planner may read a whole primary key into a bitmap and sort it, or keep a
# whole (tiny) table in memory for a join, rather than walk an index for a page and look
# each row up by key, as it does at scale. Where only a whole read can answer a query, the
# plan keeps it, and the check below finds it.
PRICED_OUT = (
    "enable_seqscan",
    "enable_hashjoin",
    "enable_mergejoin",
    "enable_bitmapscan",
    "enable_material",
)
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}
# Nodes that need every row beneath them: a LIMIT above them does not stop the scan early.
WHOLE = {
    "Sort",
    "Incremental Sort",
    "Aggregate",
    "Hash",
    "Materialize",
    "Unique",
    "SetOp",
    "WindowAgg",
    "Gather Merge",
    "Hash Join",
    "Merge Join",
}


def whole_table_reads(node: dict, limited: bool = False) -> set[str]:
    kind = node["Node Type"]
    found = set()
    table = node.get("Relation Name")
    if kind in SCANS and table in BIG_TABLES:
        bounded = "Index Cond" in node or "Recheck Cond" in node
        if kind == "Seq Scan" or not (bounded or limited):
            found.add(table)
    if kind == "Limit":
        limited = True
    elif kind in WHOLE:
        limited = False
    for child in node.get("Plans", ()):
        found |= whole_table_reads(child, limited)
    return found


def scanned_tables(sql: str) -> set[str]:
    with connection.cursor() as cursor:
        # Priced as at scale: no whole-table scan, and joins by index lookups (a page), not
        # by hashing a table the size of these few test rows.
        for name in PRICED_OUT:
            cursor.execute(f"SET LOCAL {name} = off")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        finally:
            for name in PRICED_OUT:
                cursor.execute(f"SET LOCAL {name} = on")
    if isinstance(plan, str):
        plan = json.loads(plan)
    return whole_table_reads(plan[0]["Plan"])


def checked_queries(urls: list[str]) -> int:
    """Asserts no query of these URLs reads a whole big table; returns how many were read."""
    client = APIClient()
    checked = 0
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "(SELECT")):
                continue
            if not any(table in sql for table in BIG_TABLES):
                continue
            assert scanned_tables(sql) == set(), f"{url}: {sql}"
            checked += 1
    return checked


def test_public_queries_use_indexes_on_articles_quotes_and_mentions(site):
    assert checked_queries(public_urls(site)) >= 30


# Each kind of search query the bench times (bench/search_scale.py), on every search path.
SEARCHES = ("minister", "minister people", '"minister spoke"', "minister -russia", "zqxwvfoo")


def test_search_queries_use_indexes(site):
    urls = [
        template.format(query)
        for query in SEARCHES
        for template in ("/api/v1/articles/?search={}", "/api/v1/quotes/?q={}", "/search/?q={}")
    ]
    # Per search: the count, the page (none when nothing matches) and the page's quotes.
    assert checked_queries(urls) >= 25


def test_the_quote_lists_read_one_page(site):
    """The page's quote ids come from the quotes table alone, then their rows with joins:
    asked in one query, the planner drove the join from the articles and read them all."""
    client = APIClient()
    urls = [
        "/api/v1/quotes/",
        "/api/v1/quotes/?page=2&page_size=2",
        "/api/v1/quotes/?page=last&page_size=2",
        "/api/v1/quotes/?cursor=&page_size=2",
        f"/api/v1/people/{site['person'].slug}/quotes/",
    ]
    reads = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        reads += [
            (url, scanned_tables(q["sql"]))
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT") and "articles_quote" in q["sql"]
        ]
    assert len(reads) >= 2 * len(urls) - 1  # a count and a page (a cursor: no count)
    assert [(url, read) for url, read in reads if read] == []


def test_list_rows_rendered_per_request_use_indexes(site):
    """The stored lists' fallback: rows with no fragment rendered by primary key."""
    from articles.models import ArticleFragment

    ArticleFragment.objects.filter(article=site["article"]).delete()
    client = APIClient()
    checked = 0
    for url in ("/", "/api/v1/articles/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        for query in queries.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT") and "articles_article" in sql:
                assert scanned_tables(sql) == set(), f"{url}: {sql}"
                checked += 1
    assert checked >= 5  # count and page of each, the rows rendered, the quote counts


def test_the_check_finds_queries_that_read_whole_tables(site):
    """The test above would fail on a query that must read a whole table."""
    assert scanned_tables("SELECT id FROM articles_quote WHERE length(sentence) > 3") == {
        "articles_quote"
    }
    # Every quote read to count those not rejected: an index read end to end.
    counted = "SELECT COUNT(*) FROM articles_quote WHERE state <> 'rejected'"
    assert "articles_quote" in scanned_tables(counted)
    page = "SELECT id FROM articles_quote ORDER BY id DESC LIMIT 20"
    assert scanned_tables(page) == set()  # stops after a page
    assert scanned_tables(f"SELECT * FROM ({page}) p ORDER BY id") == set()
