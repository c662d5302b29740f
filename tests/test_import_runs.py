"""Admin uploads are imported in the background, and survive a worker's restart (issue 10 §3).

The upload request only stores the files and queues a task (Django's Tasks API through
django-tasks, database backend); ``manage.py import_worker`` imports them, one file and
its outcome per transaction. A worker killed mid-run leaves the rest pending, and the next
worker resumes the run: no file is lost or imported twice.
"""

import io
import logging
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from articles import import_runs
from articles.importing import Importer
from articles.models import Article, ImportRun, ImportRunFile
from tests.factories import UserFactory

# The worker closes stale connections between tasks, as a real one does: these tests
# commit for real (transaction=True) rather than run inside one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def scrape(n: int) -> bytes:
    return (
        f"Harbour ferry number {n} returns to service\n\n"
        f"The ferry number {n} sailed again on Monday after repairs, the harbour said.\n\n"
        f'"We are glad to have it back," said Maria Example, the harbour director.\n'
    ).encode()


def zip_of(count: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(count):
            archive.writestr(f"ferry-{n:03}.txt", scrape(n))
    return SimpleUploadedFile("ferries.zip", buffer.getvalue())


@pytest.fixture
def editor():
    # A flush between transactional tests drops the migration's groups: a superuser imports.
    return UserFactory(username="chief", is_superuser=True)


@pytest.fixture
def background(settings):
    settings.TASKS = DATABASE_TASKS
    settings.NEWSROOM_IMPORT_STALE_SECONDS = 0
    import_runs.stop_requested.clear()


def run_worker():
    call_command("import_worker", "--batch", verbosity=0)


def test_the_upload_request_only_queues_the_files(client, editor, background):
    client.force_login(editor)
    response = client.post(reverse("admin:articles_importrun_upload"), {"files": [zip_of(5)]})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:articles_importrun_change", args=[run.pk])
    assert run.status == ImportRun.Status.QUEUED and run.task_id
    assert list(run.files.values_list("outcome", flat=True)) == ["pending"] * 5
    assert not Article.objects.exists()
    page = client.get(response.url).content.decode()
    assert "0 of 5 files done" in page
    assert '<meta http-equiv="refresh" content="2">' in page


def test_the_worker_imports_the_run_and_the_page_shows_it_done(client, editor, background):
    client.force_login(editor)
    client.post(reverse("admin:articles_importrun_upload"), {"files": [zip_of(4)]})
    run_worker()

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FINISHED and run.finished_at is not None
    assert (run.files_count, run.created_count, run.failed_count) == (4, 4, 0)
    assert Article.objects.count() == 4
    assert not run.files.exclude(content=None).exists()  # the stored copies are gone
    page = client.get(reverse("admin:articles_importrun_change", args=[run.pk])).content.decode()
    assert "4 of 4 files done" in page
    assert 'http-equiv="refresh"' not in page


def test_a_killed_worker_loses_no_file_and_imports_none_twice(editor, background):
    run = import_runs.queue_uploads(files=[zip_of(6)], by=editor)
    real = Importer.import_loaded
    calls = []

    def dies_on_the_third(self, path, loaded):
        calls.append(path.name)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the process is killed in the middle of a file
        return real(self, path, loaded)

    with mock.patch.object(Importer, "import_loaded", dies_on_the_third):
        run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING
    assert run.files.filter(outcome="created").count() == 2  # the third was rolled back
    assert Article.objects.count() == 2

    run_worker()  # a new worker: the run has gone quiet, so it is resumed

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED
    assert run.created_count == 6 and run.files.filter(outcome="pending").count() == 0
    assert Article.objects.count() == 6
    assert sorted(Article.objects.values_list("source_file", flat=True)) == [
        f"ferry-{n:03}.txt" for n in range(6)
    ]


def test_a_run_whose_task_still_waits_is_not_queued_twice(editor, background):
    run = import_runs.queue_uploads(files=[zip_of(2)], by=editor)
    first_task = run.task_id
    assert import_runs.resume_unfinished_runs() == []
    run.refresh_from_db()
    assert run.task_id == first_task


def test_a_stop_request_finishes_the_current_file_and_leaves_the_rest(editor, background):
    run = import_runs.queue_uploads(files=[zip_of(3)], by=editor)
    real = Importer.import_loaded

    def stop_after_first(self, path, loaded):
        result = real(self, path, loaded)
        import_runs.stop_requested.set()  # SIGTERM arrives while the first file imports
        return result

    with mock.patch.object(Importer, "import_loaded", stop_after_first):
        import_runs.import_pending_files(run_id=run.pk)
    assert list(run.files.order_by("pk").values_list("outcome", flat=True)) == [
        "created",
        "pending",
        "pending",
    ]
    import_runs.stop_requested.clear()
    import_runs.import_pending_files(run_id=run.pk)
    assert ImportRunFile.objects.filter(run=run, outcome="created").count() == 3


def test_the_worker_logs_each_file_under_the_runs_id(editor, background, caplog):
    run = import_runs.queue_uploads(files=[zip_of(2)], by=editor)
    caplog.set_level(logging.INFO, logger="articles.importing")
    import_runs.import_pending_files(run_id=run.pk)
    lines = [r for r in caplog.records if r.name == "articles.importing"]
    assert [(r.file, r.outcome, r.import_run) for r in lines] == [
        ("ferry-000.txt", "created", run.pk),
        ("ferry-001.txt", "created", run.pk),
    ]
    assert {r.request_id for r in lines} == {f"import-run-{run.pk}"}
