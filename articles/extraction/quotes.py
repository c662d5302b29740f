"""Find attributed quotations in an article body and say who said them.

Rule-based, plain Python (no Django, no statistical model). The steps:

1. **Quoted stretches** (:func:`find_quoted_spans`): double quotation marks of
   every kind are paired within a paragraph: straight ``"``, curly ``“ ”``,
   guillemets ``« »``, low ``„`` and the doubled apostrophes of some archives
   (``''…''`` and ````…''``). Whether a mark opens or closes is read from the
   characters around it, so reversed curly marks still pair. A quote left open
   at the end of a paragraph ends there (the usual way of continuing a quote
   into the next paragraph). Single marks ``‘ ’`` are not quotations: they are
   headline style, scare quotes and apostrophes.
2. **Attribution** within the sentence: a speech verb right after the quote
   (``"…," Sullivan said`` / ``"…," said Sullivan`` / ``"…," he told CBS``), else
   the nearest speech verb before it (``Peskov said: "…"``, ``Biden said Putin
   would "not stop"``), else one later in the sentence (``"common sense"
   actions…, Jean-Pierre added``). The verb's subject is a person or
   organisation the text names (a :class:`~.people.NameSpan`), a pronoun
   (resolved to the last person who was a subject or a speaker), or a description.
3. **Carry-over**: an unattributed whole-sentence quote belongs to the speaker
   of the quote before it in the same paragraph (a quote broken by its
   attribution), or of the previous paragraph when the quote opens its own
   paragraph (a quote running over several paragraphs).
4. **Labels are dropped**: a fragment in quotation marks with no speech verb
   and no speaker (``designated an "undesirable" organization``) is a scare
   quote or a title, not a quotation.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace

from . import lexicon as lx
from .lexicon import given_name_gender
from .people import NameSpan, Token, description_after, is_title, name_key, scan
from .rules import Registry, note_fired
from .types import ExtractedPerson, ExtractedQuote

_MARK_RE = re.compile(r"``|''|[\"“”«»„‟]")
_OPENERS = frozenset("“«„‟") | {"``"}
_CLOSERS = frozenset("”»")
_OPEN_BEFORE = frozenset(" \t\n([{—–-/“«\"'‘")
_CLOSE_AFTER = frozenset(" \t\n.,;:!?)]}—–-…”»\"'’")
_TRAILING = ",;: \t\n"
_SENTENCE_END = frozenset(".!?…")
_QUOTE = "\x00q"
_PREPOSITIONS = frozenset(
    "on in at of by for with to from after about against into over under than like as "
    "between among without within toward towards upon via behind".split()
)
_DETERMINERS = frozenset(
    "the a an another his her its their our my your this that these those one".split()
)
_SUBJECT_SKIP = (
    lx.AUXILIARIES
    | lx.DAYS_AND_MONTHS
    | frozenset("on last this week month year morning afternoon evening night earlier late".split())
)
_AUDIENCE_STOP = (
    _PREPOSITIONS
    | lx.SPEECH_VERBS
    | lx.DAYS_AND_MONTHS
    | frozenset(
        "that when while where after before as if because during alongside and but or who which "
        "last this".split()
    )
)
_TRANSCRIPT_LABEL = re.compile(r"^(?P<label>[A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}):\s")
_DASHES = frozenset("―—–-")
_AS_SAYING = frozenset("saying telling writing stating adding".split())
_QUOTING = frozenset("quoted cited quotes cites quoting citing".split())
_BRIDGE = frozenset("that a an the it this them him her its his their".split())
_CAP_START = re.compile(r"\W*[A-Z0-9]")
# No sentence of the articles seen runs past 220 tokens (a list of names); longer runs are cut,
# since the speaker rules look across a sentence at each of its names and quotes (issue #11).
_MAX_SENTENCE_TOKENS = 400


# Speakers that hold for a stretch of the article rather than one sentence.
CONTEXT = Registry("speaker_context")


@CONTEXT.rule("digest_intro")
def digest_intro(tokens: list[Token], name_ending_at: dict[int, NameSpan]) -> NameSpan | None:
    """A short paragraph ending in a colon that announces one person's remarks opens a
    digest: the quotations under the subheads that follow are theirs.

    "Here is a selection of Lavrov's comments:" / "Highlights of the mayor's answers:"
    -> the person named before "'s" and a word for remarks.
    """
    if not tokens or tokens[-1].text != ":" or len(tokens) > 30:
        return None
    for k, tok in enumerate(tokens[:-1]):
        if tok.low not in lx.REMARK_NOUNS:
            continue
        for j in (k - 1, k - 2):  # "Lavrov's comments", "Lavrov 's comments"
            if j < 0:
                continue
            m = name_ending_at.get(tokens[j].end)
            if m is None and tokens[j].text.endswith(("'s", "’s")):
                owner = tokens[j].text[:-2]
                m = next((m for m in name_ending_at.values() if m.name.split()[-1] == owner), None)
            if m is not None and m.kind == "person":
                return m
    return None


@CONTEXT.rule("own_pronoun_gender")
def own_pronoun_gender(resolver: _Resolver, frame: _Frame, lo: int, hi: int) -> None:
    """A sentence about one person that refers to them by a pronoun shows their gender,
    whatever the given name suggests elsewhere: "Nino Beridze was detained outside her
    party's headquarters" -> "she" can be Beridze's."""
    if not CONTEXT.enabled("own_pronoun_gender"):
        return
    tokens = frame.tokens
    people = [
        m
        for j in range(lo, hi)
        if (m := frame.name_starting_at.get(tokens[j].start)) is not None and m.kind == "person"
    ]
    if len({m.name for m in people}) != 1:
        return
    after = next(
        j for j in range(lo, hi) if frame.name_starting_at.get(tokens[j].start) is people[0]
    )
    for tok in tokens[after + 1 : hi]:
        if tok.low == _QUOTE:
            return  # a pronoun inside a quote is the speaker's own word, not about them
        gender = _PRONOUN_GENDER.get(tok.low)
        if gender is not None:
            resolver.gender[resolver.person(people[0].name)] = gender
            note_fired("speaker_context.own_pronoun_gender")
            return


_PRONOUN_GENDER = {"she": "f", "her": "f", "hers": "f", "herself": "f", "he": "m", "his": "m"}
_PRONOUN_GENDER |= {"him": "m", "himself": "m"}


@CONTEXT.rule("gender_from_given_name")
def gender_from_given_name(name_parts: list[str]) -> str | None:
    """A pronoun's gender can come from the person's given name, when the list marks one.

    ["Olga", "Smith"] -> "f" ("she said" can be hers); ["Alex", "Smith"] -> None.
    """
    return given_name_gender(name_parts[0])


@dataclass(slots=True)
class QuotedSpan:
    """One quoted stretch: ``start``/``end`` of the words, the marks' outer bounds."""

    start: int
    end: int
    outer_start: int
    outer_end: int
    runs_to_end: bool


# Which quoted stretches are quotations: a paragraph's marks, read as a scrape leaves them.
SPANS = Registry("quote_spans")


def _mark_role(text: str, start: int, end: int) -> str:
    mark = text[start:end]
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    can_open = before in _OPEN_BEFORE
    can_close = after in _CLOSE_AFTER
    if mark in _OPENERS:
        return "close" if (can_close and not can_open) else "open"
    if mark in _CLOSERS:
        return "open" if (can_open and not can_close) else "close"
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return "either"


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """Return the top-level quoted stretches of one paragraph, in order.

    ``start``/``end`` delimit the quoted words with surrounding blanks and a
    trailing comma, semicolon or colon trimmed (a full stop stays). Stretches
    without a letter or digit are skipped.
    """
    spans: list[QuotedSpan] = []
    open_at: tuple[int, int] | None = None
    depth = 0
    for m in _MARK_RE.finditer(text):
        role = _mark_role(text, m.start(), m.end())
        if open_at is None:
            if role != "close":
                open_at = (m.start(), m.end())
            elif not spans and lost_opening_mark(text, m.start()):
                _add_span(spans, text, (0, 0), m.start(), m.end(), runs_to_end=False)
            continue
        if role == "open":
            depth += 1
            continue
        if depth:
            depth -= 1
            continue
        _add_span(spans, text, open_at, m.start(), m.end(), runs_to_end=False)
        open_at = None
    if open_at is not None:
        _add_span(spans, text, open_at, len(text), len(text), runs_to_end=True)
    return spans


@SPANS.rule("lost_opening_mark")
def lost_opening_mark(text: str, close: int) -> bool:
    """Whether a paragraph's first mark closes a quotation that opened at the paragraph's
    start, its opening mark lost in the scrape: 'We know that they hacked it,” Clinton
    said.' A closer after a sentence's punctuation, with no mark before it, ends words that
    began with a capital, when the sentence goes on to say who spoke (a closer ending the
    paragraph more often ends a quotation that opened a line or a paragraph before). A
    mark after two or three words is more often a misplaced opener: 'He says,” there…'."""
    if not SPANS.enabled("lost_opening_mark"):
        return False
    goes_on = any(c.isalpha() for c in text[close + 1 : close + 40])
    words = text[:close].count(" ") + 1
    lost = words > 3 and text[close - 1] in ",.?!" and text[:1].isupper() and goes_on
    if lost:
        note_fired("quote_spans.lost_opening_mark")
    return lost


def _add_span(
    spans: list[QuotedSpan],
    text: str,
    opener: tuple[int, int],
    close: int,
    outer_end: int,
    *,
    runs_to_end: bool,
) -> None:
    start, end = opener[1], close
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    if any(c.isalnum() for c in text[start:end]):
        spans.append(QuotedSpan(start, end, opener[0], outer_end, runs_to_end))


# ---------------------------------------------------------------------------
# Frames: a paragraph's tokens with each quotation replaced by one token


@dataclass
class _Frame:
    text: str
    tokens: list[Token]
    quote_at: dict[int, int]  # token index -> span index
    spans: list[QuotedSpan]
    sentences: list[tuple[int, int]]  # token ranges
    name_ending_at: dict[int, NameSpan]
    name_starting_at: dict[int, NameSpan]
    cues: list[int]  # token indices where a speaker_before rule may fire, in order


def _read_phrasal_verbs(tokens: list[Token]) -> None:
    """A verb and particle that report speech are read as "said" on the verb: '"…," Doe
    shot back', 'Roe fired back: "…"', '"…," Doe went on' (the token keeps its text and
    offsets; the particle stays a word between the verb and the quotation); so is a verb
    issuing a statement its quotation follows (:func:`_issues_statement`)."""
    for i in range(len(tokens) - 1):
        if (tokens[i].low, tokens[i + 1].low) not in lx.PHRASAL_SPEECH_VERBS:
            continue
        if tokens[i + 1].low == "on" and i + 2 < len(tokens) and tokens[i + 2].is_word:
            continue  # "went on" ends its clause; "went on a tour", "goes on recess" do not
        tokens[i] = replace(tokens[i], low="said")
    for i in range(len(tokens) - 3):
        if tokens[i].low in _ISSUING_VERBS and _issues_statement(tokens, i):
            tokens[i] = replace(tokens[i], low="said")


_ISSUING_VERBS = frozenset("issued issues released releases".split())
_STATEMENT_WORDS = frozenset("statement statements".split())


def _issues_statement(tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` issues a statement its quotation follows, read as "said": 'Doe
    issued a statement, "…"', 'Roe released the following statement: "…"'."""
    if tokens[i].low not in _ISSUING_VERBS or tokens[i + 1].low not in _DETERMINERS:
        return False
    for k in range(i + 2, min(len(tokens) - 1, i + 5)):
        if tokens[k].low in _STATEMENT_WORDS:
            return tokens[k + 1].text in ",:" and (
                k + 2 >= len(tokens) or tokens[k + 2].low == _QUOTE
            )
        if not tokens[k].is_word or tokens[k].is_cap:
            return False
    return False


def _frame(text: str, all_tokens: list[Token], name_spans: list[NameSpan]) -> _Frame:
    spans = find_quoted_spans(text)
    tokens: list[Token] = []
    quote_at: dict[int, int] = {}
    k = 0
    for i, span in enumerate(spans):
        while k < len(all_tokens) and all_tokens[k].start < span.outer_start:
            tokens.append(all_tokens[k])
            k += 1
        quote_at[len(tokens)] = i
        tokens.append(
            Token(
                text[span.start : span.end], span.outer_start, span.outer_end, _QUOTE, False, False
            )
        )
        while k < len(all_tokens) and all_tokens[k].start < span.outer_end:
            k += 1
    tokens.extend(all_tokens[k:])
    _read_phrasal_verbs(tokens)
    span_starts = [s.outer_start for s in spans]
    name_ending_at: dict[int, NameSpan] = {}
    name_starting_at: dict[int, NameSpan] = {}
    for m in name_spans:
        # Inside a quotation? Spans are ordered and disjoint: the one starting last before it.
        k = bisect_right(span_starts, m.start) - 1
        if k >= 0 and m.start < spans[k].outer_end:
            continue
        name_ending_at[m.end] = m
        name_starting_at[m.outer_start] = m
        name_starting_at.setdefault(m.start, m)
    cues = [
        i for i, tok in enumerate(tokens) if tok.low in lx.SPEECH_VERBS or tok.low in _CUE_WORDS
    ]
    return _Frame(
        text, tokens, quote_at, spans, _sentences(tokens), name_ending_at, name_starting_at, cues
    )


_SHORT_BRACKET = 8  # tokens: a party tag, an abbreviation, a date


def _sentences(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token ranges of the sentences. A full stop in a short bracket ends none: "Rep.
    Jane Roe (D-N.Y.) said"."""
    out = []
    begin = 0
    opened = -1  # where the bracket still open began
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if i + 1 >= n:
            break
        nxt = tokens[i + 1]
        if tok.text == "(":
            opened = i
        elif tok.text == ")":
            opened = -1
        if tok.low == _QUOTE:
            ends = tok.text.rstrip()[-1:] in _SENTENCE_END
        else:
            in_bracket = opened >= 0 and i - opened <= _SHORT_BRACKET
            ends = tok.text in _SENTENCE_END and not in_bracket
        if tok.text == "." and nxt.start == tok.end and nxt.low != _QUOTE:
            ends = False  # a full stop inside a word: "R-S.C.", "U.S.A."
        if (
            ends
            and (nxt.is_cap or nxt.low == _QUOTE or nxt.text[:1].isdigit())
            or (i + 1 - begin >= _MAX_SENTENCE_TOKENS)
        ):
            out.append((begin, i + 1))
            begin = i + 1
    out.append((begin, n))
    return out


# ---------------------------------------------------------------------------
# Speakers


@dataclass(eq=False)
class _Speaker:
    name: str | None
    kind: str | None  # "person", "organization" or None
    # How the name was reached when not named at the cue: "pronoun", "role", "surname".
    via: str | None = None
    # An unnamed source's words ("a source close to the Kremlin") when there is no name.
    description: str | None = None


_NOBODY = _Speaker(None, None)


class _Resolver:
    """Maps surface names to the canonical people and tracks who spoke last."""

    def __init__(self, people: list[ExtractedPerson]) -> None:
        self.by_key: dict[str, str] = {}
        self.by_surname: dict[str, list[str]] = {}
        self.roles: dict[str, str] = {}
        self.by_title: dict[str, set[str]] = {}  # "mayor" -> the people with that title
        for p in people:
            for form in [p.name, *p.aliases]:
                self.by_key.setdefault(name_key(form), p.name)
            parts = p.name.split()
            if parts:
                self.by_surname.setdefault(name_key(parts[-1]), []).append(p.name)
            if p.role:
                self.roles.setdefault(p.role.lower(), p.name)
                *before, head = p.role.lower().split()
                if not lx.LESSER_RANKS.intersection(before):  # a deputy mayor is not "the mayor"
                    self.by_title.setdefault(head, set()).add(p.name)
        self.last_subject: str | None = None
        self.last_person: str | None = None
        self.where: dict[str, str] = {}  # the sentence each person was last named in
        self.recent: list[str] = []  # people in the order last named, the latest last
        self.gender = {p.name: _gender(p.name, p.role) for p in people}
        # The organisation last named for each head noun, for "the ministry said".
        self.last_org: dict[str, str] = {}
        # Who issued the statement the article last cited, for "the statement read".
        self.statement_by: _Speaker | None = None

    def person(self, surface: str) -> str:
        key = name_key(surface)
        if key in self.by_key:
            return self.by_key[key]
        parts = key.split()
        if parts:
            named = self.by_surname.get(parts[-1], [])
            if len(named) == 1 or (named and len(parts) == 1):
                if self.last_person in named:
                    return self.last_person
                return named[0]
        return surface

    def usable(self, m: NameSpan) -> bool:
        """Whether a name span can be a speaker: an organisation, a full name, one word
        the text vouches for, or one of the article's people; not a capitalised common noun
        for people ("Witnesses said", "Sources told …" name no one)."""
        if m.kind != "person" or len(m.name_parts) > 1:
            return True
        key = name_key(m.name)
        if key in self.by_key or key in self.by_surname:
            return True
        return bool(m.evidence) and m.name.lower() not in lx.PEOPLE_NOUNS

    def named(self, name: str, sentence: str | None = None) -> None:
        """Note that ``name`` was just named (for later pronouns), in ``sentence``."""
        if sentence:
            self.where[name] = sentence
        self.last_person = name
        if name in self.recent:
            self.recent.remove(name)
        self.recent.append(name)

    def pronoun(self, word: str = "") -> _Speaker:
        """The person "he" or "she" most likely means: the last subject, else the last person
        named, else the latest person before them whose gender (when the text shows it)
        agrees with the pronoun."""
        want = "f" if word in ("she", "her") else "m" if word in ("he", "him", "his") else None
        for name in (self.last_subject, self.last_person, *reversed(self.recent)):
            if name and (want is None or self.gender.get(name) in (None, want)):
                return _Speaker(name, "person", via="pronoun")
        return _NOBODY


class _Attributor:
    def __init__(self, paragraphs: list[str], people: list[ExtractedPerson]) -> None:
        found = scan(paragraphs)
        self.resolver = _Resolver(people)
        by_par: dict[int, list[NameSpan]] = {}
        for m in found.name_spans:
            if self.resolver.usable(m):
                by_par.setdefault(m.paragraph, []).append(m)
        self.frames = [
            _frame(text, found.tokens[i], by_par.get(i, [])) for i, text in enumerate(paragraphs)
        ]
        labels = sum(
            1
            for frame in self.frames
            for span in frame.spans
            if _TRANSCRIPT_LABEL.match(frame.text[span.start : span.end])
        )
        self.transcript = labels >= 2

    # -- noun phrases -----------------------------------------------------

    def seen_in(self, speaker: _Speaker) -> str | None:
        """The sentence a speaker reached through a pronoun or role was last named in."""
        if speaker.via is None or speaker.name is None:
            return None
        return self.resolver.where.get(speaker.name)

    def speaker_named(self, m: NameSpan) -> _Speaker:
        """The speaker that name span ``m`` names: the organisation, or the person it is of
        (a place names no one)."""
        if m.kind == "place":
            return _NOBODY  # "Senator Ted Cruz of Texas, urging": Texas says nothing
        if m.kind == "org":
            return _Speaker(
                m.name[0].lower() + m.name[1:] if m.name.startswith("The ") else m.name,
                "organization",
            )
        return _Speaker(self.resolver.person(m.name), "person")

    def np_left(self, frame: _Frame, v: int, lo: int) -> _Speaker | None:
        """The subject just before token ``v``; None when there is no noun phrase there."""
        tokens = frame.tokens
        j = v - 1
        while j >= lo and tokens[j].low in _SUBJECT_SKIP and not _ends_person(frame, j):
            j -= 1  # "Putin on Monday said", but not "Theresa May said"
        if j - 1 >= lo and tokens[j].text == "," and tokens[j - 1].text == ")":
            j -= 1  # "Gov. John Kasich (R-Ohio), said"
        if j >= lo and tokens[j].text == ")":
            # A short bracketed tag after the name: "Rep. Gwen Moore (D-Wis.) said"
            opening = next(
                (k for k in range(j - 1, max(lo, j - 8) - 1, -1) if tokens[k].text == "("), None
            )
            if opening is not None and not any(t.low == _QUOTE for t in tokens[opening:j]):
                j = opening - 1
        if j < lo:
            return None
        if tokens[j].low == "as" and tokens[v].low in _AS_SAYING and j - 1 >= lo:
            # "X was quoted by the Interfax news agency as saying": X
            for b in range(j - 1, max(lo, j - 8), -1):
                if tokens[b].low == "by" and b - 1 >= lo and tokens[b - 1].low in _QUOTING:
                    passive = self.np_left(frame, b - 1, lo)
                    if passive is not None:
                        return passive
                    break
            # "Interfax cited Kremlin spokesman Dmitry Peskov as saying"
            quoted = self._np_before_apposition(frame, j - 1, lo)
            if quoted is not None:
                return quoted
        tok = tokens[j]
        if tok.low == "who" and j - 2 >= lo and tokens[j - 1].text == ",":
            # "said Mr. Ekovich, who noted that ...": the person the clause is about
            m = frame.name_ending_at.get(tokens[j - 2].end)
            if m is not None and m.kind == "person" and not m.possessive:
                return self.speaker_named(m)
        if tok.text == ",":
            # "Putin, who is visiting France, said" / "John Podesta, Clinton's chairman, said"
            k = j - 1
            while (
                k >= lo
                and tokens[k].text != ","
                and (tokens[k].low != _QUOTE or _short_quoted_words(frame, k))
            ):
                k -= 1
            if k >= lo and tokens[k].text == "," and k - 1 >= lo:
                inner = self._np_ending_at(frame, j - 1, k + 1)
                vouched = frame.name_ending_at.get(tokens[k - 1].end)
                if (
                    inner is not None
                    and inner.kind == "person"
                    and inner.name
                    and any(is_title(t) for t in tokens[lo:k])
                    and not (vouched is not None and (vouched.role or vouched.evidence))
                ):
                    # "The head of state energy company Naftogaz, Roman Bilyk, wrote"
                    return inner
                before = self._np_ending_at(frame, k - 1, lo)
                if (
                    before is not None
                    and before.kind == "organization"
                    and self._after_preposition(frame, k - 1, lo)
                ):
                    # "The spokesman for the Investigative Committee, Svetlana Petrenko, said"
                    inner = self._np_ending_at(frame, j - 1, k + 1)
                    if inner is not None and inner.kind == "person":
                        return inner
                if (
                    before is None
                    or before.kind != "person"
                    or before.name is None
                    or before.name.lower() in lx.PLACES  # "…, the attorney general of Ohio,"
                ):
                    named = name_before_appositions(self, frame, k, lo)
                    if named is not None:
                        return named
                if before is not None and before.name is not None:
                    return before
                inner = self._np_ending_at(frame, j - 1, k + 1)
                if inner is not None:
                    return inner
                return before
            return None
        # "Katie Packer, who is chairman of Our Principles PAC said"
        for w in range(j - 1, max(lo, j - 15), -1):
            tok = tokens[w]
            if tok.text == "," or tok.low == _QUOTE:
                break
            if tok.low == "who" and w - 2 >= lo and tokens[w - 1].text == ",":
                outer = self._np_ending_at(frame, w - 2, lo)
                if outer is not None and outer.kind == "person":
                    return outer
                break
        first = self.first_of_joint(frame, j, lo)
        if first is not None:
            return first
        m = frame.name_ending_at.get(tokens[j].end)
        if m is not None:
            affiliated = person_before_affiliation(self, frame, m, j, lo)
            if affiliated is not None:
                return affiliated
        return self._np_ending_at(frame, j, lo)

    def first_of_joint(self, frame: _Frame, j: int, lo: int) -> _Speaker | None:
        """ "Obama and Clinton said", "Frank Newport and Jim Harter:": a joint source is
        given to the first named (the name ending at token ``j`` is the second)."""
        m = frame.name_ending_at.get(frame.tokens[j].end)
        if m is None or m.kind != "person":
            return None
        start = _start_index(frame, m, j)
        if start - 2 >= lo and frame.tokens[start - 1].low == "and":
            first = self._np_ending_at(frame, start - 2, lo)
            if first is not None and first.kind == "person" and first.name:
                return first
        return None

    def _np_before_apposition(self, frame: _Frame, j: int, lo: int) -> _Speaker | None:
        """The noun phrase ending at token ``j``, or the one an apposition there describes."""
        quoted = self._np_ending_at(frame, j, lo)
        if quoted is None:
            quoted = quoted_before_apposition(self, frame, j, lo)
        return quoted

    def _after_preposition(self, frame: _Frame, j: int, lo: int) -> bool:
        """Whether the name ending at token ``j`` follows a preposition ("for the Kremlin")."""
        m = frame.name_ending_at.get(frame.tokens[j].end)
        if m is None:
            return False
        start = _start_index(frame, m, j)
        return start - 1 >= lo and frame.tokens[start - 1].low in _PREPOSITIONS

    def _np_ending_at(self, frame: _Frame, j: int, lo: int) -> _Speaker | None:
        tokens = frame.tokens
        if j < lo:
            return None
        tok = tokens[j]
        m = frame.name_ending_at.get(tok.end)
        if m is not None and not m.possessive:
            head = head_of_organisation(self, frame, m, j, lo)
            return head if head is not None else self.speaker_named(m)
        if tok.low in lx.PRONOUNS_PERSON:
            return antecedent_in_sentence(self, frame, j, tok.low) or self.resolver.pronoun(tok.low)
        if tok.low in lx.PRONOUNS_OTHER:
            return _NOBODY
        if (
            not tok.is_word
            or tok.is_cap
            or not (
                tok.low in lx.TITLES
                or tok.low in lx.ORG_HEADS
                or tok.low in lx.PEOPLE_NOUNS
                or _agent_noun(tok.low)
            )
        ):
            return None
        # A description: "the judge", "Biden's national security advisor", "the Trump campaign".
        k = j
        while (
            k - 1 >= lo
            and tokens[k - 1].is_word
            and not tokens[k - 1].possessive
            and (not tokens[k - 1].is_cap or tokens[k - 1].low not in lx.FUNCTION_WORDS)
            and tokens[k - 1].low not in _DETERMINERS
            and tokens[k - 1].low not in _PREPOSITIONS
            and tokens[k - 1].low not in lx.SPEECH_VERBS
        ):
            k -= 1
        if k - 1 >= lo and tokens[k - 1].possessive:
            owner = frame.name_ending_at.get(tokens[k - 1].end)
            if owner is not None and owner.kind != "place" and tok.low in lx.MESSAGE_NOUNS:
                return self.speaker_named(owner)  # "Doe's statement said", "Doe's post:"
            role, end = description_after(tokens, k)
            if role is not None and end == j + 1:
                name = self.resolver.roles.get(role.lower())
                return _Speaker(name, "person", via="role") if name else _NOBODY
            return _NOBODY
        if k - 1 >= lo and tokens[k - 1].low in _DETERMINERS:
            cited = self.resolver.statement_by
            if tok.low == "statement" and k == j and tokens[k - 1].low == "the" and cited:
                note_fired("speaker_phrase.statement_issuer")
                return cited  # "the statement read": who issued it
            if tok.low in lx.ORG_HEADS and any(t.is_cap for t in tokens[k:j]):
                words = " ".join(t.text for t in tokens[k - 1 : j + 1])
                return _Speaker(words[0].lower() + words[1:], "organization")
            named = self.resolver.last_org.get(tok.low)
            if tokens[k - 1].low == "the" and k == j and named:
                return _Speaker(named, "organization", via="role")  # "the ministry said"
            titled = self.resolver.by_title.get(tok.low, set())
            if tokens[k - 1].low == "the" and k == j and len(titled) == 1:
                # "the mayor said": the one mayor
                return _Speaker(next(iter(titled)), "person", via="role")
            # "the judge", "one official": said by someone unnamed, described.
            start, end = tokens[k - 1].start, tokens[j].end
            return _Speaker(None, None, description=frame.text[start:end])
        if is_title(tok) and (k == j or all(not t.is_cap for t in tokens[k:j])):
            return _NOBODY
        return None

    def np_right(self, frame: _Frame, v: int, hi: int) -> _Speaker | None:
        """The subject just after an inverted verb: "said Sullivan", "according to the Kremlin"."""
        tokens = frame.tokens
        j = v + 1
        if j < hi and tokens[j].low == "to" and tokens[v].low == "according":
            j += 1
        if j >= hi:
            return None
        tok = tokens[j]
        for k in range(j, min(hi, j + 8)):
            m = frame.name_starting_at.get(tokens[k].start)
            if m is not None:
                if m.possessive:
                    return described_then_named(self, frame, j, hi)
                if m.kind != "person":
                    # "said another Twitter user, Jane Roe": the organisation describes her
                    named = described_then_named(self, frame, j, hi)
                    if named is not None:
                        return named
                return (
                    person_after_organisation(self, frame, m, hi)
                    or name_as_modifier(self, frame, m, hi)
                    or self.speaker_named(m)
                )
            t = tokens[k]
            described = k - j < 4 and (
                # "said the Rev. Peter Wherry", "added his campaign manager Jeff Weaver"
                (k == j and t.low in _DESCRIBING_DETERMINERS)
                or (t.is_word and not t.is_cap and t.low in lx.KIN_WORDS)
                or any(ch.isdigit() for ch in t.text)
                or t.text == "/"
                or (t.is_word and not t.is_cap and t.low in lx.PEOPLE_NOUNS)
            )  # "said the Rev. Peter Wherry", "said 9/11 widow Terry Strada"
            if not (is_title(t) or t.is_cap or t.low in lx.ROLE_MODIFIERS or described):
                break
        named = described_then_named(self, frame, j, hi)
        if named is not None:
            return named
        if tok.low in lx.PRONOUNS_PERSON:
            return self.resolver.pronoun(tok.low)
        if tok.low in _DETERMINERS:
            # "said one official", but not 'said its "special operation"'
            for t in tokens[j + 1 : min(hi, j + 5)]:
                if not t.is_word:
                    break
                if t.low in lx.PEOPLE_NOUNS or is_title(t):
                    return introduced_later(self, frame, j, hi) or _NOBODY
        return None

    def speaker_of_verb(self, frame: _Frame, v: int, lo: int, hi: int) -> _Speaker | None:
        if frame.tokens[v].low in _QUOTING:
            # '"…," the RIA Novosti news agency quoted Dmitry Peskov as saying': Peskov
            tokens = frame.tokens
            for k in range(v + 2, min(hi - 1, v + 12)):
                if tokens[k].low == "as" and tokens[k + 1].low in _AS_SAYING:
                    quoted = self._np_before_apposition(frame, k - 1, v + 1)
                    if quoted is not None:
                        return quoted
                    break
        left = self.np_left(frame, v, lo)
        if left is not None:
            return left
        return self.np_right(frame, v, hi)

    def clause_subject(self, frame: _Frame, lo: int, v: int) -> _Speaker | None:
        """The first subject-like name of a sentence, for "X did this and said "..."."""
        tokens = frame.tokens
        for j in range(lo, v):
            tok = tokens[j]
            if tok.low == _QUOTE:
                if j == lo:
                    continue  # '"…," Doe told a rally, saying …': Doe, after the quotation
                return None
            if tokens[lo].low == _QUOTE and j > lo + 2:
                return None  # only the name right after an opening quotation is its subject
            m = frame.name_starting_at.get(tok.start)
            if m is None:
                if tok.low in lx.PRONOUNS_PERSON and (j == lo or tokens[j - 1].text == ","):
                    return self.resolver.pronoun(tok.low)
                continue
            if m.possessive or _in_prepositional_phrase(tokens, j, lo):
                continue  # "In an interview with journalist Jane Roe, Doe said": Doe
            return self.speaker_named(m)
        return None

    # -- verbs -------------------------------------------------------------

    @staticmethod
    def _is_verb(tok: Token, adjacent: bool) -> bool:
        if tok.low not in lx.SPEECH_VERBS or tok.is_cap and tok.low not in ("said", "says"):
            return False
        return adjacent or tok.low not in lx.ADJACENT_ONLY_VERBS

    def attribute(
        self, frame: _Frame, q: int, lo: int, hi: int
    ) -> tuple[_Speaker | None, int, str | None]:
        """Speaker of the quote token ``q`` in sentence ``[lo, hi)``, the cue's token index
        (or -1) and the full name of the rule that found the speaker (or None)."""
        for rule in SPEAKER:
            found = rule.func(self, frame, q, lo, hi)
            if found is not None:
                speaker, v, name = found
                note_fired(name)
                return speaker, v, name
        return None, -1, None

    def signature(self, frame: _Frame, i: int) -> _Speaker | None:
        """The person named after a dash at token ``i``, a role allowed before the name:
        "— Belarusian Defense Minister Pavel Murashko, responding to ...", "— Putin"."""
        tokens = frame.tokens
        if i < len(tokens) and tokens[i].low in lx.FUNCTION_WORDS | lx.AUXILIARIES:
            return None  # a subhead ("— On Ukraine and ...", "— Does he ...?"), no signature
        for k in range(i, min(len(tokens), i + 8)):
            m = frame.name_ending_at.get(tokens[k].end)
            if m is not None and m.kind == "person":
                return self.speaker_named(m)
            if tokens[k].text in ",.;:" or tokens[k].low == _QUOTE:
                break
        names = []
        for tok in tokens[i : i + 4]:
            if not (tok.is_word and tok.is_cap) or tok.low in lx.FUNCTION_WORDS:
                break
            names.append(tok.text)
        if not names or is_title(tokens[i]):
            return None
        surface = " ".join(names)
        person = self.resolver.person(surface)
        known = person != surface or name_key(surface) in self.resolver.by_key
        return _Speaker(person, "person") if known or len(names) > 1 else None

    def transcript_speaker(self, text: str) -> _Speaker | None:
        """The speaker a transcript line names: '"WALLACE: Let's start with ..."' is Wallace's
        (the person of that surname when the article names one). Only in an article that
        quotes a transcript: two quotes or more open with such a label."""
        match = _TRANSCRIPT_LABEL.match(text)
        if match is None or len(match["label"]) < 3 or not self.transcript:
            return None
        named = self.resolver.by_surname.get(name_key(match["label"].split()[-1]), [])
        if len(named) == 1:
            return _Speaker(named[0], "person")
        return _Speaker(match["label"].title(), "person")

    def introducer(self, frame: _Frame) -> _Speaker | None:
        """The speaker a paragraph ending in a colon introduces ('Dr. Ward stated:')."""
        tokens = frame.tokens
        if not tokens or tokens[-1].text != ":" or frame.spans and frame.spans[-1].runs_to_end:
            return None
        lo, hi = frame.sentences[-1]
        if any(t.low == _QUOTE for t in tokens[lo:hi]):
            return None
        for v in range(hi - 2, lo - 1, -1):
            if self._is_verb(tokens[v], adjacent=True):
                return self.speaker_of_verb(frame, v, lo, hi)
        return self._np_ending_at(frame, hi - 2, lo)

    def said_to(self, frame: _Frame, v: int, hi: int) -> str | None:
        tokens = frame.tokens
        if v < 0 or tokens[v].low not in lx.AUDIENCE_VERBS:
            return None
        words: list[str] = []
        following = tokens[v + 1 : hi]
        glue = False
        for n, tok in enumerate(following):
            if glue:  # "Sibir.Realii", "RIA.ru": one name written with a dot
                words[-1] += tok.text
                glue = False
                continue
            if (
                tok.text == "."
                and words
                and n + 1 < len(following)
                and tok.start == following[n - 1].end
                and following[n + 1].start == tok.end
                and following[n + 1].is_word
            ):
                words[-1] += "."
                glue = True
                continue
            if not tok.is_word or len(words) >= 5:
                break
            if tok.low in _AUDIENCE_STOP and (words or tok.low not in lx.AUDIENCE_MODIFIERS):
                break
            if (
                words
                and not tok.is_cap
                and tok.low not in lx.AUDIENCE_NOUNS
                and words[-1].lower() not in _DETERMINERS
                and words[-1].lower() not in lx.AUDIENCE_MODIFIERS
            ):
                break  # "told reporters the decision was ...": the audience is "reporters"
            words.append(tok.text)
            if tok.possessive:
                words[-1] = tok.text[:-2] if tok.text[-2] in "'’" else tok.text[:-1]
                break
        if not words or words[-1].lower() in _DETERMINERS:
            return None
        return " ".join(words)

    def _says(self, frame: _Frame, m: NameSpan, j: int, hi: int) -> bool:
        """Whether the name span ``m`` (from token ``j``) is followed by its speech verb:
        "…, Romero said." makes Romero whom a later "she said" means."""
        tokens = frame.tokens
        k = j
        while k + 1 < hi and tokens[k].end < m.end:
            k += 1
        return k + 1 < hi and tokens[k + 1].low in lx.SAY_VERBS

    def note_subjects(self, frame: _Frame, lo: int, hi: int) -> None:
        """Remember the people this sentence is about, for later pronouns."""
        tokens = frame.tokens
        own_pronoun_gender(self.resolver, frame, lo, hi)
        issuer = statement_issuer(self, frame, lo, hi)
        if issuer is not None:
            self.resolver.statement_by = issuer
        for j in range(lo, hi):
            m = frame.name_starting_at.get(tokens[j].start)
            if m is not None and m.kind == "org":
                words = m.name.split()
                head = _bare_word(words[-1])
                if head in lx.ORG_HEADS and len([w for w in words if w.lower() != "the"]) > 1:
                    self.resolver.last_org[head] = self.speaker_named(m).name
                continue
            if m is None or m.kind != "person" or m.outer_start != tokens[j].start:
                continue
            if name_key(m.name) not in self.resolver.by_key and not m.evidence:
                continue  # "the Puerto Rico deal": capitalised words, not one of the people
            name = self.resolver.person(m.name)
            self.resolver.named(name, _sentence_text(frame, (lo, hi)))
            first = _past_titles(tokens, j, lo)  # "Mr. Obama made clear ..."
            prev = tokens[first - 1].low if first > lo else ""
            if not m.possessive and prev not in _PREPOSITIONS and prev not in lx.SPEECH_VERBS:
                if (
                    self.resolver.last_subject is None
                    or self._says(frame, m, j, hi)
                    or _starts_clause(tokens, lo, first)
                    or _first_np(tokens, lo, first)
                    or _after_role_and_comma(tokens, lo, first)
                ):
                    self.resolver.last_subject = name


# ---------------------------------------------------------------------------
# Speaker rules: who said the quote at token ``q`` of sentence ``[lo, hi)``, tried in
# order. Each returns (speaker, cue token index or -1, rule name) or None.

SPEAKER = Registry("speaker")
# Cues looked for at each token before the quote, nearest first (inside verb_before_quote).
SPEAKER_BEFORE = Registry("speaker_before")
# The word each speaker_before rule fires at, besides a speech verb: the frame lists the
# tokens holding one or a speech verb (_Frame.cues), so a quote looks at its sentence's cues,
# not at every token.
_CUE_WORDS = frozenset({"put", "puts", "clear", "according"})
_Found = tuple[_Speaker, int, str] | None


# How a sentence names the speaker it quotes, within its noun phrases.
PHRASE = Registry("speaker_phrase")


@PHRASE.rule("quoted_before_apposition")
def quoted_before_apposition(a: _Attributor, frame: _Frame, j: int, lo: int) -> _Speaker | None:
    """A person quoted "as saying" may be described between commas first: 'ARD cited Hunter
    Junger, the head of its investigations, as saying' -> Junger, not the apposition."""
    tokens = frame.tokens
    if not PHRASE.enabled("quoted_before_apposition") or j < lo or tokens[j].text != ",":
        return None
    for k in range(j - 1, max(lo, j - 16) - 1, -1):
        if tokens[k].low == _QUOTE:
            return None
        if tokens[k].text == ",":
            named = a._np_ending_at(frame, k - 1, lo)
            if named is not None and named.name:
                note_fired("speaker_phrase.quoted_before_apposition")
                return named
            return None
    return None


@PHRASE.rule("person_before_affiliation")
def person_before_affiliation(
    a: _Attributor, frame: _Frame, m: NameSpan, j: int, lo: int
) -> _Speaker | None:
    """The person, not where they work: 'Tatiana Stanovaya of R.Politik said', 'Jeffrey
    Lewis of the James Martin Center for Nonproliferation Studies wrote'; of two people
    named together, the first: 'experts David Albright and Serena Kelleher-Vergantini of
    Washington's Institute for Science and International Security wrote' -> Albright."""
    if not PHRASE.enabled("person_before_affiliation"):
        return None
    tokens = frame.tokens
    k = _start_index(frame, m, j) - 1
    if k > lo and tokens[k].possessive and tokens[k].is_cap:
        k -= 1  # "of Washington's Institute"
    if k - 1 < lo or tokens[k].low not in ("of", "at", "from"):
        return None
    outer = a._np_ending_at(frame, k - 1, lo)
    if outer is None or outer.kind != "person" or not outer.name:
        return _person_before_title_of(a, frame, k, lo)
    note_fired("speaker_phrase.person_before_affiliation")
    person = frame.name_ending_at.get(tokens[k - 1].end)
    if person is not None:
        start = _start_index(frame, person, k - 1)
        if start - 2 >= lo and tokens[start - 1].low == "and":
            first = a._np_ending_at(frame, start - 2, lo)
            if first is not None and first.kind == "person" and first.name:
                return first
    return outer


def _person_before_title_of(a: _Attributor, frame: _Frame, k: int, lo: int) -> _Speaker | None:
    """The person a title before "of" (token ``k``) describes, between a comma and the
    organisation: 'Jane Roe, president and CEO of the Restaurant Association said', 'Jane
    Roe, chairman of America Rising (a PAC), tweeted' -> Jane Roe."""
    tokens = frame.tokens
    b, titled = k - 1, False
    while b > lo and k - b <= 6 and tokens[b].text != ",":
        t = tokens[b]
        if is_title(t):  # "president and CEO of"
            titled = True
        elif t.is_cap or (t.low not in lx.ROLE_MODIFIERS and t.low != "and"):
            return None
        b -= 1
    if not titled or b - 1 < lo or tokens[b].text != ",":
        return None
    person = frame.name_ending_at.get(tokens[b - 1].end)
    if person is None or person.kind != "person" or person.possessive:
        return None
    note_fired("speaker_phrase.person_before_affiliation")
    return a.speaker_named(person)


def _person_named_after(
    frame: _Frame, m: NameSpan, hi: int, reach: int, between: Callable[[list[Token], int], bool]
) -> NameSpan | None:
    """The person named within ``reach`` tokens after name span ``m``, past at least one
    token, each of which ``between(tokens, index)`` accepts; None otherwise."""
    tokens = frame.tokens
    k = next((x for x in range(len(tokens)) if tokens[x].end == m.end), None)
    if k is None:
        return None
    for x in range(k + 1, min(hi, k + 1 + reach)):
        person = frame.name_starting_at.get(tokens[x].start)
        if person is not None:
            if person.kind != "person" or person.possessive or x == k + 1:
                return None
            return person
        if not between(tokens, x):
            return None
    return None


def _rank_or_title(tokens: list[Token], x: int) -> bool:
    t = tokens[x]
    ordinal = t.low in ("st", "nd", "rd", "th") and tokens[x - 1].text.isdigit()  # "1st"
    return is_title(t) or t.text.isdigit() or ordinal or t.low in lx.ROLE_MODIFIERS


_AGENT_ENDINGS = ("er", "ers", "or", "ors", "ist", "ists", "ian", "ians", "ant", "ants")


def _agent_noun(low: str) -> bool:
    """Whether a word is built like a noun for someone who does something: "commenter",
    "blogger", "protester", "activist", "historian", "participant" (long enough that
    "order" or "paper" is not one; things written are never speakers' nouns)."""
    return len(low) >= 7 and low.endswith(_AGENT_ENDINGS) and low not in lx.WRITTEN_THINGS


def _short_quoted_words(frame: _Frame, k: int) -> bool:
    """Whether the quotation at token ``k`` is a few quoted words inside an aside, not speech:
    'Doe, wearing "Vote Roe" pins, said' (up to four words, no punctuation)."""
    span = frame.spans[frame.quote_at[k]] if k in frame.quote_at else None
    if span is None:
        return False
    words = frame.text[span.start : span.end].split()
    return len(words) <= 4 and all(w.strip("-'’").isalnum() for w in words)


def _in_prepositional_phrase(tokens: list[Token], j: int, lo: int) -> bool:
    """Whether the name starting at token ``j`` ends a phrase opened by a preposition, past
    a few lower-case words before it: "with journalist Jane Roe", "for Jane Roe"."""
    for k in range(j - 1, max(lo, j - 4) - 1, -1):
        if tokens[k].low in _PREPOSITIONS:
            return True
        if (
            not tokens[k].is_word
            or tokens[k].is_cap
            or tokens[k].low in lx.FUNCTION_WORDS
            or tokens[k].low in lx.SPEECH_VERBS  # "by quoting Leonardo da Vinci"
        ):
            return False
    return False


def _ends_person(frame: _Frame, j: int) -> bool:
    """Whether token ``j`` ends a person's name, so that a month there is a surname:
    "Theresa May said", "said Ai Jun"."""
    m = frame.name_ending_at.get(frame.tokens[j].end)
    return m is not None and m.kind == "person"


def _plain_noun(tokens: list[Token], x: int) -> bool:
    t = tokens[x]
    return (
        t.is_word
        and not t.is_cap
        and t.low not in lx.FUNCTION_WORDS
        and t.low not in lx.SPEECH_VERBS
        and t.low not in lx.AUXILIARIES
        and t.low not in lx.DAYS_AND_MONTHS
    )


@PHRASE.rule("person_after_organisation")
def person_after_organisation(
    a: _Attributor, frame: _Frame, m: NameSpan, hi: int
) -> _Speaker | None:
    """An organisation named in front of a person's rank or title says whom they serve; the
    person speaks: 'said Air Force 1st Lt. Tyler Livingston' -> Livingston, not the Air
    Force."""
    if not PHRASE.enabled("person_after_organisation") or m.kind != "org":
        return None
    person = _person_named_after(frame, m, hi, 5, _rank_or_title)
    if person is None:
        return None
    note_fired("speaker_phrase.person_after_organisation")
    return a.speaker_named(person)


@PHRASE.rule("name_as_modifier")
def name_as_modifier(a: _Attributor, frame: _Frame, m: NameSpan, hi: int) -> _Speaker | None:
    """A name before a word for a person modifies it; the person named after speaks: 'said
    Cruz constituent Jane Roe', 'said Putin ally Jane Roe' -> Roe."""
    if not PHRASE.enabled("name_as_modifier") or m.kind != "person":
        return None
    person = _person_named_after(frame, m, hi, 3, _plain_noun)
    if person is None or len(person.name_parts) < 2:
        return None
    note_fired("speaker_phrase.name_as_modifier")
    return a.speaker_named(person)


@PHRASE.rule("described_then_named")
def described_then_named(a: _Attributor, frame: _Frame, j: int, hi: int) -> _Speaker | None:
    """After an inverted speech verb, the speaker described before their name: 'said
    conservative activist Jane Roe', 'said retired Army Lt. Gen. John Doe', 'said the
    senator's deputy campaign manager, John Doe, who ...', 'said another voter, Jane Roe',
    'said a spokeswoman for the company, Jane Roe' -> the person named. The words before
    the name must hold a title or a word for a person ("activist", "voter"); a name inside
    the description's own tail ('a spokeswoman for Sen. Jane Roe') is whom they work for,
    not the speaker."""
    if not PHRASE.enabled("described_then_named"):
        return None
    tokens = frame.tokens
    role_seen = False
    in_tail = False  # past "for", "of", "at" ... after the role: "a spokeswoman for the company"
    apposed = False  # a short description set off by a comma: "another Twitter user, Jane Roe"
    k = j
    while k < min(hi, j + 14):
        t = tokens[k]
        m = frame.name_starting_at.get(t.start)
        if m is not None and m.kind == "person" and not m.possessive:
            modified = _modifiers_before_name(frame, j, k, m, hi)
            if not (role_seen or m.role or apposed or modified) or (
                in_tail and tokens[k - 1].text != ","
            ):
                return None
            note_fired("speaker_phrase.described_then_named")
            return a.speaker_named(m)
        if m is not None:
            while k < hi and tokens[k].end < m.end:
                k += 1  # past an organisation or a possessive: "Army", "the senator's"
            k += 1
            continue
        if t.text == ",":
            before = tokens[k - 1]
            nxt = frame.name_starting_at.get(tokens[k + 1].start) if k + 1 < hi else None
            described = is_title(before) or before.low in lx.PEOPLE_NOUNS or in_tail
            apposed = _short_description(tokens, j, k) and nxt is not None and nxt.kind == "person"
            if not (
                (role_seen and described or apposed)
                and nxt
                and (nxt.kind == "person" or not in_tail)
            ):
                return None
        elif not t.is_word or t.low == _QUOTE:
            return None
        elif role_seen and not t.is_cap and t.low in _TAIL_PREPOSITIONS:
            in_tail = True
        elif not t.is_cap and (
            (
                t.low in lx.FUNCTION_WORDS
                and not (k == j and t.low in _NP_OPENERS)
                and not (in_tail and t.low in ("the", "a", "an"))
                and not (t.low == "of" and is_title(tokens[k - 1]))  # "chief of staff"
            )
            or t.low in lx.SPEECH_VERBS
            or t.low in lx.AUXILIARIES
        ):
            return None
        role_seen = role_seen or is_title(t) or t.low in lx.PEOPLE_NOUNS
        k += 1
    return None


def _modifiers_before_name(frame: _Frame, j: int, k: int, m: NameSpan, hi: int) -> bool:
    """Whether ``tokens[j:k]`` are a few words that qualify the name right after them, with
    no article and nothing after the name: "said ranking Democrat Jane Roe" (not "said one
    Roe adviser", "said the printed Roe leaflet")."""
    tokens = frame.tokens
    after = next((x for x in range(k, hi) if tokens[x].start >= m.end), hi)
    return (
        k - j <= 4
        and all(t.is_word and t.low not in _NP_OPENERS for t in tokens[j:k])
        and (after >= hi or not tokens[after].is_word)
    )


def _short_description(tokens: list[Token], j: int, k: int) -> bool:
    """Whether ``tokens[j:k]`` is a short noun phrase (two to five words) opened by a
    determiner or an owner, ending in a lower-case noun: "another Twitter user", "a local
    farmer", "Doe's introducer" (not "the report")."""
    return (
        (tokens[j].low in _NP_OPENERS or tokens[j].possessive)
        and 2 <= k - j <= 5
        and not tokens[k - 1].is_cap
        and all(t.is_word for t in tokens[j:k])
        and tokens[k - 1].low not in lx.WRITTEN_THINGS
    )


# What opens a description after an inverted verb ("said another voter, ..."), and the
# prepositions of its tail ("a spokeswoman for the company").
_NP_OPENERS = frozenset("the a an another one his her their its".split())
_TAIL_PREPOSITIONS = frozenset("for of at with in from".split())


@PHRASE.rule("name_before_appositions")
def name_before_appositions(a: _Attributor, frame: _Frame, k: int, lo: int) -> _Speaker | None:
    """The person who opens a clause and is described between commas before the verb, past
    more than one description or a bracketed tag: '"…," Jane Roe, the attorney general of
    Ohio, one of the states suing, said' / 'Rep. Jane Roe (R-Ohio), a panel member, said'.
    ``k`` is the comma that closes the first name's neighbour."""
    if not PHRASE.enabled("name_before_appositions"):
        return None
    tokens = frame.tokens
    for _ in range(4):  # "Harry Bond, 30, of Raleigh, N.C., who was polled, said"
        end = k - 1
        if end >= lo and tokens[end].text == ")":
            opening = next(
                (x for x in range(end - 1, max(lo, end - 8) - 1, -1) if tokens[x].text == "("), None
            )
            if opening is None:
                return None
            end = opening - 1  # past "(R-Ohio)"
        m = frame.name_ending_at.get(tokens[end].end) if end >= lo else None
        if (
            m is not None
            and m.kind == "person"
            and not m.possessive
            and m.name.lower() not in lx.PLACES
        ):
            start = _past_titles(tokens, _start_index(frame, m, end), lo)  # "Mr. Daniloff,"
            if start == lo or (start > lo and tokens[start - 1].low in (",", _QUOTE)):
                note_fired("speaker_phrase.name_before_appositions")
                return a.speaker_named(m)
            if not (start > lo and tokens[start - 1].low in ("of", "from", "in")):
                return None  # (", of Raleigh," is where the person is from: look further)
        k = next(
            (
                x
                for x in range(k - 1, max(lo, k - 16) - 1, -1)
                if tokens[x].text == "," or tokens[x].low == _QUOTE
            ),
            None,
        )
        if k is None or tokens[k].low == _QUOTE or k <= lo:
            return None
    return None


@PHRASE.rule("statement_issuer")
def statement_issuer(a: _Attributor, frame: _Frame, lo: int, hi: int) -> _Speaker | None:
    """Who a sentence says issued a statement, so that "the statement read" later is
    theirs: 'Police detained two men, the Interior Ministry said in a statement.' / '"…,"
    the statement read.' -> the Interior Ministry."""
    if not PHRASE.enabled("statement_issuer"):
        return None
    tokens = frame.tokens
    for j in range(lo + 2, hi - 2):
        if tokens[j].low == "in" and tokens[j + 1].low in ("a", "its", "his", "her", "their"):
            if tokens[j + 2].low != "statement" or not a._is_verb(tokens[j - 1], False):
                continue
            speaker = a.speaker_of_verb(frame, j - 1, lo, hi)
            if speaker is not None and speaker.name:
                return speaker
    return None


@PHRASE.rule("head_of_organisation")
def head_of_organisation(
    a: _Attributor, frame: _Frame, m: NameSpan, j: int, lo: int
) -> _Speaker | None:
    """'the head of the Duma's foreign affairs committee said' is a person, not the
    committee: the person last written about, whom the description varies on ('senior
    lawmaker Leonid Slutsky said ...' / '"…," the head of the committee said'), else an
    unnamed description."""
    if not PHRASE.enabled("head_of_organisation") or m.kind != "org":
        return None
    tokens = frame.tokens
    k = _start_index(frame, m, j) - 1
    stop = max(lo, k - 6)
    while k > stop and tokens[k].is_word and tokens[k].low not in ("of", "said", "says"):
        k -= 1  # "the lower-house State Duma's"
    if k - 2 < lo or tokens[k].low != "of" or tokens[k - 2].low != "the":
        return None
    if tokens[k - 1].low not in lx.TITLES and tokens[k - 1].low not in ("head", "chief"):
        return None
    note_fired("speaker_phrase.head_of_organisation")
    described = frame.text[tokens[k - 2].start : tokens[j].end]
    last = a.resolver.last_subject
    if last is not None:
        return _Speaker(last, "person", via="role", description=described)
    return _Speaker(None, None, description=described)


@PHRASE.rule("antecedent_in_sentence")
def antecedent_in_sentence(a: _Attributor, frame: _Frame, j: int, word: str) -> _Speaker | None:
    """A pronoun whose own sentence opens with a person means them, before anyone named
    earlier: 'Krieger, 63, was charged over a post in which he praised them as "heroes"'
    -> Krieger. Only the sentence's first noun phrase, and only a person whose gender (when
    the text shows it) agrees."""
    if not PHRASE.enabled("antecedent_in_sentence"):
        return None
    tokens = frame.tokens
    lo = next((s for s, e in frame.sentences if s <= j < e), 0)
    m = frame.name_starting_at.get(tokens[lo].start) if lo < j else None
    if m is None or m.kind != "person" or m.possessive or not a.resolver.usable(m):
        return None
    name = a.resolver.person(m.name)
    want = {"she": "f", "her": "f", "he": "m", "him": "m", "his": "m"}.get(word)
    if want is not None and a.resolver.gender.get(name) not in (None, want):
        return None
    note_fired("speaker_phrase.antecedent_in_sentence")
    return _Speaker(name, "person", via="pronoun")


@PHRASE.rule("introduced_later")
def introduced_later(a: _Attributor, frame: _Frame, j: int, hi: int) -> _Speaker | None:
    """Someone described, then named by a given name later in the sentence: 'said a
    resident who gave only her first name, Yelena' -> Yelena."""
    if not PHRASE.enabled("introduced_later"):
        return None
    for t in frame.tokens[j + 1 : hi]:
        if t.low == _QUOTE:
            return None
        m = frame.name_starting_at.get(t.start)
        if m is not None and m.why == "people.given_name_introduced":
            note_fired("speaker_phrase.introduced_later")
            return a.speaker_named(m)
    return None


def _introduces_quote(a: _Attributor, tokens: list[Token], lo: int, hi: int) -> bool:
    """Whether sentence ``[lo, hi)`` has a speech verb with a quotation right after it: its
    own quotation's ('"Why now?" Doe then writes back, "You look cute."': Doe's words are the
    second ones, not the question; not a title further on)."""
    verb = next((v for v in range(lo, min(hi, lo + 12)) if a._is_verb(tokens[v], True)), None)
    return verb is not None and any(t.low == _QUOTE for t in tokens[verb + 1 : min(hi, verb + 4)])


def _only_who_said(a: _Attributor, tokens: list[Token], lo: int, hi: int) -> bool:
    """Whether sentence ``[lo, hi)`` only says who spoke: "Doe said.", "Jane Doe, the
    mayor, said on Monday.", "said Doe." (no more than a few words after its verb)."""
    verb = next((v for v in range(lo, min(hi, lo + 12)) if a._is_verb(tokens[v], True)), None)
    if verb is None or any(t.low == _QUOTE for t in tokens[verb + 1 : hi]):
        return False  # 'Doe said: "…"' introduces the quotation after it
    after = [t for t in tokens[verb + 1 : hi] if t.is_word]
    return len(after) <= 3 or all(t.is_cap for t in after)


@SPEAKER.rule("subject_before_aside")
def subject_before_aside(a: _Attributor, frame: _Frame, q: int, lo: int, hi: int) -> _Found:
    """A quotation inside an aside between a person and their speech verb is theirs: 'Doe,
    calling the plan "a disgrace," said he would vote no' -> Doe (not "he" after the
    verb, nor whoever the verb's clause names)."""
    tokens = frame.tokens
    comma = next((x for x in range(q - 1, max(lo, q - 7) - 1, -1) if not tokens[x].is_word), None)
    if comma is None or comma - 1 < lo or tokens[comma].text != ",":
        return None
    participle = tokens[comma + 1]
    if participle.is_cap or not participle.low.endswith("ing") or comma + 1 == q:
        return None
    m = frame.name_ending_at.get(tokens[comma - 1].end)
    if m is None or m.kind != "person" or m.possessive:
        return None
    j = q + 1
    while j < hi and tokens[j].text in ",":
        j += 1
    if j >= hi or not a._is_verb(tokens[j], adjacent=True):
        return None
    return a.speaker_named(m), j, "speaker.subject_before_aside"


def _past_own_sentence(a: _Attributor, frame: _Frame, q: int, hi: int) -> int:
    """Where the search for the speaker of a quotation that ends its sentence stops: past a
    "?" or "!", or past a full stop when the next sentence is no more than who said it
    ('"We won." Doe said.'); not into a new statement ('"…." He said the plan would fail.'
    gives no speaker to the quotation before it)."""
    if q != hi - 1:
        return hi
    tokens = frame.tokens
    nxt = _sentence_end(frame, hi)
    asked = tokens[q].text.rstrip()[-1:] in "?!"
    if asked and not _introduces_quote(a, tokens, hi, nxt) or _only_who_said(a, tokens, hi, nxt):
        return nxt
    return hi


@SPEAKER.rule("verb_after_quote")
def verb_after_quote(a: _Attributor, frame: _Frame, q: int, lo: int, hi: int) -> _Found:
    """A speech verb right after the quotation, even past a "?" or "!" that ends the
    quoted words: '"Why?" Obama asked.', '"We will win," said Jane Doe, the mayor.'."""
    tokens = frame.tokens
    hi = _past_own_sentence(a, frame, q, hi)
    j = q + 1
    while j < hi and tokens[j].text in ",—–-:":
        j += 1
    np_words = 0  # lower-case words of a noun phrase after a determiner: "the petition"
    for v in range(j, min(hi, j + 9)):
        tok = tokens[v]
        if tok.low == _QUOTE:
            return None
        if (
            not a._is_verb(tok, adjacent=True)
            and tok.is_word
            and not tok.is_cap
            and v > j
            and (tokens[v - 1].low in _DETERMINERS or np_words)
            and np_words < 3
        ):
            np_words += 1
            continue
        if tok.low == "according" and v + 1 < hi and tokens[v + 1].low == "to":
            # '... Doe said, calling it an "ethical error," according to Interfax': the outlet
            # reports what the sentence's own speaker said.
            before = verb_before_quote(a, frame, q, lo, hi)
            if before is not None and before[0].kind == "person" and before[0].name:
                return before
        if a._is_verb(tok, adjacent=True) and v > j and tokens[v - 1].low in _NOUN_MARKERS:
            return None  # '"one more hoax" a report that ...': "report" is a noun here
        if _participle_after_cue(a, frame, q, lo, v, j):
            return None  # '…, but said, "…," promising …': the cue before the quotation's
        if a._is_verb(tok, adjacent=True) or (
            tok.low == "according" and v + 1 < hi and tokens[v + 1].low == "to"
        ):
            speaker = a.speaker_of_verb(frame, v, j, hi)
            return (speaker, v, "speaker.verb_after_quote") if speaker is not None else None
        if (
            not tok.is_word
            and tok.text not in ",.()"
            or (
                not tok.is_cap
                and tok.low not in lx.AUXILIARIES
                and tok.low not in _DETERMINERS
                and tok.low not in lx.TITLES
                and tok.low not in lx.ROLE_MODIFIERS
                and tok.low not in lx.PRONOUNS_PERSON
                and tok.low not in _SUBJECT_SKIP
                and tok.low not in lx.NAME_PARTICLES
                and tok.low not in ("who", "which")
            )
        ):
            return None
    return None


def _participle_after_cue(a: _Attributor, frame: _Frame, q: int, lo: int, v: int, j: int) -> bool:
    """Whether the speech verb at ``v`` is a participle right after the quotation whose own
    cue comes just before it: 'Doe said, "…," adding that …' (the participle shares the
    subject of the verb before; no one is named after it)."""
    tokens = frame.tokens
    return (
        v == j
        and tokens[v].low.endswith("ing")
        and q - 2 >= lo
        and tokens[q - 1].text in ",:"
        and a._is_verb(tokens[q - 2], adjacent=True)
    )


@SPEAKER.rule("subject_before_colon")
def subject_before_colon(a: _Attributor, frame: _Frame, q: int, lo: int, hi: int) -> _Found:
    """The person who opens the clause a colon ends, past a comma, rather than a speech
    verb in an earlier clause: 'When Doe suggested a deal, Roe was blunt: "…"' -> Roe."""
    tokens = frame.tokens
    if q - 2 < lo or tokens[q - 1].text != ":":
        return None
    comma = next((x for x in range(q - 2, lo - 1, -1) if tokens[x].text == ","), None)
    if comma is None or any(t.low == _QUOTE for t in tokens[comma:q]):
        return None
    if bisect_left(frame.cues, q) > bisect_left(frame.cues, comma):
        return None  # the colon's own clause has its cue ('…, Roe said: "…"')
    m = frame.name_starting_at.get(tokens[comma + 1].start)
    if m is None or m.kind != "person" or m.possessive or m.name.lower() in lx.PLACES:
        return None
    after = next((x for x in range(comma + 1, q) if tokens[x].start >= m.end), q)
    if after >= q - 1 or tokens[after].is_cap or not tokens[after].is_word:
        return None  # 'voters, Democrats and Republicans:' names a list, not a clause
    return a.speaker_named(m), q - 1, "speaker.subject_before_colon"


@SPEAKER.rule("verb_before_quote")
def verb_before_quote(a: _Attributor, frame: _Frame, q: int, lo: int, hi: int) -> _Found:
    """The nearest cue before the quotation in its sentence (the ``speaker_before`` rules,
    tried at each cue token from the quote back): 'Jane Doe said: "…"', 'As Doe put it, "…"'."""
    before = list(SPEAKER_BEFORE)  # (once: this loop runs at every cue before the quote)
    cues = frame.cues
    for k in range(bisect_left(cues, q) - 1, bisect_left(cues, lo) - 1, -1):
        v = cues[k]
        for rule in before:
            speaker = rule.func(a, frame, v, q, lo)
            if speaker is not None:
                return speaker, v, rule.full_name
    return None


@SPEAKER_BEFORE.rule("as_put_it")
def as_put_it(a: _Attributor, frame: _Frame, v: int, q: int, lo: int) -> _Speaker | None:
    """'As Jo Doe put it, "…"', 'As Doe puts it, "…"': the subject before "put it"."""
    tokens = frame.tokens
    if tokens[v].low in ("put", "puts") and v + 1 < q and tokens[v + 1].low == "it":
        speaker = a.np_left(frame, v, lo)
        if speaker is not None and speaker.name:
            return speaker
    return None


@SPEAKER_BEFORE.rule("made_clear")
def made_clear(a: _Attributor, frame: _Frame, v: int, q: int, lo: int) -> _Speaker | None:
    """'Putin had already made clear that Russia "did not interfere"': who made it clear
    (a reporting phrase, not a speech verb)."""
    tokens = frame.tokens
    if tokens[v].low != "clear" or v - 1 < lo:
        return None
    verb = v - 2 if tokens[v - 1].low == "it" else v - 1
    if verb < lo or tokens[verb].low not in ("made", "make", "makes", "making"):
        return None
    speaker = a.np_left(frame, verb, lo)
    return speaker if speaker is not None and speaker.name else None


@SPEAKER_BEFORE.rule("according_to")
def according_to(a: _Attributor, frame: _Frame, v: int, q: int, lo: int) -> _Speaker | None:
    """'According to Peskov, the talks were "…"': the name after "according to"."""
    tokens = frame.tokens
    if tokens[v].low == "according" and v + 1 < q and tokens[v + 1].low == "to":
        return a.np_right(frame, v, q)
    return None


def _plural_noun_cue(tokens: list[Token], v: int, lo: int) -> bool:
    """Whether the speech-verb word at ``v`` is a plural noun after an owner or an article,
    about something: "criticism of Doe's comments about Roe as "…"", "the remarks on" (not
    "Doe says", nor the words themselves: "one of Roe's quotes as its headline: "…"")."""
    low = tokens[v].low
    return (
        low.endswith("s")
        and low != "says"
        and v - 1 >= lo
        and (tokens[v - 1].possessive or tokens[v - 1].low in _NOUN_MARKERS)
        and v + 1 < len(tokens)
        and tokens[v + 1].low in _ABOUT
    )


_ABOUT = frozenset("about on regarding concerning of over".split())


_CALL = frozenset("call calls called calling".split())


def _called_object(tokens: list[Token], v: int, q: int) -> bool:
    """Whether "call" and its quotation have only a short object between them, the way a
    name is given: 'Doe called his rival "totally scripted"', 'called the moment "a
    panic"' (an owner or article and up to two lower-case words)."""
    between = tokens[v + 1 : q]
    return (
        tokens[v].low in _CALL
        and 2 <= len(between) <= 3
        and (between[0].low in _NOUN_MARKERS or between[0].possessive)
        and all(t.is_word and not t.is_cap and t.low not in lx.SPEECH_VERBS for t in between[1:])
    )


def _writer_quoting(tokens: list[Token], v: int, lo: int) -> bool:
    """Whether the verb at ``v`` is the writer's aside "and I quote" / "I quote", set off
    after another speech verb: 'Doe said, and I quote, "…"' is Doe's."""
    return (
        tokens[v].low == "quote"
        and v - 1 >= lo
        and tokens[v - 1].low == "i"
        and v + 1 < len(tokens)
        and tokens[v + 1].text == ","
    )


@SPEAKER_BEFORE.rule("speech_verb")
def speech_verb(a: _Attributor, frame: _Frame, v: int, q: int, lo: int) -> _Speaker | None:
    """A speech verb before the quote: its subject ('Doe said "…"'), the name after it
    ('said Doe: "…"'), or the clause's subject ('Doe left and said "…"')."""
    tokens = frame.tokens
    if not a._is_verb(tokens[v], adjacent=True):
        return None  # (first, as it is cheap: this rule is tried at every token)
    if _writer_quoting(tokens, v, lo):
        return None  # 'Doe said, and I quote, "…"': the cue is "said", further back
    if _plural_noun_cue(tokens, v, lo):
        return None  # "Doe's comments about Roe", "the remarks": nouns, nobody speaking
    between = tokens[v + 1 : q]
    adjacent = all(not t.is_word or t.low in _BRIDGE for t in between) or _called_object(
        tokens, v, q
    )
    if not a._is_verb(tokens[v], adjacent):
        return None
    if tokens[v].low.endswith("ing") and v > lo and tokens[v - 1].text == ",":
        said = said_before_participle(a, frame, v, q, lo)
        if said is not None:
            return said
        # '..., calling it an "ethical error"': a participle's speaker is its clause's subject.
        speaker = a.clause_subject(frame, lo, v)
        if speaker is not None and speaker.name:
            return speaker
    speaker = a.np_left(frame, v, lo)
    if speaker is None and tokens[v].low not in lx.AUDIENCE_VERBS:
        speaker = a.np_right(frame, v, q)  # (after "told" come the listeners)
    if speaker is None:
        speaker = a.clause_subject(frame, lo, v)
    if speaker is None:
        speaker = unnamed_subject(frame, lo, v)
    return speaker


@SPEAKER_BEFORE.rule("said_before_participle")
def said_before_participle(
    a: _Attributor, frame: _Frame, v: int, q: int, lo: int
) -> _Speaker | None:
    """'…, Jane Roe said, adding, "…"': the one who said goes on, whoever the sentence
    opened with ('Doe left early, Roe said, adding: "He was tired."' -> Roe)."""
    if not SPEAKER_BEFORE.enabled("said_before_participle"):
        return None
    tokens = frame.tokens
    if not (tokens[v].low.endswith("ing") and a._is_verb(tokens[v], adjacent=True)):
        return None
    if v <= lo or tokens[v - 1].text != ",":
        return None
    verb = v - 2
    if verb < lo or not a._is_verb(tokens[verb], adjacent=True):
        return None
    speaker = a.np_left(frame, verb, lo)
    if speaker is None or not speaker.name:
        return None
    note_fired("speaker_before.said_before_participle")
    return speaker


def unnamed_subject(frame: _Frame, lo: int, v: int) -> _Speaker | None:
    """A sentence that opens with someone unnamed: 'One woman pointed to her daughter and
    said: "…"' -> no person, the description "One woman" kept; 'Prosecutors argued that
    "…"' -> the description "Prosecutors"."""
    tokens = frame.tokens
    if lo < v and tokens[lo].low in lx.PEOPLE_NOUNS:
        # 'Prosecutors argued that he had sent money to "…"': the people noun is the subject.
        if all(t.low in lx.AUXILIARIES for t in tokens[lo + 1 : v]):
            return _Speaker(None, None, description=tokens[lo].text)
        return None
    if lo >= v or tokens[lo].low not in _DETERMINERS - {"this", "that", "these", "those"}:
        return None
    k = lo + 1
    while k < v and k < lo + 4 and tokens[k].is_word and not tokens[k].is_cap:
        if tokens[k].low in lx.PEOPLE_NOUNS or tokens[k].low in lx.TITLES:
            start, end = tokens[lo].start, tokens[k].end
            return _Speaker(None, None, description=frame.text[start:end])
        k += 1
    return None


@SPEAKER.rule("dash_signature")
def dash_signature(a: _Attributor, frame: _Frame, q: int, lo: int, hi: int) -> _Found:
    """A signature after a dash: '"…" ― Carla Sanchez', '"…" — Putin, speaking to cadets'."""
    tokens = frame.tokens
    if q + 2 < len(tokens) and tokens[q + 1].text in _DASHES:
        signer = a.signature(frame, q + 2)
        if signer is not None:
            return signer, q + 1, "speaker.dash_signature"
    return None


def _addressed(a: _Attributor, frame: _Frame, j: int, lo: int) -> bool:
    """Whether the name ending at token ``j`` is what a preposition other than "from" points
    to: "a message to Trump:", "on CNN:" (but "More from Jones:" is Jones's)."""
    m = frame.name_ending_at.get(frame.tokens[j].end)
    if m is None or not a._after_preposition(frame, j, lo):
        return False
    return frame.tokens[_start_index(frame, m, j) - 1].low != "from"


@SPEAKER.rule("name_colon")
def name_colon(a: _Attributor, frame: _Frame, q: int, lo: int, hi: int) -> _Found:
    """A name and a colon: 'Frank Newport and Jim Harter: "We found..."'."""
    tokens = frame.tokens
    if q - 1 >= lo and tokens[q - 1].text == ":":
        speaker = None
        if not _addressed(a, frame, q - 2, lo):  # "a blunt message to Trump:", "on CNN:"
            speaker = a.first_of_joint(frame, q - 2, lo) or a._np_ending_at(frame, q - 2, lo)
        if speaker is None:
            speaker = a.clause_subject(frame, lo, q - 1)
        if speaker is not None:
            return speaker, q - 1, "speaker.name_colon"
    return None


@SPEAKER.rule("verb_later_in_sentence")
def verb_later_in_sentence(a: _Attributor, frame: _Frame, q: int, lo: int, hi: int) -> _Found:
    """A speech verb later in the sentence: '"common sense" actions ..., Jean-Pierre added.',
    or past a question the quotation ends with: '"How are you?" Doe, a volunteer, said.'."""
    tokens, cues = frame.tokens, frame.cues
    hi = _past_own_sentence(a, frame, q, hi)
    for k in range(bisect_right(cues, q), bisect_left(cues, hi)):
        v = cues[k]
        if a._is_verb(tokens[v], adjacent=False):
            speaker = a.speaker_of_verb(frame, v, q + 1, hi)
            if speaker is not None:
                return speaker, v, "speaker.verb_later_in_sentence"
    return None


# Slavic surnames show gender: Zakharova, Lebedeva, Kolesnikova for women; Peskov,
# Lavrov, Zelensky, Kolokoltsev, Dobrovich for men.
_FEMALE_SURNAME = re.compile(r"(?:ova|eva|yova|skaya|tskaya)$")
_MALE_SURNAME = re.compile(r"(?:[^aeiou]ov|[^aeiou]ev|sky|skiy|skii|vich)$")


def _gender(name: str, role: str | None) -> str | None:
    """ "f", "m" or None (unknown) for a person, from their role's words or their surname."""
    words = set((role or "").lower().split())
    if words & lx.FEMALE_WORDS:
        return "f"
    if words & lx.MALE_WORDS:
        return "m"
    parts = name.split()
    if len(parts) > 1 and CONTEXT.enabled("gender_from_given_name"):
        gender = gender_from_given_name(parts)
        if gender is not None:
            note_fired("speaker_context.gender_from_given_name")
            return gender
    surname = parts[-1].lower() if parts else ""
    if _FEMALE_SURNAME.search(surname):
        return "f"
    if _MALE_SURNAME.search(surname):
        return "m"
    return None


def _start_index(frame: _Frame, m: NameSpan, j: int) -> int:
    """The index in ``frame.tokens`` of the first token of name span ``m`` (role included),
    which ends at token ``j``."""
    k = j
    while k > 0 and frame.tokens[k].start > m.outer_start:
        k -= 1
    return k


def _past_titles(tokens: list[Token], k: int, lo: int) -> int:
    """Where the noun phrase of the name at token ``k`` opens, past the titles written
    before it (not before ``lo``): "Mr. Obama", "Sen. Jane Roe"."""
    while k > lo and is_title(tokens[k - 1]):
        k -= 1
    return k


def _bare_word(word: str) -> str:
    """ "Ministry's" -> "ministry"."""
    return re.sub(r"['’]s?$", "", word).lower()


# --- words in quotation marks that nobody said ------------------------------------------

# Quoted words that are not speech: written on something, or a term the writer names.
NOT_SPEECH = Registry("not_speech")
_WRITING_CUES = frozenset("saying said read reading reads signed titled entitled inscribed".split())
_FILLER = frozenset("simply just only that which , : —".split())
# What names a term rather than quoting a speaker: 'the so-called "creative class"',
# 'charged with "justifying terrorism"', 'on charges of treason and "fake news."'.
_TERM_OPENERS = (
    ("so-called",),
    ("so", "called"),
    ("charged", "with"),
    ("charges", "of"),
    ("convicted", "of"),
    ("accused", "of"),
    ("the", "term"),
    ("the", "word"),
)


# What may open the description of a speaker named after an inverted verb.
_DESCRIBING_DETERMINERS = frozenset("the his her their its".split())
# Words after which a speech verb's form is a noun: "a report", "the claim", "his answer".
_NOUN_MARKERS = frozenset("a an the this his her its their our my your".split())
_CLAUSE_BOUNDARY = frozenset("that is was are were be been being who which , ;".split())


def _not_speech(frame: _Frame, q: int, lo: int, text: str) -> bool:
    rule, _ = NOT_SPEECH.first(frame, q, lo, text)  # (counts the firing)
    return rule is not None


@NOT_SPEECH.rule("written_words")
def written_words(frame: _Frame, q: int, lo: int, text: str) -> bool:
    """The wording of a placard, banner, leaflet or sign is not anyone's speech: 'a banner
    that read "Talk to us!"', 'the ads were signed simply "yours, the mayor."'."""
    tokens = frame.tokens
    j = q - 1
    while j >= lo and tokens[j].low in _FILLER:
        j -= 1
    if j < lo or tokens[j].low not in _WRITING_CUES:
        return False
    return any(t.low.rstrip("'’s") in lx.WRITTEN_THINGS for t in tokens[max(lo, j - 6) : j])


@NOT_SPEECH.rule("work_title")
def work_title(frame: _Frame, q: int, lo: int, text: str) -> bool:
    """A title-cased name in quotation marks after a broadcaster's or author's possessive or
    a word for a work names a show, book or film, wherever the sentence's speech verb is:
    'on Fox News channel's "Sunday Morning Futures," Rep. Jane Roe said', 'NBC's "Today"',
    'his book "The Art of the Deal."' ('told ABC: "We will win."' stays speech)."""
    if not NOT_SPEECH.enabled("work_title") or q == lo:
        return False
    words = text.strip(" ,;:").rstrip(".!?").split()
    if (
        not words
        or len(words) > 8
        or not all(
            w[:1].isupper() or w.lower() in _SMALL_WORDS or not w[:1].isalpha() for w in words
        )
    ):
        return False
    if len(words) == 1 and text.rstrip()[-1:] in "!?":
        return False  # 'Trump's "Sad!"': an exclamation
    before = frame.tokens[q - 1]
    return before.possessive or before.low in lx.WORK_NOUNS


@NOT_SPEECH.rule("title_cased")
def title_cased(frame: _Frame, q: int, lo: int, text: str) -> bool:
    """Quoted words in title case with no sentence in them name a work, a slogan or a
    programme, wherever the cue is: '"Doomed to Succeed," Dennis Ross wrote of the
    book', 'appeared on "Morning Joe"' ('"Dump Trump." the crowd chanted' and a sentence
    begun in quotation marks, '"In Fisher," he said, "…"', stay quotes)."""
    if not NOT_SPEECH.enabled("title_cased"):
        return False
    raw = text.strip()
    if re.search(r"[.!?]", raw) or raw.endswith(",") or raw.isupper():
        return False
    raw = raw.strip(" ;:")
    return _is_title_case(raw) and sum(w[:1].isupper() for w in raw.split()) >= 2


@NOT_SPEECH.rule("term_label")
def term_label(frame: _Frame, q: int, lo: int, text: str) -> bool:
    """A short lower-case term the writer names is a label, not a quote: 'the so-called
    "creative class"', 'charged with "justifying terrorism"', 'running as a "locomotive,"'
    ('he called it "a disgrace"' stays a quote: "called" is a speech verb)."""
    words = text.strip(" ,.;:!?").split()
    if not words or len(words) > 4 or not text[:1].islower():
        return False
    tokens = frame.tokens
    # Words of the same list may stand between: 'charges of treason and "fake news."'.
    j = q - 1
    while (
        j >= lo
        and j > q - 4
        and tokens[j].is_word
        and not tokens[j].is_cap
        and (tokens[j].low in ("and", "or") or tokens[j - 1].low in ("and", "or", "of", "with"))
        and tokens[j].low not in ("of", "with")
    ):
        j -= 1
    before = tuple(t.low for t in tokens[max(lo, j - 1) : j + 1])
    if any(before[-len(opener) :] == opener for opener in _TERM_OPENERS):
        return True
    # 'running as a "locomotive"': "as a" after a verb that is not a speech verb.
    if not (len(before) == 2 and before[-1] in ("a", "an") and tokens[j - 1].low == "as"):
        return False
    # 'described the plan as a "disgrace"' stays a quote: a verb of saying comes first.
    for t in reversed(tokens[max(lo, j - 5) : j - 1]):
        if t.low in _CLAUSE_BOUNDARY:
            break  # 'admitted that he is running as a "locomotive"': not the verb of "as"
        if t.low in lx.SPEECH_VERBS or t.low.startswith(("describ", "referr", "brand")):
            return False
    return True


# Verbs by which a state gives a legal status: "labeled", "branded", "designated", "listed".
_DESIGNATING = ("label", "brand", "designat", "list", "declar")


@NOT_SPEECH.rule("official_designation")
def official_designation(frame: _Frame, q: int, lo: int, text: str) -> bool:
    """A status a state gives is a label, not anyone's words: 'Russia has labeled it a
    "foreign agent"', 'the group was designated an "extremist organization"' ('Doe
    labeled the plan "a disgrace"' stays a quote: a person, and no article outside the
    marks)."""
    words = text.strip(" ,.;:!?").split()
    tokens = frame.tokens
    if not words or len(words) > 4 or not text[:1].islower() or q - 1 < lo:
        return False
    if tokens[q - 1].low not in ("a", "an"):
        return False
    for v in range(q - 2, max(lo, q - 10) - 1, -1):
        if tokens[v].low == _QUOTE and tokens[v + 1].low in ("and", "or"):
            continue  # 'labeled both a "foreign agent" and an "undesirable organization"'
        if tokens[v].low == _QUOTE or tokens[v].text in ",;":
            return False
        if tokens[v].low.startswith(_DESIGNATING) and tokens[v].low.endswith("ed"):
            k = v - 1
            while k >= lo and tokens[k].low in lx.AUXILIARIES:
                k -= 1
            passive = k < v - 1 and tokens[v - 1].low in ("been", "was", "were", "is", "be")
            state = k >= lo and _bare_word(tokens[k].low) in lx.PLACES
            return passive or state
    return False


# --- carrying a speaker to quotes whose own sentence names none -------------------------


@CONTEXT.rule("transcript_label")
def transcript_label(a: _Attributor, text: str) -> _Speaker | None:
    """A transcript line's label names its speaker: '"WALLACE: Let's start with ..."'."""
    return a.transcript_speaker(text) if CONTEXT.enabled("transcript_label") else None


@CONTEXT.rule("said_just_before")
def said_just_before(
    a: _Attributor, frame: _Frame, lo: int
) -> tuple[_Speaker, tuple[int, int]] | None:
    """A whole-sentence quote with no cue, right after a sentence that ends with someone's
    speech verb, is theirs: 'Roe agreed. "We are running out of time."' -> Roe (not the
    speaker of an earlier quotation). Returns the speaker and that sentence's bounds."""
    if not CONTEXT.enabled("said_just_before"):
        return None
    k = bisect_left(frame.sentences, (lo, lo)) - 1
    if k < 0 or frame.sentences[k][1] != lo:
        return None
    plo, phi = frame.sentences[k]
    tokens = frame.tokens
    end = phi - 1 if tokens[phi - 1].text == "." else phi
    v = end - 1
    while v > plo and tokens[v].low.endswith("ly") and not tokens[v].is_cap:
        v -= 1  # "Roe disagreed strongly."
    if v <= plo or not a._is_verb(tokens[v], adjacent=True):
        return None
    if any(t.low == _QUOTE for t in tokens[plo:phi]):
        return None
    speaker = a.np_left(frame, v, plo)
    if speaker is None or not speaker.name or speaker.kind != "person":
        return None
    return speaker, (plo, phi)


@CONTEXT.rule("same_paragraph_before")
def same_paragraph_before(last: int | None) -> int | None:
    """A whole-sentence quote with no cue takes the speaker of the last quote before it in
    the paragraph that has one (``last``): '"We will win," Doe said. "The city is with us."'
    -> both Doe's."""
    return last if CONTEXT.enabled("same_paragraph_before") else None


@CONTEXT.rule("introduced_with_colon")
def introduced_with_colon(q: int, intro: _Speaker | None) -> _Speaker | None:
    """A paragraph opening with a quote after one that ends 'Dr. Ward stated:' is Ward's."""
    return intro if q == 0 and CONTEXT.enabled("introduced_with_colon") else None


@CONTEXT.rule("previous_paragraph")
def previous_paragraph(
    frame: _Frame, q: int, speaker: _Speaker | None, prev_open: bool
) -> _Speaker | None:
    """A paragraph that opens with a quote continuing the last one (its closing mark left
    off, or a new quote at once) is the previous paragraph's speaker's."""
    if not CONTEXT.enabled("previous_paragraph") or q != 0 or speaker is None:
        return None
    return speaker if prev_open or frame.tokens[0].low == _QUOTE else None


@CONTEXT.rule("same_paragraph_after")
def same_paragraph_after(following: int | None) -> int | None:
    """A whole-sentence quote with no cue before the paragraph names its speaker takes the
    speaker of the next quote that has one (``following``): '"The city is with us." "We will
    win," Doe said.' -> both Doe's."""
    return following if CONTEXT.enabled("same_paragraph_after") else None


@CONTEXT.rule("signature_next_line")
def signature_next_line(a: _Attributor, p: int) -> _Speaker | None:
    """A line "— Defense Minister X" under a paragraph of nothing but quotations signs
    them: '"Let them come and try!"' / '— Defense Minister Pavel Murashko'."""
    frame = a.frames[p]
    if not CONTEXT.enabled("signature_next_line") or p == 0 or not frame.tokens:
        return None
    if frame.tokens[0].text not in _DASHES or not _only_quotes(a.frames[p - 1]):
        return None
    return a.signature(frame, 1)


@CONTEXT.rule("quote_runs_on")
def quote_runs_on() -> bool:
    """A quote whose paragraph ends with its closing mark left off runs on into the next
    paragraph, and takes the speaker that paragraph names: '"We came here' / '"and we
    stayed," she said.' (applied in :func:`extract_quotes`)."""
    return CONTEXT.enabled("quote_runs_on")


# How sure each rule is of the speaker it finds (before its evidence is weighed).
_RULE_CONFIDENCE = {
    "speaker.verb_after_quote": 0.95,
    "speaker.subject_before_aside": 0.9,
    "speaker_before.speech_verb": 0.9,
    "speaker_before.as_put_it": 0.9,
    "speaker_before.according_to": 0.85,
    "speaker.dash_signature": 0.9,
    "speaker.name_colon": 0.85,
    "speaker.verb_later_in_sentence": 0.7,
    "speaker_context.signature_next_line": 0.8,
    "speaker_context.transcript_label": 0.9,
    "speaker_context.same_paragraph_before": 0.8,
    "speaker_context.same_paragraph_after": 0.6,
    "speaker_context.introduced_with_colon": 0.8,
    "speaker_context.previous_paragraph": 0.7,
    "speaker_context.quote_runs_on": 0.75,
    "speaker_context.digest_intro": 0.75,
}
# What reaching the name indirectly costs: a pronoun, a role ("the mayor said"), a surname.
_VIA_FACTOR = {"pronoun": 0.8, "role": 0.85, "surname": 0.9}


def _provenance(
    quote: ExtractedQuote, speaker: _Speaker, rule: str | None, origin: str | None, cue: str | None
) -> None:
    """Fill a quote's provenance: the rule, its cue, a confidence, and where a speaker not
    named at the cue was resolved from."""
    quote.rule = rule
    quote.cue = cue
    quote.source_description = speaker.description
    if speaker.name is None or rule is None:
        quote.confidence = None
        return
    quote.confidence = round(
        _RULE_CONFIDENCE.get(rule, 0.7) * _VIA_FACTOR.get(speaker.via or "", 1.0), 2
    )
    indirect = speaker.via is not None or rule.startswith("speaker_context.")
    quote.resolved_from = origin if indirect and origin and origin != quote.sentence else None


def _sentence_text(frame: _Frame, bounds: tuple[int, int]) -> str:
    lo, hi = bounds
    return frame.text[frame.tokens[lo].start : frame.tokens[hi - 1].end]


def _waiting(text: str, paragraph: int, span: QuotedSpan, sentence: str) -> ExtractedQuote:
    """A whole quote whose speaker a later paragraph may name."""
    return ExtractedQuote(
        text=text,
        speaker=None,
        speaker_type=None,
        kind="full",
        paragraph=paragraph,
        start=span.start,
        end=span.end,
        sentence=sentence,
        said_to=None,
    )


def _sentence_end(frame: _Frame, start: int) -> int:
    """The end of the sentence of ``frame`` that starts at token ``start`` (else ``start``)."""
    k = bisect_left(frame.sentences, (start,))
    if k < len(frame.sentences) and frame.sentences[k][0] == start:
        return frame.sentences[k][1]
    return start


def _only_quotes(frame: _Frame) -> bool:
    """Whether a paragraph holds nothing but quotations (and punctuation)."""
    return bool(frame.spans) and all(t.low == _QUOTE or not t.is_word for t in frame.tokens)


def _starts_clause(tokens: list[Token], lo: int, j: int) -> bool:
    """Whether token ``j`` starts its sentence, past a time stamp ("16:30 — President ...")."""
    return all(not t.is_word or t.text[:1].isdigit() for t in tokens[lo:j])


def _after_role_and_comma(tokens: list[Token], lo: int, j: int) -> bool:
    """ "The Commission's chief spokesman, Olaf Brenninkmeijer, declined": the subject."""
    if j - 1 <= lo or tokens[j - 1].text != ",":
        return False
    phrase = tokens[lo : j - 1]
    return all(t.text != "," for t in phrase) and any(is_title(t) for t in phrase)


def _first_np(tokens: list[Token], lo: int, j: int) -> bool:
    """Whether nothing but an introductory phrase and a comma comes before token ``j``:
    "Later, Doe said", "On May 5, Doe posted"; not a clause with its own subject ("On
    Sunday, she said that after the vote, Doe …")."""
    words = [t for t in tokens[lo:j] if t.is_word]
    return (
        tokens[j - 1].text == ","
        and len(words) <= _INTRO_WORDS
        and not any(
            (t.is_cap and t.low not in lx.FUNCTION_WORDS and t.low not in lx.DAYS_AND_MONTHS)
            or t.low in lx.PRONOUNS_PERSON
            for t in words
        )
    )


_INTRO_WORDS = 6  # "In a statement on Monday night," / "After the vote in the Senate,"


@SPANS.rule("said_after_colon")
def said_after_colon(frame: _Frame, q: int, text: str, hi: int) -> bool:
    """Whether a colon introduces the quote token ``q`` and the quoted words end the
    sentence: 'adding: "Glory to Ukraine!"' is speech, though its words are title-cased
    like a name; 'a new fire: "Monday Night Football" ratings' is a name."""
    if not SPANS.enabled("said_after_colon") or q == 0 or frame.tokens[q - 1].text != ":":
        return False
    ends = text[-1:] in _SENTENCE_END or q == hi - 1 or frame.tokens[q + 1].text in ".!?"
    if ends:
        note_fired("quote_spans.said_after_colon")
    return ends


_SMALL_WORDS = frozenset("a an the and or but of in on at to for by with from as vs".split())


def _is_title_case(text: str) -> bool:
    """Whether quoted words look like a title ("Meet the Press") rather than speech."""
    words = text.rstrip(".!?").split()
    if not 2 <= len(words) <= 8:
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS or not w[:1].isalpha() for w in words)


def _kind(text: str, frame: _Frame, span_index: int, same_speaker_next: bool) -> str:
    span = frame.spans[span_index]
    words = text.strip()
    if not words or not _CAP_START.match(words) or words.startswith(("...", "…")):
        return "partial"
    full_text = frame.text
    inside_end = full_text[span.start : span.outer_end].rstrip("\"”»'` \t")
    after = full_text[span.outer_end : span.outer_end + 1]
    last = inside_end[-1:] if inside_end else ""
    if last in _SENTENCE_END or after in _SENTENCE_END:
        return "full"
    if span.runs_to_end or not full_text[span.outer_end :].strip():
        return "full"
    if last in ",:;—–-" or after in ",:;—–-":
        before = full_text[: span.outer_start].rstrip()
        starts_sentence = not before or before[-1] in '.!?:"”»' or before.endswith("''")
        if starts_sentence and not same_speaker_next:
            return "full"
    return "partial"


def extract_quotes(paragraphs: list[str], people: list[ExtractedPerson]) -> list[ExtractedQuote]:
    """Return the attributed quotations of an article body, in reading order.

    ``paragraphs`` is the body (no headline); ``people`` is what
    :func:`.people.extract_people` returned for it, used to give every speaker
    its canonical name. A quote's ``speaker`` is a person's canonical name, an
    organisation ("the Kremlin") or None when the text does not say; quoted
    labels and scare quotes with no speaker are left out. Pure function.
    """
    attributor = _Attributor(paragraphs, people)
    results: list[ExtractedQuote] = []
    prev_par_speaker: _Speaker | None = None
    prev_par_open = False
    prev_intro: _Speaker | None = None
    # Quotes running on past the end of their paragraph with no attribution yet: the
    # convention leaves the closing mark off and names the speaker further on.
    running_on: list[ExtractedQuote] = []
    # Quotes of a paragraph that is nothing but quotations, waiting for a signature on the
    # next line: '"Let them come and try!"' / '— Defense Minister Pavel Murashko'.
    unsigned: list[ExtractedQuote] = []
    # The person a digest of remarks belongs to ("Here are X's comments:"), once announced.
    digest: _Speaker | None = None
    digest_text = prev_text = ""
    # Where the previous paragraph's quotes start in ``results``, and how much of ``results``
    # is to be put in reading order at the end: sorting and scanning it all at every
    # signature was quadratic.
    prev_start = par_start = sorted_upto = 0
    for p, frame in enumerate(attributor.frames):
        prev_start, par_start = par_start, len(results)
        only_quotes = _only_quotes(frame)
        found: list[tuple[int, _Speaker | None, int, tuple[int, int]]] = []
        chosen_by: dict[int, str] = {}  # quote token -> the rule that found its speaker
        for lo, hi in frame.sentences:
            first = len(found)  # the earlier sentences' quotes are not in this one
            for q in range(lo, hi):
                if q in frame.quote_at:
                    speaker, verb, rule_name = attributor.attribute(frame, q, lo, hi)
                    found.append((q, speaker, verb, (lo, hi)))
                    if rule_name is not None:
                        chosen_by[q] = rule_name
            attributor.note_subjects(frame, lo, hi)
            for q, speaker, _verb, _ in found[first:]:
                if lo <= q < hi and speaker is not None and speaker.kind == "person":
                    attributor.resolver.last_subject = speaker.name
                    attributor.resolver.named(speaker.name)
        # Carry speakers to unattributed whole sentences in the same paragraph.
        speakers: list[_Speaker | None] = [s for _, s, _, _ in found]
        how: list[str | None] = [chosen_by.get(q) for q, _, _, _ in found]
        origin: list[str | None] = [None] * len(found)  # the sentence a carried speaker is from
        for i, (q, _speaker, _verb, _) in enumerate(found):
            span = frame.spans[frame.quote_at[q]]
            labelled = transcript_label(attributor, frame.text[span.start : span.end])
            if labelled is not None:
                speakers[i], how[i] = labelled, "speaker_context.transcript_label"
        # The nearest quote with a speaker after each one, as found (a scan per quote was
        # quadratic), and the last one before it, kept as we go.
        next_k: list[int | None] = [None] * len(found)
        for i in range(len(found) - 2, -1, -1):
            next_k[i] = i + 1 if speakers[i + 1] is not None else next_k[i + 1]
        last_k: int | None = None
        for i, (q, _speaker, _verb, (lo, _hi)) in enumerate(found):
            if i and speakers[i - 1] is not None:
                last_k = i - 1
            if speakers[i] is not None:
                continue
            span = frame.spans[frame.quote_at[q]]
            text = frame.text[span.start : span.end]
            whole = bool(_CAP_START.match(text)) and q == lo
            if not whole:
                continue
            sentence = frame.tokens[lo : found[i][3][1]]
            if any(t.low != _QUOTE and attributor._is_verb(t, False) for t in sentence):
                # This sentence names its own speaker, even if we could not tell who: a
                # quote, but not one to hand to the previous speaker.
                speakers[i] = _NOBODY
                continue
            if (said := said_just_before(attributor, frame, lo)) is not None:
                speakers[i], how[i] = said[0], "speaker_context.said_just_before"
                origin[i] = _sentence_text(frame, said[1])
            elif (k := same_paragraph_before(last_k)) is not None:
                speakers[i], how[i] = speakers[k], "speaker_context.same_paragraph_before"
                origin[i] = _sentence_text(frame, found[k][3])
            elif (intro := introduced_with_colon(q, prev_intro)) is not None:
                speakers[i], how[i] = intro, "speaker_context.introduced_with_colon"
                origin[i] = prev_text
            elif (
                carried := previous_paragraph(frame, q, prev_par_speaker, prev_par_open)
            ) is not None:
                speakers[i], how[i] = carried, "speaker_context.previous_paragraph"
                origin[i] = prev_text
            elif (k := same_paragraph_after(next_k[i])) is not None:
                speakers[i], how[i] = speakers[k], "speaker_context.same_paragraph_after"
                origin[i] = _sentence_text(frame, found[k][3])
            if how[i] and how[i].startswith("speaker_context."):
                note_fired(how[i])
        if digest is not None:
            for i in range(len(found)):
                if speakers[i] is None:
                    speakers[i], how[i] = digest, "speaker_context.digest_intro"
                    origin[i] = digest_text
                    note_fired("speaker_context.digest_intro")
        if (signer := signature_next_line(attributor, p)) is not None:
            signed = [q for q in results[prev_start:] if q.paragraph == p - 1] + unsigned
            for quote in signed:
                quote.speaker, quote.speaker_type = signer.name, "person"
                _provenance(quote, signer, "speaker_context.signature_next_line", frame.text, "—")
            note_fired("speaker_context.signature_next_line")
            results.extend(unsigned)
            sorted_upto = len(results)
        unsigned = []
        continued = bool(found) and found[0][0] == 0 and frame.tokens[0].low == _QUOTE
        if running_on and continued and speakers[0] is not None and quote_runs_on():
            note_fired("speaker_context.quote_runs_on")
            for quote in running_on:
                quote.speaker = speakers[0].name
                quote.speaker_type = speakers[0].kind if speakers[0].name else None
                _provenance(quote, speakers[0], "speaker_context.quote_runs_on", frame.text, None)
                results.append(quote)
        if not continued or speakers[:1] != [None]:
            running_on = []
        for i, (q, _speaker, verb, (lo, hi)) in enumerate(found):
            speaker = speakers[i]
            index = frame.quote_at[q]
            span = frame.spans[index]
            text = frame.text[span.start : span.end]
            if speaker is None:
                # Kept aside in case the next paragraph names the speaker.
                if only_quotes:
                    unsigned.append(_waiting(text, p, span, frame.text))
                last = index == len(frame.spans) - 1
                if last and span.runs_to_end and q == lo and _CAP_START.match(text):
                    sentence = frame.text[frame.tokens[lo].start : frame.tokens[hi - 1].end]
                    running_on.append(_waiting(text, p, span, sentence))
                continue
            if verb < q and _is_title_case(text) and not said_after_colon(frame, q, text, hi):
                continue  # 'told "Meet the Press"', 'his book "Doomed to Succeed"'
            if _not_speech(frame, q, lo, text):
                continue

            nxt = found[i + 1] if i + 1 < len(found) else None
            same_next = bool(
                nxt is not None
                and speakers[i + 1] is speaker
                and nxt[3] == (lo, hi)
                and frame.text[frame.spans[frame.quote_at[nxt[0]]].start :][:1].islower()
            )
            sent_start = frame.tokens[lo].start
            sent_end = frame.tokens[hi - 1].end
            quote = ExtractedQuote(
                text=text,
                speaker=speaker.name,
                speaker_type=speaker.kind if speaker.name else None,
                kind=_kind(text, frame, index, same_next),
                paragraph=p,
                start=span.start,
                end=span.end,
                sentence=frame.text[sent_start:sent_end],
                said_to=attributor.said_to(frame, verb, hi),
            )
            cue = frame.tokens[verb].text if verb >= 0 and how[i] == chosen_by.get(q) else None
            _provenance(quote, speaker, how[i], origin[i] or attributor.seen_in(speaker), cue)
            results.append(quote)
        attributed = [s for s in speakers if s is not None]
        if attributed:
            prev_par_speaker = attributed[-1]
        elif frame.spans:
            prev_par_speaker = None
        prev_par_open = bool(frame.spans and frame.spans[-1].runs_to_end)
        if not prev_par_open:
            running_on = []
        prev_intro = attributor.introducer(frame)
        prev_text = frame.text
        if CONTEXT.enabled("digest_intro"):
            owner = digest_intro(frame.tokens, frame.name_ending_at)
            if owner is not None:
                digest, digest_text = attributor.speaker_named(owner), frame.text
    results[:sorted_upto] = sorted(results[:sorted_upto], key=lambda x: (x.paragraph, x.start))
    return results
