"""Given names and the gender they usually mark, from the gender-guesser package's name list.

gender-guesser ships Jörg Michael's dictionary of about 40,000 given names from many
countries (Russian, Ukrainian and other Slavic names included), each marked male, female or
either. It is read once, lazily, in this process. Plain Python, no Django.

The list is used for two things: a capitalised pair whose first word is a given name
("Hillary Clinton") is a person's name even with no title or speech verb beside it, and a
pronoun ("she said") can go to a person whose given name shows a gender ("Olga Petrova").
"""

from __future__ import annotations

from functools import lru_cache

_GENDERS = {"male": "m", "mostly_male": "m", "female": "f", "mostly_female": "f"}


@lru_cache(maxsize=1)
def _detector():
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
