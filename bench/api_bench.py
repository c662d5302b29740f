"""Reader API benchmark: 10,000 articles on PostgreSQL, served by gunicorn, loaded with wrk.

Usage (from the project root, in the virtual environment; needs PostgreSQL and Debian's
``wrk``, ``apt-get install -y wrk``):

    python bench/api_bench.py                  # 10,000 articles, 10 s per endpoint
    python bench/api_bench.py --n 2000 --seconds 5

Steps: a fresh database ``newsroom_apibench`` (dropped at the end); the committed seeds (and, when
``../shared/eval/polnear`` is beside the project, up to 300 PolNeAR articles) imported and
published by ``articles.importing.Importer``; then copied with ``bulk_create`` (mentions and
quotes too) up to ``--n`` articles. gunicorn serves the site with ``2 x cores + 1`` sync
workers (5 on a 2-core machine) under ``bench.api_bench_settings``, which adds the plain
ceiling view (a precomputed JSON body as large as the article list page) and lifts the rate
limit. wrk measures each endpoint, first with the API's response cache as configured by
default (``PUBLIC_PAGE_CACHE_SECONDS=600``), then without it (``=0``), so every request runs
the queries and the serializers. Results go to stdout (a Markdown table) and to
``bench/results/api_bench.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
POLNEAR = ROOT.parent / "shared" / "eval" / "polnear" / "train"
PG = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "newsroom_apibench"
PORT = 8765
SEARCH_WORD = "minister"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api_bench_settings"
    import django

    django.setup()


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    return f"{PG}/{DB_NAME}"


def base_files(folder: Path) -> list[Path]:
    paths = sorted((ROOT / "seeds").glob("*.txt"))
    if POLNEAR.is_dir():
        paths += sorted(POLNEAR.glob("*.txt"))[:300]
    copies = []
    for i, path in enumerate(paths):
        text = path.read_text(encoding="utf-8").rstrip()
        copy = folder / f"base_{i:04d}.txt"
        copy.write_text(f"{text}\n\nOriginal url:\nhttps://bench.example.org/base/{i}\n")
        copies.append(copy)
    return copies


def copy_articles(bases, mentions, quotes, start, n, url_prefix, now, batch=1000) -> None:
    """Write articles ``start`` to ``n - 1`` as published copies of ``bases`` (in turn), each
    with its base's mentions and quotes (``mentions`` and ``quotes`` map a base's pk to its
    rows), in bulk: URL ``url_prefix + i``, a minute older each."""
    from django.utils import timezone

    from articles.models import Article, Mention, Quote

    skip = {"id", "pk", "slug", "url", "import_key", "content_hash", "search_vector"}
    fields = [f.attname for f in Article._meta.concrete_fields if f.attname not in skip]
    for first in range(start, n, batch):
        new = []
        for i in range(first, min(first + batch, n)):
            base = bases[i % len(bases)]
            values = {name: getattr(base, name) for name in fields}
            values.update(
                slug=f"{base.slug[:180]}-{i}",
                url=f"{url_prefix}{i}",
                import_key=f"{url_prefix}{i}",  # unique, as the URL is
                content_hash=f"{i:064x}",
                status=Article.Status.PUBLISHED,
                published_at=now - timezone.timedelta(minutes=i),
            )
            new.append((base, Article(**values)))
        Article.objects.bulk_create([article for _, article in new])
        Mention.objects.bulk_create(
            Mention(article=article, person_id=m.person_id, role=m.role)
            for base, article in new
            for m in mentions.get(base.pk, [])
        )
        Quote.objects.bulk_create(
            Quote(
                article=article,
                speaker_id=q.speaker_id,
                speaker_organization_id=q.speaker_organization_id,
                text=q.text,
                kind=q.kind,
                paragraph=q.paragraph,
                start=q.start,
                end=q.end,
                sentence=q.sentence,
                said_to=q.said_to,
                state=q.state,
                confidence=q.confidence,
            )
            for base, article in new
            for q in quotes.get(base.pk, [])
        )


def fill(n: int) -> dict:
    """Import the base articles, then copy them up to ``n`` published articles."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from articles.importing import Importer
    from articles.models import Article, Mention, Quote

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        importer = Importer(publish=True)
        for path in base_files(Path(tmp)):
            importer.import_path(path)
    bases = list(Article.objects.order_by("pk"))
    mentions = {}
    for mention in Mention.objects.all():
        mentions.setdefault(mention.article_id, []).append(mention)
    quotes = {}
    for quote in Quote.objects.all():
        quotes.setdefault(quote.article_id, []).append(quote)
    now = timezone.now()
    Article.objects.update(status=Article.Status.PUBLISHED, published_at=now)
    copy_articles(bases, mentions, quotes, len(bases), n, "https://bench.example.org/copy/", now)
    from articles.publishing import refresh_public_state

    # The copies were written in bulk, which sends no signals: what readers see, once.
    refresh_public_state(everything=True)
    with connection.cursor() as cursor:
        # Fresh statistics and visibility map, as autovacuum would leave them after a bulk load.
        cursor.execute("VACUUM ANALYZE")
    return {
        "articles": Article.objects.published().count(),
        "base_articles": len(bases),
        "quotes": Quote.objects.visible().count(),
    }


def ceiling_body(folder: Path) -> Path:
    """The article list page's JSON, to serve from the ceiling view."""
    from django.test import Client

    body = Client().get("/api/v1/articles/", HTTP_HOST="127.0.0.1").content
    path = folder / "ceiling.json"
    path.write_bytes(body)
    return path


def start_gunicorn(env: dict, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsroom.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": to_ms(percentiles["50"]),
        "p99_ms": to_ms(percentiles["99"]),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    database_url = fresh_database()
    setup_django(database_url)
    counts = fill(args.n)
    from articles.models import Article
    from articles.search import search_articles

    slug = Article.objects.published().values_list("slug", flat=True)[0]
    workers = 2 * (os.cpu_count() or 1) + 1
    endpoints = {
        "ceiling (plain Django, same body)": "/bench/ceiling/",
        "article list": "/api/v1/articles/",
        "article detail": f"/api/v1/articles/{slug}/",
        "quote list": "/api/v1/quotes/",
        f"search ?q={SEARCH_WORD}": f"/api/v1/articles/?q={SEARCH_WORD}",
    }
    matches = search_articles(Article.objects.published(), SEARCH_WORD).count()
    results = {"counts": {**counts, "search_matches": matches}, "workers": workers, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        body = ceiling_body(Path(tmp))
        results["ceiling_body_bytes"] = body.stat().st_size
        for label, cache_seconds in (("response cache on (default)", "600"), ("cache off", "0")):
            env = {
                **os.environ,
                "API_BENCH_CEILING_BODY": str(body),
                "PUBLIC_PAGE_CACHE_SECONDS": cache_seconds,
            }
            server = start_gunicorn(env, workers)
            try:
                run = {}
                for name, path in endpoints.items():
                    url = f"http://127.0.0.1:{PORT}{path}"
                    urllib.request.urlopen(url).read()  # warm up
                    run[name] = wrk(url, args.seconds, args.connections)
                    print(label, name, run[name], flush=True)
                results["runs"][label] = run
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "api_bench.json").write_text(json.dumps(results, indent=2))
    print()
    print(f"{counts['articles']} articles, {counts['quotes']} quotes; {workers} gunicorn workers")
    print("| run | endpoint | req/s | p50 ms | p99 ms | errors | % of ceiling |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for label, run in results["runs"].items():
        ceiling = run["ceiling (plain Django, same body)"]["requests_per_s"]
        for name, figures in run.items():
            share = 100 * figures["requests_per_s"] / ceiling
            print(
                f"| {label} | {name} | {figures['requests_per_s']:.0f} | {figures['p50_ms']} "
                f"| {figures['p99_ms']} | {figures['errors']} | {share:.0f}% |"
            )


if __name__ == "__main__":
    main()
