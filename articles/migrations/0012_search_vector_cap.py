"""Cap what the article search vector indexes (issue #11), on PostgreSQL only.

A tsvector holds at most 1 MB of lexemes, so a long article (up to the import limit) failed to
save. The trigger of migration 0004 now indexes the headline and the first 200,000 characters
of the body (about 30,000 words, far past any article's opening; at most 800 KB of lexemes even
at four bytes a character). Search still finds an article by its headline and its text up to
there.
"""

from django.db import migrations

INDEXED_BODY_CHARS = 200_000


def trigger_function(body: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION articles_article_search_vector_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english'::regconfig, coalesce(NEW.headline, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, {body}), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """


FORWARD = trigger_function(f"left(coalesce(NEW.body, ''), {INDEXED_BODY_CHARS})")
BACKWARD = trigger_function("coalesce(NEW.body, '')")


def run(statement):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_import_key_and_near_duplicates"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
