"""Naming and classifying sources: publishers, agencies, broadcasters, ministries.

Plain Python. ``classify_source`` guesses a :class:`Source` kind from a name the
way a news editor would: well-known wire agencies and broadcasters by name,
social networks by name, government bodies by their head noun (Ministry,
Kremlin, White House, Department...). Anything else is "other"; an editor can
always change it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import lexicon as lx

# The names are lower-cased; each list is a file in data/ (see lexicon.py).
AGENCIES = frozenset(name.lower() for name in lx.AGENCIES)
BROADCASTERS = lx.BROADCASTERS
SOCIAL_NETWORKS = lx.SOCIAL_NETWORKS
GOVERNMENT_HEADS = re.compile(
    r"\b(?:" + "|".join(map(re.escape, lx.GOVERNMENT_HEADS)) + r")\b", re.IGNORECASE
)

KINDS = ("publisher", "agency", "broadcaster", "social_network", "government", "other")


def _bare(name: str) -> str:
    return re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).lower()


def classify_source(name: str) -> str:
    """Return the kind of a source named ``name``: one of :data:`KINDS`.

    >>> classify_source("TASS"), classify_source("the Kremlin"), classify_source("CBS")
    ('agency', 'government', 'broadcaster')
    """
    bare = _bare(name)
    if bare in AGENCIES:
        return "agency"
    if bare in BROADCASTERS:
        return "broadcaster"
    if bare in SOCIAL_NETWORKS:
        return "social_network"
    if GOVERNMENT_HEADS.search(bare):
        return "government"
    return "other"


def domain_of(url: str | None) -> str | None:
    """The host of ``url`` without "www." (``None`` when there is no URL)."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    host = host.lower().removeprefix("www.")
    return host or None


def canonical_org_name(name: str) -> str:
    """An organisation's name as stored: without a leading "the" ("the Kremlin" → "Kremlin")."""
    return re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)
