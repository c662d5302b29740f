"""The word lists: data files read in one place, and each list serving every rule that needs it."""

import tomllib
from pathlib import Path

import pytest

from articles.extraction import extract_from_text, lexicon
from articles.extraction.html import split_caption_credit as html_caption_credit
from articles.extraction.sources import classify_source
from articles.extraction.text import split_caption_credit as text_caption_credit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "articles" / "extraction" / "data"
# Names written in capitals: a line or a sentence's subject in lower case ("dpa") is not
# taken for a name, whichever list it is on.
CAPITALISED = [n for n in lexicon.AGENCIES + lexicon.PHOTO_CREDITS if n[0].isupper()]
ONE_WORD_AGENCIES = [
    name
    for name, tag in lexicon.tagged("agencies").items()
    if " " not in name and tag is None and name[0].isupper()
]


def test_a_list_file_keeps_its_entries_in_order_without_comments_blanks_or_repeats(
    tmp_path, monkeypatch
):
    (tmp_path / "sample.txt").write_text(
        "# What the list is for.\n\nSecond Word\n  first  \n# a note\nSecond Word\n"
        "Bloomberg (surname)\n"
    )
    monkeypatch.setattr(lexicon, "_DATA", tmp_path)
    lexicon.tagged.cache_clear()
    try:
        assert lexicon.entries("sample") == ("Second Word", "first", "Bloomberg")
        assert lexicon.words("sample") == {"second word", "first", "bloomberg"}
        assert lexicon.tagged("sample")["Bloomberg"] == "surname"
        assert lexicon.phrase_pattern("sample") == r"(?:Second\s+Word|first|Bloomberg)"
    finally:
        lexicon.tagged.cache_clear()


def test_every_list_says_what_it_is_for_and_a_build_of_the_project_carries_it():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["articles.extraction"]
    carried = {p for pattern in globs for p in (ROOT / "articles" / "extraction").glob(pattern)}
    files = sorted(DATA.glob("*"))
    assert files and set(files) <= carried
    for path in files:
        assert path.read_text().startswith("# "), f"{path.name} does not say what it is for"
        assert lexicon.entries(path.stem), f"{path.name} is empty"


@pytest.mark.parametrize("name", lexicon.AGENCIES)
def test_every_agency_is_a_source_of_kind_agency(name):
    assert classify_source(name) == "agency"
    assert classify_source(f"the {name.lower()}") == "agency"


@pytest.mark.parametrize("name", CAPITALISED)
def test_every_agency_and_picture_library_after_a_caption_is_its_credit(name):
    line = f"Protesters in Minsk. {name}"
    assert html_caption_credit(line) == ("Protesters in Minsk.", name)
    assert text_caption_credit(line) == ("Protesters in Minsk.", name)


@pytest.mark.parametrize("name", ONE_WORD_AGENCIES)
def test_every_one_word_agency_that_speaks_is_an_organisation(name):
    article = extract_from_text(
        f'Talks in Geneva\n\n"The talks failed," {name} said on Tuesday, citing a diplomat.'
    )
    assert [(q.speaker, q.speaker_type) for q in article.quotes] == [(name, "organization")]
    assert article.people == []


def test_an_agency_named_after_a_person_leaves_the_surname_to_the_person():
    article = extract_from_text(
        "Mayors meet\n\nFormer mayor Michael Bloomberg spoke on Monday in New York.\n\n"
        '"We will win," Bloomberg said.'
    )
    assert [(q.speaker, q.speaker_type) for q in article.quotes] == [
        ("Michael Bloomberg", "person")
    ]
    assert classify_source("Bloomberg") == "agency"
