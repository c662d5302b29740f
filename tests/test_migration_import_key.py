"""Migration 0011 on a database the old importer filled: keys, sketches, old duplicates."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0010_public_counts")]
AFTER = [("articles", "0011_import_key_and_near_duplicates")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_existing_articles_get_their_key_and_old_duplicates_are_flagged_not_deleted():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Article = old.get_model("articles", "Article")
    common = {"status": "draft", "extracted": {}, "flags": [], "related_links": []}
    first = Article.objects.create(
        headline="Talks fail",
        slug="a",
        body="The talks failed on Monday.",
        content_hash="h" * 64,
        **common,
    )
    twin = Article.objects.create(
        headline="Talks fail",
        slug="b",
        body="The talks failed on Monday.",
        content_hash="h" * 64,
        **common,
    )
    keyed = Article.objects.create(
        headline="Other", slug="c", url="https://example.org/x", content_hash="k" * 64, **common
    )
    by_hand = Article.objects.create(headline="Made here", slug="d", content_hash="", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Article = new.get_model("articles", "Article")
    Shingle = new.get_model("articles", "Shingle")
    rows = {a.pk: a for a in Article.objects.all()}

    assert rows[first.pk].import_key == "sha256:" + "h" * 64
    assert rows[twin.pk].import_key is None
    assert rows[twin.pk].similar_to_id == first.pk
    assert "duplicate_import" in rows[twin.pk].flags
    assert rows[keyed.pk].import_key == "https://example.org/x"
    assert rows[by_hand.pk].import_key is None
    assert rows[first.pk].imported_hashes == ["h" * 64]
    assert Shingle.objects.filter(article_id=first.pk).count() >= 1
    assert not Shingle.objects.filter(article_id=by_hand.pk).exists()
