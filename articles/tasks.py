"""Background tasks (Django's Tasks API, through the django-tasks backport).

Run by ``manage.py import_worker`` (see ``articles.management.commands.import_worker``).
"""

from django_tasks import task

from articles import import_runs


@task()
def import_run(run_id: int) -> dict:
    """Import the pending files of import run ``run_id``; returns its outcome counts."""
    run = import_runs.import_pending_files(run_id=run_id)
    return {
        "files": run.files_count,
        "created": run.created_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "failed": run.failed_count,
    }
