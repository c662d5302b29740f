"""The five seeds end to end through ``import_articles --dry-run --json``, field by field.

The expected values are the gold annotations (tests/data/seeds_gold/, a copy of
shared/eval/seeds-gold). Quote texts are compared as the scorer does: without the
outer marks and trailing punctuation.
"""

import json
import re
from pathlib import Path

import pytest

GOLD = Path(__file__).resolve().parent / "data" / "seeds_gold"
GOLD_FILES = sorted(GOLD.glob("*.json"))
FIELDS = ["headline", "image_caption", "image_credit", "byline", "original_url", "body"]


def norm_quote(text: str) -> str:
    text = text.replace("\u201c", '"').replace("\u201d", '"').strip(" \"'")
    return re.sub(r"[\s.,;:!?\"']+$", "", text)


@pytest.fixture(scope="module")
def predictions(seeds_dir_module):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import_articles",
        str(seeds_dir_module),
        "--dry-run",
        "--json",
        stdout=out,
        stderr=StringIO(),
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return {Path(line["file"]).name: line for line in lines}


@pytest.fixture(scope="module")
def seeds_dir_module():
    return Path(__file__).resolve().parent.parent / "seeds"


def gold_ids():
    return [p.stem for p in GOLD_FILES]


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=gold_ids())
@pytest.mark.parametrize("field", FIELDS)
def test_seed_field_matches_gold(predictions, gold_path, field):
    gold = json.loads(gold_path.read_text())
    assert predictions[gold["file"]][field] == gold[field]


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=gold_ids())
def test_seed_body_has_no_site_furniture(predictions, gold_path):
    gold = json.loads(gold_path.read_text())
    body = "\n".join(predictions[gold["file"]]["body"])
    for line in gold["boilerplate"]:
        assert line not in body


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=gold_ids())
def test_seed_people_and_roles_match_gold(predictions, gold_path):
    gold = json.loads(gold_path.read_text())
    got = {p["name"]: p["role"] for p in predictions[gold["file"]]["people"]}
    assert got == {p["name"]: p["role"] for p in gold["people"]}


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=gold_ids())
def test_seed_quotes_speakers_and_kinds_match_gold(predictions, gold_path):
    gold = json.loads(gold_path.read_text())

    def shape(quotes):
        return sorted(
            (
                norm_quote(q["text"]),
                q["speaker"].removeprefix("the ") if q["speaker"] else None,
                q["speaker_type"],
                q["kind"],
            )
            for q in quotes
        )

    assert shape(predictions[gold["file"]]["quotes"]) == shape(gold["quotes"])
