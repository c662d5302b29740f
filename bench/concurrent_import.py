"""Concurrent imports of the same files: N processes x R rounds; duplicates and failures.

Usage (from the project root, in the virtual environment):

    python bench/concurrent_import.py                          # SQLite and PostgreSQL
    python bench/concurrent_import.py --db postgresql --processes 4 --rounds 15
    python bench/concurrent_import.py --files seeds/000_a14a31d47b36e4a7.txt ...

Each process imports the same files (by default three seeds with no original URL, so
the import key is the content; two of them name one person with two spellings) once
per round, all processes starting each round together (a barrier), each round with a
new ``Importer`` as a new ``import_articles`` run would have. Before each round the
articles are deleted, so that every round is a race to create them again, and before
every other round their people and sources too (``--keep`` keeps all rows: later
rounds then race to refresh them). The
database is new (a temporary SQLite file, or the PostgreSQL database
``newsroom_concurrent`` created afresh at ``--pg-url``). Printed per database: file
imports, duplicate articles (two of one content) and people (two of one name) counted
at the end of each round, failed file imports, and the failures' reasons.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
DEFAULT_FILES = [
    ROOT / "seeds" / "000_a14a31d47b36e4a7.txt",
    ROOT / "seeds" / "001_c0ab1a0fcf27bbe9.txt",
    ROOT / "seeds" / "004_5a15858f5304fc93.txt",
]


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ["NEWSROOM_ENV_FILE"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _worker(
    index: int, database_url: str, files: list[str], rounds: int, fresh: bool, barrier, queue
) -> None:
    _setup(database_url)
    from articles.importing import FAILED, Importer

    failures = []
    imports = 0
    duplicates = Counter()
    for n in range(rounds):
        barrier.wait()
        if fresh and index == 0:
            _clear(everything=n % 2 == 0)
        barrier.wait()
        for result in Importer().import_paths([Path(f) for f in files]):
            imports += 1
            if result.outcome == FAILED:
                failures.append(f"{Path(result.path).name}: {result.error}")
        barrier.wait()
        if index == 0:
            duplicates.update(_duplicates())
    queue.put((imports, failures, duplicates))


def _clear(*, everything: bool) -> None:
    """Delete the articles, so that the next round creates them again; with
    ``everything``, their people and sources too."""
    from articles.models import Article, Person, PersonVariant, Quote, Source

    Quote.objects.all().delete()
    Article.objects.all().delete()
    if not everything:
        return
    PersonVariant.objects.all().delete()
    Person.objects.all().delete()
    Source.objects.all().delete()


def _duplicates() -> Counter:
    """Rows that are a second copy of another: articles of one content, people of one name."""
    from articles.models import Article, Person

    articles = Counter(Article.objects.values_list("content_hash", flat=True))
    people = Counter(Person.objects.values_list("name_key", flat=True))
    return Counter(
        articles=sum(n - 1 for n in articles.values()),
        people=sum(n - 1 for n in people.values()),
    )


def fresh_database(db: str, pg_url: str, workdir: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{workdir / 'concurrent.sqlite3'}"
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "newsroom_concurrent"')
        conn.execute('CREATE DATABASE "newsroom_concurrent"')
    return f"{pg_url}/newsroom_concurrent"


def run(
    db: str, *, processes: int, rounds: int, files: list[str], pg_url: str, fresh: bool
) -> dict:
    """Run the contest on a new database of kind ``db``; returns the counts."""
    ctx = multiprocessing.get_context("spawn")  # each process sets Django up on its own
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_database(db, pg_url, Path(tmp))
        migrate = ctx.Process(target=_migrate, args=(url,))
        migrate.start()
        migrate.join()
        barrier, queue = ctx.Barrier(processes), ctx.Queue()
        procs = [
            ctx.Process(target=_worker, args=(i, url, files, rounds, fresh, barrier, queue))
            for i in range(processes)
        ]
        for p in procs:
            p.start()
        outcomes = [queue.get() for _ in procs]
        for p in procs:
            p.join()
    if db == "postgresql":
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "newsroom_concurrent"')
    duplicates = sum((d for _, _, d in outcomes), Counter())
    return {
        "db": db,
        "imports": sum(n for n, _, _ in outcomes),
        "failures": [f for _, fs, _ in outcomes for f in fs],
        "duplicate_articles": duplicates["articles"],
        "duplicate_people": duplicates["people"],
    }


def _migrate(url: str) -> None:
    _setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--files", nargs="+", default=[str(f) for f in DEFAULT_FILES])
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL server URL")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the rows between rounds (only the first round then creates articles)",
    )
    args = parser.parse_args()
    print(f"{args.processes} processes x {args.rounds} rounds x {len(args.files)} files")
    print(f"{'db':<11}{'imports':>8}{'dup articles':>13}{'dup people':>11}{'failures':>9}")
    for db in [args.db] if args.db else ["sqlite", "postgresql"]:
        r = run(
            db,
            processes=args.processes,
            rounds=args.rounds,
            files=args.files,
            pg_url=args.pg_url,
            fresh=not args.keep,
        )
        print(
            f"{db:<11}{r['imports']:>8}{r['duplicate_articles']:>13}"
            f"{r['duplicate_people']:>11}{len(r['failures']):>9}",
            flush=True,
        )
        for reason, n in Counter(r["failures"]).most_common(5):
            print(f"    {n} x {reason[:160]}")


if __name__ == "__main__":
    main()
