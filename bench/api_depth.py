"""Reader API: the cost of orderings, name filters and deep pages at 10,000 articles.

Usage (from the project root, in the virtual environment; needs PostgreSQL):

    python bench/api_depth.py               # 10,000 articles
    python bench/api_depth.py --n 2000

Builds a fresh database ``newsroom_apidepth`` (dropped at the end) as bench/api_bench.py does
(seeds and up to 300 PolNeAR articles imported, then copied with ``bulk_create``), then times
requests in-process through Django's test client with the response cache off
(``PUBLIC_PAGE_CACHE_SECONDS=0``), so each one runs its queries and serializers. Each figure is
the median of 5 requests after one warm-up. The reference in the same run is the first page of
the article list. The ordering the API no longer offers (people by quote count, issue #11 §4)
is timed as the queryset it used to run, since the API now answers it with a 400.
Results go to stdout (a Markdown table) and to ``bench/results/api_depth.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import api_bench  # noqa: E402

DB_NAME = "newsroom_apidepth"
RUNS = 5


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(f"{api_bench.PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    return f"{api_bench.PG}/{DB_NAME}"


def drop_database() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{api_bench.PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")


def median_ms(call) -> float:
    call()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def get(client, url: str):
    def call():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (url, response.content[:300])
        return response

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="published articles")
    args = parser.parse_args()

    api_bench.setup_django(fresh_database())
    from django.conf import settings
    from django.test import Client

    from articles.api import people_queryset
    from articles.api_plumbing import MAX_NUMBERED_ITEMS

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    try:
        counts = api_bench.fill(args.n)
        client = Client()
        deep_page = MAX_NUMBERED_ITEMS // 20  # the deepest numbered page of 20
        deep = client.get(f"/api/v1/articles/?page={deep_page - 1}", HTTP_HOST="127.0.0.1")
        deep_cursor = deep.json()["next_cursor"].split("127.0.0.1", 1)[1]
        surname = people_queryset().order_by("name").last().name.split()[-1]
        rows = [
            ("reference: article list, page 1", "/api/v1/articles/"),
            (
                f"article list, page {deep_page} (offset {(deep_page - 1) * 20:,})",
                f"/api/v1/articles/?page={deep_page}",
            ),
            ("article list, the same items by cursor", deep_cursor),
            ("article list, page=last", "/api/v1/articles/?page=last"),
            ("articles ?ordering=headline", "/api/v1/articles/?ordering=headline"),
            ("articles ?ordering=-updated_at", "/api/v1/articles/?ordering=-updated_at"),
            ("quotes ?ordering=-published_at", "/api/v1/quotes/?ordering=-published_at"),
            ("quotes ?ordering=speaker", "/api/v1/quotes/?ordering=speaker"),
            ("people ?ordering=-name", "/api/v1/people/?ordering=-name"),
            (f"people ?name={surname[:4].lower()}", f"/api/v1/people/?name={surname[:4].lower()}"),
            (f"quotes ?speaker={surname.lower()}", f"/api/v1/quotes/?speaker={surname.lower()}"),
            ("articles ?search=minister -russia", "/api/v1/articles/?search=minister%20-russia"),
        ]
        results = []
        for label, url in rows:
            results.append({"request": label, "url": url, "ms": median_ms(get(client, url))})

        def old_people_ordering():
            list(people_queryset().order_by("-quote_count", "-pk")[:20])

        results.append(
            {
                "request": "before: people by quote count (the old ?ordering=-quote_count query)",
                "url": None,
                "ms": median_ms(old_people_ordering),
            }
        )
    finally:
        drop_database()

    print(f"\n{counts['articles']:,} published articles, {counts['quotes']:,} visible quotes\n")
    print("| request | median ms |\n| --- | ---: |")
    for row in results:
        print(f"| {row['request']} | {row['ms']:.0f} |")
    out = ROOT / "bench" / "results" / "api_depth.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"counts": counts, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
