"""What each extraction rule is worth: how often it fires, and what each score loses without it.

Usage (from the project root, in the virtual environment):

    python bench/rules.py                  # every rule, every data set; prints a Markdown table
    python bench/rules.py --sets mt-dev    # one set
    python bench/rules.py --rules furniture.teaser_list speaker.verb_after_quote

For each data set (the seeds, mt-dev and PolNeAR dev from ../shared/eval, and our own sets
under tests/data) the extractor runs once with every rule on, counting how often each rule
decides something (``rules.fired()``), then once per rule with that rule switched off
(``rules.disabled``). Each run is scored with the shared scorer (score_extraction.py) on the
same dry-run JSON the importer prints. The table shows, per rule, its firings per set and the
change in quote F1, attribution F1, people F1 and body F1 (in points, 0.01 = 1 point) on each
set; a negative change means the rule helps there. No database is touched.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.extraction import rules  # noqa: E402
from articles.extraction.files import load_file  # noqa: E402
from articles.extraction.quotes import extract_quotes  # noqa: E402, F401  (registers its rules)
from articles.extraction.text import parse_text  # noqa: E402, F401  (registers its rules)

EVAL = ROOT.parent / "shared" / "eval"
SETS = {
    "seeds": (ROOT / "seeds", EVAL / "seeds-gold", []),
    "mt-dev": (EVAL / "mt-dev", EVAL / "mt-dev", []),
    "polnear-dev": (EVAL / "polnear" / "dev", EVAL / "polnear" / "dev", ["--quotes-only"]),
    "varied": (ROOT / "tests/data/varied", ROOT / "tests/data/varied/gold", []),
    "varied2": (ROOT / "tests/data/varied2", ROOT / "tests/data/varied2/gold", []),
    "varied_html": (ROOT / "tests/data/varied_html", ROOT / "tests/data/varied_html/gold", []),
    "varied3": (ROOT / "tests/data/varied3", ROOT / "tests/data/varied3/gold", []),
}
METRICS = ("quoteF1", "attrF1", "peopleF1", "bodyF1")


def input_files(folder: Path) -> list[Path]:
    """The folder's article files, as the importer would take them (no gold, no README)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in (".txt", ".html", ".htm") and p.name[0] != "."
    )


def predict(folder: Path, out: Path) -> None:
    with out.open("w") as fh:
        for path in input_files(folder):
            article = load_file(path, max_bytes=10_000_000).extracted
            fh.write(json.dumps(article.as_json(file=str(path))) + "\n")


def score(gold: Path, pred: Path, extra: list[str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, str(EVAL / "score_extraction.py"), str(gold), str(pred), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    last = result.stdout.strip().splitlines()[-1]
    found: dict[str, float] = {}
    parts = last.split()
    for i, part in enumerate(parts[:-1]):
        if part in METRICS:
            found[part] = float(parts[i + 1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--rules", nargs="*", default=None)
    args = parser.parse_args()
    names = args.rules or rules.all_rule_names()
    sets = [s for s in args.sets if SETS[s][0].is_dir()]
    fired: dict[str, dict[str, int]] = {}
    base: dict[str, dict[str, float]] = {}
    delta: dict[tuple[str, str], dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        for name in sets:
            folder, gold, extra = SETS[name]
            rules.reset_fired()
            predict(folder, pred)
            fired[name] = dict(rules.fired())
            base[name] = score(gold, pred, extra)
            for rule in names:
                if not fired[name].get(rule):
                    continue  # a rule that never fired on a set cannot change its scores
                with rules.disabled(rule):
                    predict(folder, pred)
                off = score(gold, pred, extra)
                delta[(rule, name)] = {m: off[m] - base[name][m] for m in off if m in base[name]}
            print(f"{name}: {base[name]}", file=sys.stderr)

    print("| rule | " + " | ".join(f"{s} fired" for s in sets) + " | off: largest losses |")
    print("| --- | " + " | ".join("---:" for _ in sets) + " | --- |")
    for rule in names:
        counts = [str(fired[s].get(rule, 0)) for s in sets]
        losses = []
        for s in sets:
            for metric, change in (delta.get((rule, s)) or {}).items():
                if abs(change) >= 0.0005:
                    losses.append((change, f"{s} {metric} {change * 100:+.1f}"))
        losses.sort()
        shown = ", ".join(text for _, text in losses[:4]) or "no change"
        print(f"| `{rule}` | " + " | ".join(counts) + f" | {shown} |")


if __name__ == "__main__":
    main()
