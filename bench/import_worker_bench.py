"""Background imports under a killed worker: a 500-file zip through the admin, the worker
killed (SIGKILL) part-way, a new worker started; counts files lost and imported twice.

Usage (from the project root, in the virtual environment):

    python bench/import_worker_bench.py [--db sqlite|postgres] [--files 500] [--kill-after 120]

It builds a fresh database (a temporary SQLite file, or PostgreSQL ``newsroom_bench_worker``),
posts the zip to the admin's upload page through Django's test client (the request's time
is the view's own: storing the files and queueing the task), runs ``manage.py
import_worker`` as a real process, kills it with SIGKILL once ``--kill-after`` files are
done, starts another, and waits for the run to finish. Prints a table and writes
``bench/results/import_worker.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_bench import fresh_database, generate  # noqa: E402


def make_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob("*.txt")):
            archive.write(path, path.name)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--kill-after", type=int, default=120)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsroom-worker-bench-") as tmp:
        workdir = Path(tmp)
        database_url = fresh_database(
            args.db, args.pg_url, workdir, name="newsroom_bench_worker"
        )
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "NEWSROOM_IMPORT_STALE_SECONDS": "3",
            "TASKS_BACKEND": "database",
        }
        os.environ.update(env)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env)

        import django

        django.setup()
        from django.contrib.auth.models import User
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client

        from articles.models import Article, ImportRun, ImportRunFile

        files = workdir / "files"
        files.mkdir()
        generate(files, args.files, label="worker")
        payload = make_zip(files)
        user = User.objects.create_superuser("bench", "bench@example.org", "bench-password")
        client = Client()
        client.force_login(user)
        started = time.perf_counter()
        response = client.post(
            "/admin/articles/importrun/upload/",
            {"files": [SimpleUploadedFile("bench.zip", payload)]},
            HTTP_HOST="127.0.0.1",
        )
        request_seconds = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        run = ImportRun.objects.get()

        def done() -> int:
            return ImportRunFile.objects.filter(run=run).exclude(outcome="pending").count()

        worker = subprocess.Popen([*manage, "import_worker", "-v", "0"], env=env)
        began = time.perf_counter()
        while done() < args.kill_after and worker.poll() is None:
            time.sleep(0.2)
        killed_at = done()
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        second = subprocess.Popen([*manage, "import_worker", "-v", "0"], env=env)
        while ImportRun.objects.get(pk=run.pk).status != ImportRun.Status.FINISHED:
            if time.perf_counter() - began > 600:
                break
            time.sleep(0.5)
        total_seconds = time.perf_counter() - began
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)

        run.refresh_from_db()
        outcomes = list(ImportRunFile.objects.filter(run=run).values_list("outcome", flat=True))
        articles = Article.objects.count()
        distinct_files = Article.objects.values("source_file").distinct().count()
        result = {
            "database": args.db,
            "files": args.files,
            "upload_request_seconds": round(request_seconds, 3),
            "killed_after_files": killed_at,
            "finished": run.status == ImportRun.Status.FINISHED,
            "pending_left": outcomes.count("pending"),
            "files_lost": args.files - articles,
            "files_imported_twice": articles - distinct_files,
            "created": run.created_count,
            "failed": run.failed_count,
            "seconds_to_finish": round(total_seconds, 1),
        }
    out = ROOT / "bench" / "results" / "import_worker.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print("| " + " | ".join(result) + " |")
    print("| " + " | ".join("---" for _ in result) + " |")
    print("| " + " | ".join(str(v) for v in result.values()) + " |")


if __name__ == "__main__":
    main()
