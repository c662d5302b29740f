"""Full-text search indexes, on PostgreSQL only (issue #4; see articles/search.py).

- ``articles_article.search_vector``: a tsvector of the headline (weight A) and body (weight B),
  kept up to date by a trigger on every insert and update, with a GIN index. It is not a model
  field: only PostgreSQL has it, and only ``articles.search`` reads it.
- A GIN expression index on the quotes' words.

SQLite has no full-text search of this kind; there the operations do nothing and
``articles.search`` falls back to substring matching.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector",
    """
    CREATE FUNCTION articles_article_search_vector_update() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english'::regconfig, coalesce(NEW.headline, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(NEW.body, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER articles_article_search_vector_trigger
    BEFORE INSERT OR UPDATE OF headline, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_update()
    """,
    # Fill the rows that exist already (the trigger fires on the no-op update).
    "UPDATE articles_article SET headline = headline",
    "CREATE INDEX articles_article_search_vector_gin ON articles_article USING GIN (search_vector)",
    """
    CREATE INDEX articles_quote_text_search_gin ON articles_quote
    USING GIN (to_tsvector('english'::regconfig, text))
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS articles_quote_text_search_gin",
    "DROP TRIGGER IF EXISTS articles_article_search_vector_trigger ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector_update()",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editor_and_reporter_groups"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
