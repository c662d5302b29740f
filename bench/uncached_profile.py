"""Where an uncached request's time goes, per public endpoint, in one process.

Usage (from the project root, in the virtual environment; needs PostgreSQL):

    python bench/uncached_profile.py --n 3000               # fill, profile, drop
    python bench/uncached_profile.py --n 3000 --keep        # keep the database for next time
    python bench/uncached_profile.py --reuse --only api-articles --only home

A database (``DATABASE_URL``, default ``.../newsroom_uncachedprofile``) is filled as
``bench/uncached_bench.py`` fills its own (``bench/api_bench.py``'s ``fill``), unless
``--reuse``. Each endpoint is requested through Django's test client against the real
URLconf (all middleware, the response cache off: ``PUBLIC_PAGE_CACHE_SECONDS=0``, rate limit
on as in production), beside the bench's ceiling view for a body of the same size. Printed per
endpoint: the median wall time of ``--repeat`` requests, the time in SQL and the number of
queries, and, from cProfile over the same requests, the cumulative time spent in each part of
the stack (middleware around the view, DRF's dispatch, authentication, throttling, parameter
checks, filters, the paginator, serialization, JSON rendering, ETag and conditional handling,
templates), as milliseconds per request. The parts nest (a template renders inside the view),
so they do not add up; the profiler slows Python code down about twice, SQL not at all.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/newsroom_uncachedprofile"

# (label, file fragment, function name): cumulative time of these frames.
PARTS = [
    ("whole request (test client)", "django/test/client.py", "request"),
    ("view (inside middleware)", "django/core/handlers/base.py", "_get_response"),
    ("DRF dispatch", "rest_framework/views.py", "dispatch"),
    ("DRF initial (auth, perms, throttle, params)", "rest_framework/views.py", "initial"),
    ("authentication", "rest_framework/views.py", "perform_authentication"),
    ("throttling", "rest_framework/views.py", "check_throttles"),
    ("parameter names check", "articles/api.py", "check_parameter_names"),
    ("filter_queryset (django-filter)", "rest_framework/generics.py", "filter_queryset"),
    ("paginate_queryset", "articles/api_plumbing.py", "paginate_queryset"),
    ("paginated response (links)", "articles/api_plumbing.py", "get_paginated_response"),
    ("serializer .data", "rest_framework/serializers.py", "data"),
    ("JSON render", "articles/rendering.py", "render"),
    ("finalize_response (ETag, headers)", "articles/api.py", "finalize_response"),
    ("conditional response", "django/utils/cache.py", "get_conditional_response"),
    ("fragments.stored", "articles/fragments.py", "stored"),
    ("template render (top level)", "django/template/backends/django.py", "render"),
    ("related_articles", "articles/views.py", "related_articles"),
    ("SQL execute (cursor)", "django/db/backends/utils.py", "execute"),
    ("model instances (from_db)", "django/db/models/base.py", "from_db"),
]


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api_bench_settings"
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.conf import settings

    # The production rate limit: its cache round trips are part of an API request.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute"},
    }
    from rest_framework.settings import api_settings

    api_settings.reload()


def recreate(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


class SQLTimer:
    def __init__(self):
        self.seconds, self.count = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def profile(paths: dict[str, str], repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        from bench import api_bench_urls

        for name, path in paths.items():
            body = client.get(path).content
            (Path(folder) / name).write_bytes(body)
            api_bench_urls.BODIES[name] = body
            ceiling_path = f"/bench/ceiling/{name}/"
            for _ in range(3):  # warm up: imports, template loading, plan caches
                client.get(path)
                client.get(ceiling_path)
            figures = {"bytes": len(body)}
            for kind, url in (("ceiling", ceiling_path), ("endpoint", path)):
                times = []
                timer = SQLTimer()
                with connection.execute_wrapper(timer):
                    for _ in range(repeat):
                        started = time.perf_counter()
                        response = client.get(url)
                        times.append(time.perf_counter() - started)
                        assert response.status_code == 200, (url, response.status_code)
                figures[kind] = {
                    "ms": statistics.median(times) * 1000,
                    "sql_ms": timer.seconds * 1000 / repeat,
                    "queries": timer.count / repeat,
                }
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(repeat):
                client.get(path)
            profiler.disable()
            stats = pstats.Stats(profiler).stats
            parts = {}
            for label, file_part, function in PARTS:
                total = sum(
                    cumulative
                    for (file, _, func), (_, _, _, cumulative, _) in stats.items()
                    if func == function and file.endswith(file_part)
                )
                if total:
                    parts[label] = total * 1000 / repeat
            figures["profile"] = parts
            top = sorted(
                ((tottime, key) for key, (_, _, tottime, _, _) in stats.items()),
                reverse=True,
            )[:8]
            figures["top_own_time"] = [
                (f"{Path(file).name}:{line} {func}", tottime * 1000 / repeat)
                for tottime, (file, line, func) in top
            ]
            results[name] = figures
            print_endpoint(name, path, figures)
    return results


def print_endpoint(name: str, path: str, figures: dict) -> None:
    endpoint, ceiling = figures["endpoint"], figures["ceiling"]
    print(f"\n## {name}  {path}  ({figures['bytes'] / 1000:.1f} kB)")
    print(
        f"endpoint {endpoint['ms']:.2f} ms ({endpoint['queries']:.0f} queries, "
        f"{endpoint['sql_ms']:.2f} ms SQL); ceiling {ceiling['ms']:.2f} ms; "
        f"ratio {ceiling['ms'] / endpoint['ms']:.3f}"
    )
    print("profiled, ms per request (cumulative, nested):")
    for label, ms in figures["profile"].items():
        print(f"  {ms:8.2f}  {label}")
    print("largest own time, ms per request:")
    for label, ms in figures["top_own_time"]:
        print(f"  {ms:8.2f}  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="published articles to fill")
    parser.add_argument("--repeat", type=int, default=30, help="requests per endpoint")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--only", action="append", help="these endpoints (repeatable)")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not args.reuse:
        recreate(database_url)
    setup(database_url)
    from api_bench import fill
    from uncached_bench import endpoints

    if not args.reuse:
        started = time.monotonic()
        counts = fill(args.n)
        print(f"filled {counts} in {time.monotonic() - started:.0f} s", flush=True)
    paths = {name: path for name, path in endpoints().items() if not args.only or name in args.only}
    try:
        profile(paths, args.repeat)
    finally:
        if not args.keep and not args.reuse:
            from django.db import connections

            connections.close_all()
            import psycopg

            base, name = database_url.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
