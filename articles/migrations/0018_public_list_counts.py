"""The unfiltered public lists' counts, kept on write (issue #12; articles.models.PublicCount).

No rows yet: until the first write (or ``manage.py render_fragments``, which the release step
runs) counts them, the lists count their rows per request as before."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_fragment_list_rows"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicCount",
            fields=[
                (
                    "name",
                    models.CharField(
                        choices=[
                            ("articles", "Articles"),
                            ("quotes", "Quotes"),
                            ("people", "People"),
                            ("sources", "Sources"),
                        ],
                        max_length=20,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("count", models.PositiveIntegerField(default=0)),
                (
                    "key",
                    models.CharField(
                        blank=True,
                        help_text="What it was counted under; another is not used.",
                        max_length=40,
                    ),
                ),
                ("counted_at", models.DateTimeField(null=True)),
                (
                    "valid_until",
                    models.DateTimeField(
                        help_text="The time of the next scheduled row not counted yet: from then, count again.",
                        null=True,
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
    ]
