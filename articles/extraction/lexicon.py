"""The word lists of extraction: read once, here, from the files in ``data/``.

These are general facts about how English-language news is written, not about any one
article: the verbs that report speech, the titles and job nouns put in front of names, the
words that make a capitalised phrase an organisation or a place rather than a person,
pronouns, news agencies, the words of photo credits. Each list is a file
``data/NAME.txt``, one word or phrase a line; lines starting with ``#`` say what the list is
for. Every list is read when this module is imported, once per process, and the other
modules of the package import them from here, so a word is added in one place. Matching
lists are lower-cased, so callers look words up with ``word.lower()``;
:func:`entries` keeps a list's spelling (agency names, as the agencies write them).

Given names come from the gender-guesser package's dictionary, also read here, lazily (it
holds some 40,000 names; :func:`given_name_gender`, :func:`is_given_name`).

Plain Python, no Django.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib.resources import files

_DATA = files(__package__) / "data"


def _lines(name: str) -> list[str]:
    """The lines of ``data/NAME.txt`` that hold an entry: stripped, no comments, no blanks."""
    text = (_DATA / f"{name}.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@cache
def tagged(name: str) -> dict[str, str | None]:
    """The entries of ``data/NAME.txt`` in file order, as written, each with its tag or None.

    A tag is a word in brackets at the end of a line ("Bloomberg (surname)").

    >>> list(tagged("agencies").items())[:2]
    [('AFP', None), ('Agence France-Presse', None)]
    """
    found: dict[str, str | None] = {}
    for line in _lines(name):
        entry, tag = _TAG.fullmatch(line).groups()
        found.setdefault(entry, tag)
    return found


_TAG = re.compile(r"(.+?)(?:\s+\((\w+)\))?")


def entries(name: str) -> tuple[str, ...]:
    """The entries of ``data/NAME.txt`` in file order, as written, without their tags.

    >>> entries("agencies")[:3]
    ('AFP', 'Agence France-Presse', 'AP')
    """
    return tuple(tagged(name))


def words(name: str) -> frozenset[str]:
    """The entries of ``data/NAME.txt``, lower-cased, for look-ups with ``word.lower()``."""
    return frozenset(entry.lower() for entry in entries(name))


def phrase_pattern(*names: str) -> str:
    """A regular-expression group matching any entry of the lists, a space standing for any
    run of white space: ``"(?:social\\s+media|…)"``. The caller adds anchors and flags."""
    phrases = (e for name in names for e in entries(name))
    return "(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + ")"


def alternatives(name: str) -> str:
    """A regular-expression group of the lines of ``data/NAME.txt``, each line a regular
    expression of its own (a phrase and its variants): ``"(?:support\\s+us|^donate|…)"``."""
    return "(?:" + "|".join(_lines(name)) + ")"


# Verbs that report what someone said or wrote, in every form a reporter uses.
SPEECH_VERBS = words("speech_verbs")
# Verbs whose subject is nearly always a person or a body that speaks.
SAY_VERBS = words("say_verbs")
# Verbs that only count when the quotation sits right next to them.
ADJACENT_ONLY_VERBS = words("adjacent_only_verbs")
MESSAGE_NOUNS = words("message_nouns") | words("remark_nouns")
SALUTATIONS = words("salutations")
LESSER_RANKS = words("lesser_ranks")
PHRASAL_SPEECH_VERBS = frozenset(tuple(e.split()) for e in words("phrasal_speech_verbs"))
# Verbs whose object is the audience: "told CBS", "told reporters".
AUDIENCE_VERBS = words("audience_verbs")
# Words allowed between a subject and its speech verb: "Biden also said".
AUXILIARIES = words("auxiliaries")
DAYS_AND_MONTHS = words("days_and_months")
# Capitalised titles written in front of a name ("Sen. Tom Carper").
TITLES = words("titles")
# Words that never start a person's name even when capitalised.
FUNCTION_WORDS = words("function_words")
# Countries, their people and large regions: one such word is a place, never a person.
PLACES = words("places")
PRONOUNS_PERSON = words("pronouns_person")
PRONOUNS_OTHER = words("pronouns_other")
# The last word of a capitalised phrase that names an organisation.
ORG_HEADS = words("org_heads")
# News agencies (their spelling kept) and picture libraries: see data/agencies.txt.
AGENCIES = entries("agencies")
PHOTO_CREDITS = entries("photo_credits")
# Single capitalised words that are organisations when they speak ("the Kremlin said",
# "Interfax reported"): the list's own words and every one-word news agency not named after
# a person.
ORG_WORDS = words("org_words") | {
    name.lower() for name, tag in tagged("agencies").items() if " " not in name and tag != "surname"
}
# Words that make a capitalised phrase a place, an event or a thing, not a person.
NON_NAME_WORDS = words("non_name_words")
# Given names that are also ordinary words ("Will Hurd said", "Mark Warner").
GIVEN_NAME_WORDS = words("given_name_words")
# Surnames that are also such words, after a given name ("Theresa May", "Allen West").
SURNAME_WORDS = words("surname_words")
# Name particles written in lower case inside a name ("Ursula von der Leyen").
NAME_PARTICLES = words("name_particles")
# Abbreviations that end with a full stop but do not end a sentence.
ABBREVIATIONS = words("abbreviations")
# Lower-case words that may stand inside a role before its title noun.
ROLE_MODIFIERS = words("role_modifiers")
# Common nouns for people or sources that can stand as a speaker ("the official said").
PEOPLE_NOUNS = words("people_nouns")
# Honorifics, which say nothing of a role ("Mr.", "Dame").
HONORIFICS = words("honorifics")
# Words that open place names and are given names too ("Santa Barbara").
PLACE_PREFIXES = words("place_prefixes")
# Kin that introduce someone by a given name alone ("her father, Alexander,").
KIN_WORDS = words("kin_words")
# Words of a role that show a woman or a man ("spokeswoman", "widower").
FEMALE_WORDS = words("female_words")
MALE_WORDS = words("male_words")
# Audiences: "told the Interfax news agency", "told state television".
AUDIENCE_NOUNS = words("audience_nouns")
AUDIENCE_MODIFIERS = words("audience_modifiers")
# What a digest of one person's remarks calls them: "Here are X's comments:".
REMARK_NOUNS = words("remark_nouns")
# Things with words written on them: 'a placard reading "..."'.
WRITTEN_THINGS = words("written_things")
# Nouns that name a work by its quoted title ("his book", "the show", "titled").
WORK_NOUNS = words("work_nouns")
# Sources by kind (sources.classify_source), lower-cased.
BROADCASTERS = words("broadcasters")
SOCIAL_NETWORKS = words("social_networks")
GOVERNMENT_HEADS = entries("government_heads")
# Photo credits (text.py): words that hint at a credit, lower-case words a credit may
# contain, and the last word of an organisation that hands out its own photographs.
CREDIT_HINTS = entries("credit_hints")
CREDIT_WORDS = words("credit_words")
CREDIT_ORG_HEADS = words("credit_org_heads")


# --- given names --------------------------------------------------------------------------

_GENDERS = {"male": "m", "mostly_male": "m", "female": "f", "mostly_female": "f"}


@lru_cache(maxsize=1)
def _detector():
    # gender-guesser ships Jörg Michael's dictionary of about 40,000 given names from many
    # countries (Russian, Ukrainian and other Slavic names included), each marked male,
    # female or either. Read lazily: most processes that import this never need it.
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


@lru_cache(maxsize=8192)
def given_name_gender(word: str) -> str | None:
    """ "m" or "f" for a given name that usually marks that gender, else None.

    >>> given_name_gender("Olga"), given_name_gender("Sergei"), given_name_gender("Budapest")
    ('f', 'm', None)
    """
    if not word[:1].isupper() or not word.isalpha():
        return None
    return _GENDERS.get(_detector().get_gender(word))


@lru_cache(maxsize=8192)
def is_given_name(word: str) -> bool:
    """Whether ``word`` is a given name in the list, of any gender ("Andrea" too).

    >>> is_given_name("Hillary"), is_given_name("Kremlin")
    (True, False)
    """
    if not word[:1].isupper() or not word.isalpha():
        return False
    return _detector().get_gender(word) != "unknown"
