"""Public-site benchmark: requests/s and p99 latency of home and an article page under gunicorn.

Usage (from the project root, in the virtual environment):

    python bench/site_bench.py                     # SQLite, page cache off / local memory / Redis
    python bench/site_bench.py --db postgres       # the same on PostgreSQL
    python bench/site_bench.py --duration 5 --connections 8 --articles 100

It builds a fresh database (a temporary SQLite file, or a PostgreSQL database
``newsroom_site_bench`` created afresh), imports ``--articles`` published articles made
from the seeds, then for each cache mode starts gunicorn on 127.0.0.1 and loads it with
``wrk`` (Debian's package) or, when wrk is missing, a small threaded Python client.
Only 127.0.0.1 is ever requested; every run is bounded by ``--duration``. Results are
printed as a table and written to bench/results/site.json (git-ignored).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

# Run as a script, this folder is on sys.path: the import benchmark's helpers are shared.
from import_bench import fresh_database, generate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
MODES = {
    "uncached": {"PUBLIC_PAGE_CACHE_SECONDS": "0"},
    "cached (local memory)": {"PUBLIC_PAGE_CACHE_SECONDS": "600"},
    "cached (Redis)": {
        "PUBLIC_PAGE_CACHE_SECONDS": "600",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    },
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited early; see its output above")
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def run_wrk(url: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p99_ms": p99_ms, "errors": int(errors.group(1)) if errors else 0}


def run_python_client(url: str, duration: int, connections: int) -> dict:
    """Fallback load generator: keep-alive connections in threads, for ``duration`` s."""
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    path = url.split(port, 1)[1]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker():
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {"rps": len(latencies) / duration, "p99_ms": p99 * 1000, "errors": errors[0]}


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    python = sys.executable
    loader = run_wrk if shutil.which("wrk") else run_python_client

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "0",
            "SECRET_KEY": "site-bench-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": fresh_database(
                args.db, args.pg_url, workdir, name="newsroom_site_bench"
            ),
            "LOG_LEVEL": "ERROR",
            # Production serves collected static files with hashed names (WhiteNoise).
            "STATIC_ROOT": str(workdir / "static"),
        }
        env.pop("REDIS_URL", None)
        (workdir / "in").mkdir()
        generate(workdir / "in", args.articles, polnear=False, label="site-bench")
        manage = [python, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        collect = [*manage, "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, env=env, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "import_articles", str(workdir / "in"), "--publish", "-v0"],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )

        results = []
        for mode, extra in MODES.items():
            if "REDIS_URL" in extra and not redis_available():
                print(f"skipping {mode}: no Redis at 127.0.0.1:6379", file=sys.stderr)
                continue
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "newsroom.wsgi:application",
                    "-w",
                    str(args.workers),
                    "-b",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                ],
                env={**env, **extra},
                cwd=ROOT,
            )
            try:
                wait_until_up(base, server)
                home = urllib.request.urlopen(base + "/").read().decode()
                article = re.search(r'<h2><a href="(/\d{4}/\d\d/\d\d/[^"]+/)"', home).group(1)
                for page, path in (("home", "/"), ("article", article)):
                    loader(base + path, 1, args.connections)  # warm up every worker
                    figures = loader(base + path, args.duration, args.connections)
                    results.append({"db": args.db, "mode": mode, "page": page, **figures})
            finally:
                server.terminate()
                server.wait(timeout=30)

    print(
        f"\n{loader.__name__}, {args.workers} gunicorn workers, {args.connections} "
        f"connections, {args.duration} s each, {args.articles} articles, {args.db}"
    )
    print(f"{'mode':<24}{'page':<9}{'requests/s':>12}{'p99 ms':>10}{'errors':>8}")
    for r in results:
        print(f"{r['mode']:<24}{r['page']:<9}{r['rps']:>12.0f}{r['p99_ms']:>10.1f}{r['errors']:>8}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "site.json").write_text(json.dumps(results, indent=2))
    if any(r["errors"] for r in results):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
