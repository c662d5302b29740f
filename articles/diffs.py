"""Word-level differences between two texts, for the history and the edit-conflict pages.

Plain Python, no Django. A one-word fix in a long body shows as that word struck out
and its replacement, with a few words of context either side; long unchanged stretches
are shortened to "…". The result is a list of segments the template escapes and marks up.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

SAME, DELETED, INSERTED = "same", "del", "ins"
# Words and the whitespace after them, so joining the segments gives the text back.
_TOKENS = re.compile(r"\S+\s*|\s+")


def word_diff(old: str, new: str, *, context: int = 8) -> list[tuple[str, str]]:
    """Segments ``(kind, text)`` turning ``old`` into ``new``, word by word.

    ``kind`` is ``"same"``, ``"del"`` or ``"ins"``. Unchanged runs longer than
    ``2 * context`` words keep ``context`` words at each end around a "…"
    (all of it when nothing changed at all).

    >>> word_diff("The minister said talks resume", "The minister said talks will resume")
    [('same', 'The minister said talks '), ('ins', 'will '), ('same', 'resume')]
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    matcher = SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    segments: list[tuple[str, str]] = []
    opcodes = matcher.get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            words = b[j1:j2]
            if len(opcodes) > 1 and len(words) > 2 * context:
                head = words[:context] if index > 0 else []
                tail = words[-context:] if index < len(opcodes) - 1 else []
                words = [*head, "… ", *tail]
            segments.append((SAME, "".join(words)))
            continue
        if i2 > i1:
            segments.append((DELETED, "".join(a[i1:i2])))
        if j2 > j1:
            segments.append((INSERTED, "".join(b[j1:j2])))
    return _merge(segments)


def _merge(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for kind, text in segments:
        if not text:
            continue
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged
