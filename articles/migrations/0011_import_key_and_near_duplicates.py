"""The unique import key, and the sketches that find a new version of a URL-less scrape.

Existing imported articles get their key (the original URL, else "sha256:" and the
file's hash) and their sketch. Where earlier concurrent imports made two articles of
one file, the first keeps the key and the others are flagged ``duplicate_import`` with
``similar_to`` pointing at it, for an editor to merge or delete; nothing is deleted.
"""

import django.db.models.deletion
from django.db import migrations, models

from articles.extraction.similarity import article_text, shingles, sketch


def fill_keys_and_sketches(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Shingle = apps.get_model("articles", "Shingle")
    owners = {}
    for article in Article.objects.exclude(content_hash="").order_by("pk").iterator():
        key = article.url or f"sha256:{article.content_hash}"
        snapshot = article.extracted or {}
        text = article_text(
            snapshot.get("headline", article.headline),
            snapshot.get("body", article.body).split("\n\n"),
        )
        Shingle.objects.bulk_create(
            Shingle(article_id=article.pk, value=v) for v in sketch(shingles(text))
        )
        if key in owners:
            article.flags = [*article.flags, "duplicate_import"]
            article.similar_to_id = owners[key]
        else:
            owners[key] = article.pk
            article.import_key = key
        article.imported_hashes = [article.content_hash]
        article.save(update_fields=["import_key", "imported_hashes", "flags", "similar_to"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_public_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="Shingle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(db_index=True)),
            ],
            options={
                "ordering": ["article", "value"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="import_key",
            field=models.CharField(blank=True, editable=False, max_length=1000, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="similar_to",
            field=models.ForeignKey(
                blank=True,
                help_text="An article this import may be a new version of (the importer was unsure; see the possible_version flag). Merge or clear it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="import_key",
            field=models.CharField(blank=True, editable=False, max_length=1000, null=True),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="similar_to",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="An article this import may be a new version of (the importer was unsure; see the possible_version flag). Merge or clear it.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="shingle",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="shingles",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="imported_hashes",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The SHA-256 of every file imported into this article (its versions).",
            ),
        ),
        migrations.AddField(
            model_name="historicalarticle",
            name="imported_hashes",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The SHA-256 of every file imported into this article (its versions).",
            ),
        ),
        migrations.RunPython(fill_keys_and_sketches, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("import_key__isnull", False)),
                fields=("import_key",),
                name="unique_article_import_key",
            ),
        ),
    ]
