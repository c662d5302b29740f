"""Public pages and API endpoints with the cache missed, beside their ceiling, in one run.

Usage (from the project root, in the virtual environment; needs PostgreSQL and Debian's
``wrk``: ``make bench-tools`` installs it):

    python bench/uncached_bench.py                       # 1,000 and 10,000 articles, 5 s each
    python bench/uncached_bench.py --n 10000 --seconds 10 --rounds 3
    python bench/uncached_bench.py --n 10000 --only article-page --only api-article

For each ``--n``: a fresh database (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/newsroom_perfbench``, dropped at the end) filled by
``bench/api_bench.py``'s ``fill`` (the seeds and up to 300 PolNeAR articles imported and
published, then copied with ``bulk_create`` up to N published articles, their public counts
brought up to date as the importer would). Two gunicorn servers run side by side under
``bench.api_bench_settings`` (rate limit lifted): one with the page and API response cache
(``PUBLIC_PAGE_CACHE_SECONDS=600``), one without (``=0``), ``--workers`` sync workers each.
Then, per endpoint and round, interleaved: the **ceiling**, a plain Django view returning the
endpoint's own body as precomputed bytes (``bench/api_bench_urls.py``), the endpoint
**uncached**, and **cached**, each loaded with ``wrk -t2 -c<connections>``. The figures are
the medians over rounds; the machine has 2 cores shared with wrk and anything else running,
so read the ratios. Only 127.0.0.1 is requested; every load is bounded by ``--seconds``.

Prints a Markdown table per N and writes ``bench/results/uncached_bench.json``.

To compare two versions of the code on the same data, one right after the other: fill once
with ``--fill-only --keep`` (the database is left as filled), then measure each checkout with
``--reuse`` (no fill; ``--keep`` again to measure it once more) and its own ``--port``:

    DATABASE_URL=.../newsroom_before python bench/uncached_bench.py --n 10000 --fill-only --keep
    DATABASE_URL=.../newsroom_before python bench/uncached_bench.py --n 10000 --reuse --keep
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from api_bench import fill, to_ms  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/newsroom_perfbench"
PORT = 8771  # the cached server's; the uncached one listens on the next
SEARCH_WORD = "minister"  # pages: 392 of 10,000 articles match
QUOTE_WORD = "people"  # quotes: 6,244 of 83,174 match


def recreate(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop(database_url: str) -> None:
    import psycopg

    if "django.db" in sys.modules:  # this process's own connections first
        from django.db import connections

        connections.close_all()
    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def endpoints() -> dict[str, str]:
    """Each endpoint of the issue's table and the path measured."""
    from django.db.models import Count

    from articles.models import Article

    # The newest of the articles naming the most people: the related-articles query's worst.
    article = (
        Article.objects.published()
        .annotate(people_count=Count("mentions"))
        .order_by("-people_count", "-published_at", "-pk")
        .first()
    )
    return {
        "api-articles": "/api/v1/articles/",
        "api-article": f"/api/v1/articles/{article.slug}/",
        "api-quotes": "/api/v1/quotes/",
        "api-people": "/api/v1/people/",
        "api-sources": "/api/v1/sources/",
        "api-quote-search": f"/api/v1/quotes/?q={QUOTE_WORD}",
        "home": "/",
        "article-page": article.get_absolute_url(),
        "search-page": f"/search/?q={SEARCH_WORD}",
    }


LABELS = {
    "api-articles": "`/api/v1/articles/`",
    "api-article": "`/api/v1/articles/<slug>/`",
    "api-quotes": "`/api/v1/quotes/`",
    "api-people": "`/api/v1/people/`",
    "api-sources": "`/api/v1/sources/`",
    "api-quote-search": f"`/api/v1/quotes/?q={QUOTE_WORD}`",
    "home": "home page",
    "article-page": "article page",
    "search-page": f"search page `?q={SEARCH_WORD}`",
}


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early; see its output above")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    import re

    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": to_ms(percentiles["50"]),
        "p99_ms": to_ms(percentiles["99"]),
        "errors": int(errors.group(1)) if errors else 0,
    }


def median_of(runs: list[dict]) -> dict:
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def measure_one(n: int, args) -> dict:
    """Fill a fresh database with ``n`` articles and measure every endpoint (run in a child)."""
    database_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not args.reuse:
        recreate(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api_bench_settings"
    import django

    django.setup()
    started = time.monotonic()
    if args.reuse:
        from articles.models import Article, Quote

        counts = {
            "articles": Article.objects.published().count(),
            "quotes": Quote.objects.visible().count(),
        }
    else:
        counts = fill(n)
        counts["fill_seconds"] = round(time.monotonic() - started, 1)
    if args.fill_only:
        return {"n": n, "counts": counts, "paths": {}, "endpoints": {}}
    paths = {name: path for name, path in endpoints().items() if name in (args.only or LABELS)}
    from django.db import connections

    connections.close_all()
    results = {"n": n, "counts": counts, "paths": paths, "endpoints": {}}
    ports = {"cached": args.port, "uncached": args.port + 1}
    servers = {}
    with tempfile.TemporaryDirectory() as folder:
        base_env = {**os.environ, "API_BENCH_CEILING_DIR": folder}
        try:
            for mode, port in ports.items():
                cache = "600" if mode == "cached" else "0"
                env = {**base_env, "PUBLIC_PAGE_CACHE_SECONDS": cache}
                servers[mode] = start_gunicorn(env, port, args.workers)
            sizes = {}
            for name, path in paths.items():
                url = f"http://127.0.0.1:{ports['uncached']}{path}"
                with urllib.request.urlopen(url) as response:
                    body = response.read()
                (Path(folder) / name).write_bytes(body)
                sizes[name] = len(body)
            runs = {name: {"ceiling": [], "uncached": [], "cached": []} for name in paths}
            for round_ in range(args.rounds):
                for name, path in paths.items():
                    targets = {
                        "ceiling": f"http://127.0.0.1:{ports['uncached']}/bench/ceiling/{name}/",
                        "uncached": f"http://127.0.0.1:{ports['uncached']}{path}",
                        "cached": f"http://127.0.0.1:{ports['cached']}{path}",
                    }
                    for kind, url in targets.items():
                        for _ in range(2 * args.workers):  # warm every worker (and its cache)
                            urllib.request.urlopen(url).read()
                        figures = wrk(url, args.seconds, args.connections)
                        runs[name][kind].append(figures)
                        print(f"n={n} round {round_ + 1} {name} {kind}: {figures}", flush=True)
            for name in paths:
                results["endpoints"][name] = {
                    "bytes": sizes[name],
                    **{kind: median_of(values) for kind, values in runs[name].items()},
                }
        finally:
            for server in servers.values():
                server.send_signal(signal.SIGTERM)
            for server in servers.values():
                server.wait(timeout=30)
            if not args.keep:
                drop(database_url)
    return results


def table(result: dict) -> str:
    lines = [
        f"{result['counts']['articles']:,} published articles, "
        f"{result['counts']['quotes']:,} visible quotes",
        "",
        "| endpoint | body | ceiling req/s | uncached req/s | ratio | uncached p99 "
        "| cached req/s | cached ratio | cached p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, figures in result["endpoints"].items():
        ceiling = figures["ceiling"]["rps"] or 1
        uncached, cached = figures["uncached"], figures["cached"]
        errors = uncached["errors"] + cached["errors"] + figures["ceiling"]["errors"]
        flag = f" ({errors} non-2xx)" if errors else ""
        lines.append(
            f"| {LABELS[name]}{flag} | {figures['bytes'] / 1000:.1f} kB | {ceiling:.0f} "
            f"| {uncached['rps']:.1f} | {uncached['rps'] / ceiling:.3f} "
            f"| {uncached['p99_ms']:.0f} ms "
            f"| {cached['rps']:.0f} | {cached['rps'] / ceiling:.2f} | {cached['p99_ms']:.0f} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="articles (repeatable)")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per measurement")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per server")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds (median)")
    parser.add_argument(
        "--only", action="append", choices=list(LABELS), help="these endpoints (repeatable)"
    )
    parser.add_argument("--port", type=int, default=PORT, help="cached server's port (+1)")
    parser.add_argument("--keep", action="store_true", help="leave the database as it is")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is")
    parser.add_argument("--fill-only", action="store_true", help="fill and stop (with --keep)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: make bench-tools (apt-get install -y wrk)")
    sizes = args.n or [1_000, 10_000]
    if args.one:
        Path(args.out).write_text(json.dumps(measure_one(sizes[0], args)))
        return
    results = []
    for n in sizes:
        # One child process per size: a fresh Django and database connection each time.
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, __file__, "--one", "--n", str(n), "--out", out.name]
            for option in ("seconds", "connections", "workers", "rounds", "port"):
                command += [f"--{option}", str(getattr(args, option))]
            for flag in ("keep", "reuse", "fill_only"):
                if getattr(args, flag):
                    command.append(f"--{flag.replace('_', '-')}")
            for name in args.only or ():
                command += ["--only", name]
            subprocess.run(command, check=True)
            results.append(json.loads(Path(out.name).read_text()))
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "uncached_bench.json").write_text(json.dumps(results, indent=2))
    print()
    print(
        f"gunicorn {args.workers} sync workers per server, wrk -t2 -c{args.connections} "
        f"-d{args.seconds}s, median of {args.rounds} interleaved round(s)"
    )
    for result in results:
        print()
        print(table(result))


if __name__ == "__main__":
    main()
