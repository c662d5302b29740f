"""Turn a plain-text news scrape into a :class:`~.types.ParsedPage`. Plain Python, no Django.

A scrape is what a person or a tool copied from a web page: the article, and
around it the site's furniture (donation banners, newsletter sign-ups, share
buttons, "Read more" teasers, an appeal to readers at the end). Files may be
PDF conversions with every paragraph hard-wrapped, may start in the middle of
the page, or may put one paragraph per line with no blank lines at all.

:func:`parse_text` finds, in this order:

1. **Lines and paragraphs.** Lines are trimmed; blank lines separate blocks.
   A file whose long lines mostly stop mid-sentence is hard-wrapped
   (flag ``hard_wrapped``), and its lines are joined back into paragraphs.
   URLs broken over two lines are rejoined.
2. **Metadata lines**, which are never body: the ``Original url:`` footer,
   author-page links (the byline), ``Related article: TITLE`` teasers (matched
   to a bare URL line with the same slug), bare URLs, date lines.
3. **The header**: furniture, then the headline (the first short, title-like
   line), then the photo caption and credit ("Russian serviceman. Alexander
   Reka / TASS"), a byline or a date. A scrape that starts mid-page has no
   headline; one is then derived from the URL slug into ``headline_derived``.
4. **The body**: every remaining paragraph that is not furniture
   (:func:`is_furniture`), up to an appeal block that addresses the readers
   ("A Message from ...:", "Dear readers,") and runs to the end of the page
   (:func:`clean_paragraphs`).

The furniture rules describe how news sites are built, not one outlet's
sentences: short call-to-action lines (support, subscribe, share, read more),
reader-addressed paragraphs about donations, newsletters, ads or cookies, lone
URLs, lines with no words, and the appeal block. A long paragraph that merely
speaks of "support" or a "newsletter" is article text and is kept.

Example::

    >>> page = parse_text(
    ...     "Support us\\n\\nRain Floods the City\\n\\nA street. Jane Roe / AP\\n\\n"
    ...     "It rained all day, officials said on Monday, and the river rose.\\n\\nRead more")
    >>> page.headline, page.image_caption, page.image_credit, page.body
    ('Rain Floods the City', 'A street.', 'Jane Roe / AP', ['It rained all day, officials \
said on Monday, and the river rose.'])
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from . import lexicon as lx
from .rules import Registry, note_fired
from .types import DroppedLine, ParsedPage, RelatedLink

__all__ = [
    "PAGE_FURNITURE",
    "clean_paragraphs",
    "date_from_url",
    "furniture_rule",
    "headline_from_url",
    "is_furniture",
    "parse_text",
    "plain_text",
    "split_caption_credit",
    "split_long_paragraphs",
]

# --- patterns ---------------------------------------------------------------------------

_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_URL_ANYWHERE_RE = re.compile(r"(?:https?://|www\.)\S+", re.I)
_URL_TAIL_RE = re.compile(r"^(?P<text>.*?)[\s:(\[]*(?P<url>(?:https?://|www\.)\S+?)[)\].]?$", re.I)
_URL_CONTINUATION_RE = re.compile(r"^[\w\-./%?=&#~+:;,@!$'()*]+$")
_EMAIL_RE = re.compile(r"^\S+@\S+\.\w+$")
_TERMINAL = ".!?…:;\"”’')]»"
_ODD_SPACE_RE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_SPACES_RE = re.compile(" {2,}")
_BROKEN_WORD_RE = re.compile(r"(?<!\S)\S+-\n\S+")
# Bounds that keep every step linear on any input (issue #11). No article seen has a
# paragraph over 2,600 characters (PolNeAR, the seeds, the test sets, 60 benchmark pages), a
# caption over a few hundred or a word over 40 letters; longer ones are not text a reader
# wrote, and checking them whole at every line or sentence end was quadratic.
MAX_PARAGRAPH_CHARS = 5_000
_MAX_CAPTION_CHARS = 1_000
_MAX_WORD_CHARS = 100
_SENTENCE_BREAK_RE = re.compile(r"[.!?][\"”’')]?\s+(?=\S)")
_WORD_RE = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
# Quoted speech (also a quote left open to the end of the paragraph, and the NYT's '').
_QUOTED_RE = re.compile(
    r"\"[^\"]*(?:\"|$)|“[^”]*(?:”|$)|«[^»]*(?:»|$)|„[^“”]*(?:[“”]|$)|''.*?(?:''|$)"
)
# Reported speech: a paragraph that reports what someone said is article text.
_ATTRIBUTION_RE = re.compile(
    r"\b(?:said|says|told|added|wrote|according\s+to|asked|explained|stated)\b"
)

_ORIGINAL_URL_RE = re.compile(
    r"^(?:original|source|article|canonical|page)?\s*(?:url|link)\s*:\s*(?P<url>\S+)?$", re.I
)
_RELATED_RE = re.compile(
    r"^(?:related(?:\s+(?:article|story|stories|content|news|coverage|reading|link)s?)?"
    r"|read\s+(?:more|also|next)(?:\s+about)?|see\s+also|more\s+(?:on|about)\s+this"
    r"|also\s+read|recommended|you\s+may\s+also\s+like|more\s+from\s+\w+)\s*[:\-–—>»]+\s*(?P<title>.*)$",
    re.I,
)
_AUTHOR_PATH_RE = re.compile(
    r"/(?:authors?|by|profiles?|people|staff|contributors?|journalists?|writers?|reporters?"
    r"|columnists?)/(?P<slug>[^/?#]+)/?$",
    re.I,
)
# An address to the readers opens an appeal block ("A Message from X:", "Dear readers,").
_APPEAL_OPENER_RE = re.compile(
    r"^(?:an?\s+(?:message|note|letter|word|appeal|request)\s+(?:from|to)\s+(?P<org>.{2,60}?)"
    r"|dear\s+(?:readers?|friends|subscribers?|supporters?|members?|listeners?|viewers?"
    r"|visitors?|audience|community)(?:\s+and\s+\w+)?"
    # The turn to the reader that opens an appeal: "... we have a small favor to ask.",
    # "Before you go,", "One more thing:", "Can you help us?"
    r"|(?:\.\.\.|…)?\s*(?:but\s+|and\s+)?(?:we\s+have\s+an?\s+(?:\w+\s+)?(?:favou?r|request)\s+to\s+ask"
    r"|before\s+you\s+(?:go|continue|leave|read\s+on)|one\s+more\s+thing|one\s+last\s+thing"
    r"|can\s+you\s+help\s+us|we\s+need\s+your\s+help))\s*[:,.!?—–-]?$",
    re.I,
)
# Phrases that make a short line a call to action or a page widget (data/call_to_action.txt).
_CTA_RE = re.compile(r"\b" + lx.alternatives("call_to_action") + r"\b", re.I)
# Widget words: furniture only as the whole of a very short line (data/widget_words.txt).
_WIDGET_RE = re.compile(r"\b" + lx.alternatives("widget_words") + r"\b", re.I)
# The agency-style credits line at the foot of a story: "Reporting by X; Editing by Y".
_CREDITS_RE = re.compile(
    r"^\(?(?:additional\s+)?(?:reporting|writing|editing|compiled|translated|"
    r"graphics|research|fact[- ]checking)\s+by\s+[A-Z]",
    re.I,
)

# A call to action is phrased as an imperative (data/imperatives.txt).
_IMPERATIVE_RE = re.compile(r"^" + lx.alternatives("imperatives") + r"\b", re.I)
# Topics of a reader-addressed paragraph that is furniture rather than article text.
_FURNITURE_TOPIC_RE = re.compile(
    r"\b(?:support|donat\w*|subscri\w*|newsletters?|inbox|mailbox|sign[\s-]?up|ads|ad-free"
    r"|advertis\w*|cookies?|privacy|journalism|contribut\w*|member(?:s|ship)?|paywall"
    r"|reading\s+experience|our\s+(?:work|reporting|newsroom|journalists|website|site|app)"
    r"|free\s+trial|browser|javascript|notifications?|account)\b",
    re.I,
)
# "we", "our", "you"... in lower case, or capitalised where a sentence starts: "Our
# Principles PAC" mid-sentence is a name, and "US" is the country.
_READER_ADDRESS_RE = re.compile(
    r"\b(?:you|your|yours|we|our|ours|us)\b"
    r"|(?:^|[.!?:]\s+|[\"“(]\s*)(?:You|Your|Yours|We|Our|Ours)\b"
)
_TOPIC_HINTS = (
    "support", "donat", "subscri", "newsletter", "inbox", "mailbox", "sign", "ads", "ad-free",
    "advertis", "cookie", "privacy", "journalism", "contribut", "member", "paywall", "reading",
    "our ", "trial", "browser", "javascript", "notification", "account",
)  # fmt: skip
_ADDRESS_HINTS = ("you", "we ", "we,", "our ", " us")
_SHORT_ADDRESS_RE = re.compile(
    r"\b(?:you|your|we|our|us|me|my)\b|(?:^|[.!?:]\s+)(?:You|Your|We|Our|Me|My)\b"
)
_BYLINE_RE = re.compile(r"^by\s+(?P<name>[A-Z][^\d]{1,120}?)\s*$", re.I)
# A slash, or a word or name that credits a photo: "Photo: X", "X / TASS", "Getty Images".
_CREDIT_HINT_RE = re.compile(
    r"/|\b" + lx.phrase_pattern("credit_hints", "agencies", "photo_credits") + r"\b", re.I
)
_CREDIT_LABEL_RE = re.compile(
    r"^\(?(?:photo|photograph|image|picture|credit|foto)s?(?:\s+credit)?\s*(?:[:/]|by\b)\s*",
    re.I,
)
# A web site as the credit: "Kremlin.ru", "mos.ru", "Duma.gov.ru".
_DOMAIN_CREDIT_RE = re.compile(
    r"^[A-Za-z][\w-]*(?:\.[\w-]+)*\.(?:ru|ua|by|kz|ge|am|com|org|net|gov|info|media|io|tv"
    r"|eu|uk|de|fr|pl|me|co|news|online|site)"
    # A channel or account on a platform: "t.me/gubernator_46", "vk.com/club123".
    r"(?:/[\w.@-]+)?$",
    re.I,
)
# A whole line of page chrome: "Advertisement", "Share this article" (data/page_chrome.txt).
_PAGE_CHROME_RE = re.compile("^" + lx.alternatives("page_chrome") + "$", re.I)
# Furniture that tells the time or the reading time, or counts a gallery.
_TIME_FURNITURE_RE = re.compile(
    r"^(?:(?:updated|published|posted)\s+)?(?:\d+|an?|one)\s+(?:min(?:ute)?s?|hours?|days?)"
    r"\s+ago\.?$"
    r"|^(?:estimated\s+)?reading\s+time\s*:?\s*\d+\s*min(?:ute)?s?\.?$"
    r"|^(?:image|photo|picture|slide)\s+\d+\s+(?:of|/)\s+\d+$"
    r"|^copy\s+link$",
    re.I,
)
# Agency copy's taglines: "Associated Press writer X contributed to this report.",
# "Our Standards: The Trust Principles."
_TAGLINE_RE = re.compile(
    r"\bcontributed(?:\s+reporting)?\s+to\s+this\s+(?:report|story|article)\b"
    r"|^our\s+\w+(?:\s+\w+)?\s*:",
    re.I,
)
# A closing line about the author: "Jane Roe is a business reporter for The Daily Planet."
_AUTHOR_BIO_RE = re.compile(
    r"^[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}\s+(?:is|was)\s+(?:a|an|the)\s+[^.]{0,80}?"
    r"\b(?:reporter|correspondent|journalist|editor|writer|columnist|contributor)\b"
    r"\s+(?:for|at|with|of)\b[^.]{0,120}\.?$"
)
# A breadcrumb trail: "Home | News | World | Europe", "News > Politics > Russia".
_BREADCRUMB_RE = re.compile(r"^[^|>›»\s][^|>›»]{0,30}(?:\s+[|>›»]\s+[^|>›»]{1,30}){2,}$")
_SMALL_WORDS = frozenset(
    "a an the of to in on for and or at by with from as vs via but nor per into over".split()
)
# "Name for Client" in a credit's first part, up to the slash.
_PAREN_CREDIT_RE = re.compile(r"^(?P<caption>[^()]{2,200}?)\s*\((?P<credit>[^()]{2,80})\)$")
_FOR_CLIENT_RE = re.compile(r"(?<=[a-z])\s+for\s+[^/]{2,60}?(?=\s*/)")
_NAME_CONNECTORS = frozenset("de da di van von der del la le bin al y and für".split())
_REPORTING_RE = re.compile(
    r"\b(?:said|told|added|according\s+to|reported|says\s+that)\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_LINE_RE = re.compile(
    r"^(?:(?:published|posted|updated|last\s+updated|date)\s*:?\s*)?(?:\w+day,?\s+)?"
    r"(?:(?P<m1>" + _MONTH_NAMES + r")\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})"
    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m2>" + _MONTH_NAMES + r")\.?,?\s+(?P<y2>\d{4})"
    r"|(?P<y3>\d{4})[-/.](?P<m3>\d{1,2})[-/.](?P<d3>\d{1,2}))"
    r"(?:[,\s]+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?"
    r"(?:\s+[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|\s*[+-]\d{2}:?\d{2})?)?"
    r"(?:\s+(?:updated|last\s+updated)\b.{0,40})?"
    r"\s*(?:\|.*)?$",
    re.I,
)
_URL_DATE_RES = (
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?=/|$|[-_.])"),
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d])"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?=/|$|[-_.])"),
)
# Furniture that names the publisher: "Support The Moscow Times!", "© 2024 Harbour Gazette."
_SUPPORT_ORG_RE = re.compile(
    r"^(?i:support)\s+(?P<org>(?:The\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,4})\s*[!.]?$"
)
_COPYRIGHT_RE = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?)?\s*"
    r"(?P<org>[A-Z][^.|]{1,60}?)(?:\s+\d{4})?\.?\s*(?:all rights reserved\.?)?$",
    re.I,
)
_COPYRIGHT_LINE_RE = re.compile(r"^(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}))", re.I)
_SLUG_ID_RE = re.compile(r"^(?:[a-z]{0,3}\d{4,}[a-z\d]*|[a-f\d]{8,}|\d+|id[a-z\d]{6,})$", re.I)
_SLUG_EXT_RE = re.compile(r"\.(?:s?html?|php|aspx?|jsp|cms)$", re.I)


# --- public helpers ---------------------------------------------------------------------


def date_from_url(url: str) -> dt.date | None:
    """The publication date written in an article URL, or None.

    Understands ``/2024/07/17/``, ``2024-07-17`` and ``/20240717/``::

        >>> date_from_url("https://example.com/2024/07/17/some-story-a85742")
        datetime.date(2024, 7, 17)
        >>> date_from_url("https://example.com/news/some-story") is None
        True
    """
    if not url:
        return None
    for pattern in _URL_DATE_RES:
        for match in pattern.finditer(url):
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None


def headline_from_url(url: str) -> str | None:
    """A title-cased headline made from the URL's slug, or None when it has none.

    Trailing article ids (``a85742``, ``12345678``, hex hashes) and file
    extensions are dropped; a slug of fewer than two words gives None::

        >>> headline_from_url("https://www.themoscowtimes.com/2024/07/17/"
        ...                   "kremlin-dismisses-claims-that-kharkiv-offensive-failed-a85742")
        'Kremlin Dismisses Claims That Kharkiv Offensive Failed'
    """
    if not url:
        return None
    path = urlsplit(url.strip()).path if "://" in url else url.strip()
    for segment in reversed([s for s in unquote(path).split("/") if s]):
        segment = _SLUG_EXT_RE.sub("", segment)
        words = [w for w in re.split(r"[-_+\s]+", segment) if w]
        while words and _SLUG_ID_RE.match(words[-1]) and not _is_year(words[-1]):
            words.pop()
        while words and _SLUG_ID_RE.match(words[0]) and not _is_year(words[0]):
            words.pop(0)
        if len(words) >= 2 and any(w.isalpha() for w in words):
            return " ".join(
                w if (i and w.lower() in _SMALL_WORDS) else w[:1].upper() + w[1:]
                for i, w in enumerate(w.lower() for w in words)
            )
        if words and not all(_SLUG_ID_RE.match(w) for w in words):
            return None
    return None


# Context-free furniture rules, in order: each looks at one trimmed line (or paragraph)
# and its word count and says whether it is site furniture. The first that fires names
# the line's drop in ``ParsedPage.dropped``.
FURNITURE = Registry("furniture")
# Rules that look at a run of paragraphs (the end of the page, an appeal, teasers).
BLOCKS = Registry("furniture_block")


@FURNITURE.rule("no_letters")
def _no_letters(line: str, n_words: int) -> bool:
    """No letters at all: "×", "•••", "12:45"."""
    return not any(ch.isalpha() for ch in line)


@FURNITURE.rule("one_word")
def _one_word(line: str, n_words: int) -> bool:
    """A lone word with no sentence punctuation, a bare URL or e-mail: "Share", "Continue"."""
    return n_words == 1 and bool(
        _URL_RE.match(line) or _EMAIL_RE.match(line) or line[-1] not in ".!?\"”'’"
    )


@FURNITURE.rule("label_and_url")
def _label_and_url(line: str, n_words: int) -> bool:
    """A short label and a lone URL: "Read more: https://example.com/story"."""
    if not 1 < n_words <= 9:
        return False
    return bool(_URL_RE.match(line.rsplit(" ", 1)[-1].strip("()[]<>")))


@FURNITURE.rule("appeal_or_related_label")
def _appeal_or_related_label(line: str, n_words: int) -> bool:
    """An appeal's opener or a related-link label: "A Message from The Moscow Times:",
    "Read also: Kremlin says ..."."""
    return 1 < n_words <= 40 and bool(_APPEAL_OPENER_RE.match(line) or _RELATED_RE.match(line))


@FURNITURE.rule("date_line")
def _date_line(line: str, n_words: int) -> bool:
    """A date (and time) on its own line: "July 17, 2024", "Updated: 17 July 2024 10:31"."""
    return 1 < n_words <= 14 and bool(_DATE_LINE_RE.match(line))


@FURNITURE.rule("agency_credits")
def _agency_credits(line: str, n_words: int) -> bool:
    """The credits line of agency copy: "Reporting by Jane Doe; Editing by John Roe"."""
    return 1 < n_words <= 40 and bool(_CREDITS_RE.match(line))


@FURNITURE.rule("time_breadcrumb_copyright")
def _time_breadcrumb_copyright(line: str, n_words: int) -> bool:
    """A short "5 hours ago" / "3 Min read" stamp, a breadcrumb ("News > World") or a
    copyright line."""
    return 1 < n_words <= 12 and bool(
        _TIME_FURNITURE_RE.match(line) or _BREADCRUMB_RE.match(line) or _is_copyright(line)
    )


@FURNITURE.rule("tagline")
def _tagline(line: str, n_words: int) -> bool:
    """A site's tagline or rights notice: "... All rights reserved."."""
    return 1 < n_words <= 40 and bool(
        _TAGLINE_RE.search(line) or "all rights reserved" in line.lower()
    )


@FURNITURE.rule("call_to_action")
def _call_to_action(line: str, n_words: int) -> bool:
    """A short call to action: "Subscribe to our newsletter", "Support us today!".

    A short sentence of reporting stays ("Shares fell 5%."): a call to action has
    no full stop, or speaks to the reader, or is an imperative.
    """
    if not 1 < n_words <= 12:
        return False
    unquoted = _unquoted(line)
    return bool(_CTA_RE.search(unquoted)) and (
        line[-1] not in ".:"
        or bool(_SHORT_ADDRESS_RE.search(unquoted))
        or bool(_IMPERATIVE_RE.match(line))
    )


@FURNITURE.rule("widget")
def _widget(line: str, n_words: int) -> bool:
    """A page widget's label of up to four words: "Share on Facebook", "Print this page"."""
    return 1 < n_words <= 4 and line[-1] not in ".:" and bool(_WIDGET_RE.search(_unquoted(line)))


@FURNITURE.rule("photo_caption")
def _photo_caption(line: str, n_words: int) -> bool:
    """A photo's caption with its credit, standing between paragraphs of the article:
    "Sugar refinery in the village of Tetkino. t.me/gubernator_46",
    "Sergei Lavrov Russian Foreign Ministry / Flickr (CC BY-NC-SA 2.0)"."""
    if not 1 < n_words <= 40 or line[-1] in '.!?"”':
        return False
    split = split_caption_credit(line)
    return split is not None and split[1] is not None and (split[0] is not None or "/" in line)


@FURNITURE.rule("reader_appeal")
def _reader_appeal(line: str, n_words: int) -> bool:
    """A paragraph that addresses the reader ("we", "our", "you" outside quotation marks)
    about donations, newsletters, ads, cookies or the outlet's journalism: "Please
    support our journalism: we rely on readers like you."."""
    if n_words < 2:
        return False
    if n_words > 12:
        # The substring tests are a cheap filter: most paragraphs never say "we", "our"
        # or "you", nor name a topic of appeals.
        lower = line.lower()
        if not any(word in lower for word in _ADDRESS_HINTS):
            return False
        if not any(word in lower for word in _TOPIC_HINTS):
            return False
    if not _FURNITURE_TOPIC_RE.search(line):
        return False
    unquoted = _unquoted(line)
    if not _FURNITURE_TOPIC_RE.search(unquoted) or _ATTRIBUTION_RE.search(line):
        return False
    addressed = len(_READER_ADDRESS_RE.findall(unquoted))
    # One stray "our" in a long news paragraph is not an appeal; several are.
    return bool(addressed) and (n_words <= 60 or addressed >= 3)


@FURNITURE.rule("page_chrome")
def _page_chrome(line: str, n_words: int) -> bool:
    """A whole line of page chrome, under 200 characters: "Advertisement", "Share this
    article", "Sign up for our free weekly newsletter", "Please support us today",
    "© 2024 Example News. All rights reserved."."""
    return len(line) < 200 and bool(_PAGE_CHROME_RE.match(line))


PAGE_FURNITURE = frozenset(
    {
        "page_chrome",
        "appeal_or_related_label",
        "agency_credits",
        "time_breadcrumb_copyright",
        "tagline",
    }
)
"""The furniture rules applied to the main text of an HTML page (``html.parse_html``).

trafilatura has already taken the page's chrome away, so only the rules that match a whole
line of chrome or credits are safe there. Chosen on the 181 pages of the body-extraction
benchmark, each rule added alone to ``page_chrome``: ``agency_credits`` (+0.0002 F1),
``tagline`` (+0.0001, "X contributed to this report"), ``appeal_or_related_label`` and
``time_breadcrumb_copyright`` (no loss) are in; ``one_word`` (-0.0079: the article's one-word
headings, and whole paragraphs of Japanese, written without spaces), ``reader_appeal``
(-0.0038: service pieces that speak to the reader), ``no_letters``, ``photo_caption``,
``widget``, ``label_and_url``, ``call_to_action`` and ``date_line`` (-0.0003 to -0.00002) are
out: ``python bench/body_extraction.py --page-furniture`` prints the table.
"""
if not PAGE_FURNITURE <= {r.name for r in FURNITURE.all()}:
    raise ValueError(f"PAGE_FURNITURE names unknown rules: {PAGE_FURNITURE}")


def _unquoted(line: str) -> str:
    return _QUOTED_RE.sub(" ", line) if _has_quote(line) else line


def furniture_rule(line: str, only: frozenset[str] | None = None) -> str | None:
    """The name of the first furniture rule that fires on one line, or None for text.

    The one furniture test of the package: plain-text scrapes run every rule of
    ``FURNITURE``; the main text of an HTML page runs the subset ``only=PAGE_FURNITURE``.

    >>> furniture_rule("Subscribe to our newsletter")
    'furniture.call_to_action'
    >>> furniture_rule("Share", only=PAGE_FURNITURE)
    'furniture.page_chrome'
    >>> furniture_rule("Shares fell 5% on Monday.") is None
    True
    """
    line = line.strip()
    if not line:
        return "furniture.no_letters"
    rule, _ = FURNITURE.first(line, line.count(" ") + 1, only=only)
    return rule.full_name if rule else None


def is_furniture(line: str) -> bool:
    """True when one line (or paragraph) of a scrape is site furniture, not article text.

    Context-free rules (the ``FURNITURE`` registry above), safe to apply to any paragraph
    of any site; :func:`furniture_rule` says which one fired.
    """
    return furniture_rule(line) is not None


# A lone link phrase that heads a list of other articles' teasers: "Read more", "Related".
_LINK_PHRASE_RE = re.compile(
    r"^(?:read\s+(?:more|also|next)|related(?:\s+(?:articles?|stories|news|content|coverage))?"
    r"|more\s+(?:on|about)\s+this(?:\s+story)?|see\s+also|also\s+read|recommended(?:\s+for\s+you)?"
    r"|you\s+(?:may|might)\s+also\s+like|most\s+(?:read|popular)|more\s+stories)\s*[:.]?$",
    re.I,
)


def clean_paragraphs(
    paragraphs: Iterable[str], dropped: list[DroppedLine] | None = None
) -> list[str]:
    """Drop furniture from a list of body paragraphs, keeping their order.

    Applies :func:`is_furniture` to each paragraph, and drops everything from an
    appeal to the readers ("A Message from ...:", "Dear readers,") to the end,
    since such appeals close the page, and everything from a lone "Read more" that
    heads a list of teasers. An appeal at the very top (before any article text) is
    dropped only as far as its reader-addressed paragraphs go. Long paragraphs (40+
    words) between two kept paragraphs are kept unless they address the reader as
    "you": mid-article text is rarely furniture.

    Args:
        paragraphs: trimmed paragraphs in page order.
        dropped: when given, each dropped paragraph is added with the rule that dropped it.

    Returns:
        The article paragraphs.
    """
    items = [p.strip() for p in paragraphs]
    keep = [False] * len(items)
    why: dict[int, str] = {}
    in_top_appeal = False
    end = len(items)
    kept_any = False  # any(keep[:i]), kept as we go (rescanning it was quadratic)
    for i, item in enumerate(items):
        if not item:
            continue
        if _appeal_opener(item):
            if kept_any:
                end = i
                why.update(dict.fromkeys(range(i, len(items)), "furniture_block.appeal_to_end"))
                note_fired("furniture_block.appeal_to_end")
                break
            in_top_appeal = True
            why[i] = "furniture_block.appeal_to_end"
            continue
        if kept_any and _teaser_list(items, i):
            end = i
            why.update(dict.fromkeys(range(i, len(items)), "furniture_block.teaser_list"))
            note_fired("furniture_block.teaser_list")
            break
        if in_top_appeal:
            if _READER_ADDRESS_RE.search(_QUOTED_RE.sub(" ", item)) or is_furniture(item):
                why[i] = "furniture_block.appeal_to_end"
                continue
            in_top_appeal = False
        rule = furniture_rule(item)
        keep[i] = rule is None
        kept_any = kept_any or keep[i]
        if rule:
            why[i] = rule
    # Bounds for the rescue: kept paragraphs of text, not teaser titles after the article.
    kept_indexes = [
        i
        for i, k in enumerate(keep)
        if k and (_ends_sentence(items[i]) or not _is_title(items[i], first=False))
    ]
    if kept_indexes:
        first, last = kept_indexes[0], kept_indexes[-1]
        for i in range(first + 1, min(last, end)):
            if not keep[i] and _is_rescuable(items[i]):
                keep[i] = True
    if dropped is not None:
        dropped.extend(
            DroppedLine(item, why.get(i, "furniture.other"))
            for i, (item, k) in enumerate(zip(items, keep, strict=True))
            if item and not k
        )
    return [item for item, k in zip(items, keep, strict=True) if k]


@BLOCKS.rule("appeal_to_end")
def _appeal_opener(item: str) -> bool:
    """An address to the readers opens an appeal that runs to the end of the page ("A
    Message from The Moscow Times:", "Dear readers,", "… we have a small favor to ask."); at
    the top of the page, only its reader-addressed paragraphs go."""
    return BLOCKS.enabled("appeal_to_end") and bool(_APPEAL_OPENER_RE.match(item))


@BLOCKS.rule("teaser_list")
def _teaser_list(items: list[str], i: int) -> bool:
    """A lone link phrase ("Read more", "Related", "You may also like") followed by
    headline-like lines is the list of other articles that closes a page: it and
    everything after it go.

    ["... rose.", "Read more", "Floods Hit the North", "Rain fell ...", "Dams Fail", "..."]
    at 1 -> True; ["... rose.", "Read more", "Floods Hit the North", "The mayor said ..."] -> False
    """
    if not BLOCKS.enabled("teaser_list") or not _LINK_PHRASE_RE.match(items[i]):
        return False
    segment: list[str] = []
    for item in items[i + 1 :]:
        if _LINK_PHRASE_RE.match(item):
            break  # the next list starts: this one may be one teaser inside the article
        if item:
            segment.append(item)
    titles = sum(1 for item in segment if _is_title(item, first=False) and not _ends_sentence(item))
    # Nothing after it, nothing but titles, or several teasers (title and summary each);
    # a single title inside the article ("READ MORE" / one headline / the text goes on) is
    # a teaser line of its own, not the end of the article.
    return titles == len(segment) or titles >= 2


# How a photo line divides into caption and credit, beside the splitter's own forms.
CAPTION = Registry("caption_credit")


@CAPTION.rule("subject_before_slash_credit")
def subject_before_slash_credit(line: str) -> tuple[str, str] | None:
    """A photo line too long for a credit, whose first segment before " / " is not a
    sentence and whose rest is a credit: the first segment names the picture's subject.

        >>> subject_before_slash_credit(
        ...     "Jane Doe / Ruritanian Foreign Ministry / Flickr (CC BY-NC-SA 2.0)")
        ('Jane Doe', 'Ruritanian Foreign Ministry / Flickr (CC BY-NC-SA 2.0)')
        >>> subject_before_slash_credit("Alexander Reka / TASS") is None  # a credit whole
        True
    """
    if not CAPTION.enabled("subject_before_slash_credit") or " / " not in line:
        return None
    if _is_credit(line, alone=True):
        return None
    caption, credit = (part.strip() for part in line.split(" / ", 1))
    if not caption or re.search(r"[.!?:;,]", caption) or len(caption.split()) > 8:
        return None
    if not _is_credit(credit, alone=False):
        return None
    note_fired("caption_credit.subject_before_slash_credit")
    return caption, credit


_PORTRAIT_SMALL_WORDS = frozenset("of the and for at in de von van".split())


@CAPTION.rule("portrait_without_credit")
def portrait_without_credit(line: str) -> bool:
    """A line that only names a person, with their role and a full stop, is a portrait's
    caption: a standfirst says something, this says who is in the picture.

        >>> portrait_without_credit("Ruritania's Finance Minister Jane Doe.")
        True
        >>> portrait_without_credit("The minister said prices would rise.")
        False
    """
    if not CAPTION.enabled("portrait_without_credit") or not line.endswith("."):
        return False
    words = line[:-1].split()
    if not 2 <= len(words) <= 12 or _has_quote(line):
        return False
    capitalised = 0
    for word in words:
        bare = word.strip(",").lower()
        if bare in lx.AUXILIARIES or bare in lx.SPEECH_VERBS:
            return False  # "Heating Will Be Cut.": a title-cased sentence
        if word[:1].isupper():
            capitalised += 1
        elif (
            bare not in _PORTRAIT_SMALL_WORDS
            and bare not in lx.TITLES
            and bare not in lx.ROLE_MODIFIERS
        ):
            return False  # a verb or any other word: a sentence, not a name
    return capitalised >= 2 and any(
        a[:1].isupper() and b[:1].isupper() for a, b in zip(words, words[1:], strict=False)
    )


# Words a sentence does not end with: where a caption stops on one, it was cut off.
_CUT_ENDINGS = frozenset("the a an of in on at to for with from by and or as into".split())


@CAPTION.rule("cut_caption_before_name_credit")
def cut_caption_before_name_credit(line: str) -> tuple[str, str] | None:
    """A caption the site cut off at its length limit, with the photographer's name run on
    after the cut: whole sentences, then a fragment ending on a small word, then a name.

        >>> cut_caption_before_name_credit(
        ...     "Jane Doe at the summit on Monday. The talks were the first of the in John Smith")
        ('Jane Doe at the summit on Monday. The talks were the first of the in', 'John Smith')
        >>> cut_caption_before_name_credit("Why the Kremlin fears John Smith") is None
        True
    """
    if not CAPTION.enabled("cut_caption_before_name_credit"):
        return None
    words = line.split()
    if not 6 <= len(words) <= 60 or _has_quote(line):
        return None
    for size in (2, 3):
        name, cut = words[-size:], words[-size - 1]
        if not all(w.isalpha() and w[:1].isupper() and not w.isupper() for w in name):
            continue
        if not lx.is_given_name(name[0]) or cut not in _CUT_ENDINGS:
            continue
        caption = " ".join(words[:-size])
        if not re.search(r"[a-z)][.!?][\"”’')]?\s", caption):
            return None  # no whole sentence before the cut: a headline or standfirst
        note_fired("caption_credit.cut_caption_before_name_credit")
        return caption, " ".join(name)
    return None


@CAPTION.rule("standfirst_above_credit")
def standfirst_above_credit(line: str) -> bool:
    """A line above a credit of its own that says something and has no full stop is the
    standfirst, not the photo's caption (a caption is a sentence, or names who is shown):
    "Jane Doe does not have to win to score" over "John Smith / AP".

        >>> standfirst_above_credit("Jane Doe doesn't have to win to score")
        True
        >>> standfirst_above_credit("Jane Doe at a press conference in Ruritania")
        False
    """
    if not CAPTION.enabled("standfirst_above_credit") or _ends_sentence(line):
        return False
    words = [w.strip(",;:").lower() for w in line.split()]
    says = any(w.endswith("n't") or w in lx.AUXILIARIES or w in lx.SPEECH_VERBS for w in words)
    if says:
        note_fired("caption_credit.standfirst_above_credit")
    return says


def split_caption_credit(line: str) -> tuple[str | None, str | None] | None:
    """Split a photo caption line into (caption, credit), or None if it is not one.

    The credit is the trailing "Name / Agency" (or an agency alone); the
    caption is the sentence before it, or None::

        >>> split_caption_credit("Russian serviceman. Alexander Reka / TASS")
        ('Russian serviceman.', 'Alexander Reka / TASS')
        >>> split_caption_credit("Alexei Smirnov / Telegram")
        (None, 'Alexei Smirnov / Telegram')
        >>> split_caption_credit("The Kremlin said on Monday it would not comment.") is None
        True
    """
    line = line.strip()
    if len(line) > _MAX_CAPTION_CHARS:
        return None
    labelled = _CREDIT_LABEL_RE.match(line)
    if labelled:
        credit = line[labelled.end() :].strip(" )")
        return (None, credit) if credit else None
    paren = _PAREN_CREDIT_RE.match(line)
    if paren and _is_credit(paren["credit"], alone=False):
        return paren["caption"], paren["credit"]  # "Vitaly Mutko (Sergey Fadeichev / TASS)"
    if _is_credit(line, alone=True):
        return None, line
    if " | " in line:  # "The State Duma building | Photo: Duma.gov.ru"
        caption, credit = (part.strip() for part in line.rsplit(" | ", 1))
        labelled = _CREDIT_LABEL_RE.match(credit)
        if labelled and credit[labelled.end() :].strip(" )"):
            return caption or None, credit[labelled.end() :].strip(" )")
        if caption and _is_credit(credit, alone=False):
            return caption, credit
    split = subject_before_slash_credit(line)
    if split is not None:
        return split
    # Try each sentence end, last first, as the border between caption and credit.
    for match in reversed(list(re.finditer(r"[.!?][\"”’')]?\s+", line))):
        caption, credit = line[: match.end()].strip(), line[match.end() :].strip()
        if re.search(r"\b[A-Z]\.$", caption) and len(caption) > 2 and caption[-3] == " ":
            continue  # "J. Scott Applewhite / AP": an initial, not a sentence end
        labelled = _CREDIT_LABEL_RE.match(credit)
        if labelled:
            return caption, credit[labelled.end() :].strip(" )") or None
        if _is_credit(credit, alone=False):
            return caption, credit
    return None


# --- parse_text -------------------------------------------------------------------------


def parse_text(text: str) -> ParsedPage:
    """Parse a plain-text scrape into headline, body, caption, credit and metadata.

    Args:
        text: the decoded file (see :func:`.decoding.decode_bytes`); any newline
            convention is accepted.

    Returns:
        A :class:`ParsedPage`. ``body`` holds the article paragraphs without
        site furniture (it may be empty when the file holds no article text:
        the caller decides whether that is an error). ``flags`` notes what was
        unusual: ``no_headline``, ``no_blank_lines``, ``hard_wrapped``,
        ``ends_mid_sentence``, ``no_body``.

    Never raises for any ``str`` input.
    """
    page = ParsedPage()
    lines, printed_url = _drop_print_margins(_normalise_lines(text))
    nonblank = [line for line in lines if line]
    if len(nonblank) > 1 and "" not in _strip_edges(lines):
        page.flags.append("no_blank_lines")
    width = _wrap_width(nonblank)
    if width:
        page.flags.append("hard_wrapped")
    items: list[str] = []
    # The words the text uses, leaving out the words broken at line ends.
    # Anchored at the start of a run (the lookbehind): unanchored, a long run without
    # spaces was rescanned from each of its characters (quadratic).
    unbroken = _BROKEN_WORD_RE.sub(" ", text.replace("\r\n", "\n"))
    vocabulary = set(re.findall(r"[^\W\d_]+", unbroken.lower())) if width else set()
    for block in _blocks(lines):
        items.extend(_unwrap(block, width, vocabulary))

    items = _take_metadata(items, page)
    if printed_url and not page.original_url:
        page.original_url = page.page_url = printed_url  # the printed page's own address
    body_start, standfirst = _take_header(items, page)
    page.body = _take_body(standfirst + items[body_start:], page)

    if page.published is None:
        page.published = date_from_url(page.original_url or page.page_url or "")
    if page.headline is None:
        page.flags.append("no_headline")
        page.headline_derived = headline_from_url(page.original_url or page.page_url or "")
    if not page.body:
        page.flags.append("no_body")
    elif page.body[-1][-1] not in _TERMINAL:
        page.flags.append("ends_mid_sentence")
    return page


# --- steps ------------------------------------------------------------------------------


_SCRIPT_BLOCK_RE = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")


def strip_markup(text: str) -> str:
    """Reduce stray HTML in a plain-text scrape to its text.

    Scripts and styles go whole (their content is code, not article text); other
    tags go and their text stays. Text that merely contains "<" is left alone.
    """
    if "<" not in text:
        return text
    return _TAG_RE.sub("", _SCRIPT_BLOCK_RE.sub("", text))


def split_long_paragraphs(
    paragraphs: list[str], *, limit: int = MAX_PARAGRAPH_CHARS
) -> tuple[list[str], bool]:
    """Split paragraphs longer than ``limit`` characters; return them and whether any was.

    A piece ends at the last sentence end before the limit, else at the last space, else
    at the limit itself. Articles never have such paragraphs (see
    :data:`MAX_PARAGRAPH_CHARS`); the bound keeps the people and quote scans, which look
    across a paragraph, linear in the length of the file.
    """
    if all(len(p) <= limit for p in paragraphs):
        return paragraphs, False
    out: list[str] = []
    for paragraph in paragraphs:
        while len(paragraph) > limit:
            window = paragraph[: limit + 1]
            cut = 0
            for match in _SENTENCE_BREAK_RE.finditer(window):
                cut = match.end()
            if cut <= limit // 2:
                cut = window.rfind(" ") + 1 if window.rfind(" ") > limit // 2 else limit
            piece, paragraph = paragraph[:cut].strip(), paragraph[cut:].strip()
            if piece:
                out.append(piece)
        if paragraph:
            out.append(paragraph)
    return out, True


# What is left of a tag once whole tags are gone: an opener that a browser could still read as
# the start of one ('<img src=x onerror=alert(1)//' with no closing '>').
_TAG_OPENER_RE = re.compile(r"<(?=[a-zA-Z/!?])")


def plain_text(value: str) -> str:
    """``value`` as plain text: no tag, script or style, nor a '<' that could open one.

    Text a page offers as a title, site name, caption or credit (meta tags, JSON-LD, a
    scrape) is untrusted and may hold markup ('<img src=x onerror=...>' in ``og:title``).
    Whole tags go, their text stays; a '<' before a letter, '/', '!' or '?' goes too. A
    comparison such as "a < b" is left alone. Spaces are tidied where tags were.
    """
    if "<" not in value:
        return value
    text = _TAG_OPENER_RE.sub("", strip_markup(value))
    return _SPACES_RE.sub(" ", text).strip()


# What a browser prints in the margins of each page of a saved PDF: the date and time with
# the page title on top, the page's address and "page/pages" at the foot.
_PRINT_HEADER_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}\s*(?:[AaPp][Mm])?\s+\S")
_PRINT_FOOTER_RE = re.compile(r"^(?P<url>https?://\S+)\s+\d{1,3}/\d{1,3}$")


def _drop_print_margins(lines: list[str]) -> tuple[list[str], str | None]:
    """Remove a printed page's margins; rejoin a paragraph that runs across a page break.

    Returns the lines and the page's address from the foot margin, if there is one.
    """
    out: list[str] = []
    url = None
    page_break = False
    for line in lines:
        footer = _PRINT_FOOTER_RE.match(line)
        if footer or _PRINT_HEADER_RE.match(line):
            url = url or (footer["url"] if footer else None)
            page_break = True
            continue
        if page_break and not line:
            continue
        if page_break:
            while out and not out[-1]:
                out.pop()
            if out and (_ends_sentence(out[-1]) or not line[:1].islower()):
                out.append("")  # a new paragraph starts on the new page
            page_break = False
        out.append(line)
    return out, url


def _normalise_lines(text: str) -> list[str]:
    """Split into trimmed lines, markup stripped; no-break and odd spaces become spaces."""
    text = strip_markup(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.isascii() or "\t" in text:
        text = _ODD_SPACE_RE.sub(" ", text)
    if "  " in text:
        text = _SPACES_RE.sub(" ", text)
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", "").replace("\ufeff", "")
    return [line.strip() for line in text.split("\n")]


def _strip_edges(lines: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if line), len(lines))
    end = len(lines) - next((i for i, line in enumerate(reversed(lines)) if line), len(lines))
    return lines[start:end]


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _ends_sentence(line: str) -> bool:
    return line[-1] in _TERMINAL


def _wrap_width(lines: list[str]) -> int | None:
    """The wrap width when the text is hard-wrapped (PDF conversion), else None.

    Hard-wrapped text has many lines of about the same length that stop in the
    middle of a sentence; scraped HTML has one paragraph per line, and its long
    lines end with a full stop.
    """
    lengths = sorted(len(line) for line in lines if len(line) >= 20 and not _URL_RE.match(line))
    if len(lengths) < 4:
        return None
    width = lengths[int(len(lengths) * 0.9) - 1 if len(lengths) >= 10 else -1]
    if width > 160 or width < 30:
        return None
    long_lines = [
        line
        for line in lines
        if len(line) >= 0.7 * width and len(line) <= width * 1.15 and not _URL_RE.match(line)
    ]
    unfinished = sum(1 for line in long_lines if not _ends_sentence(line))
    if len(long_lines) >= 3 and unfinished >= 0.5 * len(long_lines):
        return width
    return None


def _unwrap(block: list[str], width: int | None, vocabulary: set[str] = frozenset()) -> list[str]:
    """Join the lines of one block back into paragraphs.

    A word broken at the end of a line by a hyphen is joined whole ("trans-" +
    "ferred") when the text uses it whole elsewhere or the first part is not a
    prefix that takes a hyphen ("pro-", "anti-"...); a hyphen before a capital stays
    ("Krivcova-" + "Ozola", "pro-" + "Ukrainian").
    """
    out: list[str] = []
    for line in block:
        if not out:
            out.append(line)
            continue
        prev = out[-1]
        if len(prev) >= MAX_PARAGRAPH_CHARS:
            out.append(line)  # not an article's paragraph; joining on would be quadratic
        elif _URL_RE.match(prev) and " " not in prev and _continues_url(prev, line, width):
            out[-1] = prev + line
        elif _joins(prev, line, width):
            if prev.endswith("\u00ad"):
                out[-1] = prev[:-1] + line
            elif prev.endswith("-") and prev[-2:-1].isalpha() and line[:1].isalpha():
                out[-1] = _join_hyphenated(prev, line, vocabulary)
            else:
                out[-1] = prev + " " + line
        else:
            out.append(line)
    return out


_HYPHEN_PREFIXES = frozenset(
    "pro anti non ex self co post pre well long short half semi multi cross counter mid"
    " neo quasi ultra vice so".split()
)


def _join_hyphenated(prev: str, line: str, vocabulary: set[str]) -> str:
    """Join ``line`` to ``prev``, which ends in a hyphen after a letter."""
    stem = re.search(r"[^\W\d_]+-$", prev[-_MAX_WORD_CHARS:])
    first = re.match(r"[^\W\d_]+", line)
    if not stem or not first or line[:1].isupper():
        return prev + line  # "Krivcova-Ozola", "pro-Ukrainian"
    part, rest = stem.group()[:-1], first.group().lower()
    if (part.lower() + rest) in vocabulary:
        return prev[:-1] + line  # the text uses the word whole elsewhere
    if part[:1].isupper() or part.lower() in _HYPHEN_PREFIXES:
        return prev + line  # "Kremlin-backed", "anti-war"
    if part.lower() in vocabulary and rest in vocabulary:
        return prev + line  # two words of the text: "state-run"
    return prev[:-1] + line  # "trans-" + "ferred": one word broken by the line end


def _continues_url(prev: str, line: str, width: int | None) -> bool:
    if " " in line or _URL_RE.match(line) or not _URL_CONTINUATION_RE.match(line):
        return False
    return prev[-1] in "-/_=&?.#%+" or bool(width and len(prev) >= 0.8 * width)


def _joins(prev: str, line: str, width: int | None) -> bool:
    """Whether ``line`` continues the paragraph ending with ``prev`` (same block)."""
    if _URL_RE.match(line) or _RELATED_RE.match(line) or _ORIGINAL_URL_RE.match(line):
        return False
    if _URL_RE.match(prev) or _ORIGINAL_URL_RE.match(prev):
        return False
    if ("/" in prev or ":" in prev) and split_caption_credit(prev) is not None:
        return False  # a photo caption ends with its credit, not mid-sentence
    starts_lower = line[:1].islower()
    if width:
        if not _ends_sentence(prev) and (len(prev) >= 0.55 * width or starts_lower):
            return True
        return len(prev) >= 0.9 * width and starts_lower
    # Not hard-wrapped: only an obvious mid-sentence break joins.
    return starts_lower and not _ends_sentence(prev) and not prev.endswith("|")


def _take_metadata(items: list[str], page: ParsedPage) -> list[str]:
    """Pull URL footers, author links and related teasers out; return the other items."""
    rest: list[str] = []
    related_titles: list[str] = []
    bare_urls: list[str] = []
    expect_url = False
    for item in items:
        original = _ORIGINAL_URL_RE.match(item)
        if original:
            if original["url"] and _URL_RE.match(original["url"]):
                page.original_url = page.original_url or original["url"]
            else:
                expect_url = True
            continue
        if _URL_RE.match(item):
            url = item.rstrip(".,;)")
            if expect_url:
                page.original_url = page.original_url or url
            else:
                author = _AUTHOR_PATH_RE.search(urlsplit(url).path or "")
                if author:
                    page.byline = page.byline or _name_from_slug(author["slug"])
                else:
                    bare_urls.append(url)
            expect_url = False
            continue
        expect_url = False
        related = _RELATED_RE.match(item)
        if related:
            title = related["title"].strip() or None
            url = None
            if title:
                url_match = _URL_ANYWHERE_RE.search(title)
                if url_match:
                    url = url_match.group().rstrip(".,;)")
                    title = title[: url_match.start()].strip(" :-–—(") or None
            if title and not url:
                related_titles.append(title)
            page.related.append(RelatedLink(title=title, url=url))
            continue
        rest.append(item)
    # Match teaser titles to bare URLs by slug; an unmatched URL is just furniture.
    for link in page.related:
        if link.url or not link.title:
            continue
        for url in bare_urls:
            if _slug_matches(link.title, url):
                link.url = url
                bare_urls.remove(url)
                break
    page.page_url = page.original_url
    return rest


def _take_header(items: list[str], page: ParsedPage) -> tuple[int, list[str]]:
    """Find headline, caption, credit, byline and date at the top.

    Returns the body's start and the standfirst: lines under the headline that come
    before a byline, date or photo line ("Cheap fuel once bought goodwill. That bargain
    is fraying."), which are the first lines of the body.
    """
    i = 0
    n = len(items)
    # 1. Furniture and a top-of-page appeal, down to the first real line.
    title_candidates: list[int] = []
    first_real = None
    while i < n:
        item = items[i]
        if _APPEAL_OPENER_RE.match(item):
            _note_source(item, page)
            i += 1
            while i < n and (
                _READER_ADDRESS_RE.search(_QUOTED_RE.sub(" ", items[i])) or is_furniture(items[i])
            ):
                i += 1
            continue
        _note_source(item, page)
        if _header_skippable(item):
            if (date_line := _DATE_LINE_RE.match(item)) and page.published is None:
                page.published = _date_from_match(date_line)
            i += 1
            continue
        first_real = i
        break
    if first_real is None:
        return n, []
    # 2. The headline: a title-like line before the caption or the body. Short section
    #    labels ("World", "Ukraine War") give way to a longer title right after them.
    j = first_real
    while j < n and len(title_candidates) < 3:
        if _header_skippable(items[j]) or (
            not title_candidates and _is_section_label(items[j], items[j + 1 : j + 2])
        ):
            j += 1
            continue
        if split_caption_credit(items[j]) is not None or not _is_title(items[j], first=j == 0):
            break
        title_candidates.append(j)
        j += 1
    if title_candidates:
        long_ones = [k for k in title_candidates if len(_WORD_RE.findall(items[k])) >= 3]
        chosen = long_ones[0] if long_ones else title_candidates[0]
        # A second title-like line right after the headline is a standfirst: body text.
        page.headline = items[chosen].rstrip(" ;")
        i = chosen + 1
    after_headline = i if page.headline else -1
    standfirst: list[str] = []
    # 3. Caption, credit, byline and date lines between the headline and the body.
    while i < n:
        item = items[i]
        if _header_skippable(item) and not _DATE_LINE_RE.match(item):
            i += 1
            continue
        if page.image_credit is None and (split := split_caption_credit(item)) is not None:
            page.image_caption, page.image_credit = split
            i += 1
            continue
        if (
            page.image_caption is None
            and page.image_credit is None
            and i == after_headline
            and _repeated_below(item, items[i + 1 :])
        ):
            # The photo's caption under the headline, printed again as a paragraph below.
            page.image_caption = item
            i += 1
            continue
        if (
            page.image_caption is None
            and page.image_credit is None
            and i == after_headline
            and portrait_without_credit(item)
        ):
            note_fired("caption_credit.portrait_without_credit")
            page.image_caption = item
            i += 1
            continue
        if page.image_credit is None and page.headline and (split := _photo_line(item)):
            page.image_caption, page.image_credit = split
            i += 1
            continue
        if page.image_credit is None and i + 1 < n and (credit := _credit_line(items[i + 1])):
            # A caption with its credit on a line of its own: "... in Yerevan." / "© AFP 2024"
            if (
                len(_WORD_RE.findall(item)) <= 40
                and not _has_quote(item)
                and not _DATE_LINE_RE.match(item)
                and not _BYLINE_RE.match(item)
                and not standfirst_above_credit(item)
            ):
                page.image_caption, page.image_credit = item, credit
                i += 2
                continue
        byline = _BYLINE_RE.match(item)
        if byline and len(_WORD_RE.findall(item)) <= 12 and not _ends_sentence(item.rstrip(".")):
            page.byline = page.byline or byline["name"].strip(" ,")
            i += 1
            continue
        date_line = _DATE_LINE_RE.match(item)
        if date_line:
            page.published = page.published or _date_from_match(date_line)
            i += 1
            continue
        if (
            len(standfirst) < 2
            and i - len(standfirst) == after_headline
            and len(_WORD_RE.findall(item)) <= 60
            and _header_line_follows(items[i + 1 : i + 4])
        ):
            standfirst.append(item)
            i += 1
            continue
        break
    return i, standfirst


def _repeated_below(item: str, below: list[str]) -> bool:
    """A sentence-long line under the headline that the body repeats word for word."""
    return 6 <= len(_WORD_RE.findall(item)) <= 40 and _ends_sentence(item) and item in below


def _header_skippable(item: str) -> bool:
    """Furniture that may sit in the header, except what could be a photo credit."""
    return is_furniture(item) and split_caption_credit(item) is None


def _take_body(items: list[str], page: ParsedPage) -> list[str]:
    for item in items:
        _note_source(item, page)
        date_line = _DATE_LINE_RE.match(item)
        if date_line and page.published is None:
            page.published = _date_from_match(date_line)
    body = clean_paragraphs(items, page.dropped)
    # Teaser titles after the last paragraph of text are links to other articles, and a
    # line about the author closes some pages.
    while body and _trailing_title_or_bio(body[-1]):
        page.dropped.append(DroppedLine(body.pop(), "furniture_block.trailing_title_or_bio"))
        note_fired("furniture_block.trailing_title_or_bio")
    if body and _byline_bio(body[-1], page.byline):
        page.dropped.append(DroppedLine(body.pop(), "furniture_block.byline_bio"))
        note_fired("furniture_block.byline_bio")
    return body


@BLOCKS.rule("trailing_title_or_bio")
def _trailing_title_or_bio(item: str) -> bool:
    """After the last paragraph of text, teaser headlines link to other articles, and a
    line about the author closes some pages: "Floods Hit the North" / "Jane Doe is a
    reporter for The Harbour Gazette."."""
    if not BLOCKS.enabled("trailing_title_or_bio"):
        return False
    return (_is_title(item, first=False) and not _ends_sentence(item)) or (
        len(_WORD_RE.findall(item)) <= 40 and bool(_AUTHOR_BIO_RE.match(item))
    )


@BLOCKS.rule("byline_bio")
def _byline_bio(item: str, byline: str | None) -> bool:
    """A last paragraph that introduces the byline's author is their bio, not the story:
    byline "Timur Abdrakhmanov" and "Timur Abdrakhmanov is a journalist based in Almaty."."""
    if not BLOCKS.enabled("byline_bio") or not byline or len(_WORD_RE.findall(item)) > 60:
        return False
    return bool(re.match(re.escape(byline) + r"\s+(?:is|was|has been)\s+(?:a|an|the)\b", item))


def _note_source(item: str, page: ParsedPage) -> None:
    """Remember the publisher's name where the furniture states it."""
    if page.source or len(item) > 100:
        return
    opener = _APPEAL_OPENER_RE.match(item)
    if opener and opener["org"]:
        page.source = re.sub(r"^the\s+", "", opener["org"].strip(" :"))
        return
    support = _SUPPORT_ORG_RE.match(item)
    if support and support["org"].lower() not in ("us", "our journalism"):
        page.source = support["org"]
        return
    copyright_line = _COPYRIGHT_RE.match(item)
    if copyright_line:
        page.source = copyright_line["org"].strip(" ,")


# --- small predicates -------------------------------------------------------------------


def _has_quote(line: str) -> bool:
    return '"' in line or "“" in line or "«" in line or "„" in line or "''" in line


def _is_year(word: str) -> bool:
    return word.isdigit() and len(word) == 4 and word[:2] in ("19", "20")


def _name_from_slug(slug: str) -> str | None:
    """ "afp-2" -> "AFP", "jane-doe" -> "Jane Doe" (author-page slugs)."""
    words = [w for w in re.split(r"[-_+.\s]+", unquote(slug)) if w and not w.isdigit()]
    if not words:
        return None
    if len(words) == 1 and len(words[0]) <= 4:
        return words[0].upper()
    return " ".join(w[:1].upper() + w[1:] for w in words)


def _slug_matches(title: str, url: str) -> bool:
    slug_words = set(re.findall(r"[a-z0-9]+", (headline_from_url(url) or "").lower()))
    title_words = set(re.findall(r"[a-z0-9]+", title.lower()))
    if not slug_words or not title_words:
        return False
    return len(slug_words & title_words) >= 0.8 * min(len(slug_words), len(title_words))


def _is_credit(text: str, *, alone: bool) -> bool:
    """Whether ``text`` is a photo credit: "Alexander Reka / TASS", "TASS", "AP Photo"."""
    text = text.strip()
    if not text or len(text) > 80 or text[-1] in '.!?:;,"”' or _URL_ANYWHERE_RE.search(text):
        return False
    if _DOMAIN_CREDIT_RE.match(text):
        return True
    if _BYLINE_RE.match(text):
        return False  # "By Reuters" is a byline
    if re.search(r"[a-z]{2}[.!?]\s+\S", text):
        return False  # a sentence and then a credit: "Dmitry Medvedev. Yekaterina Shtukina / TASS"
    if "/" in text:
        # A photographer working for someone: "Yevgeny Feldman for Navalny's campaign / TASS".
        text = _FOR_CLIENT_RE.sub("", text)
    words = text.replace("/", " / ").split()
    if len(words) > 10:
        return False
    hinted = bool(_CREDIT_HINT_RE.search(text))
    rest = [w for w in words if w != "/" and w.lower() not in _NAME_CONNECTORS]
    if not rest or not all(
        w[:1].isupper()
        or w[:1].isdigit()
        or w[:1] in "(@"
        or _DOMAIN_CREDIT_RE.match(w)
        or (hinted and w.lower() in lx.CREDIT_WORDS)
        for w in rest
    ):
        return False
    if "/" in text:
        return all(part.strip() for part in text.split("/"))
    if hinted:
        return True
    if alone and 2 <= len(words) <= 5 and words[-1].lower() in lx.CREDIT_ORG_HEADS:
        return True  # an organisation's name alone: "Federal Space Agency", "Kremlin Press Office"
    # An agency alone ("TASS", "AFP"): a short upper-case word, only when standing alone.
    return alone and len(words) <= 2 and all(w.isupper() and len(w) >= 2 for w in words)


def _header_line_follows(following: list[str]) -> bool:
    """Whether a byline, a date line or a photo line comes among the next few lines."""
    for line in following:
        if _BYLINE_RE.match(line) and len(_WORD_RE.findall(line)) <= 12:
            return True
        if _DATE_LINE_RE.match(line) or split_caption_credit(line) or _photo_line(line):
            return True
        if len(_WORD_RE.findall(line)) > 60:
            return False
    return False


def _photo_line(item: str) -> tuple[str, str] | None:
    """The line under the headline as caption and credit, when it is shaped like one.

    Right under the headline a short sentence followed by a short capitalised
    phrase with no full stop is the photo's caption and credit even when the
    credit has no agency or slash in it: "Firefighters in Buryatia. Russian
    Emergencies Ministry", "A court hearing. Sibir.Realii".
    """
    cut = cut_caption_before_name_credit(item)
    if cut is not None:
        return cut
    ends = list(re.finditer(r"[a-z)\"”’'][.!?][\"”’')]?\s+", item))
    if not ends:
        return None
    match = ends[-1]
    caption, credit = item[: match.end()].strip(), item[match.end() :].strip()
    if _DATE_LINE_RE.match(item) or not re.search(r"[^\W\d_]{2}", credit):
        return None  # "Updated: Oct. 9, 2025" is a date line
    words = credit.split()
    if not 1 <= len(words) <= 6 or len(_WORD_RE.findall(caption)) > 40 or _has_quote(item):
        return None
    if credit[-1] in '.!?:;,"”' or _URL_ANYWHERE_RE.search(credit):
        return None
    if not all(
        w[:1].isupper()
        or w[:1].isdigit()
        or w == "/"
        or w.lower() in _NAME_CONNECTORS
        or w.lower() in lx.CREDIT_WORDS
        for w in words
    ):
        return None
    return caption, credit


def _is_section_label(item: str, following: list[str]) -> bool:
    """An upper-case section label above the headline ("WORLD", "UKRAINE WAR").

    It looks like an agency credit ("TASS"), but a credit never comes before
    the headline: it is a label when a title-like line follows it.
    """
    words = item.split()
    return (
        1 <= len(words) <= 3
        and item.isupper()
        and "/" not in item
        and bool(following)
        and _is_title(following[0], first=False)
    )


def _credit_line(line: str) -> str | None:
    """A photo credit standing on its own line: "© AFP 2024", "Photo: Reuters", "AFP"."""
    line = line.strip()
    labelled = _CREDIT_LABEL_RE.match(line)
    if labelled:
        return line[labelled.end() :].strip(" )") or None
    if line.startswith(("©", "(c)")):
        return _copyright_credit(line)
    if _is_credit(line, alone=True) and ("/" in line or line.isupper()):
        return line
    return None


def _is_copyright(line: str) -> bool:
    """ "© 2024 The Moscow Times. All rights reserved.", "Copyright 2024 Harbour Gazette"."""
    return bool(_COPYRIGHT_LINE_RE.match(line)) or "all rights reserved" in line.lower()


def _copyright_credit(line: str) -> str | None:
    """The agency of a photo's copyright line under its caption: "© AFP 2024" -> "AFP"."""
    match = re.match(r"^(?:©|\(c\))\s*(?:\d{4}\s+)?(?P<who>[^\d©]{2,60}?)(?:\s+\d{4})?$", line)
    if not match or not _is_credit(match["who"], alone=True):
        return None
    return match["who"]


def _is_title(item: str, *, first: bool) -> bool:
    """Whether a line reads like a headline (short, capitalised, no closing full stop).

    A headline ending in a full stop (some archives add one) is accepted only
    as the first line of the page and when it does not read like reporting
    ("X said on Monday ...").
    """
    words = _WORD_RE.findall(item)
    if not 2 <= len(words) <= 30 or len(item) > 250:
        return False
    if not (item[0].isupper() or item[0].isdigit() or item[0] in "'‘\"“#@"):
        return False
    if _URL_ANYWHERE_RE.search(item) or _DATE_LINE_RE.match(item):
        return False
    if item[-1] in ",:" or item.endswith(("...", "…")):
        return False
    if item[-1] == ";" and not first:
        return False
    if item[-1] == "." and not item.endswith(("U.S.", "U.K.", "U.N.", "D.C.")):
        if not first or item[0] in '"“' or _REPORTING_RE.search(item):
            return False
        if len(words) > 22:
            return False
    return True


def _is_rescuable(item: str) -> bool:
    """A long paragraph inside the article is text unless it talks to "you" or is a CTA."""
    words = _WORD_RE.findall(item)
    if len(words) < 40:
        return False
    unquoted = _QUOTED_RE.sub(" ", item)
    return not re.search(r"\b(?:you|your)\b", unquoted, re.I) and not _URL_TAIL_RE.match(item)


def _date_from_match(match: re.Match[str]) -> dt.date | None:
    try:
        if match["y1"]:
            return dt.date(int(match["y1"]), _MONTHS[match["m1"].lower()], int(match["d1"]))
        if match["y2"]:
            return dt.date(int(match["y2"]), _MONTHS[match["m2"].lower()], int(match["d2"]))
        return dt.date(int(match["y3"]), int(match["m3"]), int(match["d3"]))
    except (ValueError, KeyError):
        return None
