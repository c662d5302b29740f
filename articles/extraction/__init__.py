"""Plain-Python extraction: raw file bytes in, a structured article out. No Django.

The pipeline, one module per step::

    decoding.decode_bytes   bytes -> text (encoding detected, NULs and control characters gone)
    text.parse_text         plain-text scrape -> ParsedPage (furniture dropped, headline...)
    html.parse_html         saved HTML page   -> ParsedPage (metadata + main content)
    people.extract_people   body -> [ExtractedPerson]
    quotes.extract_quotes   body + people -> [ExtractedQuote]

:func:`extract_article` runs them in order. It raises :class:`ExtractionError`
with a reason an operator can act on when the file cannot be an article.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from .decoding import clean_text, decode_bytes
from .html import parse_html
from .people import extract_people
from .quotes import extract_quotes
from .text import headline_from_url, parse_text, plain_text, split_long_paragraphs
from .types import (
    DroppedLine,
    ExtractedArticle,
    ExtractedPerson,
    ExtractedQuote,
    ExtractionError,
    ParsedPage,
    RelatedLink,
)

__all__ = [
    "DroppedLine",
    "ExtractedArticle",
    "ExtractedPerson",
    "ExtractedQuote",
    "ExtractionError",
    "ParsedPage",
    "RelatedLink",
    "SUPPORTED_SUFFIXES",
    "extract_article",
    "extract_from_text",
    "is_html",
]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
SUPPORTED_SUFFIXES = HTML_SUFFIXES | TEXT_SUFFIXES
# Bounds on what one file may ask of a worker (issue #11): every step is linear, but a 10 MB
# file of article text or markup would still take minutes. The longest of the 181 pages of the
# extraction benchmark has 1,737 elements; the longest article text of the 1,368 files
# seen (PolNeAR, mt-dev, the seeds, tests/data, the benchmark), 52,750 characters.
MAX_HTML_ELEMENTS = 20_000
MAX_ARTICLE_CHARS = 200_000
# 200,000 characters hard-wrapped at 70 make 3,000 lines; a file of millions of short lines
# ("ab-" / "cd") is no article, and taking it line by line would cost a worker half a minute.
MAX_TEXT_LINES = 200_000
_ELEMENT_RE = re.compile(r"<[a-zA-Z]")
_HTML_SNIFF = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


def is_html(text: str, *, filename: str = "") -> bool:
    """True when the file is an HTML page: by its suffix, or by how its text starts."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return True
    return bool(_HTML_SNIFF.match(text[:2000]))


def extract_from_text(text: str, *, filename: str = "") -> ExtractedArticle:
    """Extract an article from already-decoded text (plain scrape or HTML).

    The text is cleaned first (:func:`.decoding.clean_text`), so the raw text
    kept with an article can be extracted again as it is. Raises
    :class:`ExtractionError` when no article text is found.
    """
    text = clean_text(text)
    if is_html(text, filename=filename):
        elements = len(_ELEMENT_RE.findall(text))
        if elements > MAX_HTML_ELEMENTS:
            raise ExtractionError(
                f"page has {elements:,} HTML elements, over the {MAX_HTML_ELEMENTS:,}-element limit"
            )
        page: ParsedPage = parse_html(text)
    else:
        lines = text.count("\n") + 1
        if lines > MAX_TEXT_LINES:
            raise ExtractionError(
                f"text has {lines:,} lines, over the {MAX_TEXT_LINES:,}-line limit"
            )
        page = parse_text(text)
    _make_plain(page)
    if not any(p.strip() for p in page.body):
        raise ExtractionError("no article text found")
    size = sum(len(p) for p in page.body)
    if size > MAX_ARTICLE_CHARS:
        raise ExtractionError(
            f"article text is {size:,} characters, over the {MAX_ARTICLE_CHARS:,}-character limit"
        )
    page.body, split = split_long_paragraphs(page.body)
    if split:
        page.flags.append("long_paragraphs_split")
    if page.headline is None and page.headline_derived is None:
        derived = headline_from_url(page.original_url or page.page_url or "")
        if derived:
            page.headline_derived = derived
    if page.headline is None and "no_headline" not in page.flags:
        page.flags.append("no_headline")
    people = extract_people(page.body)
    article = ExtractedArticle(page=page, people=people, quotes=extract_quotes(page.body, people))
    # A quoted speaker is one of the article's people: whoever is quoted by full name is
    # listed, also when the people scan missed them ('As the critic Galina Berman put it,
    # "..."'). A one-word speaker stays off the list (see speakers_not_listed).
    people += [
        ExtractedPerson(name=name)
        for name in article.speakers_not_listed()
        if len(name.split()) > 1
    ]
    return article


def _make_plain(page: ParsedPage) -> None:
    """Reduce every text field of ``page`` to plain text (:func:`.text.plain_text`), in place.

    Done once here, before people and quotes are found in the body, so that nothing stored or
    served is markup, whatever the page put in its metadata or text, and quote offsets stay
    true to the stored body.
    """
    for name in ("headline", "headline_derived", "image_caption", "image_credit", "byline"):
        value = getattr(page, name)
        if value:
            setattr(page, name, plain_text(value) or None)
    if page.source:
        page.source = plain_text(page.source) or None
    page.body = [plain for p in page.body if (plain := plain_text(p))]
    for link in page.related:
        if link.title:
            link.title = plain_text(link.title) or None


def extract_article(
    data: bytes, *, filename: str = "", max_bytes: int | None = None
) -> ExtractedArticle:
    """Extract an article from a file's raw bytes.

    ``filename`` (only its suffix is used) tells HTML from plain text; the
    content is sniffed too. ``max_bytes`` refuses larger files. Raises
    :class:`ExtractionError` for empty, binary, oversized or article-less input.
    """
    text = decode_bytes(data, max_bytes=max_bytes)
    return extract_from_text(text, filename=filename)
