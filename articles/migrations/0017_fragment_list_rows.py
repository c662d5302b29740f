"""Pre-rendered list rows (articles.fragments): each published article's item in the API's
article list and its summary on the home page, kept beside its page and API detail, rendered
now for every published article (as 0016 did; a database this code cannot render says to run
``manage.py render_fragments``). The fragments' key changes with them, so rows rendered
before are not served until rendered again."""

from django.db import migrations, models


def render_all(apps, schema_editor):
    from articles.fragments import render_in_migration

    render_in_migration(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_article_fragments"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlefragment",
            name="list_api",
            field=models.TextField(blank=True, help_text="The item's JSON in the API's list."),
        ),
        migrations.AddField(
            model_name="articlefragment",
            name="list_changed_at",
            field=models.DateTimeField(
                help_text="The list item's Last-Modified (the article's, or its source's).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="articlefragment",
            name="list_html",
            field=models.TextField(blank=True, help_text="The item's summary on the home page."),
        ),
        migrations.RunPython(render_all, migrations.RunPython.noop),
    ]
