"""Search and the public lists at 1,000, 10,000 and 100,000 articles, timed in-process.

Usage (from the project root, in the virtual environment; needs PostgreSQL):

    python bench/search_scale.py                        # 1,000, 10,000 and 100,000 articles
    python bench/search_scale.py --n 1000 --n 10000 --runs 3
    python bench/search_scale.py --n 100000 --keep      # leave the database for EXPLAIN
    python bench/search_scale.py --n 100000 --reuse     # measure it again

One fresh database (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/newsroom_searchscale``, dropped at the end unless
``--keep``), grown to each N in turn: the seeds and up to 300 PolNeAR articles imported and
published by the importer (as ``bench/api_bench.py`` does), then copied with ``bulk_create``
(their mentions and quotes too; the quotes' trigger fills their ``search_vector``) up
to N published articles, one minute apart. While copying, the GIN indexes are dropped (built
again at the end) and the articles' search trigger is off: a copy takes its base's vector,
and the trigger fired again on 50 random copies must give the same ones. What readers see is
then brought up to date as a bulk load must, with ``refresh_public_state(everything=True)``
(the quotes' and mentions' ``public_at``, people's and sources' counts, ``public_since`` and
public roles), except the pre-rendered article fragments, which no search or list reads
(rendering them costs about 20 ms an article), and ``VACUUM ANALYZE``.

Then, through Django's test client with the response cache off
(``PUBLIC_PAGE_CACHE_SECONDS=0``), each of the 10 queries below on each search path (API
article search, API quote search, the search page): one warm-up, then ``--runs`` timed
requests; p50 and p95 per path over all of them (10 x runs). The reference in the same run
is the search as it was before its bound, every match ranked and counted
(``articles.search.MAX_MATCHES = None``, ``--before-runs`` requests per query; a statement
timeout counts at the time it took). The first page of each list endpoint and the API root
(which reads no table) are timed the same way. ``--reuse`` measures (and grows) the database
a ``--keep`` run left.
Prints a Markdown table per N and writes ``bench/results/search_scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import api_bench  # noqa: E402
from bench.uncached_bench import drop, recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/newsroom_searchscale"
COPY_URL = "https://bench.example.org/copy/"
ARTICLE_TRIGGER = "articles_article_search_vector_trigger"
SIZES = (1_000, 10_000, 100_000)
RUNS = 5

# Ten queries, as readers type them: common words (a third or more of the articles), rarer
# ones, a phrase, people's names, an alternative, an exclusion and a word nothing holds.
QUERIES = (
    ("common word", "said"),
    ("common word", "president"),
    ("common words", "government people"),
    ("rare word", "quarantine"),
    ("rare word", "carbon"),
    ("phrase", '"white house"'),
    ("person name", "trump"),
    ("person name", "hillary clinton"),
    ("exclusion", "minister -russia"),
    ("no match", "zqxwvfoo"),
)

SEARCH_PATHS = {
    "api-article-search": "/api/v1/articles/?search={}",
    "api-quote-search": "/api/v1/quotes/?q={}",
    "search-page": "/search/?q={}",
}

LISTS = {
    "reference: API root": "/api/v1/",
    "api-articles": "/api/v1/articles/",
    "api-quotes": "/api/v1/quotes/",
    "api-people": "/api/v1/people/",
    "api-sources": "/api/v1/sources/",
    "home": "/",
}


class Filler:
    """Imports the base articles once, then grows the copies to each N asked for."""

    def __init__(self):
        from django.core.management import call_command

        from articles.importing import Importer
        from articles.models import Article, Mention, Quote

        call_command("migrate", verbosity=0)
        copies = Article.objects.filter(url__startswith=COPY_URL)
        if not Article.objects.exists():
            with tempfile.TemporaryDirectory() as tmp:
                importer = Importer(publish=True)
                for path in api_bench.base_files(Path(tmp)):
                    importer.import_path(path)
        self.bases = list(Article.objects.exclude(pk__in=copies.values("pk")).order_by("pk"))
        self.mentions, self.quotes = {}, {}
        for mention in Mention.objects.filter(article__in=self.bases):
            self.mentions.setdefault(mention.article_id, []).append(mention)
        for row in Quote.objects.filter(article__in=self.bases):
            self.quotes.setdefault(row.article_id, []).append(row)
        from django.utils import timezone

        self.now = timezone.now()
        if copies.exists():  # --reuse: the copies are dated from the bases' time
            self.now = self.bases[0].published_at
        else:
            Article.objects.update(status=Article.Status.PUBLISHED, published_at=self.now)
        self.count = Article.objects.count()
        self.dirty = not copies.exists()  # what readers see is to be counted

    def copy(self, n: int) -> None:
        api_bench.copy_articles(
            self.bases, self.mentions, self.quotes, self.count, n, COPY_URL, self.now
        )
        with connection_cursor() as cursor:
            # A copy has its base's headline and body, so the vector the trigger would give it.
            cursor.execute(
                "UPDATE articles_article c SET search_vector = b.search_vector"
                " FROM articles_article b WHERE c.search_vector IS NULL"
                " AND c.url LIKE %s"
                " AND b.id = (%s::bigint[])[substring(c.url from '[0-9]+$')::int %% %s + 1]",
                [f"{COPY_URL}%", [base.pk for base in self.bases], len(self.bases)],
            )

    def grow(self, n: int) -> float:
        """Copies up to ``n`` articles; returns the seconds it took."""
        from django.db import connection

        from articles.publishing import refresh_public_state

        started = time.perf_counter()
        if self.count < n:
            with fast_copies():
                self.copy(n)
            self.count, self.dirty = n, True
        if not self.dirty:
            return time.perf_counter() - started  # --reuse of a database grown to n
        self.dirty = False
        # Bulk writes send no signals: what readers see, once, as the importer does; the
        # fragments (the article page's and API detail's stored render) are left out.
        with mock.patch("articles.publishing.render_fragments"):
            refresh_public_state(everything=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return time.perf_counter() - started


def connection_cursor():
    from django.db import connection

    return connection.cursor()


@contextmanager
def fast_copies():
    """Bulk-load settings: the articles' search trigger off (the copies take their base's
    vector, checked on a sample afterwards) and the GIN indexes built once at the end,
    instead of growing a row at a time (which took the load from 3,000 to 1,000 articles a
    minute past 30,000)."""
    with connection_cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN"
            " ('articles_article', 'articles_quote') AND indexdef LIKE '%% USING gin %%'"
        )
        gin = cursor.fetchall()
        for name, _ in gin:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(f"ALTER TABLE articles_article DISABLE TRIGGER {ARTICLE_TRIGGER}")
    try:
        yield
    finally:
        with connection_cursor() as cursor:
            cursor.execute(f"ALTER TABLE articles_article ENABLE TRIGGER {ARTICLE_TRIGGER}")
            for _, definition in gin:
                cursor.execute(definition)
    check_copied_vectors()


def check_copied_vectors() -> None:
    """The trigger, fired again on 50 copies, gives the vectors they were copied with."""
    with connection_cursor() as cursor:
        cursor.execute(
            "SELECT id, search_vector::text FROM articles_article WHERE url LIKE %s"
            " ORDER BY random() LIMIT 50",
            [f"{COPY_URL}%"],
        )
        copied = dict(cursor.fetchall())
        cursor.execute(
            "UPDATE articles_article SET headline = headline WHERE id = ANY(%s)"
            " RETURNING id, search_vector::text",
            [list(copied)],
        )
        assert dict(cursor.fetchall()) == copied, "a copied vector differs from the trigger's"


def timed(client, url: str, runs: int, timeouts: list) -> list[float]:
    """``runs`` times in ms after a warm-up; a 503 (the public statement timeout,
    ``PUBLIC_STATEMENT_TIMEOUT_MS``) counts at the time it took, and is listed in ``timeouts``."""

    def call():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        if response.status_code in (500, 503):  # the statement timeout (a page answers 500)
            timeouts.append(url)
        else:
            assert response.status_code == 200, (url, response.status_code, response.content[:300])

    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def match_counts() -> list[dict]:
    """Every match of each query (the search itself reaches the newest MAX_MATCHES)."""
    from articles.models import Article, Quote
    from articles.search import Matches

    return [
        {
            "kind": kind,
            "query": text,
            "articles": Article.objects.published().filter(Matches(text)).count(),
            "quotes": Quote.objects.visible().filter(Matches(text)).count(),
        }
        for kind, text in QUERIES
    ]


def search_times(client, runs: int) -> dict:
    paths = {}
    timeouts = []
    for name, template in SEARCH_PATHS.items():
        per_query = {}
        for _, text in QUERIES:
            per_query[text] = timed(client, template.format(quote(text)), runs, timeouts)
        every = [ms for times in per_query.values() for ms in times]
        paths[name] = {
            "p50": statistics.median(every),
            "p95": percentile(every, 0.95),
            "max": max(every),
            "median_per_query": {text: statistics.median(t) for text, t in per_query.items()},
            "timed_out": [url for url in timeouts if url.startswith(template.split("{")[0])],
        }
    return paths


def measure(n: int, runs: int, before_runs: int) -> dict:
    from django.test import Client

    from articles import search
    from articles.models import Article, Quote

    client = Client(raise_request_exception=False)
    paths = search_times(client, runs)
    unbounded = {}
    if before_runs:
        # The reference in the same run: every match ranked and counted, as before the bound.
        bound, search.MAX_MATCHES = search.MAX_MATCHES, None
        try:
            unbounded = search_times(client, before_runs)
        finally:
            search.MAX_MATCHES = bound
    lists = {}
    for name, url in LISTS.items():
        times = timed(client, url, runs, [])
        lists[name] = {"url": url, "p50": statistics.median(times), "p95": percentile(times, 0.95)}
    return {
        "n": n,
        "articles": Article.objects.published().count(),
        "quotes": Quote.objects.visible().count(),
        "matches": match_counts(),
        "search": paths,
        "search_unbounded": unbounded,
        "lists": lists,
    }


def print_tables(results: list[dict]) -> None:
    heads = " | ".join(f"p50 @{r['articles']:,} | p95 @{r['articles']:,}" for r in results)
    print(f"\n| request | {heads} |\n|---|" + "---:|" * (2 * len(results)))
    rows = [(f"{name} (10 queries)", "search", name) for name in SEARCH_PATHS]
    rows += [(f"{name}, every match ranked", "search_unbounded", name) for name in SEARCH_PATHS]
    rows += [(f"{name} `{url}`", "lists", name) for name, url in LISTS.items()]
    for label, group, name in rows:
        if not all(name in r[group] for r in results):
            continue
        cells = " | ".join(
            f"{r[group][name]['p50']:.1f} | {r[group][name]['p95']:.1f}" for r in results
        )
        print(f"| {label} | {cells} |")
    sizes = " / ".join(f"{r['articles']:,}" for r in results)
    print(f"\n| query | kind | articles matching ({sizes}) | quotes matching |")
    print("|---|---|---:|---:|")
    for i, (kind, text) in enumerate(QUERIES):
        arts = " / ".join(f"{r['matches'][i]['articles']:,}" for r in results)
        quotes = " / ".join(f"{r['matches'][i]['quotes']:,}" for r in results)
        print(f"| `{text}` | {kind} | {arts} | {quotes} |")
    last = results[-1]
    print(f"\nMedian ms per query at {last['articles']:,} articles (bounded / every match ranked)")
    print("\n| query | " + " | ".join(SEARCH_PATHS) + " |\n|---|" + "---:|" * len(SEARCH_PATHS))
    for _, text in QUERIES:
        cells = []
        for name in SEARCH_PATHS:
            cell = f"{last['search'][name]['median_per_query'][text]:.1f}"
            if name in last["search_unbounded"]:
                cell += f" / {last['search_unbounded'][name]['median_per_query'][text]:.1f}"
            cells.append(cell)
        print(f"| `{text}` | {' | '.join(cells)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="published articles (repeat)")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed requests per query")
    parser.add_argument(
        "--before-runs",
        type=int,
        default=2,
        help="timed requests per query with every match ranked, as before the bound (0: none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="grow the database --keep left instead of a new one"
    )
    args = parser.parse_args()
    sizes = sorted(args.n or SIZES)
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not args.reuse:
        recreate(database_url)
    static = tempfile.TemporaryDirectory()
    os.environ["STATIC_ROOT"] = static.name  # the pages' hashed CSS names need a manifest
    api_bench.setup_django(database_url)
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    results = []
    out = ROOT / "bench" / "results" / "search_scale.json"
    out.parent.mkdir(exist_ok=True)
    try:
        started = time.perf_counter()
        filler = Filler()
        print(f"base articles: {len(filler.bases)} in {time.perf_counter() - started:.0f} s")
        for n in sizes:
            seconds = filler.grow(n)
            print(f"filled {n:,} articles in {seconds:.0f} s", flush=True)
            result = measure(n, args.runs, args.before_runs)
            result["fill_seconds"] = round(seconds)
            results.append(result)
            for name, row in result["search"].items():
                old = result["search_unbounded"].get(name)
                before = (
                    f" (every match ranked: p95 {old['p95']:.1f} ms,"
                    f" {len(old['timed_out'])} requests timed out)"
                    if old
                    else ""
                )
                print(
                    f"  {name}: p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms{before}",
                    flush=True,
                )
            out.write_text(json.dumps({"runs": args.runs, "results": results}, indent=2) + "\n")
    finally:
        if not args.keep:
            drop(database_url)
    print_tables(results)


if __name__ == "__main__":
    main()
