"""Turn a saved HTML news page into a :class:`~.types.ParsedPage`. Plain Python, no Django.

Two independent passes over the page:

* **Metadata** comes from what the publisher declares: JSON-LD (``NewsArticle``
  and friends, also inside ``@graph`` or a top-level list), Open Graph and
  ``article:*`` meta tags, ``<link rel="canonical">``, ``<h1>``/``<title>``, and
  the lead ``<figure>``. Invalid JSON-LD is ignored.
* **Main content** is found by trafilatura (``favor_precision=True``, comments
  excluded), which scored best on the article-extraction benchmark of the
  candidates measured (see ``bench/body_extraction.py``). Its plain-text output
  is split into paragraphs and site furniture lines (newsletter sign-ups,
  "Read more", share buttons, agency credits...) are dropped by the one
  furniture test, :func:`.text.furniture_rule`, with the rules safe on a page
  (:data:`.text.PAGE_FURNITURE`); each goes to ``page.dropped`` with its rule.

Everything returned is plain text: markup is never copied from the page, and
``<script>``/``<style>`` contents never reach the body. Text that *talks about*
markup (``&lt;script&gt;`` in the source) is kept as the literal characters
the reader saw; templates must escape it like any other scraped text.

Example::

    >>> page = parse_html(
    ...     '<html><head><title>Rain again | Daily</title></head>'
    ...     '<body><article><p>' + 'It rained all day in the city centre. ' * 5 +
    ...     '</p></article></body></html>')
    >>> page.headline
    'Rain again'
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree

from . import lexicon as lx
from .text import PAGE_FURNITURE, furniture_rule
from .text import split_caption_credit as split_caption_line
from .types import DroppedLine, ParsedPage, RelatedLink

__all__ = ["parse_html"]

ARTICLE_TYPES = (
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "LiveBlogPosting",
    "Article",
    "BlogPosting",
    "Report",
)
"""JSON-LD ``@type`` values that describe the article itself, best first."""

_INVISIBLE = frozenset({"script", "style", "template", "noscript", "svg", "button"})
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "tr",
        "figcaption",
        "figure",
        "section",
        "article",
        "blockquote",
        "header",
        "footer",
        "dd",
        "dt",
    }
)
_INLINE_LABEL_TAGS = frozenset({"b", "strong", "em", "i", "span", "label"})
_WS = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»)\s+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/_-](\d{1,2})[/_-](\d{1,2})(?:/|[_-]|$)")
_RELATED_PREFIX = re.compile(
    r"^\s*(?:related(?: articles?| stories| story| content| news)?|read also|also read|"
    r"see also|read more|more on this|more on this story)\s*[:>»|-]\s*",
    re.I,
)
_RELATED_CLASS = re.compile(r"(?:^|[\s_-])[Rr]elated|Related")
_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|byline|source|author|attribution", re.I)
_CREDIT_PREFIX = re.compile(
    r"(?:^|\s|\()(?:photo(?:graph)?(?:er)?s?|image(?:\s+source)?|picture|pic|illustration"
    r"|credit|foto)(?:\s+by)?\s*[:/]\s*(.+?)\)?\s*$",
    re.I,
)
_CREDIT_LABEL = re.compile(
    r"^(?:(?:photo(?:graph)?(?:er)?s?|image(?:\s+source)?|picture|pic|illustration|credit|foto)"
    r"(?:\s+by)?\s*[:/,]\s*|(?:©|copyright)\s*)",
    re.I,
)
# A label some sites put before the caption for screen readers: "Image caption, ".
_CAPTION_LABEL = re.compile(r"^(?:image\s+)?caption\s*[:,]\s*", re.I)
_CREDIT_PAREN = re.compile(r"\s*\(([^()]{2,80})\)\s*$")
# A news agency or picture library named as they write it: a credit ("(Jane Roe/Reuters)").
_AGENCY = re.compile(r"\b" + lx.phrase_pattern("agencies", "photo_credits") + r"\b")


def parse_html(html: str, *, url: str | None = None) -> ParsedPage:
    """Parse one saved HTML page into a :class:`ParsedPage`.

    ``html`` is the decoded page; ``url`` is where it was fetched from, if
    known (used to resolve relative links and as the last-resort page URL).

    Returns headline, body paragraphs (plain text, site furniture removed),
    lead-image caption and credit, byline, page and original URLs, publication
    date, source name, related links and flags. Missing data is ``None`` or
    empty; a page without article text gets an empty ``body`` (the caller
    decides whether that is an error). Never raises on malformed HTML or
    JSON-LD. No side effects.

    URL fields: ``original_url`` is the URL the page declares for itself
    (canonical link, ``og:url``, JSON-LD ``url``), ``page_url`` is that or,
    failing it, the ``url`` argument.
    """
    page = ParsedPage()
    tree = _parse_tree(html)
    if tree is None:
        page.flags.append("no_headline")
        return page

    meta = _meta_tags(tree)
    ld = _JsonLd.from_tree(tree)
    article = ld.article()

    declared = _first(
        _canonical(tree),
        meta.get("og:url"),
        _ld_url(article),
    )
    if declared:
        declared = urljoin(url, declared) if url else declared
        if not declared.startswith(("http://", "https://")):
            declared = None
    page.original_url = declared
    page.page_url = declared or url

    page.source = _first(meta.get("og:site_name"), ld.name_of(article.get("publisher")))
    if page.source and page.source.startswith(("http://", "https://")):
        # Some sites put their address where their name belongs: keep the host.
        page.source = (urlsplit(page.source).hostname or "").removeprefix("www.") or None
    page.headline = _find_headline(tree, meta, article, page.source)
    page.byline = _find_byline(meta, ld, article, tree)
    page.published = _find_published(tree, meta, article, page.page_url, url)
    page.image_caption, page.image_credit = _find_caption(tree, ld, article)
    page.image_url = _find_image_url(meta, page.page_url)
    page.related = _find_related(tree, base_url=page.page_url)
    page.body = _find_body(
        html, url=page.page_url, headline=page.headline, related=page.related, dropped=page.dropped
    )
    if page.headline is None:
        page.flags.append("no_headline")
    return page


# --- parsing helpers -------------------------------------------------------------------------


def _parse_tree(html: str) -> etree._Element | None:
    """The lxml tree of ``html``, or None when there is nothing to parse."""
    if not html or not html.strip():
        return None
    # Bytes sidestep lxml's refusal of str input that carries an XML encoding declaration.
    data = html.encode("utf-8", "replace")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        return lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _clean(text: str | None) -> str:
    """Collapse whitespace (including NBSP and zero-width characters) and strip."""
    return _WS.sub(" ", text or "").strip()


def _text_of(element: etree._Element, *, skip: etree._Element | None = None) -> str:
    """The visible text of ``element``: no script, style or template contents.

    ``skip`` leaves out one subtree (but keeps its tail text).
    """
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        block = node.tag in _BLOCK_TAGS
        if block:
            parts.append(" ")
        parts.append(node.text or "")
        for child in node:
            if child is not skip and isinstance(child.tag, str) and child.tag not in _INVISIBLE:
                walk(child)
            parts.append(child.tail or "")
        if block:
            parts.append(" ")

    walk(element)
    return _clean("".join(parts))


def _first(*values: str | None) -> str | None:
    """The first value that is non-empty after whitespace clean-up."""
    for value in values:
        cleaned = _clean(value) if isinstance(value, str) else ""
        if cleaned:
            return cleaned
    return None


def _meta_tags(tree: etree._Element) -> dict[str, str]:
    """``<meta>`` contents keyed by lower-cased ``property``/``name``/``itemprop`` (first wins)."""
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        content = node.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = (node.get(attr) or "").strip().lower()
            if key and key not in found:
                found[key] = content.strip()
    return found


def _find_image_url(meta: dict[str, str], base: str | None) -> str | None:
    """The page's ``og:image`` (or ``twitter:image``) as an absolute http(s) URL."""
    found = _first(meta.get("og:image:secure_url"), meta.get("og:image"), meta.get("twitter:image"))
    if not found:
        return None
    found = urljoin(base, found) if base else found
    if not found.startswith(("http://", "https://")) or len(found) > 1000:
        return None
    return found


def _canonical(tree: etree._Element) -> str | None:
    for node in tree.iter("link"):
        if "canonical" in (node.get("rel") or "").lower().split() and node.get("href"):
            return node.get("href")
    return None


# --- JSON-LD -------------------------------------------------------------------------------


class _JsonLd:
    """The JSON-LD objects of a page, flattened (lists and ``@graph``), with ``@id`` lookup."""

    def __init__(self, objects: list[dict]) -> None:
        self.objects = objects
        self.by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}

    @classmethod
    def from_tree(cls, tree: etree._Element) -> _JsonLd:
        objects: list[dict] = []
        for node in tree.iter("script"):
            if (node.get("type") or "").strip().lower() != "application/ld+json":
                continue
            data = _load_json(node.text or "")
            objects.extend(_flatten(data))
        return cls(objects)

    def article(self) -> dict:
        """The object describing the article (best ``@type`` first), or ``{}``."""
        for wanted in ARTICLE_TYPES:
            for obj in self.objects:
                if wanted in _types(obj):
                    return obj
        for obj in self.objects:  # e.g. a WebPage whose mainEntity is the article
            main = self.resolve(obj.get("mainEntity"))
            if isinstance(main, dict) and any(t in ARTICLE_TYPES for t in _types(main)):
                return main
        return {}

    def resolve(self, value: object) -> object:
        """Follow a bare ``{"@id": ...}`` reference to the full object when the page has it."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id"):
            return self.by_id.get(value["@id"], value)
        return value

    def name_of(self, value: object) -> str | None:
        """The ``name`` of a person/organisation value (dict, reference or plain string)."""
        value = self.resolve(value)
        if isinstance(value, list):
            value = value[0] if value else None
            value = self.resolve(value)
        if isinstance(value, str):
            return _first(value)
        if isinstance(value, dict):
            name = value.get("name")
            return _first(name) if isinstance(name, str) else None
        return None

    def names_of(self, value: object) -> list[str]:
        """All ``name`` values of a person list (authors), in order, without duplicates."""
        items = value if isinstance(value, list) else [value]
        names: list[str] = []
        for item in items:
            name = self.name_of(item)
            if name and not name.startswith(("http://", "https://")) and name not in names:
                names.append(name)
        return names


def _load_json(text: str) -> object:
    """Parse an ld+json block leniently; None if it is not valid JSON even so."""
    text = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", text.strip().rstrip(";"))
    text = text.strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return None


def _flatten(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, list | dict):
            yield from _flatten(graph)
        if "@type" in data or "@id" in data:
            yield data


def _types(obj: dict) -> list[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)]


def _ld_url(article: dict) -> str | None:
    url = article.get("url")
    if isinstance(url, str) and url.strip():
        return url
    main = article.get("mainEntityOfPage")
    if isinstance(main, dict):
        main = main.get("@id") or main.get("url")
    return main if isinstance(main, str) and main.startswith("http") else None


# --- metadata ------------------------------------------------------------------------------


def _find_headline(
    tree: etree._Element, meta: dict[str, str], article: dict, source: str | None
) -> str | None:
    """The JSON-LD headline when the ``<h1>`` says the same, else og:title, the JSON-LD
    headline, the first ``<h1>``, then ``<title>``; site suffixes removed."""
    headline = article.get("headline") or article.get("name")
    h1 = _first_h1(tree)
    title_node = tree.find(".//title")
    title = title_node.text_content() if title_node is not None else None
    headline = headline if isinstance(headline, str) else None
    if headline and h1 and _same_name(headline, h1, exact=True):
        # The page's own headline, where og:title is often a shorter social one.
        return _strip_site_suffix(_first(h1) or h1, source=source, h1=h1)
    candidates = [_first(c) for c in (meta.get("og:title"), headline, h1, title)]
    candidates = [c for c in candidates if c]
    # A one-word title is usually a section label ("Opinion"); a longer one is the headline.
    chosen = next(
        (c for c in candidates if len(c.split()) > 1), candidates[0] if candidates else None
    )
    return _strip_site_suffix(chosen, source=source, h1=h1) if chosen else None


def _first_h1(tree: etree._Element) -> str | None:
    for scope in (".//article//h1", ".//main//h1", ".//h1"):
        for node in tree.iterfind(scope):
            text = _text_of(node)
            if text:
                return text
    return None


def _strip_site_suffix(title: str, *, source: str | None, h1: str | None) -> str:
    """Drop a " | Site" (or " - Site" naming the site) tail from a page title.

    A ``|`` tail always goes; a dash tail only when it names the site (or the
    rest equals the ``<h1>``), so "Biden - Putin talks" stays whole.
    """
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if not separators:
        return title
    last = separators[-1]
    head, tail = title[: last.start()].strip(), title[last.end() :].strip()
    if not head:
        return title
    if source and _same_name(tail, source):
        return _strip_site_suffix(head, source=source, h1=h1)
    if last.group().strip() == "|" or (h1 and _same_name(head, h1, exact=True)):
        return head
    return title


def _same_name(a: str, b: str, *, exact: bool = False) -> bool:
    """Whether two names match ignoring case, punctuation and a leading "The"/"www"."""

    def norm(s: str) -> str:
        return re.sub(r"[\W_]+", "", s.lower()).removeprefix("the").removeprefix("www")

    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    if a == b or exact:
        return a == b
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 4 and longer.startswith(shorter)


def _find_byline(
    meta: dict[str, str], ld: _JsonLd, article: dict, tree: etree._Element | None = None
) -> str | None:
    """JSON-LD author name(s) joined with ", ", else the author meta tag (not a URL), else
    the byline the page shows."""
    names = ld.names_of(article.get("author")) if article else []
    if names:
        return _BY_PREFIX.sub("", ", ".join(names))
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
        value = _first(meta.get(key))
        if value and not value.startswith(("http://", "https://")):
            return _BY_PREFIX.sub("", value)
    return _visible_byline(tree) if tree is not None else None


_AUTHOR_CLASS = re.compile(r"(?:^|[\s_-])(?:author|byline)(?:$|[\s_-])", re.I)
_AUTHOR_NOT = re.compile(r"bio|avatar|image|photo|img|label|date|time|more|follow", re.I)


def _visible_byline(tree: etree._Element) -> str | None:
    """The byline as the page shows it: ``rel=author`` links, ``itemprop=author``, or an
    element whose class names an author or a byline ("By Jane Roe and John Doe")."""
    for scope in (".//article", ".//main", "."):
        root = tree.find(scope) if scope != "." else tree
        if root is None:
            continue
        names = [_text_of(a) for a in root.iterfind(".//a[@rel='author']")]
        names += [_text_of(n) for n in root.iterfind(".//*[@itemprop='author']")]
        if not names:
            matches = [
                node
                for node in root.iter()
                if isinstance(node.tag, str)
                and _AUTHOR_CLASS.search(node.get("class") or "")
                and not _AUTHOR_NOT.search(node.get("class") or "")
            ]
            # The innermost one: the name, not the box that also holds the date.
            inner = [m for m in matches if not any(d in matches for d in m.iterdescendants())]
            if inner:  # every author the byline names: "By <a>X</a> and <a>Y</a>"
                names += [_text_of(m) for m in inner if m.get("class") == inner[0].get("class")]
        names = [_BY_PREFIX.sub("", n).strip(" ,·|") for n in names if n]
        names = [n for n in dict.fromkeys(names) if n and len(n.split()) <= 12]
        if names:
            joined = ", ".join(names)
            return re.sub(r"\s+and\s+", ", ", joined)
    return None


_BY_PREFIX = re.compile(r"^\s*by\s+", re.IGNORECASE)


def _find_published(
    tree: etree._Element,
    meta: dict[str, str],
    article: dict,
    *urls: str | None,
) -> dt.date | None:
    """The publication date from JSON-LD, meta tags, ``itemprop``, the article's first
    ``<time datetime>``, then the URL."""
    candidates: list[object] = [article.get("datePublished")]
    for key in (
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "date",
        "dc.date.issued",
        "dc.date",
        "parsely-pub-date",
        "sailthru.date",
    ):
        candidates.append(meta.get(key))
    for node in tree.iterfind(".//*[@itemprop='datePublished']"):
        candidates.append(node.get("datetime") or node.get("content"))
    # The first <time> of the article (its header), not those of related-article lists.
    for scope in (".//article//time[@datetime]", ".//main//time[@datetime]", ".//time[@datetime]"):
        node = next(
            (
                t
                for t in tree.iterfind(scope)
                if not any(a.tag in {"aside", "nav", "footer"} for a in t.iterancestors())
            ),
            None,
        )
        if node is not None:
            candidates.append(node.get("datetime"))
            break
    for date in (_parse_date(c) for c in candidates):
        if date:
            return date
    for url in urls:
        match = _URL_DATE.search(urlsplit(url).path) if url else None
        if match:
            date = _make_date(*match.groups())
            if date:
                return date
    return None


def _parse_date(value: object) -> dt.date | None:
    """A date from an ISO 8601 or RFC 2822 string (the day as written, time zone ignored)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str) or not value.strip():
        return None
    match = _ISO_DATE.search(value)
    if match:
        return _make_date(*match.groups())
    try:
        return parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError):
        return None


def _make_date(year: str, month: str, day: str) -> dt.date | None:
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return date if 1900 < date.year < 2200 else None


# --- caption and credit -----------------------------------------------------------------------


def _find_caption(
    tree: etree._Element, ld: _JsonLd, article: dict
) -> tuple[str | None, str | None]:
    """Caption and credit of the lead image: its ``<figcaption>``, else the JSON-LD image."""
    for figure in _lead_figures(tree):
        caption_node = figure.find(".//figcaption")
        if caption_node is None:
            continue
        credit_parts = []
        for node in caption_node.iter():
            if node is caption_node or not isinstance(node.tag, str):
                continue
            marker = " ".join(filter(None, (node.get("class"), node.get("itemprop"))))
            if node.tag in {"small", "cite"} or _CREDIT_CLASS.search(marker):
                text = _text_of(node)
                if text:
                    credit_parts.append((node, text))
                    break
        if credit_parts:
            node, credit = credit_parts[0]
            caption = _CAPTION_LABEL.sub("", _text_of(caption_node, skip=node))
            return caption or None, _clean_credit(credit)
        caption, credit = split_caption_credit(_CAPTION_LABEL.sub("", _text_of(caption_node)))
        if credit is None:
            credit = _credit_outside_caption(figure, caption_node)
        if caption or credit:
            return caption, credit
    image = ld.resolve(article.get("image"))
    if isinstance(image, list):
        image = ld.resolve(image[0]) if image else None
    if isinstance(image, dict):
        caption = ld.name_of(image.get("caption"))
        credit = _first(ld.name_of(image.get("creditText"))) or ld.name_of(
            image.get("copyrightHolder") or image.get("author") or image.get("creator")
        )
        if caption:
            split_caption, split_credit = split_caption_credit(caption)
            return split_caption, credit or split_credit
        if credit:
            return None, credit
    return None, None


def _credit_outside_caption(figure: etree._Element, caption_node: etree._Element) -> str | None:
    """A credit the figure holds beside its caption: ``<span class="credit">Image source, X``."""
    inside = set(caption_node.iter())
    for node in figure.iter():
        if node in inside or not isinstance(node.tag, str) or node.tag == "img":
            continue
        marker = " ".join(filter(None, (node.get("class"), node.get("itemprop"))))
        if node.tag == "cite" or _CREDIT_CLASS.search(marker):
            text = _text_of(node)
            if text:
                return _clean_credit(text)
    return None


def _lead_figures(tree: etree._Element) -> Iterable[etree._Element]:
    """Figures in the article (``<article>``/``<main>`` first), skipping page chrome."""
    seen: set[int] = set()
    for scope in (".//article//figure", ".//main//figure", ".//figure"):
        for figure in tree.iterfind(scope):
            chrome = any(a.tag in {"nav", "footer", "aside"} for a in figure.iterancestors())
            if chrome or id(figure) in seen:
                continue
            seen.add(id(figure))
            yield figure


def _clean_credit(credit: str) -> str | None:
    credit = _CREDIT_LABEL.sub("", credit)
    credit = credit.strip(" ()|")
    return credit or None


def split_caption_credit(text: str) -> tuple[str | None, str | None]:
    """Split "A man walks. John Doe / AP" into ("A man walks.", "John Doe / AP").

    Recognised credit forms at the end of a caption: "(Photo: X)", "Photo: X",
    "Credit: X", "© X", "(X/Reuters)", and a short last segment after the
    final sentence that names an agency or has a "Name / AGENCY" slash.
    Returns ``(caption, credit)``; either may be None.

    >>> split_caption_credit("Russian serviceman. Alexander Reka / TASS")
    ('Russian serviceman.', 'Alexander Reka / TASS')
    >>> split_caption_credit("Crowds in Kyiv (Photo: Jane Roe/AFP)")
    ('Crowds in Kyiv', 'Jane Roe/AFP')
    """
    text = _clean(text)
    if not text:
        return None, None
    match = re.search(r"\s*©\s*(.+)$", text)
    if match:
        return text[: match.start()].strip() or None, _clean_credit(match.group(1))
    match = _CREDIT_PREFIX.search(text)
    if match:
        caption = text[: match.start()].strip().rstrip("(").strip()
        return caption or None, _clean_credit(match.group(1))
    match = _CREDIT_PAREN.search(text)
    if match and ("/" in match.group(1) or _AGENCY.search(match.group(1))):
        return text[: match.start()].strip() or None, _clean_credit(match.group(1))
    # The forms a caption line of a text scrape takes ("A man walks. John Doe / AP", a
    # credit alone, "Caption | Photo: X"): one splitter for both.
    split = split_caption_line(text)
    if split is not None:
        return split
    return text, None


# --- related links ---------------------------------------------------------------------------


def _find_related(tree: etree._Element, *, base_url: str | None) -> list[RelatedLink]:
    """Links the page marks as related: "Related article:" teasers and ``related`` blocks."""
    links: list[RelatedLink] = []
    seen: set[str] = set()

    def add(anchor: etree._Element) -> None:
        href = (anchor.get("href") or "").strip()
        title = _text_of(anchor)
        if not href or href.startswith(("#", "javascript:", "mailto:")) or not title:
            return
        full = urljoin(base_url, href) if base_url else href
        if full not in seen and len(links) < 20:
            seen.add(full)
            links.append(RelatedLink(title=title, url=full))

    for node in tree.iter():
        # A teaser starts with its label: "<p><b>Related article:</b> <a ...>Title</a></p>".
        if not isinstance(node.tag, str) or not _RELATED_PREFIX.match(node.text or ""):
            continue
        container = node if node.tag not in _INLINE_LABEL_TAGS else node.getparent()
        anchor = container.find(".//a[@href]") if container is not None else None
        if anchor is not None and len(_text_of(container)) < 200:
            add(anchor)
    for node in tree.iter("aside", "section", "div", "ul", "nav"):
        marker = " ".join(filter(None, (node.get("class"), node.get("id"))))
        if marker and _RELATED_CLASS.search(marker) and not _has_related_ancestor(node):
            for anchor in node.iterfind(".//a[@href]"):
                if len(_text_of(anchor).split()) >= 3:
                    add(anchor)
    return links


def _has_related_ancestor(node: etree._Element) -> bool:
    for parent in node.iterancestors():
        marker = " ".join(filter(None, (parent.get("class"), parent.get("id"))))
        if marker and _RELATED_CLASS.search(marker):
            return True
    return False


# --- body ------------------------------------------------------------------------------------


def _find_body(
    html: str,
    *,
    url: str | None,
    headline: str | None,
    related: list[RelatedLink],
    dropped: list[DroppedLine],
) -> list[str]:
    """The main-content paragraphs: trafilatura's text, split into lines and de-furnitured.

    Each furniture line goes to ``dropped`` with the rule that dropped it.
    """
    try:
        text = trafilatura.extract(
            html,
            url=url,
            favor_precision=True,
            include_comments=False,
            output_format="txt",
        )
    except (ValueError, etree.LxmlError):
        text = None
    related_titles = {r.title for r in related if r.title}
    paragraphs: list[str] = []
    for raw in (text or "").splitlines():
        line = _clean(raw)
        if not line or (not paragraphs and headline and line == headline):
            continue
        if _RELATED_PREFIX.match(line) or line in related_titles:
            continue
        rule = furniture_rule(line, only=PAGE_FURNITURE)
        if rule:
            dropped.append(DroppedLine(line, rule))
            continue
        paragraphs.append(line)
    return paragraphs


def is_furniture(line: str) -> bool:
    """True for a site-furniture line of a page's main text (sign-ups, share buttons,
    "Read more", agency credits, copyright lines).

    The one furniture test (:func:`articles.extraction.text.furniture_rule`) with the
    subset of its rules safe on text trafilatura has already cleaned,
    :data:`~articles.extraction.text.PAGE_FURNITURE`: the whole set, built for
    plain-text scrapes, also drops the article's one-word headings, paragraphs of
    Japanese (written without spaces) and service pieces that speak to the reader, and
    cost 0.012 body F1 on the benchmark.
    """
    return furniture_rule(line, only=PAGE_FURNITURE) is not None
