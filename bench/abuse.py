"""Hostile and oversized inputs for the importer: seconds, peak memory and outcome per case.

Usage (from the project root, in the virtual environment):

    python bench/abuse.py                   # SQLite and, when it answers, PostgreSQL
    python bench/abuse.py --db sqlite       # one database
    python bench/abuse.py --case nospace    # one case (repeatable)
    python bench/abuse.py --part bars --articles 2000 --rounds 2   # the bars, smaller

Each case writes one file and imports it with ``manage.py import_articles FILE`` in a child
process of its own, into a freshly migrated database (a SQLite file, or a PostgreSQL database
``newsroom_abuse`` created afresh), so the peak memory (``ru_maxrss``) is that import's
alone. The first row, a real article, is the reference measured in the same run. Before the
case "5,000 quotes re-imported" the same article with one quote a paragraph is imported
(untimed), so that the case's file is a new version of it that moves every quote. Issue #11
sets the bar: any file up to the 10 MB limit imports, or is refused with the reason, in under
30 s and 400 MB.

Then the rest of issue #11's bars, each rerun and printed in one summary table (bar, figure,
pass or fail), on PostgreSQL (``--part files`` runs only the per-file table, ``--part bars``
only the bars):

- concurrent imports: bench/concurrent_import.py's contest (4 processes x ``--rounds``);
- updated scrapes: each seed and ``--versions`` PolNeAR files imported, then imported again
  with a paragraph inserted in the middle (tests/test_import_versions.py's paragraph);
- the slowest anonymous API request at ``--articles`` articles (bench/api_bench.py's fill):
  every GET endpoint of the API's schema with hostile parameters (each ordering, 100 a page,
  the last and the deepest numbered page, searches, unknown parameters), in-process through
  Django's test client with the response cache off, each request three times;
- spoofed X-Forwarded-For: tests/test_client_address.py's 50 forged requests against a limit
  of 5, behind no proxy and behind one, in the same filled database;
- Reporter actions on live content: tests/test_live_content_permissions.py run by pytest
  (SQLite), its Reporter cases counted;
- ``check --deploy`` with .env.example's production settings (tests/test_deploy.py's helper).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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


def _quotes(
    n: int, *, per_paragraph: int, topic: str = "Budget", speaker: str = "Anna Berg"
) -> str:
    lines = [f'"{topic} remark {i}," {speaker} said.' for i in range(n)]
    paragraphs = [" ".join(lines[i : i + per_paragraph]) for i in range(0, n, per_paragraph)]
    return f"{topic} Talks Go On\n\n" + "\n\n".join(paragraphs) + "\n"


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
        # Other words and speaker: a new article, not a new version of the one above.
        lambda: _quotes(5000, per_paragraph=100, topic="Harbour", speaker="Olga Lind"),
    ),
    "quotes_moved": (
        "5,000 quotes re-imported, every one moved",
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
        lambda: (
            "".join(random.Random(1).choices('abcdef ABC.,"“”-\n:/<>', k=SIZE))
            .encode()[:SIZE]
            .decode(errors="ignore")
        ),
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


# Imported (untimed) just before a case: the case's file is then a new version of it.
BEFORE = {"quotes_moved": lambda: _quotes(5000, per_paragraph=1)}


def migrated_database(db: str, pg_url: str, workdir: Path) -> str:
    """A freshly migrated database; returns its DATABASE_URL."""
    if db == "sqlite":
        url = f"sqlite:///{workdir / 'abuse.sqlite3'}"
    else:
        from bench.uncached_bench import recreate

        url = f"{pg_url}/newsroom_abuse"
        recreate(url)
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


def import_before(name: str, url: str, workdir: Path) -> None:
    path = workdir / f"{name}_before.txt"
    path.write_text(BEFORE[name](), encoding="utf-8")
    command = [sys.executable, "manage.py", "import_articles", str(path)]
    subprocess.run(command, cwd=ROOT, env=_env(url), check=True, capture_output=True)
    path.unlink()


def _outcome(status: int, out: str, err: str) -> str:
    for line in err.splitlines():
        if " articles.importing " in line:
            continue  # the file's log line, not the command's report of a refusal
        if ": " in line and not line.startswith("CommandError"):
            return "refused: " + line.split(": ", 1)[1].strip()
    summary = next((ln for ln in out.splitlines() if " files: " in ln), out.strip()[-120:])
    if status == 0:
        created = summary.split("files: ", 1)[-1].split(";")[0]
        quotes = summary.split("people and ")[-1].split(" created")[0]
        return f"imported ({created}; {quotes})"
    return f"exit {status}: {(err or out).strip()[-160:]}"


def file_table(dbs: list[str], names: list[str], pg_url: str) -> list[tuple[str, float, float]]:
    """Print the per-file table; returns (case and database, seconds, peak MB) of each case."""
    measured = []
    print("| database | case | seconds | peak MB | outcome |")
    print("| --- | --- | ---: | ---: | --- |")
    for db in dbs:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                url = migrated_database(db, pg_url, Path(tmp))
            except Exception as exc:  # PostgreSQL not running: say so, go on
                print(f"| {db} | (skipped: {type(exc).__name__}) | | | |")
                continue
            for name in names:
                if name in BEFORE:
                    import_before(name, url, Path(tmp))
                done = subprocess.run(
                    [sys.executable, __file__, "--one", db, url, name],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    print(f"| {db} | {CASES[name][0]} | | | bench error: {done.stderr[-200:]} |")
                    measured.append((f"{CASES[name][0]}, {db}", float("inf"), float("inf")))
                    continue
                seconds, peak, outcome = done.stdout.strip().split("\t", 2)
                print(f"| {db} | {CASES[name][0]} | {seconds} | {peak} | {outcome} |", flush=True)
                measured.append((f"{CASES[name][0]}, {db}", float(seconds), float(peak)))
    return measured


# --- the issue's other bars -----------------------------------------------------------------

# Searches a hostile reader might send: a common word, a phrase with alternatives and an
# exclusion, and a long query of many words.
SEARCHES = [
    "minister",
    '"prime minister" or president -russia',
    " ".join(f"word{i}" for i in range(40)),
]
# Parameters no endpoint knows (tracking tags): a 400, never a new cache entry.
UNKNOWN = "utm_source=feed&fbclid=abc123"
RUNS = 3  # each request; the slowest of all is the figure


def bar(name: str, figure: str, passed: bool | None) -> dict:
    return {"bar": name, "figure": figure, "passed": passed}


def child(measure: str, *arguments: str) -> dict:
    """Run ``measure`` in a process of its own (a Django of its own); returns its JSON."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", measure, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-800:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def concurrent_bars(pg_url: str, rounds: int) -> list[dict]:
    from bench import concurrent_import

    files = [str(f) for f in concurrent_import.DEFAULT_FILES]
    r = concurrent_import.run(
        "postgresql", processes=4, rounds=rounds, files=files, pg_url=pg_url, fresh=True
    )
    duplicates = r["duplicate_articles"] + r["duplicate_people"]
    contest = f"4 processes x {rounds} rounds x {len(files)} files, {r['imports']} imports"
    return [
        bar(
            "concurrent import duplicates = 0",
            f"{r['duplicate_articles']} articles, {r['duplicate_people']} people ({contest})",
            duplicates == 0,
        ),
        bar("concurrent import spurious failures = 0", str(len(r["failures"])), not r["failures"]),
    ]


def file_bar(measured: list[tuple[str, float, float]]) -> dict:
    if not measured:
        return bar("10 MB file < 30 s and < 400 MB", "not measured (--part bars)", None)
    slow, seconds, _ = max(measured, key=lambda row: row[1])
    large, _, peak = max(measured, key=lambda row: row[2])
    over = sum(s >= 30 or p >= 400 for _, s, p in measured)
    figure = (
        f"slowest {seconds:.1f} s ({slow}), largest {peak:.0f} MB ({large}); "
        f"{over} of {len(measured)} cases over"
    )
    return bar("10 MB file < 30 s and < 400 MB", figure, not over)


def version_bar(pg_url: str, count: int) -> dict:
    r = child("versions", f"{pg_url}/newsroom_abuse_versions", str(count))
    figure = f"{100 * r['reimported'] / r['files']:.0f} % ({r['reimported']} of {r['files']} files)"
    if r["misses"]:
        figure += "; not: " + ", ".join(r["misses"][:3])
    return bar("updated scrapes re-imported 100 %", figure, r["reimported"] == r["files"])


def api_bars(pg_url: str, articles: int) -> tuple[list[dict], dict]:
    r = child("api", f"{pg_url}/newsroom_abuse_api", str(articles))
    slowest = max(r["requests"], key=lambda row: row["max_ms"])
    errors = [row for row in r["requests"] if any(status >= 500 for status in row["statuses"])]
    figure = (
        f"{slowest['max_ms']:.0f} ms ({slowest['url']}); {len(r['requests'])} requests "
        f"x {RUNS}, {r['counts']['articles']:,} articles, {len(errors)} with a 5xx"
    )
    passed = slowest["max_ms"] < 1000 and not errors and r["counts"]["articles"] >= articles
    spoof = r["spoofed"]
    return [
        bar(f"slowest anonymous API request at {articles:,} articles < 1 s", figure, passed),
        bar(
            "spoofed-header requests past the limit = 0",
            f"{spoof['past']} of {spoof['sent']} (limit {spoof['limit']}, 0 and 1 proxies)",
            spoof["past"] == 0,
        ),
    ], r


def reporter_bar() -> dict:
    """tests/test_permission_matrix.py and tests/test_live_content_permissions.py by pytest
    (SQLite): their failures are Reporter actions that changed live content (or Editors
    refused)."""
    targets = ["tests/test_permission_matrix.py", "tests/test_live_content_permissions.py"]
    target = " and ".join(targets)
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *targets]
        subprocess.run(
            [*command, f"--junitxml={report}"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        cases = ET.parse(report).getroot().iter("testcase")
        outcomes = [
            (case.get("name"), case.find("failure") is None and case.find("error") is None)
            for case in cases
        ]
    as_reporter = [ok for name, ok in outcomes if "reporter" in name.lower()]
    failed = sum(not ok for _, ok in outcomes)
    figure = (
        f"{sum(not ok for ok in as_reporter)} of {len(as_reporter)} Reporter cases "
        f"({failed} of {len(outcomes)} cases failed, {target})"
    )
    return bar(
        "Reporter actions that change live content = 0", figure, bool(outcomes) and not failed
    )


def deploy_bar() -> dict:
    from tests.test_deploy import check_deploy, production_env

    result = check_deploy(production_env())
    output = result.stdout + result.stderr
    found = re.search(r"System check identified (\d+|no) issues?", output)
    issues = 0 if found and found.group(1) == "no" else int(found.group(1)) if found else None
    figure = f"{issues} (.env.example's production settings)" if found else output[-200:]
    return bar("`check --deploy` warnings = 0", figure, result.returncode == 0 and issues == 0)


def summary(bars: list[dict]) -> str:
    lines = ["| bar | measured | pass |", "| --- | --- | --- |"]
    marks = {True: "pass", False: "**FAIL**", None: "not run"}
    lines += [f"| {b['bar']} | {b['figure']} | {marks[b['passed']]} |" for b in bars]
    return "\n".join(lines)


def slowest_table(result: dict, most: int = 8) -> str:
    rows = sorted(result["requests"], key=lambda row: row["max_ms"], reverse=True)[:most]
    lines = [
        f"The {most} slowest of the {len(result['requests'])} API requests "
        f"(ms, {RUNS} runs each; fill {result['counts']['fill_seconds']:.0f} s):",
        "",
        "| request | status | first | median | slowest |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        status = ",".join(map(str, row["statuses"]))
        lines.append(
            f"| `{row['url']}` | {status} | {row['first_ms']:.0f} | {row['median_ms']:.0f} "
            f"| {row['max_ms']:.0f} |"
        )
    return "\n".join(lines)


# --- measured in a child process with Django set up ------------------------------------------


def measure_versions(database_url: str, count: int) -> dict:
    """Import each file, then again with a paragraph inserted in its middle; count the files
    whose second import updated the same article, every quote still on its words."""
    from bench import api_bench
    from bench.uncached_bench import drop, recreate

    recreate(database_url)
    os.environ["NEWSROOM_ENV_FILE"] = ""
    api_bench.setup_django(database_url)
    from django.core.management import call_command
    from django.db import connections

    from articles.importing import UPDATED, Importer
    from articles.models import Article
    from tests.test_import_versions import INSERTED, quotes_in_place

    paths = sorted((ROOT / "seeds").glob("*.txt"))
    paths += sorted(POLNEAR.glob("*.txt"))[:count] if POLNEAR.is_dir() else []
    reimported, misses = 0, []
    try:
        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory() as tmp:
            for source in paths:
                path = Path(tmp) / source.name
                text = source.read_text(encoding="utf-8")
                path.write_text(text, encoding="utf-8")
                first = Importer().import_path(path)
                parts = text.split("\n\n")
                parts.insert(max(2, len(parts) // 2), INSERTED.strip())
                path.write_text("\n\n".join(parts), encoding="utf-8")
                before = Article.objects.count()
                again = Importer().import_path(path)
                article = Article.objects.filter(pk=first.article_id).first()
                if (
                    again.outcome == UPDATED
                    and again.article_id == first.article_id
                    and Article.objects.count() == before
                    and quotes_in_place(article)
                ):
                    reimported += 1
                else:
                    misses.append(f"{source.name}: {again.outcome} {again.error or ''}".strip())
    finally:
        connections.close_all()
        drop(database_url)
    return {"files": len(paths), "reimported": reimported, "misses": misses}


def hostile_requests() -> list[str]:
    """Every GET endpoint of the API's schema with hostile parameters, on its largest rows."""
    from django.db.models import Count
    from drf_spectacular.generators import SchemaGenerator

    from articles.api_plumbing import MAX_NUMBERED_ITEMS, ReaderPagination
    from articles.models import Article, Person, Quote, Source

    article = Article.objects.published().annotate(n=Count("quotes")).order_by("-n", "pk").first()
    slugs = {
        "articles": article.slug,
        "people": Person.objects.order_by("-public_quote_count", "pk").first().slug,
        "sources": Source.objects.order_by("-public_article_count", "pk").first().slug,
    }
    quote = Quote.objects.visible().order_by("pk").first()
    size = ReaderPagination.max_page_size
    urls = ["/api/v1/", "/api/schema/"]
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for template, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        params = {p["name"]: p for p in operations["get"].get("parameters", [])}
        path = template.format(
            slug=slugs.get(template.split("/")[3]),  # /api/v1/<resource>/{slug}/
            id=quote.pk,
            article_slug=slugs["articles"],
            person_slug=slugs["people"],
            source_slug=slugs["sources"],
        )
        urls += [path, f"{path}?{UNKNOWN}"]
        if "page_size" not in params:
            continue
        listed = f"{path}?page_size={size}"
        urls += [listed, f"{listed}&page=last", f"{listed}&page={MAX_NUMBERED_ITEMS // size}"]
        urls.append(f"{listed}&cursor=")
        orderings = params.get("ordering", {}).get("schema", {}).get("items", {}).get("enum", [])
        urls += [f"{listed}&ordering={value}" for value in orderings]
        if "search" in params:
            urls += [f"{listed}&{urlencode({'search': words})}" for words in SEARCHES]
            urls += [f"{listed}&search=minister&ordering={value}" for value in orderings[:1]]
    return urls


def time_requests(urls: list[str]) -> list[dict]:
    from django.test import Client

    client, rows = Client(), []
    for url in urls:
        times, statuses = [], set()
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
        rows.append(
            {
                "url": url,
                "statuses": sorted(statuses),
                "first_ms": times[0],
                "median_ms": statistics.median(times),
                "max_ms": max(times),
            }
        )
    return rows


def spoofed_requests() -> dict:
    """tests/test_client_address.py's forged X-Forwarded-For, behind no proxy and one."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import override_settings

    from tests.test_client_address import LIMIT, allowed

    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": f"{LIMIT}/minute"}}
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    forged = {
        0: [{"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"} for n in range(50)],
        1: [
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"203.0.113.{n}, 198.51.100.7"}
            for n in range(50)
        ],
    }
    past = sent = 0
    for proxies, requests in forged.items():
        cache.clear()
        with override_settings(
            REST_FRAMEWORK=rest, TRUSTED_PROXY_COUNT=proxies, ALLOWED_HOSTS=hosts
        ):
            past += max(0, allowed(requests) - LIMIT)
        sent += len(requests)
    return {"past": past, "sent": sent, "limit": LIMIT}


def measure_api(database_url: str, articles: int) -> dict:
    from bench import api_bench
    from bench.uncached_bench import drop, recreate

    recreate(database_url)
    os.environ["NEWSROOM_ENV_FILE"] = ""
    api_bench.setup_django(database_url)
    from django.conf import settings
    from django.db import connections

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # every request runs its queries
    try:
        started = time.monotonic()
        counts = api_bench.fill(articles)
        counts["fill_seconds"] = time.monotonic() - started
        requests = time_requests(hostile_requests())
        spoofed = spoofed_requests()
    finally:
        connections.close_all()
        drop(database_url)
    return {"counts": counts, "requests": requests, "spoofed": spoofed}


MEASURES = {"versions": measure_versions, "api": measure_api}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="repeatable")
    parser.add_argument(
        "--part", choices=("all", "files", "bars"), default="all", help="what to run"
    )
    parser.add_argument("--rounds", type=int, default=5, help="concurrent import rounds")
    parser.add_argument("--versions", type=int, default=20, help="PolNeAR files re-imported")
    parser.add_argument("--articles", type=int, default=10_000, help="articles for the API")
    parser.add_argument("--one", nargs=3, metavar=("DB", "URL", "CASE"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # one case in a process of its own, so RUSAGE_CHILDREN is that import's
        db, url, name = args.one
        with tempfile.TemporaryDirectory() as tmp:
            seconds, peak, outcome = run_case(name, url, Path(tmp))
        print(f"{seconds:.1f}\t{peak:.0f}\t{outcome}")
        return
    if args.measure:
        name, url, number = args.measure
        print(json.dumps(MEASURES[name](url, int(number))))
        return
    measured = []
    if args.part != "bars":
        dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
        measured = file_table(dbs, args.case or list(CASES), args.pg_url)
    if args.part == "files":
        return
    started, bars, api = time.monotonic(), [], None
    steps = {
        "concurrent imports": lambda: concurrent_bars(args.pg_url, args.rounds),
        "updated scrapes": lambda: [version_bar(args.pg_url, args.versions)],
        "10 MB files": lambda: [file_bar(measured)],
        "API at scale, spoofed headers": lambda: api_bars(args.pg_url, args.articles),
        "Reporter actions": lambda: [reporter_bar()],
        "check --deploy": lambda: [deploy_bar()],
    }
    for name, step in steps.items():
        print(f"measuring: {name}", file=sys.stderr, flush=True)
        try:
            found = step()
        except Exception as exc:  # say which bar could not be measured, and measure the rest
            found = [bar(name, f"bench error: {str(exc).strip().splitlines()[-1]}", False)]
        if isinstance(found, tuple):  # the API's bars and its requests
            found, api = found
        bars += found
    print()
    print(summary(bars))
    if api:
        print()
        print(slowest_table(api))
    print(f"\n(bars measured in {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
