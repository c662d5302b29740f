"""Hostile and oversized inputs for the importer: seconds, peak memory and outcome per case.

Usage (from the project root, in the virtual environment):

    python bench/abuse.py                   # SQLite and, when it answers, PostgreSQL
    python bench/abuse.py --db sqlite       # one database
    python bench/abuse.py --case nospace    # one case (repeatable)

Each case writes one file and imports it with ``manage.py import_articles FILE`` in a child
process of its own, into a freshly migrated database (a SQLite file, or a PostgreSQL database
``newsroom_abuse`` created afresh), so the peak memory (``ru_maxrss``) is that import's
alone. The first row, a real article, is the reference measured in the same run. Issue #11
sets the bar: any file up to the 10 MB limit imports, or is refused with the reason, in under
30 s and 400 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "eval" / "polnear" / "train"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
MB = 1_000_000
SIZE = 10 * MB - 1_000  # just under the import limit (10,000,000 bytes)


def articles_text(size: int) -> str:
    """Real article text (the seeds, then PolNeAR if it is there), ``size`` characters or more."""
    # PolNeAR's articles when they are there: the seeds end with an appeal to readers, which
    # would end the body at the first copy.
    files = sorted(POLNEAR.glob("*.txt")) if POLNEAR.is_dir() else []
    files = files or sorted((ROOT / "seeds").glob("*.txt"))
    bodies = [f.read_text(encoding="utf-8").split("\n\n", 1)[-1] for f in files]
    bodies = [b.split("\nOriginal url:", 1)[0] for b in bodies]
    out, length = [], 0
    while length < size:
        out.append(bodies[len(out) % len(bodies)])
        length += len(out[-1]) + 2
    return "\n\n".join(out)


def seed() -> str:
    return (ROOT / "seeds" / "000_a14a31d47b36e4a7.txt").read_text(encoding="utf-8")


def page(body_html: str, head_extra: str = "") -> str:
    return (
        "<!doctype html><html><head><title>Bridge opens | Bugle</title>"
        f"{head_extra}</head><body><article><h1>Bridge opens</h1>{body_html}"
        "</article></body></html>"
    )


ARTICLE_HTML = "".join(
    f"<p>The bridge over the river opened on Monday, paragraph {i}, officials said.</p>"
    for i in range(12)
)


def _quotes(n: int, *, per_paragraph: int) -> str:
    lines = [f'"Budget remark {i}," Anna Berg said.' for i in range(n)]
    paragraphs = [" ".join(lines[i : i + per_paragraph]) for i in range(0, n, per_paragraph)]
    return "Budget Talks Go On\n\n" + "\n\n".join(paragraphs) + "\n"


CASES = {
    "reference": ("a real article (seed 000)", ".txt", lambda: seed()),
    "nospace": ("10 MB without a space", ".txt", lambda: "Headline\n\n" + "a" * SIZE),
    "hyphens": (
        "10 MB of hyphen-newlines",
        ".txt",
        lambda: "Headline\n\n" + "ab-\ncd" * (SIZE // 6),
    ),
    "quotes": ("5,000 quotes, one a paragraph", ".txt", lambda: _quotes(5000, per_paragraph=1)),
    "quotes_packed": (
        "5,000 quotes, 100 a paragraph",
        ".txt",
        lambda: _quotes(5000, per_paragraph=100),
    ),
    "long_article": (
        "195 KB of article text",
        ".txt",
        lambda: "A Very Long Read\n\n" + articles_text(195_000)[:195_000],
    ),
    "text_10mb": ("10 MB of article text", ".txt", lambda: articles_text(SIZE)[: SIZE - 20]),
    "random_10mb": (
        "10 MB of random characters",
        ".txt",
        lambda: "".join(random.Random(1).choices('abcdef ABC.,"“”-\n:/<>', k=SIZE))
        .encode()[:SIZE]
        .decode(errors="ignore"),
    ),
    "script_page": (
        "10 MB page, 9.9 MB of inline script",
        ".html",
        lambda: page(ARTICLE_HTML, "<script>var x = '" + "a" * (SIZE - 5_000) + "';</script>"),
    ),
    "element_page": (
        "10 MB page of 900,000 elements",
        ".html",
        lambda: page(ARTICLE_HTML + "<span>word</span> " * ((SIZE - 5_000) // 18)),
    ),
}


def migrated_database(db: str, pg_url: str, workdir: Path) -> str:
    """A freshly migrated database; returns its DATABASE_URL."""
    if db == "sqlite":
        url = f"sqlite:///{workdir / 'abuse.sqlite3'}"
    else:
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "newsroom_abuse"')
            conn.execute('CREATE DATABASE "newsroom_abuse"')
        url = f"{pg_url}/newsroom_abuse"
    env = _env(url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return url


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DEBUG": "1", "DATABASE_URL": url, "SECRET_KEY": "abuse-bench"}


def run_case(name: str, url: str, workdir: Path) -> tuple[float, float, str]:
    """Import the case's file; returns (seconds, peak MB of the import process, outcome)."""
    _label, suffix, make = CASES[name]
    path = workdir / f"{name}{suffix}"
    path.write_text(make(), encoding="utf-8")
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(path)],
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    # This process runs one case (see --one), so its children's peak is the import's.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    path.unlink()
    return seconds, peak_mb, _outcome(child.returncode, out, err)


def _outcome(status: int, out: str, err: str) -> str:
    for line in err.splitlines():
        if ": " in line and not line.startswith("CommandError"):
            return "refused: " + line.split(": ", 1)[1].strip()
    summary = next((ln for ln in out.splitlines() if " files: " in ln), out.strip()[-120:])
    if status == 0:
        created = summary.split("files: ", 1)[-1].split(";")[0]
        quotes = summary.split("people and ")[-1].split(" created")[0]
        return f"imported ({created}; {quotes})"
    return f"exit {status}: {(err or out).strip()[-160:]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="repeatable")
    parser.add_argument("--one", nargs=3, metavar=("DB", "URL", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # one case in a process of its own, so RUSAGE_CHILDREN is that import's
        db, url, name = args.one
        with tempfile.TemporaryDirectory() as tmp:
            seconds, peak, outcome = run_case(name, url, Path(tmp))
        print(f"{seconds:.1f}\t{peak:.0f}\t{outcome}")
        return
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    names = args.case or list(CASES)
    print("| database | case | seconds | peak MB | outcome |")
    print("| --- | --- | ---: | ---: | --- |")
    for db in dbs:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                url = migrated_database(db, args.pg_url, Path(tmp))
            except Exception as exc:  # PostgreSQL not running: say so, go on
                print(f"| {db} | (skipped: {type(exc).__name__}) | | | |")
                continue
            for name in names:
                done = subprocess.run(
                    [sys.executable, __file__, "--one", db, url, name],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    print(f"| {db} | {CASES[name][0]} | | | bench error: {done.stderr[-200:]} |")
                    continue
                seconds, peak, outcome = done.stdout.strip().split("\t", 2)
                print(f"| {db} | {CASES[name][0]} | {seconds} | {peak} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
