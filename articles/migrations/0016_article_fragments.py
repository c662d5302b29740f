"""Pre-rendered article pages and API details (articles.fragments), rendered for every
published article now. Rows without one are served by a full render, so a database whose
rows cannot be rendered by this code (migrated forward from long before, past later
changes to the models) skips the backfill and says to run ``manage.py render_fragments``."""

import django.db.models.deletion
from django.db import migrations, models


def render_all(apps, schema_editor):
    from articles.fragments import render_in_migration

    render_in_migration(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_person_public_role"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleFragment",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="fragment",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        help_text="What it was rendered with; another key is not served.",
                        max_length=32,
                    ),
                ),
                ("page_meta", models.TextField(blank=True)),
                ("page_body", models.TextField(blank=True)),
                ("api_body", models.TextField(blank=True)),
                ("changed_at", models.DateTimeField(help_text="The API detail's Last-Modified.")),
                (
                    "article_updated_at",
                    models.DateTimeField(
                        help_text="The article's updated_at when rendered: a row changed since is not served."
                    ),
                ),
                (
                    "people",
                    models.JSONField(
                        blank=True, default=list, help_text="Ids of the people named."
                    ),
                ),
            ],
            options={
                "ordering": ["article"],
            },
        ),
        migrations.RunPython(render_all, migrations.RunPython.noop),
    ]
