"""Find the people named in an article body, with their roles and name variants.

Rule-based, plain Python (no Django, no statistical model). A person is a run of
capitalised words that the text itself marks as a person:

* a title or job noun in front of it ("Kremlin spokesman Dmitry Peskov",
  "Sen. Tom Carper", "his Chinese counterpart Xi Jinping");
* a speech verb right next to it ("Jake Sullivan told CBS", "said Sullivan");
* or its surname used alone elsewhere in the text ("... Sullivan said").

Runs that end in an organisation word (Ministry, House, Party...) or contain a
place word (Palace, Street, North...) are not people. Variants of one name
(Biden, Joe Biden, President Biden; Zelensky and Zelenskiy) become one
:class:`~.types.ExtractedPerson` whose ``name`` is the fullest form.

:func:`tokenize` and :func:`scan` are shared with :mod:`.quotes`, which needs the
same name spans (:class:`NameSpan`: one place where the text names a person or an
organisation) to resolve "he", "Sullivan" or "the Kremlin".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import lexicon as lx
from .lexicon import given_name_gender
from .rules import Registry, note_fired, switched_off
from .types import ExtractedPerson

# Evidence that a capitalised run is a person's name (beside titles, roles and speech verbs).
PEOPLE = Registry("people")
# Capitalised words that belong to an organisation's name or a person's affiliation, not
# to a second person.
ORGANISATION = Registry("organisation")
# Words before a given name that make the pair a place or a credit ("in Milton Keynes").
_NOT_BEFORE_A_GIVEN_NAME = frozenset("in at near outside inside across by".split())

QUOTE_MARKS = frozenset('"“”«»„‟')

_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., G.K., D.C.
    r"|[^\W\d_](?:[\w'’\-]*\w)?(?:['’]s\b|s['’](?!\w))?"  # words, Jean-Pierre, O'Neill, Biden's
    r"|\d(?:[\d,.]*\d)?"
    r"|''|``"
    r"|\S"
)
_POSSESSIVE_RE = re.compile(r"(?:['’]s|(?<=s)['’])$")


@dataclass(slots=True)
class Token:
    """A word, number or punctuation mark with its offsets in the paragraph."""

    text: str
    start: int
    end: int
    low: str
    is_word: bool
    is_cap: bool
    possessive: bool = False


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into :class:`Token` objects.

    Abbreviations keep their full stop ("Sen.", "Mr.", "U.S.", the initial "F."),
    and a possessive "'s" stays on its word (``possessive`` is then true and
    ``low`` holds the word without it).
    """
    tokens: list[Token] = []
    taken = 0
    size = len(text)
    for m in _TOKEN_RE.finditer(text):
        if m.start() < taken:  # the full stop already joined to an abbreviation
            continue
        word = m.group()
        start, end = m.start(), m.end()
        first = word[0]
        if not first.isalpha():
            tokens.append(Token(word, start, end, word, False, False))
            continue
        possessive = False
        low = word.lower()
        if (
            end < size
            and text[end] == "."
            and (
                low in lx.ABBREVIATIONS
                or (len(word) == 1 and first.isupper())
                or _two_letter_initial(text, word, end, tokens)
            )
        ):
            end += 1
            taken = end
            word += "."
            low += "."
        elif len(word) > 2 and (low[-1] in "'’" or low[-2] in "'’" and low[-1] == "s"):
            possessive = True
            low = low[:-1] if low[-1] in "'’" else low[:-2]
        tokens.append(Token(word, start, end, low, True, first.isupper(), possessive))
    return tokens


_NEXT_NAME_RE = re.compile(r"\.\s([A-Z][a-z]+)")


def _two_letter_initial(text: str, word: str, end: int, tokens: list[Token]) -> bool:
    """A two-letter initial inside a name, as in Central Asian and Russian usage:
    "Ainura Sh. Mamytova", "Ivan Ye. Petrov" (a given name before, a surname after)."""
    if len(word) != 2 or not word[0].isupper() or not word[1].islower():
        return False
    if not tokens or not tokens[-1].is_cap or not tokens[-1].is_word:
        return False
    following = _NEXT_NAME_RE.match(text, end)
    return bool(following) and following.group(1).lower() not in lx.FUNCTION_WORDS


def _bare(low: str) -> str:
    return low[:-1] if low.endswith(".") else low


def is_title(tok: Token) -> bool:
    """Whether the token is a title or job noun written before a name.

    A hyphenated title counts by its parts ("Secretary-General", "co-founder").
    """
    if not tok.is_word:
        return False
    low = _bare(tok.low)
    if low in lx.TITLES or tok.low in lx.TITLES:  # "del." ("Del. Jane Roe"), not "del"
        return True
    return "-" in low and any(part in lx.TITLES for part in low.split("-")[1:])


@dataclass(slots=True)
class NameSpan:
    """One place where the text names a person or an organisation.

    ``name`` is the surface form without title ("Joe Biden", "Biden");
    ``kind`` is "person", "org" or "place" (a place named as someone's affiliation,
    "Senator Ted Cruz of Texas": never a speaker); ``tok_start``/``tok_end`` index the
    paragraph's tokens (:func:`tokenize`), the role included for ``tok_start``.
    """

    paragraph: int
    start: int
    end: int
    tok_start: int
    tok_end: int
    name: str
    kind: str
    role: str | None = None
    possessive: bool = False
    evidence: bool = False
    name_parts: list[str] = field(default_factory=list)
    outer_start: int = -1
    # Which rule vouched for the name, and the words that show it ("Mayor Jane Doe said").
    why: str = ""
    shown_by: str = ""


def _is_name_token(tok: Token) -> bool:
    if not tok.is_cap:
        return False
    if len(tok.text) == 2 and tok.text[1] == "." and tok.text[0].isupper():
        return True  # a middle initial: "Julie A. Diaz"
    low = _bare(tok.low)
    return not (
        low in lx.FUNCTION_WORDS
        or low in lx.NON_NAME_WORDS
        or _people_plural(low)
        or low in lx.ORG_HEADS
        or low in lx.DAYS_AND_MONTHS
        or is_title(tok)
        or (tok.text.isupper() and len(tok.text) > 1 and "." not in tok.text)
    )


# One-word names built like a company's or an agency's: "Sberbank", "Gazprom", "Rosneft",
# "Naftogaz", "Lukoil", "Aeroflot", "Rosatom", "Roskomnadzor", "Rosstat", "Microsoft".
_COMPANY_FORM_RE = re.compile(
    r"..(?:bank|gaz|gas|prom|neft|oil|flot|atom|nadzor|stat|soft|tech|tek|energo)(?:['’]s)?$"
)


def _word_before_full_name(tokens: list[Token], run: list[int]) -> bool:
    """Whether the run opens a sentence with a word that is no name, title or given name
    before a given name and a surname: "Celebrities Julianne Moore and ...", "Democrat
    Jane Roe said" (a name's first word is the given name)."""
    if len(run) != 3 or not _starts_sentence(tokens, run[0]):
        return False
    first, second = tokens[run[0]], tokens[run[1]]
    return (
        not is_title(first)
        and first.low not in lx.HONORIFICS
        and first.low not in lx.SALUTATIONS
        and not lx.is_given_name(first.text)
        and "." not in first.text
        and lx.is_given_name(second.text)
        and _is_name_token(tokens[run[2]])
    )


def _titled_with_the(tokens: list[Token], i: int, run: list[int]) -> bool:
    """Whether one word is a title with a capitalised "The" inside a sentence, the way
    papers and organisations are named: "editor of The Forward", "told The Hill"."""
    return (
        i == run[0]
        and i > 1
        and tokens[i - 1].text == "The"
        and (not _starts_sentence(tokens, i - 1) or _after_quoted_clause(tokens, i - 1))
    )


def _after_quoted_clause(tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` follows quoted words that end in a comma, so the sentence goes
    on: '"…," The Blaze reported' (a capital "The" there is part of a name)."""
    return i >= 2 and tokens[i - 1].text in QUOTE_MARKS and tokens[i - 2].text == ","


def _surname_word_after_given_name(tokens: list[Token], run: list[int]) -> bool:
    """Whether the run ends in a surname that is also a word the lists keep out of names,
    after a given name and any initials: "Theresa May", "Peter T. King", "David French"."""
    if len(run) < 2 or _bare(tokens[run[-1]].low) not in lx.SURNAME_WORDS:
        return False
    k = len(run) - 2
    while k > 0 and _is_initial(tokens[run[k]]):
        k -= 1
    return lx.is_given_name(tokens[run[k]].text)


def _surname_word_speaking(tokens: list[Token], i: int) -> bool:
    """Whether a lone surname that is also a word is a name because a "say" verb follows it:
    '"…," West said' (Allen West, named in full earlier), not "the West"."""
    return (
        _bare(tokens[i].low) in lx.SURNAME_WORDS
        and (i == 0 or tokens[i - 1].low != "the")
        and _speech_after(tokens, i + 1)
    )


def _is_particle(tok: Token) -> bool:
    return not tok.is_cap and tok.low in lx.NAME_PARTICLES


def _speech_after(tokens: list[Token], i: int) -> bool:
    """Whether a plain "say" verb follows position ``i`` (auxiliaries allowed between)."""
    n = len(tokens)
    while i < n and tokens[i].low in lx.AUXILIARIES:
        i += 1
    return i < n and tokens[i].low in lx.SAY_VERBS


def _platform_speaking(tokens: list[Token], run: list[int]) -> bool:
    """Whether a lone social network's name before a "say" verb is the company speaking:
    '"…," Twitter said in a statement' (where "on Twitter" is the platform)."""
    return (
        len(run) == 1
        and _bare(tokens[run[0]].low) in lx.SOCIAL_NETWORKS
        and (run[0] == 0 or tokens[run[0] - 1].low not in lx.FUNCTION_WORDS)
        and _speech_after(tokens, run[0] + 1)
    )


def _says_itself(tokens: list[Token], run: list[int]) -> bool:
    """Whether a lone capitalised speech verb is a name because a speech verb follows it:
    '"…," Read said' is Ian Read's, where 'Says Doe' opens a sentence with its verb."""
    return len(run) == 1 and run[0] > 0 and _speech_after(tokens, run[0] + 1)


def _speech_after_appositive(tokens: list[Token], i: int) -> bool:
    """Whether ``i`` opens an appositive followed by a speech verb: "Name, 67, a farmer, said"."""
    n = len(tokens)
    if i >= n or tokens[i].text != ",":
        return False
    for j in range(i + 1, min(n, i + 30)):
        tok = tokens[j]
        if tok.text in ".!?" or tok.text in QUOTE_MARKS or tok.text in ("''", "``"):
            return False
        if tok.text == "," and _speech_after(tokens, j + 1):
            return True
    return False


def _speech_before(tokens: list[Token], i: int) -> bool:
    """Whether a "say" verb ("said Peskov") or "according to" comes just before position ``i``."""
    if i >= 1 and tokens[i].low == "to" and tokens[i - 1].low == "according":
        return True
    if i >= 0 and tokens[i].text in "―—–" and (i == 0 or tokens[i - 1].text in QUOTE_MARKS):
        return True  # a signature: '"..." — Putin', or a line "— Putin" under a quotation
    return i >= 0 and tokens[i].low in lx.SAY_VERBS and not tokens[i].is_cap


def _role_before(tokens: list[Token], i: int) -> tuple[int, str | None]:
    """The role written just before token ``i`` ("Kremlin spokesman") and its first index."""
    if i < 0 or not is_title(tokens[i]) or tokens[i].possessive:
        return i + 1, None
    j = i
    while j - 1 >= 0:
        tok = tokens[j - 1]
        if not tok.is_word or tok.possessive:
            break
        if tok.is_cap:
            if (
                tok.low in lx.FUNCTION_WORDS
                and tok.low not in lx.ROLE_MODIFIERS
                and not (tok.low == "new" and tokens[j].is_cap)  # "New Jersey Gov."
            ):
                break
        elif tok.low not in lx.ROLE_MODIFIERS and tok.low not in lx.TITLES:
            break
        j -= 1
    while j <= i and tokens[j].low in ("of", "the"):
        j += 1
    words = [t.text for t in tokens[j : i + 1] if t.low not in lx.HONORIFICS]
    if not words:
        return i + 1, None
    return j, " ".join(words)


def _of_role(
    tokens: list[Token], i: int, run_start: int, *, run_follows: bool = False
) -> tuple[int, str] | None:
    """A role of the form "Secretary of State", "Chief of the General Staff", "Deputy Mayor
    for Transport" ending at token ``i``, just before a name; ``(first index, role)``.

    After "of"/"for" come at most four words: capitalised ones or "the", and before
    the name's run of capitals also lower-case ones ("chief of staff"). With
    ``run_follows`` the run of capitals must start right after "of"/"for" (and "the").
    """
    for j in range(i, max(0, i - 5), -1):
        tok = tokens[j]
        if tok.low in ("of", "for") and 0 < j < i:
            if is_title(tokens[i]):
                return None  # "spokesman for presidential candidate Jo Doe": Doe's own title
            if all(t.low == "the" for t in tokens[j + 1 : i + 1]):
                return None  # "director of the Latino Partnership": an organisation follows
            if run_follows and any(t.low != "the" for t in tokens[j + 1 : run_start]):
                return None
            # Lower-case words only in a compound title ("chief of staff"), not after
            # "the" ("head of the hedge fund Evercore Partners": a company follows).
            plain = all(t.low != "the" for t in tokens[j + 1 : i + 1])
            for k in range(j + 1, i + 1):
                t = tokens[k]
                lower_ok = plain and k < run_start and t.low not in lx.FUNCTION_WORDS
                if not t.is_word or t.possessive or not (t.is_cap or t.low == "the" or lower_ok):
                    return None
            if not is_title(tokens[j - 1]) or tokens[j - 1].possessive:
                return None
            start, role = _role_before(tokens, j - 1)
            if role is None:
                return None
            return start, " ".join([role, *(t.text for t in tokens[j : i + 1])])
        if not tok.is_word or tok.possessive:
            return None
    return None


def _is_initial(tok: Token) -> bool:
    return len(tok.text) == 2 and tok.text.endswith(".") and tok.text[0].isupper()


def _role_set_off_before(tokens: list[Token], first: int, after: int) -> str | None:
    """The role in front of a name set off by commas: "His lawyer, Yevgenia Kostina, told",
    "Russia's ambassador to the United Nations, Konstantin Gusev, said".

    ``first`` is the name's first token and ``after`` the token after it, which must
    be a comma (or a speech verb). The phrase before the first comma runs back to
    the start of the clause, is at most twelve words and holds a title or job noun.
    """
    n = len(tokens)
    if first < 2 or tokens[first - 1].text != ",":
        return None
    if after >= n or not (tokens[after].text == "," or tokens[after].low in lx.SAY_VERBS):
        return None
    j = first - 2
    while j >= 0 and tokens[j].is_word and first - 2 - j < 12:
        j -= 1
    if j >= 0 and tokens[j].text not in ".!?:;" and tokens[j].text not in QUOTE_MARKS:
        return None  # not the start of a clause: "in Moscow, Kyiv and Warsaw, Jo Doe"
    phrase = tokens[j + 1 : first - 1]
    if not phrase or not any(is_title(t) for t in phrase):
        return None
    if phrase[0].low in ("the", "a", "an"):
        phrase = phrase[1:]
    return " ".join(t.text for t in phrase) or None


def _appositive_role(tokens: list[Token], i: int) -> str | None:
    """The role in an appositive after a name: "Mykola Oleshchuk, the air force commander,".

    ``i`` is the token after the name. The appositive must be closed by a comma,
    hold a title or job noun, and be at most eight words (no speech verb inside).
    """
    n = len(tokens)
    if i >= n or tokens[i].text != ",":
        return None
    j = start = i + 1
    if j < n and tokens[j].low in ("the", "a", "an"):
        j = start = j + 1
    while j < n and tokens[j].is_word and j - start < 8:
        # A clause, not a description: "..., who once ...", "..., Mr. X is ...".
        if tokens[j].low in lx.SPEECH_VERBS or tokens[j].low in lx.AUXILIARIES:
            return None
        j += 1
    words = tokens[start:j]
    # Closed by a comma, or by the end of the sentence ('said Olga Petrova, an economist.').
    closed = j < n and (
        tokens[j].text == ","
        or (
            tokens[j].text == "."
            and j == n - 1
            and (start > i + 1 or words and words[0].possessive)
        )
    )
    if not closed or not words:
        return None
    if words[0].low in lx.FUNCTION_WORDS or (
        words[0].is_cap and not is_title(words[0]) and not words[0].possessive
    ):
        return None
    first_title = next((k for k, t in enumerate(words) if is_title(t)), None)
    if first_title is None:
        return None
    # After the job noun only a prepositional tail may follow ("spokesman for the
    # ministry"), not the rest of a clause ("... approval rating remains strong").
    for t in words[first_title + 1 :]:
        if t.low in _ROLE_TAIL_OPENERS:
            break
        if not t.is_cap and not is_title(t) and t.low not in lx.ROLE_MODIFIERS:
            return None
    return " ".join(t.text for t in words)


_ROLE_TAIL_OPENERS = frozenset("of for at to in with on from".split())


def _starts_sentence(tokens: list[Token], i: int) -> bool:
    return i == 0 or tokens[i - 1].text in _SENTENCE_OPENERS


def _ordinary_word(tok: Token, lower_words: set[str] | frozenset[str]) -> bool:
    """Whether a capitalised word is an ordinary word, capitalised only to start a sentence.

    It is when the article also writes it in lower case ("Like", "Among", "Critics"),
    or when it is an -ing form ("Following", "Using"), unless it is a title (the
    start of a role) or a given name that is also a word ("Will", "Mark", "Grant").
    """
    low = tok.low
    if (
        is_title(tok)
        or low in lx.GIVEN_NAME_WORDS
        or low in lx.NAME_PARTICLES
        or low in lx.ORG_WORDS
    ):
        return False
    return (
        low in lower_words
        or (low.endswith("ing") and len(low) > 5)
        # A question opens with its verb: "Does Lavrov ever wish ...", "Will Smith ..." is
        # kept above as a given name.
        or low in lx.AUXILIARIES
    )


@PEOPLE.rule("honorific")
def _honorific_evidence(honorific: bool) -> bool:
    """An honorific before the name: "Mr. Smith", "Dr. Ward"."""
    return honorific and PEOPLE.enabled("honorific")


@PEOPLE.rule("role")
def _role_evidence(role: str | None, of_role: tuple | None) -> bool:
    """A title or job in front of the name or beside it: "Kremlin spokesman Dmitry Peskov",
    "Olga Petrova, an economist at Alfa Bank" (an "X of Y" role alone is weak: "director of
    the UCLA Anderson Forecast")."""
    return role is not None and of_role is None and PEOPLE.enabled("role")


@PEOPLE.rule("speaks")
def _speaks(tokens: list[Token], name_idx: list[int], prev: int) -> bool:
    """A speech verb beside the name: "Jane Doe said", "said Jane Doe.", "Doe, 54, said",
    "his wife, Jane Doe, said"."""
    if not PEOPLE.enabled("speaks") or tokens[name_idx[-1]].possessive:
        return False
    nxt, n = name_idx[-1] + 1, len(tokens)
    # "His wife, Aizada Temirbekova, told reporters": the name is itself the apposition.
    set_off = (
        prev >= 1
        and tokens[prev].text == ","
        and nxt < n
        and tokens[nxt].text == ","
        and (tokens[prev - 1].low in lx.KIN_WORDS or tokens[prev - 1].low in lx.PEOPLE_NOUNS)
    )
    return bool(
        _speech_after(tokens, nxt)
        or (_speech_before(tokens, prev) and (nxt >= n or not tokens[nxt].is_word))
        or _speech_after_appositive(tokens, nxt)
        or (set_off and _speech_after(tokens, nxt + 1))
    )


def _demonym(low: str) -> bool:
    """A people's adjective that is also a given name: "Georgian" (Georgia), "Jordanian"."""
    if not low.endswith("ian"):
        return False
    stem = low[:-3]
    return any(place in lx.PLACES for place in (stem + "ia", stem + "a", stem))


def _people_plural(low: str) -> bool:
    """Whether a word names a people or a group in the plural, never one person:
    "Americans", "Russians", "Europeans", "Latinos" (not "Evans", "Adams")."""
    if len(low) < 5 or not low.endswith("s"):
        return False
    one = low[:-1]
    return (
        one in lx.NON_NAME_WORDS
        or _demonym(one)
        or (one.endswith("an") and (one[:-1] in lx.PLACES or one[:-2] in lx.PLACES))
    )


@PEOPLE.rule("given_name_first")
def _given_name_first(
    tokens: list[Token], name_idx: list[int], lower_words: set[str] | frozenset[str]
) -> bool:
    """A capitalised run that opens with a given name is a person's name, with no title or
    speech verb needed: "... instead of Donald Trump", "dancers Pavel Dmitrichenko".

    Only a name that marks a gender in the list (not one used for either, such as
    "Way" or "Sun"), never a place's first word ("San Francisco"), and not when the
    article also writes that word in lower case ("Will", "Rose", "Bill").
    """
    first = tokens[name_idx[0]]
    before = tokens[name_idx[0] - 1].low if name_idx[0] > 0 else ""
    return (
        PEOPLE.enabled("given_name_first")
        and first.low not in lower_words
        and first.low not in lx.PLACE_PREFIXES
        # "in Milton Keynes", "near Vernon Hills": a place; "Interview by Anna Lebedeva",
        # "Photo by ...": a credit or byline, not a person the article is about.
        and before not in _NOT_BEFORE_A_GIVEN_NAME
        and not _demonym(first.low)
        and given_name_gender(_POSSESSIVE_RE.sub("", first.text)) is not None
        and not any(_bare(tokens[x].low) in lx.ORG_WORDS | lx.PLACES for x in name_idx)
    )


_SELF = frozenset("herself himself themselves".split())
_KNOWN_AS = frozenset({"known", "identified"})


@PEOPLE.rule("given_name_introduced")
def _given_name_introduced(tokens: list[Token], i: int) -> str | None:
    """A given name alone, introduced as someone's name, is a person; returns the kin word
    that describes them, or "" when there is none; None when the name is not introduced.

    "a resident who gave only her first name, Yelena" / "a woman who identified herself
    as Anna" / "a soldier named Ivan" / "whose father, Alexander, is ..." (-> "father").
    Only a word the given-name list knows, so "her home town, Tver," is no one.
    """
    if not PEOPLE.enabled("given_name_introduced") or i < 2:
        return None
    if given_name_gender(_POSSESSIVE_RE.sub("", tokens[i].text)) is None:
        return None
    if _bare(tokens[i].low) in lx.PLACES:
        return None  # "her sister, Georgia," is more often the country
    low = [t.low for t in tokens[max(0, i - 4) : i]]
    low = [""] * (4 - len(low)) + low
    if low[-1] in (",", ":") and low[-3:-1] == ["first", "name"]:
        return ""  # "gave her first name, Yelena"
    if low[-1] == "as" and (low[-2] in _SELF or low[-2] == "name"):
        return ""  # "identified herself as Paulina", "gave her name as Anna"
    if low[-1] == "as" and low[-2] == "only" and low[-3] in _SELF:
        return ""  # "identified herself only as Paulina"
    if low[-1] == "as" and (low[-2] in _KNOWN_AS or low[-2] == "only" and low[-3] in _KNOWN_AS):
        return ""  # "the base chief known as Bob", "a protester identified only as Anna"
    if low[-1] == "named" and low[-2] in lx.PEOPLE_NOUNS:
        return ""  # "a soldier named Ivan"
    after = tokens[i + 1].text if i + 1 < len(tokens) else "."
    if low[-1] == "," and low[-2] in lx.KIN_WORDS and after in ",.;":
        return low[-2]  # "her father, Alexander, is"
    return None


def _connector_before(tokens: list[Token], first: int) -> int:
    """Index of the word before a run of capitalised words, past a "the" ("of the X")."""
    c = first - 1
    if c >= 0 and tokens[c].low == "the":
        c -= 1
    return c


def _names_someone(tokens: list[Token], run: list[int]) -> bool:
    """Whether capitalised words hold a person's name: a title or honorific, or a given
    name followed by another word ("Hillary Clinton", "Gen. Mark Milley")."""
    return any(
        is_title(tokens[x])
        or tokens[x].low in lx.HONORIFICS
        or (x != run[-1] and given_name_gender(_POSSESSIVE_RE.sub("", tokens[x].text)) is not None)
        for x in run
    )


@ORGANISATION.rule("name_continued")
def _name_continued(tokens: list[Token], run: list[int], prev: NameSpan | None) -> bool:
    """Capitalised words joined by "for", "of" or "and" to an organisation named just
    before continue its name: "the James Martin Center for Nonproliferation Studies",
    "the Institute for Science and International Security" (not people "Nonproliferation
    Studies" and "International Security"); "to" after the organisation's head word
    does too: "the Committee to Protect Journalists".

    "and" continues only a name already joined so ("the Kremlin and Peskov" stays two);
    a run with a title, or opening with a given name, is a person ("the Ministry of Defense
    and Sergei Shoigu").
    """
    if prev is None or prev.kind != "org" or prev.possessive:
        return False
    c = _connector_before(tokens, run[0])
    if c < 0 or prev.tok_end != c or tokens[c].low not in ("for", "of", "and", "&", "to"):
        return False
    if tokens[c].low == "to" and _bare(tokens[c - 1].low) not in lx.ORG_HEADS:
        return False  # "the Committee to Protect Journalists", not "from Gazprom to Naftogaz"
    if tokens[c].low in ("and", "&") and not re.search(r" (?:for|of) ", prev.name):
        return False
    if is_title(tokens[prev.tok_end - 1]):
        return False  # "CEO of Washington Restaurant Association": a role's "of"
    return ORGANISATION.enabled("name_continued") and not _names_someone(tokens, run)


@ORGANISATION.rule("affiliation")
def _affiliation(tokens: list[Token], run: list[int], prev: NameSpan | None) -> bool:
    """Capitalised words right after a person's name and "of", "from" or "at" say where the
    person works or comes from, not who else is named: "George Zornick of The Nation wrote",
    "Tatiana Stanovaya of R.Politik", "Senator Ted Cruz of Texas" (not people "Nation" and
    "Texas"). Not after a word that only might be a name: "Supporters of Hillary Clinton"."""
    if prev is None or prev.kind != "person" or prev.possessive:
        return False
    if not (prev.evidence or len(prev.name_parts) > 1):
        return False
    c = _connector_before(tokens, run[0])
    return (
        ORGANISATION.enabled("affiliation")
        and c >= 0
        and prev.tok_end == c
        and tokens[c].low in ("of", "from", "at")
        and not _names_someone(tokens, run)
    )


def _is_place(tokens: list[Token], run: list[int]) -> bool:
    """ "Texas", "New Mexico": a place the lists know."""
    words = " ".join(_bare(tokens[x].low) for x in run)
    return words in lx.PLACES or _bare(tokens[run[-1]].low) in lx.PLACES


@ORGANISATION.rule("named_after_its_kind")
def _named_after_its_kind(tokens: list[Token], run: list[int]) -> bool:
    """Capitalised words right after a lower-case word for an organisation are its name:
    "space agency Roscosmos said", "the movement Put Domoy" ("agency chief Jane Doe" and
    "told the agency Jane Doe had left" still name a person: a title, or a given name).

        >>> toks = tokenize("The state space agency Roscosmos said on Monday.")
        >>> _named_after_its_kind(toks, [4])
        True
    """
    if not ORGANISATION.enabled("named_after_its_kind") or not run or run[0] == 0 or len(run) > 3:
        return False
    before = tokens[run[0] - 1]
    if before.is_cap or not before.is_word or _bare(before.low) not in lx.ORG_HEADS:
        return False
    first = tokens[run[0]]
    return not (lx.is_given_name(first.text) or is_title(first) or first.low in lx.HONORIFICS)


def _org_span(index: int, tokens: list[Token], run: list[int], kind: str = "org") -> NameSpan:
    """An organisation (or, with ``kind="place"``, a place) named by the capitalised words
    ``run`` ("the" before it kept)."""
    last = tokens[run[-1]]
    before = tokens[run[0] - 1] if run[0] > 0 else None
    after_the = before is not None and before.low == "the"
    org = " ".join(tokens[x].text for x in run)
    if last.possessive:
        org = _POSSESSIVE_RE.sub("", org)
    if after_the:
        org = "the " + org
    first_tok = run[0] - 1 if after_the else run[0]
    return NameSpan(
        index,
        tokens[run[0]].start,
        last.end,
        first_tok,
        run[-1] + 1,
        org,
        kind,
        possessive=last.possessive,
        evidence=True,
        outer_start=tokens[first_tok].start,
    )


def _continue_name(text: str, org: NameSpan, tokens: list[Token], run: list[int]) -> None:
    """Extend the organisation ``org`` over the words ``run`` that continue its name."""
    last = tokens[run[-1]]
    tail = text[org.end : last.end]
    if last.possessive:
        tail = _POSSESSIVE_RE.sub("", tail)
    org.name += tail
    org.end = last.end
    org.tok_end = run[-1] + 1
    org.possessive = last.possessive


def _scan_paragraph(
    index: int, text: str, tokens: list[Token], lower_words: set[str] | frozenset[str] = frozenset()
) -> list[NameSpan]:
    name_spans: list[NameSpan] = []
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        if not tok.is_cap:
            i += 1
            continue
        # A run of capitalised words (particles and initials allowed inside).
        j = i
        while j < n:
            t = tokens[j]
            if t.is_cap:
                j += 1
                if t.possessive:
                    break
            elif j > i and _is_particle(t):
                k = j
                while k < n and _is_particle(tokens[k]):
                    k += 1
                if k >= n or not tokens[k].is_cap:
                    break
                j = k  # "Ursula von der Leyen"
            else:
                break
        run = list(range(i, j))
        i = j
        # Leading sentence words ("The", "But", "Says", "Unlike") are not part of a name.
        while run and (
            (
                _bare(tokens[run[0]].low) in lx.FUNCTION_WORDS
                # "New" starts a name when a capitalised word follows: "The New York Times"
                and not (tokens[run[0]].low == "new" and len(run) > 1)
            )
            or (tokens[run[0]].low in lx.SPEECH_VERBS and not _says_itself(tokens, run))
            or (
                len(run) > 1
                and _starts_sentence(tokens, run[0])
                and _ordinary_word(tokens[run[0]], lower_words)
            )
            or _word_before_full_name(tokens, run)
        ):
            run.pop(0)
        if not run:
            continue
        prev_span = name_spans[-1] if name_spans else None
        if _name_continued(tokens, run, prev_span):
            note_fired("organisation.name_continued")
            _continue_name(text, prev_span, tokens, run)
            continue
        if _named_after_its_kind(tokens, run):
            note_fired("organisation.named_after_its_kind")
            name_spans.append(_org_span(index, tokens, run))
            continue
        if _affiliation(tokens, run, prev_span):
            note_fired("organisation.affiliation")
            kind = "place" if _is_place(tokens, run) else "org"
            name_spans.append(_org_span(index, tokens, run, kind))
            continue
        last = tokens[run[-1]]
        last_low = _bare(last.low)
        # Split the run into a prefix (titles, organisations, places) and the name.
        k = len(run)
        while k > 0 and (
            _is_name_token(tokens[run[k - 1]])
            or _is_particle(tokens[run[k - 1]])
            # A given name that is also a word the lists keep out of names ("the Farm
            # Bill") starts the name when a name follows: "President Bill Clinton".
            or (k < len(run) and _bare(tokens[run[k - 1]].low) in lx.GIVEN_NAME_WORDS)
            # A surname that is also such a word ends the name after a given name:
            # "Prime Minister Theresa May", "Rep. Allen West".
            or (k == len(run) and _surname_word_after_given_name(tokens, run))
            or (k == len(run) == 1 and _surname_word_speaking(tokens, run[0]))
        ):
            k -= 1
        name_idx = run[k:]
        if not name_idx and len(run) > 1 and tokens[run[-2]].low in lx.HONORIFICS:
            name_idx = run[-1:]  # "Mr. King", "Ms. Major": a surname that is also a title
        before = tokens[run[0] - 1] if run[0] > 0 else None
        after_the = before is not None and before.low == "the"
        if not name_idx:
            if (
                last_low in lx.ORG_HEADS
                or _platform_speaking(tokens, run)
                or last_low in lx.ORG_WORDS
                or _bare(tokens[run[0]].low) in lx.ORG_WORDS  # "Downing Street"
                or (last.text.isupper() and len(last.text) > 1 and "." not in last.text)
            ):
                name_spans.append(_org_span(index, tokens, run))
            continue
        if len(name_idx) == 1 and (
            _bare(tokens[name_idx[0]].low) in lx.ORG_WORDS
            or _COMPANY_FORM_RE.search(_bare(tokens[name_idx[0]].low))
            or _titled_with_the(tokens, name_idx[0], run)
        ):
            only = tokens[name_idx[0]]
            org = ("the " if after_the else "") + _POSSESSIVE_RE.sub("", only.text)
            first_tok = name_idx[0] - 1 if after_the else name_idx[0]
            name_spans.append(
                NameSpan(
                    index,
                    only.start,
                    only.end,
                    first_tok,
                    name_idx[0] + 1,
                    org,
                    "org",
                    possessive=only.possessive,
                    evidence=True,
                    outer_start=tokens[first_tok].start,
                )
            )
            continue
        while name_idx and _is_particle(tokens[name_idx[0]]):
            name_idx.pop(0)
        if not name_idx:
            continue
        of_role = None
        keep = 3 if len(name_idx) >= 2 and _is_initial(tokens[name_idx[-2]]) else 2
        if len(name_idx) > keep:
            # "Chief of the General Staff Valery Gerasimov": the name is its last words.
            of_role = _of_role(tokens, name_idx[-keep] - 1, run[0], run_follows=True)
            if of_role is not None:
                name_idx = name_idx[-keep:]
        if of_role is None and len(name_idx) >= 2:  # a person's name, not "Jersey"
            of_role = _of_role(tokens, name_idx[0] - 1, run[0])
        first = name_idx[0]
        if of_role is not None:
            role_start, role = of_role
        else:
            role_start, role = _role_before(tokens, first - 1)
        if role is None:
            role = _appositive_role(tokens, name_idx[-1] + 1)
        if role is None and len(name_idx) >= 2:
            role = _role_set_off_before(tokens, first, name_idx[-1] + 1)
            if role is not None:
                for earlier in name_spans:
                    if earlier.tok_end == first - 1 and earlier.role is None:
                        # "... to the United Nations, Konstantin Gusev, said": "Nations"
                        # only ends the role, the speech verb is Gusev's.
                        earlier.evidence = False
        parts = [tokens[x].text for x in name_idx]
        if tokens[name_idx[-1]].possessive:
            parts[-1] = _POSSESSIVE_RE.sub("", parts[-1])
        honorific = first > 0 and tokens[first - 1].low in lx.HONORIFICS
        # A role of the "X of Y" form alone is weak: "director of the UCLA Anderson Forecast".
        evidence, why = False, ""
        if _honorific_evidence(honorific):
            evidence, why = True, "people.honorific"
        elif _role_evidence(role, of_role):
            evidence, why = True, "people.role"
        prev = first - 1
        if k > 0 and not role and not honorific:
            # An unexplained capitalised prefix ("Elysee", "Western"): weak.
            evidence, why = False, ""
        if not evidence and _speaks(tokens, name_idx, prev):
            evidence, why = True, "people.speaks"
        if not evidence and len(name_idx) >= 2 and _given_name_first(tokens, name_idx, lower_words):
            evidence, why = True, "people.given_name_first"
        if (
            not evidence
            and len(name_idx) == 1
            and (kin := _given_name_introduced(tokens, first)) is not None
        ):
            evidence, why = True, "people.given_name_introduced"
            role = role or kin or None
        shown_start = tokens[prev if honorific else role_start]
        shown_end = tokens[min(n - 1, name_idx[-1] + (1 if why == "people.speaks" else 0))]
        name_spans.append(
            NameSpan(
                index,
                tokens[first].start,
                tokens[name_idx[-1]].end,
                role_start,
                name_idx[-1] + 1,
                " ".join(parts),
                "person",
                role=role,
                possessive=tokens[name_idx[-1]].possessive,
                evidence=evidence,
                name_parts=parts,
                outer_start=tokens[role_start].start,
                why=why,
                shown_by=text[shown_start.start : shown_end.end] if why else "",
            )
        )
        if why:
            note_fired(why)
    return name_spans


# ---------------------------------------------------------------------------
# Name keys


_FOLDS = (
    (re.compile(r"(?:ij|iy|yy|yi|ii|yj|ey|ei|ie)$"), "y"),
    (re.compile(r"i$"), "y"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"j(?=[aeiou])"), "y"),
    (re.compile(r"(\w)\1+"), r"\1"),
)


@lru_cache(maxsize=4096)
def _fold_word(word: str) -> str:
    for pattern, repl in _FOLDS:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Return a key under which spellings of one name compare equal.

    Case, accents, punctuation and common transliteration differences are
    folded: ``name_key("Zelensky") == name_key("Zelenskiy") == name_key("Zelenskyy")``,
    ``name_key("José Martí") == name_key("jose marti")``. Words stay in order
    and are joined by one space; the empty string comes back for a name with
    no letters.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[^\W\d_]+", plain.replace("'", "").replace("’", ""))
    return " ".join(_fold_word(w) for w in words)


# ---------------------------------------------------------------------------
# Grouping name spans into people


@dataclass
class _Person:
    parts: list[str]
    role: str | None
    forms: list[str]
    keys: set[str]
    why: str = ""
    shown_by: str = ""

    @property
    def surname_key(self) -> str:
        return name_key(self.parts[-1])

    @property
    def first_key(self) -> str:
        return name_key(self.parts[0])


def _compatible(a: list[str], b: list[str]) -> bool:
    """Whether two multi-word names can be one person (same surname, same first name)."""
    if name_key(a[-1]) != name_key(b[-1]):
        return False
    fa, fb = name_key(a[0]), name_key(b[0])
    initial = len(a[0].rstrip(".")) == 1 or len(b[0].rstrip(".")) == 1
    return fa == fb or (fa[:1] == fb[:1] and initial)


# A surname with an elided prefix: "O'Malley", "D’Souza", "N'Diaye".
_ELIDED_PREFIX_RE = re.compile(r"^[A-Z]['’][A-Z][a-z]+$")


def _plausible_single_name(m: NameSpan, tokens: list[list[Token]], lower_words: set[str]) -> bool:
    """Whether a one-word name with nobody fuller to attach to can be a person on its own.

    Not when the word is a place ("Russia said") or a common noun for people
    ("Analysts said", "Officials"), when the article also writes it in
    lower case (a common noun: "Teachers said" beside "the teachers"), or when it is
    a contraction or an -ing word that is capitalised only because it starts a
    sentence ("I'll", "Having said that").
    """
    word = m.name
    low = _bare(word.lower())
    if low in lx.PLACES or word.lower() in lx.PLACES or low in lx.PEOPLE_NOUNS:
        # "Russia said", "of Raleigh, N.C., said", "Analysts said"
        return False
    if m.role is not None:
        return True
    if low in lower_words or (("'" in word or "’" in word) and not _ELIDED_PREFIX_RE.match(word)):
        return False  # "I'll", "Don't"; but "O'Malley", "D’Souza" are names
    if low.endswith("ing"):
        toks = tokens[m.paragraph]
        first = next((i for i, t in enumerate(toks) if t.start == m.start), 0)
        return first > 0 and toks[first - 1].text not in _SENTENCE_ENDS
    return True


_SENTENCE_ENDS = frozenset(".!?:") | QUOTE_MARKS
_SENTENCE_OPENERS = _SENTENCE_ENDS | frozenset("(—–-;")


@PEOPLE.rule("surname_alone_elsewhere")
def _surname_alone_elsewhere(m: NameSpan, single_keys: set[str]) -> bool:
    """A full name with no other evidence is a person when the text also uses the surname
    alone: "... met Anna Lindqvist." / "Lindqvist left early."."""
    return PEOPLE.enabled("surname_alone_elsewhere") and name_key(m.name_parts[-1]) in single_keys


def _group(
    name_spans: list[NameSpan], tokens: list[list[Token]], lower_words: set[str]
) -> tuple[list[_Person], dict[int, _Person]]:
    """Group the name spans of people; returns the people and a map from span id to person."""
    people: list[_Person] = []
    owner: dict[int, _Person] = {}
    multi = [m for m in name_spans if m.kind == "person" and len(m.name_parts) > 1]
    singles = [m for m in name_spans if m.kind == "person" and len(m.name_parts) == 1]
    single_keys = {name_key(m.name) for m in singles}
    # The people so far by surname key and by first-name key, in the order they were met:
    # comparing each name span with every person was quadratic on long files (issue #11).
    # A person's parts do not change until all name spans are grouped.
    by_surname: dict[str, list[_Person]] = {}
    by_first: dict[str, list[_Person]] = {}

    def add(person: _Person) -> None:
        people.append(person)
        by_surname.setdefault(person.surname_key, []).append(person)
        by_first.setdefault(person.first_key, []).append(person)

    for m in multi:
        if not m.evidence and not _surname_alone_elsewhere(m, single_keys):
            continue
        for p in by_surname.get(name_key(m.name_parts[-1]), ()):
            if _compatible(p.parts, m.name_parts):
                break
        else:
            p = _Person(list(m.name_parts), None, [], set())
            add(p)
        owner[id(m)] = p
    for m in singles:
        key = name_key(m.name)
        if m.why == "people.given_name_introduced":
            # Someone who gave only a first name is not whoever else has it; kin named by a
            # given name often are named in full elsewhere: "his wife, Chelsea" / "Chelsea
            # Clinton".
            match = [p for p in by_surname.get(key, ()) if len(p.parts) == 1]
            if m.role in lx.KIN_WORDS:
                match = [p for p in by_first.get(key, ()) if len(p.parts) > 1][:1] or match
            p = match[0] if match else _Person(list(m.name_parts), None, [], set())
            if not match:
                add(p)
            owner[id(m)] = p
            continue
        match = [p for p in by_surname.get(key, ()) if len(p.parts) > 1]
        if not match:
            match = [p for p in by_first.get(key, ()) if len(p.parts) > 1]
            if len(match) > 1:
                match = []
        if not match:
            match = [p for p in by_surname.get(key, ()) if len(p.parts) == 1]
        if match:
            owner[id(m)] = match[0]
        elif m.evidence and _plausible_single_name(m, tokens, lower_words):
            p = _Person(list(m.name_parts), None, [], set())
            add(p)
            owner[id(m)] = p
    for m in name_spans:
        p = owner.get(id(m))
        if p is None:
            continue
        if len(m.name_parts) > len(p.parts):
            p.parts = list(m.name_parts)
        if m.name not in p.forms:
            p.forms.append(m.name)
        if not p.why and m.why:
            p.why, p.shown_by = m.why, m.shown_by
        if p.role is None and m.role:
            p.role = m.role
    return people, owner


def _bind_descriptions(
    paragraphs_tokens: list[list[Token]], name_spans: list[NameSpan], owner: dict[int, _Person]
) -> None:
    """Give a role to a person first described and named only later.

    News ledes often say "Biden's national security advisor said ..." and name
    him in the next paragraph ("Jake Sullivan told CBS"). The description is
    bound to the first role-less person who then speaks, within two paragraphs.
    """
    for m in name_spans:
        if not m.possessive:
            continue
        tokens = paragraphs_tokens[m.paragraph]
        role, end = description_after(tokens, m.tok_end)
        if role is None or not _speech_after(tokens, end):
            continue
        for other in name_spans:
            if other.paragraph <= m.paragraph or other.paragraph > m.paragraph + 2:
                continue
            person = owner.get(id(other))
            if person is None or person is owner.get(id(m)):
                continue
            other_tokens = paragraphs_tokens[other.paragraph]
            if person.role is None and _speech_after(other_tokens, other.tok_end):
                person.role = role
                break


def description_after(tokens: list[Token], i: int) -> tuple[str | None, int]:
    """A lower-case job description starting at token ``i`` ("national security advisor").

    Returns the description and the index after it, or ``(None, i)``.
    """
    j = i
    while (
        j < len(tokens)
        and tokens[j].is_word
        and not tokens[j].is_cap
        and (tokens[j].low in lx.ROLE_MODIFIERS or tokens[j].low in lx.TITLES)
    ):
        j += 1
    while j > i and not is_title(tokens[j - 1]):
        j -= 1
    if j == i:
        return None, i
    return " ".join(t.text for t in tokens[i:j]), j


# How sure each kind of evidence makes us that a name is a person's.
_PERSON_CONFIDENCE = {
    "people.role": 0.95,
    "people.honorific": 0.95,
    "people.speaks": 0.9,
    "people.given_name_first": 0.8,
    "people.surname_alone_elsewhere": 0.7,
}


@dataclass
class Scan:
    """Everything :func:`scan` found: tokens per paragraph, name spans and people."""

    tokens: list[list[Token]]
    name_spans: list[NameSpan]
    people: list[ExtractedPerson]


@lru_cache(maxsize=8)
def _scan_cached(paragraphs: tuple[str, ...], _off: frozenset[str]) -> Scan:
    tokens = [tokenize(p) for p in paragraphs]
    lower_words = {t.low for toks in tokens for t in toks if t.is_word and not t.is_cap}
    name_spans: list[NameSpan] = []
    for index, (text, toks) in enumerate(zip(paragraphs, tokens, strict=True)):
        name_spans.extend(_scan_paragraph(index, text, toks, lower_words))
    grouped, owner = _group(name_spans, tokens, lower_words)
    _bind_descriptions(tokens, name_spans, owner)
    people = []
    for p in grouped:
        name = " ".join(p.parts)
        aliases = [f for f in p.forms if f != name]
        why = p.why or "people.surname_alone_elsewhere"
        people.append(
            ExtractedPerson(
                name=name,
                role=p.role,
                aliases=aliases,
                evidence=p.shown_by,
                rule=why,
                confidence=_PERSON_CONFIDENCE.get(why, 0.6),
            )
        )
    return Scan(tokens, name_spans, people)


def scan(paragraphs: list[str]) -> Scan:
    """Tokenize the body and find its name spans and people (cached for the last few bodies)."""
    return _scan_cached(tuple(paragraphs), switched_off())


def extract_people(paragraphs: list[str]) -> list[ExtractedPerson]:
    """Return every person named in the article body, in the order the text first names them.

    ``paragraphs`` is the body (no headline). Each person appears once, under
    the fullest form of the name the text uses; the other forms are in
    ``aliases`` and the first title or job the text gives is ``role``.
    Organisations and places are not returned. Pure function.
    """
    return [replace(p, aliases=list(p.aliases)) for p in scan(paragraphs).people]
