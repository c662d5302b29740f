"""Updated scrapes: a paragraph inserted above quotes, a new version without an original URL,
an editor's body kept while the scrape grows; all through ``import_articles``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.extraction.similarity import jaccard, shingles, sketch
from articles.importing import POSSIBLE_VERSION_FLAG, Importer
from articles.models import Article, Quote

pytestmark = pytest.mark.django_db

WITH_URL = "003_7cf8419b6963604b.txt"  # has an "Original url:" footer
WITHOUT_URL = "000_a14a31d47b36e4a7.txt"
ANCHOR = "Russia launched a surprise assault"
INSERTED = (
    "Kremlin officials declined to give casualty figures for the offensive, "
    'saying only that "the operation is going to plan," according to Interfax.\n\n'
)


def quotes_in_place(article):
    """Every quote's words, where the quote says they are in the stored body."""
    paragraphs = article.paragraphs
    return all(
        q.paragraph < len(paragraphs) and paragraphs[q.paragraph][q.start : q.end] == q.text
        for q in article.quotes.all()
    )


def places(article):
    return {q.text: (q.paragraph, q.start) for q in article.quotes.all()}


@pytest.mark.parametrize("edited", [False, True], ids=["untouched", "with-editors-edits"])
def test_an_updated_scrape_with_an_inserted_paragraph_is_imported_again(
    seeds_dir, tmp_path, run_import, edited
):
    path = tmp_path / WITH_URL
    original = (seeds_dir / WITH_URL).read_text()
    path.write_text(original)
    assert run_import(path)[2] is None
    article = Article.objects.get()
    before = places(article)
    verified = article.quotes.get(text="No, it doesn't.")
    if edited:
        verified.state = Quote.State.VERIFIED
        verified.save()
        corrected = article.quotes.exclude(pk=verified.pk).order_by("paragraph").first()
        corrected.said_to = "journalists in Moscow"
        corrected.save()

    assert ANCHOR in original
    path.write_text(original.replace(ANCHOR, INSERTED + ANCHOR, 1))
    out, err, error = run_import(path)

    assert error is None, out + err
    assert "0 articles created, 1 updated" in out, out
    article = Article.objects.get()
    after = places(article)
    # Every quote below the new paragraph moved down one, at the same offset.
    for text, (paragraph, start) in before.items():
        assert after[text] == ((paragraph + 1, start) if paragraph >= 1 else (paragraph, start))
    assert after["the operation is going to plan"] == (1, 89)  # the new paragraph's quote
    assert quotes_in_place(article)
    verified.refresh_from_db()
    assert verified.paragraph == before["No, it doesn't."][0] + 1
    if edited:
        assert verified.state == Quote.State.VERIFIED
        corrected.refresh_from_db()
        assert corrected.said_to == "journalists in Moscow"
        assert corrected.paragraph == before[corrected.text][0] + 1
    # And importing it once more changes nothing.
    assert "0 updated, 1 unchanged" in run_import(path)[0]
    assert places(Article.objects.get()) == after


def test_a_changed_scrape_without_url_updates_its_article(seeds_dir, tmp_path, run_import):
    path = tmp_path / WITHOUT_URL
    original = (seeds_dir / WITHOUT_URL).read_text()
    path.write_text(original)
    run_import(path)
    article = Article.objects.get()
    body = article.paragraphs
    changed = tmp_path / "rescraped.txt"  # another file: nothing but its text ties them
    changed.write_text(original.replace(body[2], body[2] + " It was the third such attack.", 1))

    out, err, error = run_import(changed, "-v", "2")

    assert error is None, out + err
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert "It was the third such attack." in article.body
    assert f"a new version of article {article.pk}" in out
    assert POSSIBLE_VERSION_FLAG not in article.flags
    # Both versions imported again: nothing moves back and forth.
    out, _, _ = run_import(path, changed)
    assert "0 updated, 2 unchanged" in out
    assert Article.objects.count() == 1
    assert "It was the third such attack." in Article.objects.get().body


def test_a_much_changed_scrape_without_url_is_a_new_draft_flagged_for_an_editor(
    seeds_dir, tmp_path, run_import
):
    path = tmp_path / WITHOUT_URL
    original = (seeds_dir / WITHOUT_URL).read_text()
    path.write_text(original)
    run_import(path)
    first = Article.objects.get()
    paragraphs = first.paragraphs
    # Half of the article rewritten: maybe a new version, maybe another story.
    kept = "\n\n".join(paragraphs[: len(paragraphs) // 2 + 1])
    rewritten = "\n\n".join(
        f"Paragraph {i} of a different report on other events entirely, told anew."
        for i in range(len(paragraphs) // 2)
    )
    other = tmp_path / "rewritten.txt"
    other.write_text(f"{kept}\n\n{rewritten}\n")
    similarity = jaccard(shingles(first.body), shingles(f"{kept}\n\n{rewritten}"))
    assert 0.35 <= similarity < 0.7, similarity

    out, err, error = run_import(other, "-v", "2")

    assert error is None, out + err
    second = Article.objects.exclude(pk=first.pk).get()
    assert second.similar_to == first
    assert POSSIBLE_VERSION_FLAG in second.flags
    assert f"possibly a new version of article {first.pk}" in out
    # Imported again, it stays flagged until an editor clears it.
    run_import(other)
    second.refresh_from_db()
    assert POSSIBLE_VERSION_FLAG in second.flags and second.similar_to == first


def test_unrelated_scrapes_without_url_stay_apart(seeds_dir, run_import):
    out, err, error = run_import(
        *[
            seeds_dir / n
            for n in (
                "000_a14a31d47b36e4a7.txt",
                "001_c0ab1a0fcf27bbe9.txt",
                "002_1e5727e7d0a2fbb7.txt",
                "004_5a15858f5304fc93.txt",
            )
        ]
    )
    assert error is None, out + err
    assert Article.objects.count() == 4
    assert not Article.objects.filter(similar_to__isnull=False).exists()


def test_an_appended_paragraph_never_leaves_a_quote_outside_an_editors_body(
    seeds_dir, tmp_path, run_import
):
    path = tmp_path / WITH_URL
    original = (seeds_dir / WITH_URL).read_text()
    path.write_text(original)
    run_import(path)
    article = Article.objects.get()
    # The editor drops the first paragraph and rewrites a quote's paragraph.
    paragraphs = article.paragraphs
    peskov = article.quotes.get(text="No, it doesn't.")
    paragraphs[peskov.paragraph] = "Peskov would not say whether the decision signaled failure."
    article.body = "\n\n".join(paragraphs[1:])
    article.save()
    tail = 'Peskov later added: "We will see the results soon enough." He gave no date.'
    marker = "Original url:"
    assert marker in original
    path.write_text(original.replace(marker, tail + "\n\n" + marker, 1))

    out, err, error = run_import(path)

    assert error is None, out + err
    article = Article.objects.get()
    assert article.body == "\n\n".join(paragraphs[1:])  # the editor's body is kept
    assert quotes_in_place(article)
    assert not article.quotes.filter(text="No, it doesn't.").exists()  # its words are gone
    assert not article.quotes.filter(text="We will see the results soon enough.").exists()
    assert article.quotes.count() >= 3  # the others found in the editor's paragraphs


def test_sketches_of_similar_texts_share_values():
    a = shingles(" ".join(f"word{i}" for i in range(300)))
    b = shingles(" ".join(f"word{i}" for i in range(300) if i != 150))
    c = shingles(" ".join(f"other{i}" for i in range(300)))
    assert len(set(sketch(a)) & set(sketch(b))) >= 12
    assert not set(sketch(a)) & set(sketch(c))
    assert 0.9 < jaccard(a, b) < 1.0


def test_the_admin_lists_and_shows_a_possible_new_version(seeds_dir, tmp_path, admin_client):
    first = Article.objects.create(headline="First", slug="first", import_key="sha256:1")
    second = Article.objects.create(
        headline="Second",
        slug="second",
        import_key="sha256:2",
        similar_to=first,
        flags=[POSSIBLE_VERSION_FLAG],
    )

    listed = admin_client.get("/admin/articles/article/?possible_version=yes")
    page = admin_client.get(f"/admin/articles/article/{second.pk}/change/")

    assert listed.status_code == 200
    assert [a.pk for a in listed.context["cl"].result_list] == [second.pk]
    assert page.status_code == 200
    assert f"/admin/articles/article/{first.pk}/change/" in page.content.decode()


def test_the_similarity_examples_hold():
    import doctest

    from articles.extraction import similarity

    assert doctest.testmod(similarity).failed == 0


def many_quotes(count: int, *, inserted: str = "") -> str:
    lines = [f'"We will rebuild pier {n} by spring," said Mayor Jane Doe.' for n in range(count)]
    url = f"https://example.org/news/harbour-plans-{count}"
    return (
        f"Harbour plans for {count} piers\n\n{inserted}"
        + "\n\n".join(lines)
        + (f"\n\nOriginal url: {url}\n")
    )


def moving_every_quote(tmp_path, count: int) -> int:
    """Import ``count`` quotes, re-import with a paragraph above them all; the queries it took."""
    path = tmp_path / f"harbour-{count}.txt"
    path.write_text(many_quotes(count))
    assert Importer().import_path(path).outcome == "created"
    article = Article.objects.get(headline__endswith=f"{count} piers")
    versions = dict(article.quotes.values_list("pk", "version"))
    path.write_text(many_quotes(count, inserted=INSERTED))
    with CaptureQueriesContext(connection) as queries:
        assert Importer().import_path(path).outcome == "updated"
    article.refresh_from_db()
    assert quotes_in_place(article)
    moved = list(article.quotes.filter(pk__in=versions))
    assert len(moved) == count and {q.paragraph for q in moved} == set(range(1, count + 1))
    # Each moved quote counted one save, with its import recorded as its creation first.
    for quote in moved:
        assert quote.version == versions[quote.pk] + 1
        assert [h.history_type for h in quote.history.order_by("history_date")] == ["+", "~"]
    return len(queries)


def test_moving_every_quote_takes_the_same_queries_whatever_their_number(tmp_path):
    few, many = moving_every_quote(tmp_path, 4), moving_every_quote(tmp_path, 60)
    assert many <= few + 4, (few, many)
