"""Run the background worker that imports admin uploads (and any other task).

``db_worker`` from django-tasks-db, plus what an import needs to survive a restart:
before each round of tasks it queues again any import run whose worker went quiet
(see ``articles.import_runs``), so a run a killed worker left half done resumes.
"""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from articles.import_runs import resume_unfinished_runs, stop_requested


class Command(BaseCommand):
    help = "Import uploaded files in the background (runs queued tasks; resumes stalled imports)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at the queue."
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued (and resumable), then stop."
        )

    def handle(self, *, interval: float, batch: bool, verbosity: int, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        worker_id = get_random_string(32)
        if verbosity:
            self.stdout.write(f"Import worker {worker_id} started.")
        while not self.stopping:
            close_old_connections()
            resumed = resume_unfinished_runs()
            if resumed and verbosity:
                self.stdout.write(f"Resumed import runs: {', '.join(map(str, resumed))}")
            self.worker = worker = Worker(
                queue_names=[DEFAULT_TASK_QUEUE_NAME],
                interval=0,
                batch=True,  # run everything queued, then come back here
                backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            worker.run()
            if batch:
                break
            time.sleep(interval)
        if verbosity:
            self.stdout.write("Import worker stopped.")

    def _stop(self, signum, frame):
        if self.stopping:
            raise SystemExit(1)  # asked twice: stop now (the file's transaction rolls back)
        # Finish the file being imported (its own transaction), then stop; the run's
        # other files stay pending and resume with the next worker.
        self.stopping = True
        stop_requested.set()
        if getattr(self, "worker", None) is not None:
            self.worker.running = False
