"""The import service: database state after importing, re-importing and failing."""

import re
import shutil

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from articles import importing
from articles.importing import CREATED, FAILED, UNCHANGED, UPDATED, Importer, _Session
from articles.models import Article, Mention, Person, PersonVariant, Quote, Source
from tests.conftest import DATA
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SEED = "003_7cf8419b6963604b.txt"


def import_one(path, **kwargs):
    return Importer(**kwargs).import_path(path)


def test_seeds_import_into_articles_people_quotes_and_sources(seeds_dir):
    importer = Importer()
    outcomes = [importer.import_path(p).outcome for p in sorted(seeds_dir.glob("*.txt"))]
    assert outcomes == [CREATED] * 5
    assert Article.objects.count() == 5
    assert Quote.objects.count() == 25
    # Zelensky (seed 000) and Zelenskiy (seed 004) are one person; Biden and Putin recur.
    assert Person.objects.count() == 12
    zelensky = Person.objects.get(name="Volodymyr Zelensky")  # the first spelling seen
    assert zelensky.articles.count() == 2
    assert "Volodymyr Zelenskiy" in set(zelensky.variants.values_list("name", flat=True))
    assert Person.objects.get(name="Vladimir Putin").articles.count() == 3
    assert Source.objects.get(name__iexact="Kremlin").kind == Source.Kind.GOVERNMENT


def test_imported_articles_are_drafts_unless_published(seeds_dir):
    draft = import_one(seeds_dir / SEED)
    assert Article.objects.get(pk=draft.article_id).status == Article.Status.DRAFT
    live = import_one(seeds_dir / "000_a14a31d47b36e4a7.txt", publish=True)
    article = Article.objects.get(pk=live.article_id)
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published


def test_article_fields_from_a_seed(seeds_dir):
    article = Article.objects.get(pk=import_one(seeds_dir / SEED).article_id)
    assert article.url == (
        "https://www.themoscowtimes.com/2024/07/17/"
        "kremlin-dismisses-claims-that-kharkiv-offensive-failed-a85742"
    )
    assert article.published_at.date().isoformat() == "2024-07-17"
    assert article.byline == "AFP"
    assert article.image_credit == "Russian Defense Ministry / TASS"
    assert "no_headline" in article.flags
    assert article.headline  # derived from the URL, the body kept whole
    assert len(article.paragraphs) == 8
    assert article.raw_input.startswith(" A Russian army serviceman")
    assert len(article.content_hash) == 64
    peskov = Person.objects.get(name="Dmitry Peskov")
    assert Mention.objects.get(article=article, person=peskov).role == "Kremlin spokesman"
    assert article.quotes.filter(speaker=peskov).count() == 3


def test_reimport_creates_nothing_new(seeds_dir):
    importer = Importer()
    for path in sorted(seeds_dir.glob("*.txt")):
        importer.import_path(path)
    counts = (Article.objects.count(), Person.objects.count(), Quote.objects.count())
    again = Importer()
    outcomes = {again.import_path(p).outcome for p in sorted(seeds_dir.glob("*.txt"))}
    assert outcomes == {UNCHANGED}
    assert (Article.objects.count(), Person.objects.count(), Quote.objects.count()) == counts


def test_reimport_keeps_editors_changes(seeds_dir):
    article = Article.objects.get(pk=import_one(seeds_dir / SEED).article_id)
    article.headline = "Kremlin denies Kharkiv offensive failed"
    article.image_caption = "An editor's caption."
    article.save()
    quote = article.quotes.get(text="No, it doesn't.")
    quote.state = Quote.State.VERIFIED
    quote.said_to = "reporters in Moscow"
    quote.save()

    result = import_one(seeds_dir / SEED)

    article.refresh_from_db()
    quote.refresh_from_db()
    assert result.outcome == UNCHANGED
    assert article.headline == "Kremlin denies Kharkiv offensive failed"
    assert article.image_caption == "An editor's caption."
    assert quote.state == Quote.State.VERIFIED
    assert quote.said_to == "reporters in Moscow"


def test_reimport_refreshes_fields_nobody_edited(seeds_dir):
    """A better extractor's output replaces an older extraction an editor never touched."""
    article = Article.objects.get(pk=import_one(seeds_dir / SEED).article_id)
    # Pretend an older extractor got the credit wrong and nobody corrected it.
    article.image_credit = "TASS"
    article.extracted["image_credit"] = "TASS"
    article.save()

    assert import_one(seeds_dir / SEED).outcome == UPDATED

    article.refresh_from_db()
    assert article.image_credit == "Russian Defense Ministry / TASS"


def test_reimport_keeps_quotes_editors_touched_and_drops_stale_ones(seeds_dir):
    article = Article.objects.get(pk=import_one(seeds_dir / SEED).article_id)
    verified = article.quotes.get(text="No, it doesn't.")
    verified.state = Quote.State.VERIFIED
    verified.save()
    # Two quotes an older extractor found and the current one does not.
    kept = Quote.objects.create(
        article=article,
        text="old but verified",
        paragraph=7,
        start=1,
        state=Quote.State.VERIFIED,
        extracted={"text": "old but verified"},
    )
    stale = Quote.objects.create(
        article=article,
        text="old noise",
        paragraph=7,
        start=2,
        extracted={
            "text": "old noise",
            "speaker_id": None,
            "speaker_organization_id": None,
            "kind": "full",
            "paragraph": 7,
            "start": 2,
            "end": 0,
            "sentence": "",
            "said_to": "",
        },
    )
    handmade = Quote.objects.create(
        article=article, text="added by an editor", paragraph=7, start=3
    )

    import_one(seeds_dir / SEED)

    remaining = set(article.quotes.values_list("pk", flat=True))
    assert {verified.pk, kept.pk, handmade.pk} <= remaining
    assert stale.pk not in remaining


def test_people_variants_editors_add_are_matched_by_the_next_import(seeds_dir, tmp_path):
    sullivan = Person.objects.create(name="Jacob Sullivan", slug="jacob-sullivan")
    sullivan.variants.create(name="Jake Sullivan")
    import_one(seeds_dir / "000_a14a31d47b36e4a7.txt")
    assert not Person.objects.filter(name="Jake Sullivan").exists()
    assert sullivan.quotes.count() == 5


def test_a_failing_file_leaves_nothing_behind(seeds_dir, monkeypatch):
    insert_rows = importing.insert_rows

    def explode(model, rows, **kwargs):
        if model is Quote:
            raise IntegrityError("simulated failure while writing quotes")
        return insert_rows(model, rows, **kwargs)

    monkeypatch.setattr(importing, "insert_rows", explode)
    result = import_one(seeds_dir / SEED)
    assert result.outcome == FAILED
    assert "simulated failure" in result.error
    assert Article.objects.count() == 0
    assert Person.objects.count() == 0
    assert Source.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary"),
        (b"   \n\n  \n", "no text"),
    ],
)
def test_bad_files_fail_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = import_one(path)
    assert result.outcome == FAILED
    assert reason in result.error
    assert Article.objects.count() == 0


def test_oversized_file_is_refused(tmp_path, seeds_dir):
    path = tmp_path / "big.txt"
    shutil.copy(seeds_dir / SEED, path)
    result = import_one(path, max_bytes=100)
    assert result.outcome == FAILED
    assert "limit" in result.error


def test_missing_file_is_reported(tmp_path):
    result = import_one(tmp_path / "nope.txt")
    assert result.outcome == FAILED
    assert "no such file" in result.error


def test_nul_bytes_and_markup_never_reach_the_database(tmp_path):
    path = tmp_path / "dirty.txt"
    path.write_bytes(
        b"Minister Says Talks Will Go On\n\n"
        b"Foreign Minister Anna Example said on Monday that talks would continue.\x00\n\n"
        b'"We will keep talking," Example told reporters. <script>alert(1)</script>\n'
    )
    article = Article.objects.get(pk=import_one(path).article_id)
    assert "\x00" not in article.body and "\x00" not in article.raw_input
    # Markup in a text scrape is reduced to its text; the sentence around it stays.
    assert '"We will keep talking," Example told reporters.' in article.body
    assert "<script>" not in article.body


def test_html_page_is_stored_as_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<!doctype html><html><head><title>Mayor Opens Bridge | City News</title>"
        '<meta property="og:site_name" content="City News">'
        '<link rel="canonical" href="https://city.example.com/2023/05/04/mayor-opens-bridge">'
        "</head><body><nav>Home News Sport</nav><article><h1>Mayor Opens Bridge</h1>"
        "<p>The mayor opened the new bridge on Thursday after three years of building work, "
        "saying the city had waited long enough for a crossing over the river.</p>"
        "<p>&quot;This bridge belongs to everyone,&quot; Mayor Jane Doe told the crowd at the "
        "opening ceremony on the east bank of the river.</p></article>"
        "<footer>Copyright City News</footer></body></html>",
        encoding="utf-8",
    )
    article = Article.objects.get(pk=import_one(path).article_id)
    assert article.headline == "Mayor Opens Bridge"
    assert "<p>" not in article.body and "Home News Sport" not in article.body
    assert article.published_at.date().isoformat() == "2023-05-04"
    assert article.source.name == "City News"


def test_one_outlet_seen_by_name_and_by_domain_is_one_source(seeds_dir):
    """Seeds name "The Moscow Times" in their furniture; seed 003 has only its URL."""
    importer = Importer()
    for path in sorted(seeds_dir.glob("*.txt")):
        importer.import_path(path)
    publishers = Source.objects.filter(kind=Source.Kind.PUBLISHER)
    assert [(s.name, s.domain) for s in publishers] == [("The Moscow Times", "themoscowtimes.com")]
    assert Article.objects.filter(source=publishers[0]).count() == 5


def test_imported_rows_get_their_history_before_their_first_change(seeds_dir):
    article = Article.objects.get(pk=import_one(seeds_dir / SEED).article_id)
    quote = article.quotes.get(text="No, it doesn't.")
    assert not article.history.exists() and not quote.history.exists()  # the import is cheap

    imported_headline = article.headline
    article.headline = "Kremlin denies Kharkiv offensive failed"
    article.save()
    created, edited = article.history.order_by("history_date", "history_id")
    assert (created.history_type, created.history_change_reason) == ("+", "import")
    assert created.headline == imported_headline
    change = edited.diff_against(created).changes
    assert [(c.field, c.old, c.new) for c in change] == [
        ("headline", imported_headline, "Kremlin denies Kharkiv offensive failed")
    ]

    quote_id = quote.pk
    quote.delete()
    assert list(
        Quote.history.filter(id=quote_id)
        .order_by("history_id")
        .values_list("history_type", flat=True)
    ) == ["+", "-"]


def test_a_reimport_that_refreshes_an_edited_article_is_in_its_history(seeds_dir):
    article = Article.objects.get(pk=import_one(seeds_dir / SEED).article_id)
    article.image_caption = "An editor's caption."
    article.save()
    # An older extraction of the credit that nobody corrected, now refreshed.
    article.image_credit = "TASS"
    article.extracted["image_credit"] = "TASS"
    article.save()

    import_one(seeds_dir / SEED)

    latest = article.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "import"
    assert latest.image_credit == "Russian Defense Ministry / TASS"
    assert latest.image_caption == "An editor's caption."


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-8-sig"])
def test_other_encodings_are_decoded_not_mangled(tmp_path, encoding):
    text = (
        "Мэр открыл новый мост\n\n"
        "Мэр города Анна Петрова открыла в четверг новый мост через реку после трёх лет "
        "строительства.\n\n"
        "«Этот мост принадлежит всем», — сказала Петрова журналистам на церемонии.\n"
    )
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    article = Article.objects.get(pk=import_one(path).article_id)
    assert article.headline == "Мэр открыл новый мост"
    assert "строительства" in article.body


def test_slugs_stay_unique_past_the_first_candidates():
    from articles.importing import _unique_slugs

    for n in range(1, 13):
        ArticleFactory(slug="same" if n == 1 else f"same-{n}")
    assert _unique_slugs(Article, ["same", "same", "other"]) == ["same-13", "same-14", "other"]


def test_a_bulk_import_makes_cached_pages_stale_once_at_the_end(seeds_dir, monkeypatch):
    from articles import signals

    calls = []
    monkeypatch.setattr(signals, "invalidate_public_pages", lambda: calls.append(1))
    results = Importer(publish=True).import_paths(sorted(seeds_dir.glob("*.txt")), workers=0)
    outcomes = [r.outcome for r in results]
    assert outcomes == [CREATED] * 5
    assert calls == [1]


def test_raw_input_is_kept_as_the_file_had_it(tmp_path):
    text = (
        "Minister Says Talks Will Go On\r\n\r\n"
        "Foreign Minister Anna Example said on Monday that talks would continue.\x00\r\n"
    )
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.encode("utf-8"))
    article = Article.objects.get(pk=import_one(path).article_id)
    assert article.raw_input == text.replace("\x00", "")  # only the NUL is gone
    assert article.body == "Foreign Minister Anna Example said on Monday that talks would continue."


# --- large imports: new articles are written in batches --------------------------------


def copies(seeds_dir, folder, n):
    """``n`` files made from the seeds, each with its own original URL (so each is new)."""
    seeds = sorted(seeds_dir.glob("*.txt"))
    footer = re.compile(r"^Original url:\n(?:\S+\n)+", re.MULTILINE)  # replaced below
    paths = []
    for i in range(n):
        text = footer.sub("", seeds[i % len(seeds)].read_text(encoding="utf-8"))
        path = folder / f"copy_{i:03d}.txt"
        url = f"https://example.org/2024/03/{1 + i % 28:02d}/copy-{i}"
        path.write_text(f"{text.rstrip()}\n\nOriginal url:\n{url}\n", encoding="utf-8")
        paths.append(path)
    return paths


def database_state():
    """Everything an import writes, by natural keys (not ids), sorted."""
    return {
        "articles": sorted(
            Article.objects.values_list(
                "url", "headline", "slug", "body", "image_caption", "byline", "source__name"
            )
        ),
        "people": sorted(Person.objects.values_list("name", "slug", "role", "name_key")),
        "variants": sorted(PersonVariant.objects.values_list("person__name", "name")),
        "mentions": sorted(Mention.objects.values_list("article__slug", "person__name", "role")),
        "quotes": sorted(
            Quote.objects.values_list(
                "article__slug",
                "paragraph",
                "start",
                "text",
                "kind",
                "speaker__name",
                "speaker_organization__name",
                "said_to",
            ),
            key=repr,
        ),
        "related": sorted(
            Article.related.through.objects.values_list("from_article__slug", "to_article__slug")
        ),
        "sources": sorted(Source.objects.values_list("name", "kind", "domain")),
    }


def test_a_batch_writes_exactly_what_one_file_at_a_time_writes(seeds_dir, tmp_path):
    files = copies(seeds_dir, tmp_path, 10) + sorted(seeds_dir.glob("*.txt"))
    files += [
        p for p in sorted((DATA / "scrapes").glob("*.txt")) if p.name != "empty.txt"
    ] + sorted((DATA / "html").glob("*.html"))
    together = list(Importer().import_paths(files, workers=0, batch_size=100))
    state = database_state()
    assert sum(r.outcome == CREATED for r in together) >= 20
    Article.objects.all().delete()
    Person.objects.all().delete()
    Source.objects.all().delete()

    one_by_one = list(Importer().import_paths(files, workers=0, batch_size=1))

    assert [(r.path, r.outcome, r.error) for r in one_by_one] == [
        (r.path, r.outcome, r.error) for r in together
    ]
    assert [(r.people_created, r.quotes_created) for r in one_by_one] == [
        (r.people_created, r.quotes_created) for r in together
    ]
    assert database_state() == state


def test_a_file_the_database_refuses_fails_alone_and_its_batch_still_imports(
    seeds_dir, tmp_path, monkeypatch
):
    files = copies(seeds_dir, tmp_path, 6)
    real = _Session.machine_fields

    def refuse_one(self, item):
        if item.label.endswith("copy_003.txt"):
            raise IntegrityError("simulated refusal")
        return real(self, item)

    monkeypatch.setattr(_Session, "machine_fields", refuse_one)
    results = list(Importer().import_paths(files, workers=0))

    assert [r.outcome for r in results] == [CREATED] * 3 + [FAILED] + [CREATED] * 2
    assert results[3].path.endswith("copy_003.txt")
    assert "simulated refusal" in results[3].error
    assert Article.objects.count() == 5
    assert not Article.objects.filter(url__endswith="/copy-3").exists()
    assert all(a.quotes.exists() for a in Article.objects.all())


def test_results_keep_the_order_of_the_files(seeds_dir, tmp_path):
    files = copies(seeds_dir, tmp_path, 4)
    empty = tmp_path / "copy_001b.txt"
    empty.write_bytes(b"")
    twin = tmp_path / "copy_002b.txt"
    twin.write_bytes(files[2].read_bytes())  # same content: the same article
    order = [files[0], files[1], empty, files[2], twin, files[3]]

    results = list(Importer().import_paths(order, workers=0))

    assert [r.path for r in results] == [str(p) for p in order]
    # The twin is the same article, seen again under another file name (recorded).
    assert [r.outcome for r in results] == [CREATED, CREATED, FAILED, CREATED, UPDATED, CREATED]
    assert results[4].article_id == results[3].article_id
    assert Article.objects.get(pk=results[3].article_id).source_file == twin.name
    assert Article.objects.count() == 4


def test_new_articles_cost_a_few_queries_per_batch_not_per_file(seeds_dir, tmp_path):
    files = copies(seeds_dir, tmp_path, 45)
    importer = Importer()
    list(importer.import_paths(files[:5], workers=0))  # sources and people are known now

    with CaptureQueriesContext(connection) as queries:
        results = list(importer.import_paths(files[5:], workers=0))

    assert [r.outcome for r in results] == [CREATED] * 40
    assert Quote.objects.count() == 45 * 5
    # Finding existing articles, slugs, the inserts and the transaction: not 40 times over
    # (SQLite splits the inserts of articles, mentions, quotes and the sketches' 640 rows by
    # its limit on query parameters: a few more with every column, never one more per file).
    assert len(queries) <= 18, "\n".join(q["sql"][:100] for q in queries)


def test_the_same_words_quoted_twice_survive_a_reimport(tmp_path):
    path = tmp_path / "twice.txt"
    path.write_text(
        "Harbour Talks Stall Again\n\n"
        '"No deal," harbour master Anna Example said on Monday.\n\n'
        '"No deal," Example repeated when asked again on Friday.\n',
        encoding="utf-8",
    )
    first = import_one(path)
    assert Quote.objects.filter(article_id=first.article_id, text="No deal").count() == 2
    again = import_one(path)
    assert again.outcome == UNCHANGED
    assert Quote.objects.filter(article_id=first.article_id, text="No deal").count() == 2


POLNEAR_TRAIN = DATA.parent.parent.parent / "shared" / "eval" / "polnear" / "train"


@pytest.mark.skipif(not POLNEAR_TRAIN.is_dir(), reason="shared/eval is not beside the project")
def test_importing_a_large_varied_folder_again_changes_nothing(tmp_path):
    """Hundreds of real articles whose names overlap ("Ford", "Gerald Ford", "Abu-Laban" and
    "Abu Laban"): the second import must find every person the first one made."""
    files = sorted(POLNEAR_TRAIN.glob("*.txt"))[:300] + sorted((DATA / "varied2").glob("*.txt"))
    list(Importer().import_paths(files, workers=0))
    state = database_state()

    again = list(Importer().import_paths(files, workers=0))

    assert {r.outcome for r in again} == {UNCHANGED}
    assert database_state() == state


def test_long_values_are_stored_whole_and_lz4_compressed_on_postgresql(seeds_dir):
    from articles.importing import _server_has_lz4

    if connection.vendor != "postgresql" or not _server_has_lz4(connection.alias):
        pytest.skip("PostgreSQL built with LZ4 only")
    paths = sorted(seeds_dir.glob("*.txt"))
    results = list(Importer().import_paths(paths[1:], workers=0))  # a batch
    results.append(Importer().import_path(paths[0]))  # a file on its own
    assert {r.outcome for r in results} == {CREATED}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(raw_input), pg_column_compression(body),"
            " pg_column_compression(extracted) FROM articles_article ORDER BY id"
        )
        methods = {m for row in cursor.fetchall() for m in row}
    assert methods - {None} == {"lz4"}
    stored = {a.raw_input for a in Article.objects.all()}
    assert stored == {p.read_text(encoding="utf-8") for p in paths}
