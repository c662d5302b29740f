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

AGENCIES = {
    "afp", "agence france-presse", "ap", "associated press", "reuters", "tass", "ria novosti",
    "ria", "interfax", "bloomberg", "xinhua", "dpa", "ansa", "efe", "upi", "pa media",
    "kyodo", "yonhap", "anadolu", "ukrinform", "unian", "belta", "sputnik",
}
BROADCASTERS = {
    "cbs", "cnn", "bbc", "nbc", "abc", "fox news", "msnbc", "al jazeera", "sky news", "npr",
    "pbs", "euronews", "dw", "deutsche welle", "france 24", "rt", "channel one", "rossiya 1",
    "ntv", "radio liberty", "radio free europe", "voice of america", "itv", "cnbc",
}
SOCIAL_NETWORKS = {
    "telegram", "twitter", "x", "facebook", "instagram", "youtube", "vkontakte", "vk",
    "tiktok", "whatsapp", "threads", "bluesky", "truth social", "linkedin", "weibo",
}
GOVERNMENT_HEADS = re.compile(
    r"\b(kremlin|white house|ministry|ministries|department|government|parliament|duma|"
    r"senate|congress|cabinet|presidency|embassy|council|commission|prosecutor|prosecutors|"
    r"police|army|armed forces|navy|military|governor's office|mayor's office|office of|"
    r"administration|state department|pentagon|downing street|élysée|elysee|court)\b",
    re.IGNORECASE,
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
