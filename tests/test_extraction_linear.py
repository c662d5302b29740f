"""Extraction time grows linearly with the input, whatever the input (issue #11), with Hypothesis.

Each example is a text made of pieces chosen by Hypothesis (quotation marks, hyphens at line
ends, capitalised names, speech verbs, colons, slashes, tags, blank lines, long runs without a
space...), repeated or shuffled, extracted at two sizes. Two properties, both measured against
this process on this machine so that a loaded machine does not make them fail:

- time per KB at the larger size stays within a generous multiple of the time per KB at the
  smaller size (a quadratic step makes it grow with the size ratio, 8 here);
- time per KB stays within a generous multiple of that of real articles, measured in the same
  test.

Speed figures themselves are for bench/ (bench/abuse.py), not for tests.
"""

import functools
import random
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from articles.extraction import ExtractionError, extract_from_text

ROOT = Path(__file__).resolve().parent.parent
SMALL, LARGE = 8_000, 64_000  # characters
GROWTH_BOUND = 4.0  # time per KB may grow 4-fold from SMALL to LARGE (quadratic: 8-fold)
BASELINE_BOUND = 100.0  # and be at most 100 times that of real articles (quadratic: 300+)

PIECES = [
    "said", "told", "Mr.", "John", "Smith", "Anna", "Berg", "the", "a", "Kremlin",
    '"', "“", "”", "«", "»", "''", "``", "'", "-\n", "-", "\n", "\n\n", ". ", ", ", ": ", " ",
    "—", "(", ")", "/", "http://x.org/", "<b>", "</b>", "<", ">", "Dear readers,", "Photo:",
    "aaaaaaaaaaaa", "A.", "1", "According to", "he", "she", "Original url:", "|",
]  # fmt: skip


def build(pieces: list[str], shuffled: bool, seed: int, size: int) -> str:
    """A text of ``size`` characters from ``pieces``: repeated in order, or drawn at random."""
    rnd = random.Random(seed)
    out, length = [], 0
    while length < size:
        piece = rnd.choice(pieces) if shuffled else pieces[len(out) % len(pieces)]
        out.append(piece)
        length += len(piece)
    return "Headline of the day\n\n" + "".join(out)[:size]


def seconds_per_kb(text: str, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            extract_from_text(text, filename="case.txt")
        except ExtractionError:
            pass  # refusing is an answer too; it must be quick like any other
        best = min(best, time.perf_counter() - started)
    return best / (len(text) / 1000)


@functools.cache
def baseline_seconds_per_kb() -> float:
    """Real articles' extraction time per KB, in this process (the first call loads name lists)."""
    return seconds_per_kb(real_articles(LARGE), repeat=3)


def real_articles(size: int) -> str:
    files = sorted((ROOT / "seeds").glob("*.txt"))
    files += sorted((ROOT / "tests/data").glob("varied*/*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    out, length = [], 0
    while length < size:
        text = texts[len(out) % len(texts)]
        out.append(text)
        length += len(text)
    return "\n\n".join(out)


@settings(
    max_examples=8,
    deadline=None,
    # No shrinking: each try costs seconds; the failing example is reported as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8),
    shuffled=st.booleans(),
    seed=st.integers(0, 2**16),
)
# The hot spots of issue #11: a long run without spaces, many hyphen-newlines, many quotes.
@example(pieces=["aaaaaaaaaaaa"], shuffled=False, seed=0)
@example(pieces=["aaaaaaaaaaaa", "-\n"], shuffled=False, seed=0)
@example(pieces=['"', "A.", '"', " ", "John", " ", "said", ". "], shuffled=False, seed=0)
# Many quotes in one long sentence: each looked back at every token for a cue.
@example(pieces=[", ", '"', ">", " ", ". ", "-", ": ", "Photo:", "»"], shuffled=False, seed=0)
def test_extraction_time_per_kb_is_bounded(pieces, shuffled, seed):
    baseline = baseline_seconds_per_kb()
    small = seconds_per_kb(build(pieces, shuffled, seed, SMALL), repeat=3)
    large = seconds_per_kb(build(pieces, shuffled, seed, LARGE), repeat=2)
    # A floor under the small time: a few milliseconds are mostly noise.
    floor = 0.1 / (SMALL / 1000)
    assert large <= GROWTH_BOUND * max(small, floor), (pieces, shuffled, large, small)
    assert large <= BASELINE_BOUND * baseline, (pieces, shuffled, large, baseline)


def test_what_no_article_needs_is_refused_with_the_reason():
    long_text = "Long Read\n\n" + "The minister said the talks went on for hours. " * 5_000
    with pytest.raises(ExtractionError, match="over the 200,000-character limit"):
        extract_from_text(long_text, filename="long.txt")
    with pytest.raises(ExtractionError, match="lines, over the 200,000-line limit"):
        extract_from_text("Headline\n\n" + "ab-\ncd\n" * 120_000, filename="lines.txt")
    page = "<html><body><h1>T</h1>" + "<span>w</span>" * 20_001 + "</body></html>"
    with pytest.raises(ExtractionError, match="20,00[0-9] HTML elements, over the 20,000-element"):
        extract_from_text(page, filename="page.html")
