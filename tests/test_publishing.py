"""The editors' service functions: workflow, scheduling, merging, reassigning,
re-running extraction and importing uploads (articles.publishing)."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from articles import publishing
from articles.importing import Importer
from articles.models import Article, ImportRun, Mention, Person, PersonVariant, Quote
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

pytestmark = pytest.mark.django_db

SEED = "003_7cf8419b6963604b.txt"


# --- workflow ------------------------------------------------------------------------


def test_publish_sets_publication_time_and_makes_article_visible(editor):
    article = ArticleFactory(published_at=None)
    before = timezone.now()
    result = publishing.publish(articles=[article], by=editor)
    article.refresh_from_db()
    assert result.changed == [article]
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at >= before
    assert list(Article.objects.published()) == [article]


def test_scheduled_article_is_invisible_until_its_time(editor):
    article = ArticleFactory()
    later = timezone.now() + dt.timedelta(hours=2)
    publishing.schedule(articles=[article], at=later, by=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == later
    assert not article.is_published
    assert not Article.objects.published().exists()
    # Once the time has come, readers see it without anyone touching it again.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - dt.timedelta(1))
    assert Article.objects.published().get() == article


def test_schedule_refuses_a_time_in_the_past(editor):
    article = ArticleFactory()
    with pytest.raises(ValidationError):
        publishing.schedule(articles=[article], at=timezone.now() - dt.timedelta(1), by=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publish_keeps_a_future_time_already_set(editor):
    later = timezone.now() + dt.timedelta(days=1)
    article = ArticleFactory(published_at=later)
    publishing.publish(articles=[article], by=editor)
    article.refresh_from_db()
    assert article.published_at == later
    assert not Article.objects.published().exists()


def test_reporter_cannot_publish_unpublish_or_archive(reporter):
    draft = ArticleFactory()
    live = ArticleFactory(published=True)
    with pytest.raises(PermissionDenied):
        publishing.publish(articles=[draft], by=reporter)
    with pytest.raises(PermissionDenied):
        publishing.unpublish(articles=[live], by=reporter)
    with pytest.raises(PermissionDenied):
        publishing.archive(articles=[live], by=reporter)
    draft.refresh_from_db()
    live.refresh_from_db()
    assert (draft.status, live.status) == (Article.Status.DRAFT, Article.Status.PUBLISHED)


def test_reporter_sends_a_draft_to_review(reporter):
    article = ArticleFactory()
    result = publishing.send_to_review(articles=[article], by=reporter)
    article.refresh_from_db()
    assert result.changed == [article]
    assert article.status == Article.Status.REVIEW
    assert article.history.latest().history_user == reporter


def test_workflow_skips_moves_it_does_not_have(editor):
    draft = ArticleFactory()
    archived = ArticleFactory(status=Article.Status.ARCHIVED, published_at=timezone.now())
    result = publishing.publish(articles=[archived], by=editor)
    assert result.changed == []
    assert "cannot go from Archived to Published" in result.skipped[0][1]
    result = publishing.archive(articles=[draft], by=editor)
    assert result.skipped and not result.changed
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_unpublish_and_archive_take_articles_off_the_site(editor):
    one, two = ArticleFactory(published=True), ArticleFactory(published=True)
    publishing.unpublish(articles=[one], by=editor)
    publishing.archive(articles=[two], by=editor)
    assert not Article.objects.published().exists()
    assert Article.objects.get(pk=one.pk).status == Article.Status.DRAFT
    assert Article.objects.get(pk=two.pk).status == Article.Status.ARCHIVED
    publishing.unpublish(articles=[Article.objects.get(pk=two.pk)], by=editor)
    assert Article.objects.get(pk=two.pk).status == Article.Status.DRAFT


def test_every_status_change_is_in_the_history_with_who_and_why(editor):
    article = ArticleFactory()
    publishing.send_to_review(articles=[article], by=editor)
    publishing.publish(articles=[article], by=editor)
    latest = article.history.latest()
    assert latest.history_user == editor
    assert latest.history_change_reason == "status: published"
    delta = latest.diff_against(latest.prev_record)
    assert {c.field for c in delta.changes} >= {"status", "published_at"}


# --- people and quotes ---------------------------------------------------------------


def test_merge_moves_quotes_mentions_and_names_to_the_survivor(editor):
    survivor = PersonFactory(name="Maria Zakharova", role="")
    other = PersonFactory(name="Masha Zakharova", role="Foreign Ministry spokeswoman")
    PersonVariant.objects.create(person=other, name="M. Zakharova")
    shared, own = ArticleFactory(), ArticleFactory()
    Mention.objects.create(article=shared, person=survivor)
    Mention.objects.create(article=shared, person=other, role="spokeswoman")
    Mention.objects.create(article=own, person=other)
    quote = QuoteFactory(article=own, speaker=other)
    other_pk = other.pk

    result = publishing.merge_people(survivor=survivor, others=[survivor, other], by=editor)

    assert not Person.objects.filter(pk=other_pk).exists()
    quote.refresh_from_db()
    assert quote.speaker == survivor
    assert set(Mention.objects.values_list("article_id", "person_id")) == {
        (shared.pk, survivor.pk),
        (own.pk, survivor.pk),
    }
    assert Mention.objects.get(article=shared).role == "spokeswoman"
    assert set(survivor.variants.values_list("name", flat=True)) == {
        "Masha Zakharova",
        "M. Zakharova",
    }
    survivor.refresh_from_db()
    assert survivor.role == "Foreign Ministry spokeswoman"
    assert (result.quotes_moved, result.mentions_moved) == (1, 1)
    # The merged person is gone but not forgotten.
    gone = Person.history.filter(id=other_pk).latest()
    assert gone.history_type == "-"
    assert gone.history_user == editor


def test_merged_name_is_matched_to_the_survivor_by_the_next_import(editor, tmp_path):
    survivor = PersonFactory(name="Maria Zakharova")
    stray = PersonFactory(name="Masha Zakharova")
    publishing.merge_people(survivor=survivor, others=[stray], by=editor)
    (tmp_path / "story.txt").write_text(
        "Moscow answers the sanctions\n\n"
        "“We will respond,” Masha Zakharova, the Foreign Ministry spokeswoman, said on Monday.\n\n"
        "The ministry gave no details of the measures it was preparing.\n"
    )
    result = Importer().import_path(tmp_path / "story.txt")
    assert result.outcome == "created", result.error
    assert Person.objects.count() == 1
    assert survivor.articles.filter(pk=result.article_id).exists()


def test_reporter_cannot_merge_people(reporter):
    one, two = PersonFactory(), PersonFactory()
    with pytest.raises(PermissionDenied):
        publishing.merge_people(survivor=one, others=[two], by=reporter)
    assert Person.objects.count() == 2


def test_reassign_speaker_moves_quotes_and_mentions_the_new_speaker(editor):
    article = ArticleFactory()
    quotes = QuoteFactory.create_batch(2, article=article)
    peskov = PersonFactory(name="Dmitry Peskov", role="Kremlin spokesman")
    changed = publishing.reassign_speaker(quotes=quotes, speaker=peskov, by=editor)
    assert changed == 2
    assert set(Quote.objects.values_list("speaker_id", flat=True)) == {peskov.pk}
    assert Mention.objects.get(article=article, person=peskov).role == "Kremlin spokesman"


def test_reassign_speaker_to_an_organisation_clears_the_person(editor):
    quote = QuoteFactory()
    kremlin = SourceFactory(name="Kremlin")
    publishing.reassign_speaker(quotes=[quote], organization=kremlin, by=editor)
    quote.refresh_from_db()
    assert (quote.speaker, quote.speaker_organization) == (None, kremlin)
    with pytest.raises(ValidationError):
        publishing.reassign_speaker(quotes=[quote], by=editor)


def test_rejected_quotes_are_never_visible(editor):
    quote = QuoteFactory(article=ArticleFactory(published=True))
    assert list(Quote.objects.visible()) == [quote]
    publishing.set_quote_state(quotes=[quote], state=Quote.State.REJECTED, by=editor)
    assert not Quote.objects.visible().exists()


# --- revert --------------------------------------------------------------------------


def test_reverting_restores_an_earlier_version(editor):
    article = ArticleFactory(headline="Right headline")
    article.headline = "Wrong headline"
    article.save()
    first = article.history.earliest()
    first.instance.save()
    article.refresh_from_db()
    assert article.headline == "Right headline"
    assert article.history.count() == 3


# --- re-run extraction ---------------------------------------------------------------


def test_rerun_extraction_refreshes_machine_fields_and_keeps_edits(editor, seeds_dir):
    result = Importer().import_path(seeds_dir / SEED)
    article = Article.objects.get(pk=result.article_id)
    machine_body = article.body
    article.headline = "An editor's headline"
    article.body = "Broken by a bad extractor."
    article.save()
    # Pretend the extractor once produced a broken body: the snapshot says so too.
    article.extracted["body"] = "Broken by a bad extractor."
    Article.objects.filter(pk=article.pk).update(extracted=article.extracted)
    quote = article.quotes.first()
    quote.state = Quote.State.VERIFIED
    quote.save()

    [outcome] = publishing.rerun_extraction(articles=[article], by=editor)

    article.refresh_from_db()
    assert outcome.outcome == "updated"
    assert article.headline == "An editor's headline"
    assert article.body == machine_body
    assert Quote.objects.get(pk=quote.pk).state == Quote.State.VERIFIED


def test_rerun_extraction_reports_articles_that_were_not_imported(editor):
    article = ArticleFactory(raw_input="")
    [outcome] = publishing.rerun_extraction(articles=[article], by=editor)
    assert outcome.outcome == "failed"
    assert "not imported" in outcome.error


# --- uploads -------------------------------------------------------------------------


def upload(name, data):
    return SimpleUploadedFile(name, data)


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_import_uploads_records_each_file_and_goes_on_after_a_bad_one(editor, seeds_dir):
    good = (seeds_dir / SEED).read_bytes()
    run = publishing.import_uploads(
        files=[upload("empty.txt", b""), upload(SEED, good), upload("photo.jpg", b"\xff\xd8")],
        by=editor,
    )
    files = {f.name: f for f in run.files.all()}
    assert files[SEED].outcome == "created"
    assert files[SEED].article.source_file == SEED
    assert files["empty.txt"].outcome == "failed" and files["empty.txt"].error == "empty file"
    assert files["photo.jpg"].outcome == "failed"
    assert (run.files_count, run.created_count, run.failed_count) == (3, 1, 2)
    assert run.user == editor and run.finished_at is not None
    assert Article.objects.count() == 1

    again = publishing.import_uploads(files=[upload(SEED, good)], by=editor)
    assert again.files.get().outcome == "unchanged"


def test_import_uploads_unpacks_zips_safely(editor, seeds_dir, settings):
    good = (seeds_dir / SEED).read_bytes()
    archive = make_zip(
        {
            "../../etc/evil.txt": good,
            "notes.pdf": b"%PDF",
            "__MACOSX/._evil.txt": b"junk",
            "big.txt": b"x" * (len(good) + 200),
        }
    )
    settings.NEWSROOM_IMPORT_MAX_BYTES = len(good) + 100
    run = publishing.import_uploads(files=[upload("batch.zip", archive)], by=editor)
    outcomes = {f.name: (f.outcome, f.error) for f in run.files.all()}
    assert outcomes["batch.zip/../../etc/evil.txt"][0] == "created"
    assert Article.objects.get().source_file == "evil.txt"
    assert outcomes["batch.zip/notes.pdf"] == ("failed", "not a .txt, .html or .htm file")
    assert outcomes["batch.zip/big.txt"][0] == "failed"
    assert "over the" in outcomes["batch.zip/big.txt"][1]
    assert not any("MACOSX" in name for name in outcomes)


def test_import_uploads_reports_a_broken_zip(editor):
    run = publishing.import_uploads(files=[upload("broken.zip", b"PK not really")], by=editor)
    assert run.files.get().error == "not a valid zip file"
    assert run.failed_count == 1


def test_reporter_cannot_import(reporter):
    with pytest.raises(PermissionDenied):
        publishing.import_uploads(files=[upload("a.txt", b"Headline\n\nBody.")], by=reporter)
    assert not ImportRun.objects.exists()
