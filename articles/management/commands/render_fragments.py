"""Render the stored fragments of published articles that have none that may be served.

Writes keep them up to date (``articles.fragments``); a deploy that changes the article
page's templates, the confidence floor or the time zone makes every one stale, and those
pages are rendered in full until this runs (the release step runs it after ``migrate``).
It also counts the unfiltered public lists (``articles.models.PublicCount``): a deploy that
changes the confidence floor makes those counts stale too, and a new database has none.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.fragments import BATCH, render_fragments, stale
from articles.publishing import count_public_lists


class Command(BaseCommand):
    help = (
        "Render the pre-rendered article pages and API details that are missing or stale, "
        "and count the public lists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the stale articles, render nothing."
        )

    def handle(self, *, dry_run: bool, verbosity: int, **options):
        ids = stale()
        if dry_run:
            self.stdout.write(f"{len(ids)} article(s) to render.")
            return
        rendered = 0
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():  # one batch at a time: writes go on meanwhile
                rendered += render_fragments(articles=ids[start : start + BATCH])
        count_public_lists()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Rendered {rendered} article(s)."))
