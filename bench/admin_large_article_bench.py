"""How long an editor waits for a large article's pages in the admin (issue 11 §4).

Usage (from the project root, in the virtual environment; no services needed):

    python bench/admin_large_article_bench.py                 # 500 and 5,000 quotes
    python bench/admin_large_article_bench.py --sizes 500 --reference-sizes 500

A fresh SQLite database in a temporary folder, migrated; one article per size with that many
quotes (``bulk_create``), each in the body where the review screen marks it. With the test
client as an Editor it times, in the same run: the article's change form as it is now (past
``INLINE_LIMIT`` no inline) and the review screen, opened three times each (the best is
shown), and one save of the change form; and as the reference, the change form with the
inlines forced back on (``INLINE_LIMIT`` lifted) for the ``--reference-sizes`` — that form
cannot even be saved past ~135 quotes (``TooManyFieldsSent``). Results: a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_article(n: int):
    from articles.models import Article, Quote

    words = [f"Q{i:05}" for i in range(n)]
    article = Article.objects.create(
        headline=f"An article with {n} quotes", slug=f"quotes-{n}", body=" ".join(words)
    )
    Quote.objects.bulk_create(
        Quote(article=article, text=w, paragraph=0, start=7 * i, end=7 * i + 6)
        for i, w in enumerate(words)
    )
    return article


def best_of(client, url: str, times: int = 3) -> tuple[float, int]:
    best, status = float("inf"), 0
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(url)
        best = min(best, time.perf_counter() - started)
        status = response.status_code
    return best, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--reference-sizes", type=int, nargs="+", default=[500])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        from django.test import Client
        from django.urls import reverse

        from articles import admin as articles_admin
        from tests.admin_forms import browser_form_data
        from tests.factories import UserFactory

        client = Client()
        client.force_login(UserFactory(username="bench-editor", groups=["Editor"]))
        rows = []
        for n in sorted(set(args.sizes) | set(args.reference_sizes)):
            article = make_article(n)
            change = reverse("admin:articles_article_change", args=[article.pk])
            review = reverse("admin:articles_article_review", args=[article.pk])
            if n in args.sizes:
                seconds, status = best_of(client, change)
                rows.append((n, "change form (no inline past the limit)", seconds, status))
                seconds, status = best_of(client, review)
                rows.append((n, "review screen", seconds, status))
                data = browser_form_data(client.get(change).content.decode())
                data["headline"] = [f"An article with {n} quotes, edited"]
                data["_save"] = ["Save"]
                started = time.perf_counter()
                status = client.post(change, data).status_code
                rows.append((n, "save the change form", time.perf_counter() - started, status))
            if n in args.reference_sizes:
                limit = articles_admin.INLINE_LIMIT
                articles_admin.INLINE_LIMIT = n + 1
                try:
                    seconds, status = best_of(client, change, times=1)
                finally:
                    articles_admin.INLINE_LIMIT = limit
                rows.append((n, "reference: change form with every quote inline", seconds, status))
        print("| quotes | page | seconds | status |")
        print("| ---: | --- | ---: | ---: |")
        for n, name, seconds, status in rows:
            print(f"| {n:,} | {name} | {seconds:.2f} | {status} |")


if __name__ == "__main__":
    main()
