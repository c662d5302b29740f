"""``manage.py import_articles PATH...``: import news scrapes (.txt, .html, .htm)."""

from __future__ import annotations

import json
import sys
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.extraction import ExtractionError
from articles.extraction.files import default_workers, iter_loaded
from articles.importing import FAILED, Importer, ImportSummary, iter_input_files
from newsroom.log import log_context


class Command(BaseCommand):
    help = (
        "Import news articles from plain-text scrapes and saved HTML pages. PATH may be files or "
        "folders (folders are searched for .txt, .html and .htm). Each file is imported in its own "
        "transaction; re-importing refreshes machine-extracted fields and keeps editors' changes. "
        "Exits non-zero when any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Extract and report, but write nothing."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="With --dry-run: print one JSON object per file (JSON Lines) on stdout.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish newly created articles at once (default: they are drafts).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes that extract while this one writes (default: one per core, at "
            "most 4, for 64 files or more; 0 extracts in this process).",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="Refuse files larger than this (default: NEWSROOM_IMPORT_MAX_BYTES, 10 MB).",
        )

    def handle(self, *args, **options):
        if options["json"] and not options["dry_run"]:
            raise CommandError("--json needs --dry-run (it prints extraction results only).")
        if options["max_bytes"] is not None and options["max_bytes"] <= 0:
            raise CommandError("--max-bytes must be a positive number of bytes.")
        files = list(iter_input_files(options["paths"]))
        if not files:
            raise CommandError("No .txt, .html or .htm files found in the given paths.")
        if options["workers"] is not None and options["workers"] < 0:
            raise CommandError("--workers must be 0 or more.")
        if options["json"]:
            summary = self._print_json(
                files,
                max_bytes=options["max_bytes"] or settings.NEWSROOM_IMPORT_MAX_BYTES,
                workers=options["workers"],
            )
        else:
            # Each file's log line carries this run's id, as a request's lines carry its id.
            with log_context(f"import-{uuid.uuid4().hex[:12]}"):
                summary = self._import(files, options)
        self._report(
            summary,
            to_stderr=options["json"],
            dry_run=options["dry_run"],
            verbosity=options["verbosity"],
        )
        if summary.failures:
            raise CommandError(f"{len(summary.failures)} of {summary.files} files failed.")

    def _progress(self, results, *, total: int, verbosity: int):
        stream = sys.stderr
        if verbosity < 1 or not stream.isatty():
            return results
        from tqdm import tqdm

        return tqdm(results, total=total, unit="file", file=stream, leave=False)

    def _print_json(self, files, *, max_bytes: int, workers: int | None):
        summary = ImportSummary()
        if workers is None:
            workers = default_workers(len(files))
        loaded_files = iter_loaded(files, max_bytes=max_bytes, workers=workers)
        for path, loaded in self._progress(loaded_files, total=len(files), verbosity=1):
            if isinstance(loaded, ExtractionError):
                line = {"file": str(path), "error": str(loaded)}
                summary.add_failure(str(path), str(loaded))
            else:
                line = loaded.extracted.as_json(file=str(path))
                summary.files += 1
            # One line per file as soon as it is ready, so a consumer can stream.
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        return summary

    def _import(self, files, options) -> ImportSummary:
        importer = Importer(
            publish=options["publish"],
            dry_run=options["dry_run"],
            max_bytes=options["max_bytes"],
        )
        summary = ImportSummary()
        verbosity = options["verbosity"]
        results = importer.import_paths(files, workers=options["workers"])
        for result in self._progress(results, total=len(files), verbosity=verbosity):
            summary.add(result)
            if result.outcome == FAILED:
                self.stderr.write(f"{result.path}: {result.error}")
            elif verbosity >= 2:
                self.stdout.write(f"{result.outcome:9} {result.path}: {result.headline}")
            if result.note and verbosity >= 1:
                # Matched by its text, not its key: the operator should know which article.
                self.stdout.write(f"  {result.path}: {result.note}")
        return summary

    def _report(self, summary: ImportSummary, *, to_stderr: bool, dry_run: bool, verbosity: int):
        if verbosity < 1:
            return
        out = self.stderr if to_stderr else self.stdout
        prefix = "Dry run, nothing written. " if dry_run else ""
        if to_stderr:
            counts = f"{summary.files - len(summary.failures)} extracted"
        else:
            counts = (
                f"{summary.created} articles created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged; {summary.people_created} people and "
                f"{summary.quotes_created} quotes created"
            )
        out.write(
            f"{prefix}{summary.files} files: {counts}; {len(summary.failures)} failed.",
            style_func=self.style.SUCCESS if not summary.failures else self.style.WARNING,
        )
        for failure in summary.failures:
            out.write(f"  failed: {failure.path}: {failure.error}", style_func=self.style.ERROR)
