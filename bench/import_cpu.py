"""CPU per article of a large import, by process: the importing process, the extraction
workers and the PostgreSQL backend that writes.

Usage (from the project root, in the virtual environment):

    python bench/import_cpu.py --n 3000

Imports ``--n`` generated articles (as ``bench/import_bench.py`` makes them) into a fresh
PostgreSQL database ``newsroom_bench_cpu`` and prints, per article, the CPU time each side
used during the import (the processes' own counters: ``getrusage`` for this process and
its workers, ``/proc`` for the server backend, which must run on this machine). CPU time
depends far less than wall time on what else the machine runs, so it compares two commits
on a shared machine better than articles per second do.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_bench import DEFAULT_PG, fresh_database, generate  # noqa: E402

DATABASE = "newsroom_bench_cpu"


def own_and_workers_cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process, and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def backend_cpu(pid: int) -> float:
    """CPU seconds used so far by the PostgreSQL backend process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="articles to import")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="PostgreSQL server URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = fresh_database(
            "postgresql", args.pg_url, Path(tmp), name=DATABASE
        )
        os.environ.setdefault("SECRET_KEY", "benchmark-only")
        os.environ.setdefault("ALLOWED_HOSTS", "localhost")
        os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        from articles.importing import Importer, iter_input_files

        call_command("migrate", verbosity=0)
        generate(Path(tmp), args.n)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        own0, workers0 = own_and_workers_cpu()
        server0, started = backend_cpu(pid), time.perf_counter()
        results = list(Importer().import_paths(iter_input_files([Path(tmp)])))
        own1, workers1 = own_and_workers_cpu()
        server1, elapsed = backend_cpu(pid), time.perf_counter() - started
        failed = sum(r.outcome == "failed" for r in results)
        connections.close_all()

    def per_article(seconds: float) -> float:
        return round(seconds / args.n * 1000, 2)

    sides = {
        "main": own1 - own0,
        "workers": workers1 - workers0,
        "server": server1 - server0,
    }
    print(
        json.dumps(
            {
                "n": args.n,
                "cpu_ms_per_article": {k: per_article(v) for k, v in sides.items()},
                "total_cpu_ms_per_article": per_article(sum(sides.values())),
                "seconds": round(elapsed, 1),
                "articles_per_s": round(args.n / elapsed, 1),
                "failed": failed,
                "loadavg": Path("/proc/loadavg").read_text().split()[:3],
            }
        )
    )
    import psycopg

    with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')


if __name__ == "__main__":
    main()
