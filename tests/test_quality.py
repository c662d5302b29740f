"""Quality gates on the shared evaluation data.

These run the official scorers from shared/eval on the importer's dry-run JSON,
so a change that makes extraction worse fails CI. They measure quality only;
speed is measured in bench/. Without ../shared/eval beside the project they skip on a
developer's machine and fail in CI (``CI`` set), so a gate never passes by not running.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from articles.extraction.files import load_file
from articles.extraction.html import parse_html
from articles.importing import iter_input_files

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


@pytest.fixture(autouse=True)
def _eval_data():
    if not EVAL.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{EVAL} is missing: the quality gates cannot run, and CI needs them")
        pytest.skip("shared/eval is not beside the project")


def dry_run_json(folder: Path, out: Path) -> Path:
    with out.open("w") as fh:
        for path in iter_input_files([folder]):
            line = load_file(path, max_bytes=10_000_000).extracted.as_json(file=str(path))
            fh.write(json.dumps(line) + "\n")
    return out


def score(gold: Path, pred: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EVAL / "score_extraction.py"), str(gold), str(pred), *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_polnear_test_split_reaches_the_bars(tmp_path):
    """The issue's bars on PolNeAR's test split (reported, never tuned on): quote F1 0.96,
    attribution 0.90."""
    pred = dry_run_json(EVAL / "polnear" / "test", tmp_path / "pred.jsonl")
    summary = score(
        EVAL / "polnear" / "test",
        pred,
        "--quotes-only",
        "--min-attr",
        "0.90",
        "--min-quote-f1",
        "0.96",
    )
    assert summary.strip().splitlines()[-1].startswith("OK")


def test_seeds_score_perfectly_against_gold(tmp_path):
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    pred = dry_run_json(seeds, tmp_path / "pred.jsonl")
    summary = score(
        EVAL / "seeds-gold",
        pred,
        "--min-quote-f1",
        "1.0",
        "--min-attr",
        "1.0",
        "--min-people-f1",
        "1.0",
        "--min-body-f1",
        "1.0",
        "--min-headline",
        "1.0",
        "--max-leaks",
        "0",
    )
    assert "caption 1.000; credit 1.000" in summary


# Pages written for this project to vary what the seeds do not, each with a gold written
# by hand before the extractor first ran on it (see the README, "Extraction quality"):
# folder, then the bars: quote F1, attribution F1, people F1, body F1, leaked lines allowed,
# headline; and whether every caption and credit must be right.
VARIED = [
    ("varied", "0.95", "0.93", "0.97", "0.99", "0", "1.0", True),
    ("varied2", "0.98", "0.94", "0.96", "0.99", "0", "1.0", True),
    ("varied_html", "0.96", "0.94", "0.97", "0.99", "1", "1.0", True),
    # Messy pages (print-to-PDF headers, live blogs, Q&A, dash attributions): not all solved.
    ("varied3", "0.96", "0.92", "0.94", "0.97", "2", "1.0", False),
]


@pytest.mark.parametrize(
    ("folder", "quote", "attr", "people", "body", "leaks", "headline", "photo"), VARIED
)
def test_varied_pages_score_above_their_bars(
    tmp_path, folder, quote, attr, people, body, leaks, headline, photo
):
    varied = Path(__file__).resolve().parent / "data" / folder
    pred = dry_run_json(varied, tmp_path / "pred.jsonl")
    summary = score(
        varied / "gold",
        pred,
        "--min-quote-f1",
        quote,
        "--min-attr",
        attr,
        "--min-people-f1",
        people,
        "--min-body-f1",
        body,
        "--min-headline",
        headline,
        "--max-leaks",
        leaks,
    )
    assert "caption 1.000; credit 1.000" in summary or not photo


def test_html_body_extraction_on_the_benchmark(tmp_path):
    bench = EVAL / "article-extraction-benchmark"
    predictions = {
        page.stem: "\n".join(parse_html(page.read_text(encoding="utf-8")).body)
        for page in sorted((bench / "html").glob("*.html"))
    }
    pred = tmp_path / "bodies.json"
    pred.write_text(json.dumps(predictions))
    result = subprocess.run(
        [sys.executable, str(EVAL / "score_body.py"), str(pred)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    f1 = next(
        float(line.split()[1]) for line in result.stdout.splitlines() if line.startswith("f1")
    )
    assert f1 >= 0.95, result.stdout


# mt-dev: 30 real Moscow Times scrapes with hand-written gold. The bars; a bar not
# yet reached is a strict xfail (reaching it fails the test, so the mark must go), and a
# floor at today's figure keeps every score from sliding back meanwhile.
MT_DEV_BARS = [
    # metric, bar, reached, floor (today)
    ("quoteF1", 0.95, True, 0.95),
    ("attrF1", 0.92, True, 0.92),
    ("peopleF1", 0.92, True, 0.96),
    ("bodyF1", 0.99, True, 0.99),
    ("caption", 0.90, True, 0.93),
    ("credit", 0.90, True, 0.99),
]


@pytest.fixture(scope="module")
def mt_dev_scores(tmp_path_factory):
    if not EVAL.is_dir():
        return None
    pred = dry_run_json(EVAL / "mt-dev", tmp_path_factory.mktemp("mt") / "pred.jsonl")
    summary = score(EVAL / "mt-dev", pred)
    found = {m: float(v) for m, v in re.findall(r"(\w+F1) ([\d.]+)", summary.splitlines()[-1])}
    found.update({m: float(v) for m, v in re.findall(r"(caption|credit) ([\d.]+)", summary)})
    found["leaks"] = int(re.search(r"leaks (\d+)", summary.splitlines()[-1]).group(1))
    return found


@pytest.mark.parametrize(
    ("metric", "bar"),
    [
        pytest.param(m, bar, marks=[] if reached else pytest.mark.xfail(strict=True), id=m)
        for m, bar, reached, _ in MT_DEV_BARS
    ],
)
def test_mt_dev_reaches_the_bar(mt_dev_scores, metric, bar):
    assert mt_dev_scores[metric] >= bar


def test_mt_dev_leaks_no_furniture(mt_dev_scores):
    assert mt_dev_scores["leaks"] == 0


@pytest.mark.parametrize("metric", [m for m, *_ in MT_DEV_BARS])
def test_mt_dev_holds_its_floor(mt_dev_scores, metric):
    floor = next(f for m, _, _, f in MT_DEV_BARS if m == metric)
    assert mt_dev_scores[metric] >= floor
