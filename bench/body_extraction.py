"""Benchmark main-content extraction against the article-extraction-benchmark.

Runs our :func:`articles.extraction.html.parse_html` body and, for comparison,
the candidate approaches it was chosen from (trafilatura with several settings,
readability-lxml if installed, a plain ``<p>`` baseline) over the 181 pages of
scrapinghub's article-extraction-benchmark, writes each approach's predictions
(``{NAME: body text}``) as JSON, and prints precision / recall / F1 / accuracy
(the benchmark's shingle metric, via ``score_body.py``) and pages per second.
The ready-made reference outputs in the benchmark's ``predictions/`` folder are
scored too, as anchors.

Usage (from the repository root, venv active)::

    python bench/body_extraction.py                       # all approaches
    python bench/body_extraction.py bench/results/body.json --approach ours
    python bench/body_extraction.py --limit 20 --bootstrap 1000
    python bench/body_extraction.py --page-furniture      # which furniture rules pages get

The first argument is where our predictions go (default
``bench/results/body_predictions.json``); the other approaches are written next
to it as ``<stem>.<approach>.json``. ``bench/results/`` is git-ignored.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.extraction.html import parse_html  # noqa: E402

EVAL_DIR = Path("/work/shared/eval")
DEFAULT_OUTPUT = ROOT / "bench" / "results" / "body_predictions.json"

Extractor = Callable[[str], str]


def extract_ours(html: str) -> str:
    """Our pipeline: ``parse_html(html).body`` joined with newlines."""
    return "\n".join(parse_html(html).body)


def trafilatura_with(**options: bool) -> Extractor:
    """``trafilatura.extract`` (plain text, comments excluded) with extra ``options``."""
    import trafilatura

    def extract(html: str) -> str:
        return trafilatura.extract(html, include_comments=False, **options) or ""

    return extract


def extract_readability(html: str) -> str:
    """readability-lxml's summary (``html_partial=True``) reduced to its text lines."""
    import lxml.html
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    lines = (t.strip() for t in lxml.html.fromstring(summary).itertext())
    return "\n".join(line for line in lines if line)


def extract_p_tags(html: str) -> str:
    """Naive baseline: the text of every ``<p>`` element, one per line (as the reference)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    texts = (p.get_text(" ", strip=True) for p in soup.find_all("p"))
    return "\n".join(t for t in texts if t)


def approaches() -> dict[str, Extractor]:
    """Name -> extractor, ours first; readability-lxml only when it is installed."""
    found: dict[str, Extractor] = {
        "ours": extract_ours,
        "trafilatura": trafilatura_with(),
        "trafilatura-precision": trafilatura_with(favor_precision=True),
        "trafilatura-recall": trafilatura_with(favor_recall=True),
        "trafilatura-no-fallback": trafilatura_with(no_fallback=True),
        "trafilatura-precision-no-fallback": trafilatura_with(
            favor_precision=True, no_fallback=True
        ),
        "p-tags": extract_p_tags,
    }
    if importlib.util.find_spec("readability") is not None:
        found["readability-lxml"] = extract_readability
    return found


def load_scorer(path: Path) -> ModuleType:
    """Import the benchmark's stand-alone ``score_body.py`` from its file."""
    spec = importlib.util.spec_from_file_location("score_body", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(scorer: ModuleType, gold: dict[str, str], predictions: dict[str, str], bootstrap: int):
    """The scorer's summary dict for ``predictions`` over the pages in ``predictions``."""
    names = sorted(predictions)
    rows = [scorer.page_counts(gold[n], predictions.get(n, "")) for n in names]
    summary = scorer.aggregate(rows)
    if bootstrap:
        summary["std"] = scorer.bootstrap_std(rows, bootstrap, 0)
    return summary


def format_row(name: str, summary: dict, pages_per_second: float | None) -> str:
    std = summary.get("std", {})

    def cell(key: str) -> str:
        return f"{summary[key]:.4f}" + (f" ± {std[key]:.3f}" if key in std else "")

    speed = f"{pages_per_second:8.1f}" if pages_per_second else "       -"
    return (
        f"| {name:<38} | {cell('precision')} | {cell('recall')} | {cell('f1')} "
        f"| {cell('accuracy')} | {speed} |"
    )


def page_furniture_table(scorer: ModuleType, gold: dict[str, str], pages: dict[str, str]) -> None:
    """Print our body F1 with each furniture rule added alone to ``page_chrome``.

    How ``text.PAGE_FURNITURE``, the rules the main text of a page runs, was chosen; also
    the F1 with that subset, with ``page_chrome`` alone and with every rule. trafilatura's
    text is computed once per page and reused.
    """
    import trafilatura

    from articles.extraction import html as html_module
    from articles.extraction.text import FURNITURE, PAGE_FURNITURE

    real_extract = trafilatura.extract
    extracted: dict[str, str | None] = {}

    def extract_once(page: str, **options):
        if page not in extracted:
            extracted[page] = real_extract(page, **options)
        return extracted[page]

    names = list(pages)
    every = frozenset(r.name for r in FURNITURE.all())
    subsets = [("page_chrome", frozenset({"page_chrome"}))]
    subsets += [
        (f"page_chrome + {r.name}", frozenset({"page_chrome", r.name}))
        for r in FURNITURE.all()
        if r.name != "page_chrome"
    ]
    subsets += [("PAGE_FURNITURE", PAGE_FURNITURE), ("every furniture rule", every)]
    print("| furniture rules | precision | recall | F1 | accuracy | F1 change |")
    print("| --- | --- | --- | --- | --- | --- |")
    trafilatura.extract = extract_once
    try:
        base = None
        for label, subset in subsets:
            html_module.PAGE_FURNITURE = subset
            predictions = {n: extract_ours(pages[n]) for n in names}
            summary = score(scorer, gold, predictions, 0)
            base = summary["f1"] if base is None else base
            print(
                f"| {label} | {summary['precision']:.4f} | {summary['recall']:.4f} "
                f"| {summary['f1']:.5f} | {summary['accuracy']:.4f} "
                f"| {summary['f1'] - base:+.5f} |",
                flush=True,
            )
    finally:
        trafilatura.extract = real_extract
        html_module.PAGE_FURNITURE = PAGE_FURNITURE


def main(argv: list[str] | None = None) -> int:
    """Run the chosen approaches, write their predictions, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--benchmark", type=Path, default=EVAL_DIR / "article-extraction-benchmark")
    parser.add_argument("--scorer", type=Path, default=EVAL_DIR / "score_body.py")
    parser.add_argument(
        "--approach", action="append", help="run only these (repeatable); default: all"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--bootstrap", type=int, default=0, help="bootstrap resamples for ±std")
    parser.add_argument(
        "--page-furniture",
        action="store_true",
        help="only: our F1 with each furniture rule added to page_chrome",
    )
    args = parser.parse_args(argv)

    scorer = load_scorer(args.scorer)
    gold = scorer.load_ground_truth(args.benchmark / "ground-truth.json")
    names = sorted(gold)[: args.limit or None]
    pages = {n: (args.benchmark / "html" / f"{n}.html").read_text(encoding="utf-8") for n in names}
    if args.page_furniture:
        print(f"{len(names)} pages from {args.benchmark}")
        page_furniture_table(scorer, gold, pages)
        return 0
    available = approaches()
    chosen = args.approach or list(available)
    unknown = sorted(set(chosen) - set(available))
    if unknown:
        raise SystemExit(f"unknown approach(es): {', '.join(unknown)}; know {', '.join(available)}")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    print(f"{len(names)} pages from {args.benchmark}")
    print("| approach | precision | recall | F1 | accuracy | pages/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in chosen:
        extract = available[name]
        predictions: dict[str, str] = {}
        started = time.perf_counter()
        for page_name in names:
            predictions[page_name] = extract(pages[page_name])
        elapsed = time.perf_counter() - started
        path = args.output if name == "ours" else args.output.with_suffix(f".{name}.json")
        path.write_text(json.dumps(predictions, ensure_ascii=False, indent=1), encoding="utf-8")
        summary = score(scorer, gold, predictions, args.bootstrap)
        print(format_row(name, summary, len(names) / elapsed), flush=True)

    for reference in sorted((args.benchmark / "predictions").glob("*.json")):
        predictions = scorer.load_predictions(reference)
        subset = {n: predictions.get(n, "") for n in names}
        summary = score(scorer, gold, subset, args.bootstrap)
        print(format_row(f"reference: {reference.stem}", summary, None))
    print(f"our predictions: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
