"""One pipeline entry for every door, and the rule "a quoted speaker is one of the article's
people" kept once: in the extraction (speakers named in full are listed) and in the importer
(every speaker the quotes name gets a person, the batch and the one-file paths alike)."""

import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from articles import publishing
from articles.extraction import (
    ExtractedArticle,
    ExtractedPerson,
    ExtractedQuote,
    ParsedPage,
    extract_from_text,
    files,
    rules,
)
from articles.extraction.files import LoadedFile
from articles.importing import CREATED, UPDATED, Importer
from articles.models import Article, Mention, Person, Quote

REVIEW = (
    "Theatre Review\n\nThe premiere drew a full house on Friday night in Moscow.\n\n"
    '"The play is a triumph of style over sense," wrote Galina Berman of Moscow.\n'
)


@pytest.mark.django_db
def test_the_json_the_importer_and_rerun_extraction_go_through_one_entry(
    editor, tmp_path, monkeypatch
):
    path = tmp_path / "review.txt"
    path.write_text(REVIEW)
    seen = []

    def spy(text, *, filename=""):
        seen.append(filename)
        return extract_from_text(text, filename=filename)

    monkeypatch.setattr(files, "extract_from_text", spy)
    out = io.StringIO()
    call_command(
        "import_articles", "--dry-run", "--json", "--workers", "0", str(path), stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip
    [result] = Importer().import_paths([path], workers=0)
    article = Article.objects.get(pk=result.article_id)
    [rerun] = publishing.rerun_extraction(articles=[article], by=editor)

    assert seen == ["review.txt"] * 3
    assert rerun.outcome == "unchanged"
    assert json.loads(out.getvalue())["quotes"][0]["speaker"] == "Galina Berman"


def test_a_speaker_named_in_full_is_listed_when_the_people_scan_misses_them():
    with rules.disabled("people.given_name_first"):
        article = extract_from_text(REVIEW)
    assert [q.speaker for q in article.quotes] == ["Galina Berman"]
    assert [p.name for p in article.people] == ["Galina Berman"]
    assert article.speakers_not_listed() == []


def loaded(name: str, speaker: str, *, url: str = "https://example.org/debate") -> LoadedFile:
    """A file whose one quote goes to ``speaker``, a one-word name the people scan left out."""
    body = [f'"Is that right?" {speaker} asked the candidate, Jane Roe, on the stage.']
    extracted = ExtractedArticle(
        page=ParsedPage(headline=f"Debate night with {speaker}", body=body, original_url=url),
        people=[ExtractedPerson(name="Jane Roe", evidence="Jane Roe", rule="people.speaks")],
        quotes=[
            ExtractedQuote(
                text="Is that right?", speaker=speaker, speaker_type="person", kind="full",
                paragraph=0, start=1, end=15,
            )
        ],
    )  # fmt: skip
    raw = "\n\n".join([extracted.page.headline, *body])
    return LoadedFile(
        path=Path(name),
        raw=raw,
        content_hash=hashlib.sha256(raw.encode()).hexdigest(),
        extracted=extracted,
    )


def speaker_of(article_id: int) -> str:
    return Quote.objects.select_related("speaker").get(article_id=article_id).speaker.name


@pytest.mark.django_db
def test_a_one_word_speaker_gets_a_person_but_no_mention_on_every_path():
    importer = Importer()
    # A batch of new articles, written together.
    first, second = importer.import_batch(
        [
            (Path("a.txt"), loaded("a.txt", "Wallace", url="https://example.org/a")),
            (Path("b.txt"), loaded("b.txt", "Baier", url="https://example.org/b")),
        ]
    )
    assert (first.outcome, second.outcome) == (CREATED, CREATED)
    assert first.people_created == 2  # Jane Roe and Wallace
    assert speaker_of(first.article_id) == "Wallace"
    assert speaker_of(second.article_id) == "Baier"
    # The same article again with another speaker: refreshed one file at a time.
    again = importer.import_loaded(
        Path("a.txt"), loaded("a.txt", "Hannity", url="https://example.org/a")
    )
    assert again.outcome == UPDATED
    assert again.people_created == 1
    assert speaker_of(first.article_id) == "Hannity"
    mentioned = Mention.objects.filter(article_id=first.article_id).values_list(
        "person__name", flat=True
    )
    assert list(mentioned) == ["Jane Roe"]
    assert Person.objects.filter(name__in=["Wallace", "Baier", "Hannity"]).count() == 3
