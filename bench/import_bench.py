"""Import benchmark: N generated articles into a fresh database; articles/s and peak memory.

Usage (from the project root, in the virtual environment):

    python bench/import_bench.py                       # the matrix: N = 1,000 and 10,000 on
                                                       # SQLite and PostgreSQL
    python bench/import_bench.py --n 1000 --db sqlite  # one run (used by the matrix)

Articles are made by varying the committed seeds and, when ``../shared/eval/polnear``
is beside the project, the PolNeAR training articles: each copy gets its own original
URL, so every file is a new article. Each run happens in its own process against a
new database (a temporary SQLite file, or a PostgreSQL database ``newsroom_bench``
created afresh at ``--pg-url``), so peak memory (``ru_maxrss``) is that run's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "eval" / "polnear" / "train"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
WIDTHS = (8, 10, 12, 9, 9, 8)  # columns of the matrix after the database name
ORIGINAL_URL_RE = re.compile(r"^Original url:\n(?:\S+\n)+", re.MULTILINE)


def base_texts(*, polnear: bool = True) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if polnear and POLNEAR.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))]
    return texts


def generate(folder: Path, n: int, *, polnear: bool = True, label: str = "generated") -> None:
    """Write ``n`` distinct article files into ``folder`` (each with its own original URL).

    A text's own "Original url:" footer, if it has one, is replaced, so no two
    copies share an article URL.
    """
    texts = [ORIGINAL_URL_RE.sub("", text) for text in base_texts(polnear=polnear)]
    for i in range(n):
        text = texts[i % len(texts)]
        day = 1 + i % 28
        url = f"https://bench.example.org/2024/03/{day:02d}/{label}-story-{i}"
        variant = f"{text.rstrip()}\n\nOriginal url:\n{url}\n"
        (folder / f"article_{i:06d}.txt").write_text(variant, encoding="utf-8")


def fresh_database(db: str, pg_url: str, workdir: Path, *, name: str = "newsroom_bench") -> str:
    """A new empty database: a SQLite file in ``workdir``, or PostgreSQL database ``name``."""
    if db == "sqlite":
        return f"sqlite:///{workdir / (name + '.sqlite3')}"
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{pg_url}/{name}"


def run_one(n: int, db: str, pg_url: str, workers: int | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        os.environ["DATABASE_URL"] = fresh_database(db, pg_url, workdir)
        os.environ.setdefault("SECRET_KEY", "benchmark-only")
        os.environ.setdefault("ALLOWED_HOSTS", "localhost")
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        from articles.importing import Importer, iter_input_files
        from articles.models import Article, Quote

        call_command("migrate", verbosity=0)
        files_dir = workdir / "files"
        files_dir.mkdir()
        generate(files_dir, n)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        importer = Importer()
        failed = 0
        started = time.perf_counter()
        for result in importer.import_paths(iter_input_files([files_dir]), workers=workers):
            failed += result.outcome == "failed"
        elapsed = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = {
            "n": n,
            "db": db,
            "seconds": round(elapsed, 2),
            "articles_per_s": round(n / elapsed, 1),
            "peak_rss_mb": round(rss_after / 1024, 1),
            "rss_growth_during_import_mb": round((rss_after - rss_before) / 1024, 1),
            "articles": Article.objects.count(),
            "quotes": Quote.objects.count(),
            "failed": failed,
            "workers": workers,
        }
    if db == "postgresql":
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS newsroom_bench")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="articles in one run")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], help="database of one run")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL server URL")
    parser.add_argument("--sizes", default="1000,10000", help="matrix sizes, comma-separated")
    parser.add_argument(
        "--workers", type=int, default=None, help="extraction processes (default: automatic)"
    )
    args = parser.parse_args()
    if args.n and args.db:
        print(json.dumps(run_one(args.n, args.db, args.pg_url, args.workers)))
        return
    header = ("db", "N", "seconds", "articles/s", "peak MB", "quotes", "failed")
    print(
        f"{header[0]:<11}" + "".join(f"{h:>{w}}" for h, w in zip(header[1:], WIDTHS, strict=True))
    )
    for db in ("sqlite", "postgresql"):
        for n in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run(
                [sys.executable, __file__, "--n", str(n), "--db", db, "--pg-url", args.pg_url]
                + ([] if args.workers is None else ["--workers", str(args.workers)]),
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            values = (
                n,
                r["seconds"],
                r["articles_per_s"],
                r["peak_rss_mb"],
                r["quotes"],
                r["failed"],
            )
            row = "".join(f"{v:>{w}}" for v, w in zip(values, WIDTHS, strict=True))
            print(f"{db:<11}{row}", flush=True)


if __name__ == "__main__":
    main()
