"""Imports from the admin, in the background: store the upload, import it in a task.

An upload becomes an :class:`~articles.models.ImportRun` with one pending
:class:`~articles.models.ImportRunFile` per file (the file's bytes kept on the row
until it is imported), and a task (:func:`articles.tasks.import_run`) is queued.
The web request returns at once; the run's page shows each file's outcome as the
worker records it.

**No file imported twice, none lost.** A worker claims one pending file at a time
(``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL) and imports it and records its
outcome in the same transaction. A worker killed mid-file leaves that file pending
and its transaction rolled back; :func:`resume_unfinished_runs` (run by
``manage.py import_worker`` at start and between tasks) queues the run again once
its worker has shown no sign of life for ``NEWSROOM_IMPORT_STALE_SECONDS``, and the
next worker carries on with the files still pending. Importing is idempotent
besides (the import key), so even a file imported again would change nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from articles.extraction import SUPPORTED_SUFFIXES, ExtractionError
from articles.extraction.files import load_bytes
from articles.importing import FAILED, Importer
from articles.models import ImportRun, ImportRunFile
from newsroom.log import log_context

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser
Outcome = ImportRunFile.Outcome

# Set by the worker on SIGTERM: stop after the file being imported (the rest resumes later).
stop_requested = threading.Event()
# Limits for a .zip uploaded in the admin: a zip bomb must not fill the database.
MAX_ZIP_MEMBERS = 500
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024


# --- queueing an upload --------------------------------------------------------------


def queue_uploads(*, files: Iterable[UploadedFile], by: User | None = None) -> ImportRun:
    """Store uploaded ``.txt``/``.html``/``.htm`` files and ``.zip`` archives as a run.

    Each supported file becomes a pending row; a file refused on sight (wrong type,
    too large, a broken zip) is recorded as failed with the reason. Zip members are
    read safely: base names only, supported suffixes only, count and sizes limited.
    The import task is queued in the same transaction. Returns the run.
    """
    from articles.publishing import check_write  # publishing imports this module's neighbours

    check_write(by=by, action="add", obj=ImportRun())
    max_bytes = settings.NEWSROOM_IMPORT_MAX_BYTES
    with transaction.atomic():
        run = ImportRun.objects.create(
            user=by if getattr(by, "pk", None) else None,
            status=ImportRun.Status.QUEUED,
            heartbeat_at=timezone.now(),
        )
        rows = []
        for upload in files:
            for label, content in read_upload(upload, max_bytes=max_bytes):
                if isinstance(content, bytes):
                    rows.append(
                        ImportRunFile(run=run, name=label, outcome=Outcome.PENDING, content=content)
                    )
                else:
                    rows.append(ImportRunFile(run=run, name=label, outcome=FAILED, error=content))
        ImportRunFile.objects.bulk_create(rows)
        run.files_count = len(rows)
        run.save(update_fields=["files_count"])
        # With the database backend the task is a row of this same transaction: the run and
        # its task are stored together or not at all.
        enqueue(run)
    return run


def enqueue(run: ImportRun) -> None:
    """Queue the task that imports ``run``'s pending files."""
    from articles.tasks import import_run  # the task module imports this one

    result = import_run.enqueue(run.pk)
    run.task_id = str(result.id)[:64]
    ImportRun.objects.filter(pk=run.pk).update(task_id=run.task_id)


def read_upload(upload: UploadedFile, *, max_bytes: int) -> list[tuple[str, bytes | str]]:
    """An upload's files as ``(label, bytes)``, or ``(label, reason)`` for a refused one."""
    name = safe_name(upload.name or "upload")
    if name.lower().endswith(".zip"):
        return _read_zip(upload, max_bytes=max_bytes)
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        return [(name, "not a .txt, .html, .htm or .zip file")]
    if upload.size is not None and upload.size > max_bytes:
        return [(name, f"file is {upload.size:,} bytes, over the {max_bytes:,}-byte limit")]
    data = b"".join(upload.chunks())
    if len(data) > max_bytes:
        return [(name, f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")]
    return [(name, data)]


def safe_name(name: str) -> str:
    """The base name of an uploaded or zipped file, without folders or odd characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = "".join(c if c.isalnum() or c in "._- " else "_" for c in base).strip(" .")
    return cleaned[:200] or "file"


def _read_zip(upload: UploadedFile, *, max_bytes: int) -> list[tuple[str, bytes | str]]:
    zip_name = safe_name(upload.name or "upload.zip")
    try:
        archive = zipfile.ZipFile(upload)
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return [(zip_name, "not a valid zip file")]
    if len(members) > MAX_ZIP_MEMBERS:
        return [(zip_name, f"zip has {len(members):,} files, over the limit of {MAX_ZIP_MEMBERS}")]
    entries: list[tuple[str, bytes | str]] = []
    total = 0
    with archive:
        for member in members:
            label = f"{zip_name}/{member.filename}"[:500]
            if PurePosixPath(member.filename).name.startswith(".") or "__MACOSX" in member.filename:
                continue  # operating-system clutter, not anyone's article
            reason = _refuse_member(member, max_bytes=max_bytes)
            if reason is None:
                total += member.file_size
                if total > MAX_ZIP_TOTAL_BYTES:
                    reason = "zip holds more than the total size limit"
            if reason is not None:
                entries.append((label, reason))
                continue
            try:
                # Read at most one byte past the limit: a header can lie about the size.
                with archive.open(member) as source:
                    data = source.read(max_bytes + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                entries.append((label, f"cannot unpack: {exc}"))
                continue
            if len(data) > max_bytes:
                entries.append((label, f"file is over the {max_bytes:,}-byte limit"))
                continue
            entries.append((label, data))
    return entries


def _refuse_member(member: zipfile.ZipInfo, *, max_bytes: int) -> str | None:
    if Path(safe_name(member.filename)).suffix.lower() not in SUPPORTED_SUFFIXES:
        return "not a .txt, .html or .htm file"
    if member.flag_bits & 0x1:
        return "encrypted zip member"
    if member.file_size > max_bytes:
        return f"file is {member.file_size:,} bytes, over the {max_bytes:,}-byte limit"
    return None


# --- the work: import a run's pending files ------------------------------------------


def import_pending_files(*, run_id: int) -> ImportRun:
    """Import the run's pending files one by one, each with its outcome in one transaction.

    Safe to call for a run another worker is importing: each claims different files.
    Returns the run, finished once no file is pending.
    """
    run = ImportRun.objects.get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.RUNNING, heartbeat_at=timezone.now()
    )
    importer = Importer(run_id=run_id)
    with log_context(f"import-run-{run_id}"):
        _import_pending_rows(run_id, importer)
    return finish(run)


def _import_pending_rows(run_id: int, importer: Importer) -> None:
    while not stop_requested.is_set():
        with transaction.atomic():
            row = (
                ImportRunFile.objects.select_for_update(skip_locked=True)
                .filter(run_id=run_id, outcome=Outcome.PENDING)
                .order_by("pk")
                .first()
            )
            if row is None:
                break
            _import_row(row, importer)
            ImportRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())


def _import_row(row: ImportRunFile, importer: Importer) -> None:
    """Import one stored file and record its outcome (inside the caller's transaction)."""
    name = PurePosixPath(row.name).name
    try:
        loaded = load_bytes(bytes(row.content or b""), name=name, max_bytes=importer.max_bytes)
    except ExtractionError as exc:
        loaded = exc
    result = importer.import_loaded(Path(name), loaded)  # logs the file's line
    row.outcome = result.outcome
    row.article_id = result.article_id
    row.headline = (result.headline or "")[:500]
    row.error = result.error or ""
    row.content = None  # imported: the copy is no longer needed
    row.save(update_fields=["outcome", "article", "headline", "error", "content"])


def finish(run: ImportRun) -> ImportRun:
    """Count the run's outcomes; mark it finished when nothing is pending."""
    counts = dict(
        ImportRunFile.objects.filter(run=run).values_list("outcome").annotate(n=Count("pk"))
    )
    run.files_count = sum(counts.values())
    run.created_count = counts.get(Outcome.CREATED, 0)
    run.updated_count = counts.get(Outcome.UPDATED, 0)
    run.unchanged_count = counts.get(Outcome.UNCHANGED, 0)
    run.failed_count = counts.get(Outcome.FAILED, 0)
    if not counts.get(Outcome.PENDING):
        run.status = ImportRun.Status.FINISHED
        run.finished_at = run.finished_at or timezone.now()
    run.save(
        update_fields=[
            "files_count",
            "created_count",
            "updated_count",
            "unchanged_count",
            "failed_count",
            "status",
            "finished_at",
        ]
    )
    return run


# --- resuming after a worker's restart -----------------------------------------------


def resume_unfinished_runs(*, stale_after: dt.timedelta | None = None) -> list[int]:
    """Queue again every unfinished run whose worker has gone quiet; returns their ids.

    A run is left alone while its task still waits in the queue (it will start) or
    its worker has shown a sign of life within ``stale_after``
    (``NEWSROOM_IMPORT_STALE_SECONDS`` by default).
    """
    from articles.tasks import import_run

    if stale_after is None:
        stale_after = dt.timedelta(seconds=settings.NEWSROOM_IMPORT_STALE_SECONDS)
    quiet_since = timezone.now() - stale_after
    resumed = []
    unfinished = ImportRun.objects.exclude(status=ImportRun.Status.FINISHED).filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lte=quiet_since)
    )
    for run in unfinished:
        if _still_queued(import_run, run.task_id):
            continue
        if not run.files.filter(outcome=Outcome.PENDING).exists():
            finish(run)
            continue
        logger.warning("import run %s: its worker went quiet; queueing it again", run.pk)
        ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
        enqueue(run)
        resumed.append(run.pk)
    return resumed


def _still_queued(task, task_id: str) -> bool:
    if not task_id:
        return False
    try:
        return task.get_result(task_id).status == "READY"
    except Exception:  # noqa: BLE001 - an unknown or pruned result is not waiting
        return False


def run_summary(run: ImportRun) -> dict:
    """Progress for the run's page: files done out of all, and the outcome counts."""
    counts = dict(
        ImportRunFile.objects.filter(run=run).values_list("outcome").annotate(n=Count("pk"))
    )
    total = sum(counts.values())
    pending = counts.get(Outcome.PENDING, 0)
    return {"total": total, "done": total - pending, "pending": pending, "counts": counts}


def as_stream(data: bytes, name: str) -> UploadedFile:
    """Wrap bytes as an uploaded file (for commands and tests that queue files)."""
    return UploadedFile(io.BytesIO(data), name=name, size=len(data))
