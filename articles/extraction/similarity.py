"""Near-duplicate texts: word 5-shingles, a MinHash sketch, and their Jaccard similarity.

A changed scrape of an article (a corrected word, an inserted paragraph, a new headline)
shares most of its runs of five words with the scrape before it; another article shares
almost none. So two texts are compared by the Jaccard similarity of their sets of word
5-shingles (shared shingles / all shingles)::

    >>> a = "The Kremlin said on Monday that the talks had failed and would not resume."
    >>> b = "The Kremlin said on Monday that the talks had failed and would resume soon."
    >>> round(jaccard(shingles(a), shingles(b)), 2)
    0.67

To find the earlier version among many articles without comparing with each, every
article keeps a sketch: the ``SKETCH_SIZE`` smallest of its shingles' hashes (a bottom-k
MinHash). The smallest hashes of two similar texts are mostly the same shingles, so
articles sharing a sketch value are the candidates, and the exact similarity decides.
Hashes are 64-bit BLAKE2b, the same in every process (Python's ``hash()`` is not).
"""

from __future__ import annotations

import hashlib
import heapq
import re

SHINGLE_WORDS = 5
SKETCH_SIZE = 16
_WORD = re.compile(r"\w+")


def shingles(text: str, *, size: int = SHINGLE_WORDS) -> set[str]:
    """The text's runs of ``size`` words, lower-cased, punctuation ignored.

    A text shorter than ``size`` words is one shingle (or none when it has no words).
    """
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Shared over all: 1.0 for the same shingles, 0.0 for none shared (or both empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def shingle_hash(shingle: str) -> int:
    """A signed 64-bit hash (it fits a database's BIGINT)."""
    (digest,) = _digests({shingle})
    return int.from_bytes(digest, "big", signed=True)


def sketch(shingle_set: set[str], *, size: int = SKETCH_SIZE) -> list[int]:
    """The ``size`` smallest shingle hashes (:func:`shingle_hash`), in ascending order.

    Only the few smallest digests are turned into integers. Read as signed big-endian
    integers, the digests whose first bit is set (the negative ones) come before the others,
    and within each of the two groups the order of the integers is the order of the bytes.
    """
    digests = _digests(shingle_set)
    smallest = heapq.nsmallest(size, (d for d in digests if d[0] & 0x80))
    if len(smallest) < size:
        smallest += heapq.nsmallest(size - len(smallest), (d for d in digests if not d[0] & 0x80))
    return [int.from_bytes(d, "big", signed=True) for d in smallest]


# An empty 8-byte BLAKE2b hasher: a copy of it hashes a shingle in about three quarters of
# the time a new hasher takes to be made (its parameters are set once, here).
_BLAKE2B_8 = hashlib.blake2b(digest_size=8)


def _digests(shingle_set: set[str]) -> set[bytes]:
    """The shingles' 8-byte BLAKE2b digests (those :func:`shingle_hash` reads as integers)."""
    new_hasher = _BLAKE2B_8.copy
    digests = set()
    for shingle in shingle_set:
        hasher = new_hasher()
        hasher.update(shingle.encode("utf-8"))
        digests.add(hasher.digest())
    return digests


def article_text(headline: str, paragraphs: list[str]) -> str:
    """What is compared: the headline and the body, as one text."""
    return "\n".join([headline, *paragraphs])


def article_shingles(extracted) -> set[str]:
    """The shingles of an :class:`~articles.extraction.types.ExtractedArticle`."""
    page = extracted.page
    return shingles(article_text(page.headline or page.headline_derived or "", list(page.body)))


def article_sketch(extracted) -> list[int]:
    """The sketch of an :class:`~articles.extraction.types.ExtractedArticle`."""
    return sketch(article_shingles(extracted))
