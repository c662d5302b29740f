"""The results of extraction: plain dataclasses, no Django.

Every stage of the pipeline speaks in these types:

* :mod:`.text` and :mod:`.html` turn a decoded file into a :class:`ParsedPage`
  (headline, body paragraphs, caption, credit, byline, URL, date...);
* :mod:`.people` finds :class:`ExtractedPerson` records in the body;
* :mod:`.quotes` finds :class:`ExtractedQuote` records in the body;
* :func:`articles.extraction.extract_article` puts them together in an
  :class:`ExtractedArticle`, whose :meth:`~ExtractedArticle.as_json` is the
  ``--dry-run --json`` line other tools rely on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class ExtractionError(ValueError):
    """The input cannot be an article; ``str(error)`` is the reason for the operator."""


@dataclass
class RelatedLink:
    """A "Related article:" teaser or link found in the scrape."""

    title: str | None
    url: str | None


@dataclass
class DroppedLine:
    """A line of the scrape that is not article text, and the rule that dropped it."""

    text: str
    rule: str


@dataclass
class ParsedPage:
    """What a text or HTML parser found in one file, before people and quotes.

    ``body`` is the list of article paragraphs with all site furniture removed.
    ``headline`` is None when the scrape has none; ``headline_derived`` then
    holds one made from the URL slug (never from a body paragraph).
    """

    headline: str | None = None
    body: list[str] = field(default_factory=list)
    image_caption: str | None = None
    image_credit: str | None = None
    # The page's og:image (absolute http(s) URL): a reference, never fetched at import.
    image_url: str | None = None
    byline: str | None = None
    original_url: str | None = None
    page_url: str | None = None
    published: dt.date | None = None
    source: str | None = None
    related: list[RelatedLink] = field(default_factory=list)
    headline_derived: str | None = None
    flags: list[str] = field(default_factory=list)
    dropped: list[DroppedLine] = field(default_factory=list)


@dataclass
class ExtractedPerson:
    """A person named in the body.

    ``name`` is the fullest form seen ("Joe Biden"); ``aliases`` are the other
    forms the text uses for the same person ("Biden"); ``role`` is the title or
    description the text gives ("U.S. President"), or None. ``evidence`` is the
    words that show this is a person ("President Dmitry Medvedev", "Jane Doe
    said"); ``rule`` names the rule they satisfy ("people.role", "people.speaks");
    ``confidence`` (0 to 1) comes from that rule.
    """

    name: str
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    evidence: str = ""
    rule: str = ""
    confidence: float | None = None


@dataclass
class ExtractedQuote:
    """One quoted stretch and who said it.

    ``text`` is the words inside the quotation marks, without the marks.
    ``speaker`` is the person's canonical name (as in ``ExtractedPerson.name``),
    an organisation's name ("the Kremlin"), or None; ``speaker_type`` is
    "person", "organization" or None accordingly. ``kind`` is "full" (one or
    more whole sentences) or "partial" (a fragment inside the writer's
    sentence). ``paragraph`` indexes the article body; ``start``/``end`` are
    character offsets of ``text`` inside that paragraph; ``sentence`` is the
    sentence around the quote; ``said_to`` is to whom or where it was said
    ("CBS", "reporters") when the text says so.

    Provenance: ``cue`` is what marks the words as speech (the speech verb, or
    ":" for a colon); ``rule`` is the full name of the rule that chose the
    speaker (``"speaker.verb_after_quote"``); ``confidence`` (0 to 1) comes from
    that rule and its evidence; ``resolved_from`` is, for a pronoun, a surname
    or a carried-over speaker, the sentence the speaker was resolved from.
    ``source_description`` keeps an unnamed source's words ("a source close to
    the Kremlin") when no person can be named.
    """

    text: str
    speaker: str | None
    speaker_type: str | None
    kind: str
    paragraph: int
    start: int
    end: int
    sentence: str = ""
    said_to: str | None = None
    cue: str | None = None
    rule: str | None = None
    confidence: float | None = None
    resolved_from: str | None = None
    source_description: str | None = None


@dataclass
class ExtractedArticle:
    """Everything extracted from one input file."""

    page: ParsedPage
    people: list[ExtractedPerson] = field(default_factory=list)
    quotes: list[ExtractedQuote] = field(default_factory=list)

    def speakers_not_listed(self) -> list[str]:
        """The names the quotes give to a person that ``people`` does not list, in quote order.

        The rule "a quoted speaker is one of the article's people" is kept with these:
        :func:`articles.extraction.extract_from_text` lists those named in full, and the
        importer gives each one left (a one-word name, too weak to list) a person as the
        quote's speaker, with no mention.
        """
        listed = {p.name for p in self.people}
        speakers = (q.speaker for q in self.quotes if q.speaker_type == "person" and q.speaker)
        return list(dict.fromkeys(s for s in speakers if s not in listed))

    def as_json(self, *, file: str) -> dict:
        """The dry-run JSON object for this article (the documented shape)."""
        page = self.page
        return {
            "file": file,
            "headline": page.headline,
            "headline_derived": page.headline_derived,
            "body": list(page.body),
            "image_caption": page.image_caption,
            "image_credit": page.image_credit,
            "byline": page.byline,
            "original_url": page.original_url,
            "published": page.published.isoformat() if page.published else None,
            "source": page.source,
            "people": [
                {
                    "name": p.name,
                    "role": p.role,
                    "aliases": list(p.aliases),
                    "evidence": p.evidence,
                    "rule": p.rule,
                    "confidence": p.confidence,
                }
                for p in self.people
            ],
            "quotes": [
                {
                    "text": q.text,
                    "speaker": q.speaker,
                    "speaker_type": q.speaker_type,
                    "kind": q.kind,
                    "paragraph": q.paragraph,
                    "said_to": q.said_to,
                    "cue": q.cue,
                    "rule": q.rule,
                    "confidence": q.confidence,
                    "resolved_from": q.resolved_from,
                    "source_description": q.source_description,
                }
                for q in self.quotes
            ],
            "related": [{"title": r.title, "url": r.url} for r in page.related],
            "flags": list(page.flags),
            "dropped": [{"line": d.text, "rule": d.rule} for d in page.dropped],
            "error": None,
        }
