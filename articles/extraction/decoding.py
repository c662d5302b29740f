"""Turn the raw bytes of a scraped file into clean Unicode text.

Scrapes arrive in whatever encoding the tool that saved them used: UTF-8 with
or without a BOM, UTF-16 from Windows tools, cp1251 for Russian pages, Latin-1
or cp1252 for Western ones. :func:`decode_bytes` picks the encoding, refuses
what is not text, and normalises what is, so that the parsers downstream only
ever see ``\\n`` newlines, no control characters and NFC-composed letters::

    >>> decode_bytes("Кремль".encode("cp1251"))
    'Кремль'
    >>> decode_bytes(b"\\xef\\xbb\\xbfline one\\r\\nline two\\r")
    'line one\\nline two\\n'

Why not charset-normalizer alone: on short texts (a headline, a paragraph) it
guesses wildly (German cp1252 came out as ``mac_iceland``, six Cyrillic words as
``cp1125``). Real-world legacy files are nearly always one of a handful of
Windows code pages, so we score those few candidates with simple, explainable
rules about what words look like, and only fall back to charset-normalizer for
long texts none of them explains.
"""

from __future__ import annotations

import re
import unicodedata

from .types import ExtractionError

# Byte-order marks, longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)

# Signatures of common non-text files that end up in scrape folders.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (docx/xlsx/epub?)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0", "legacy Office document"),
    (b"\x7fELF", "executable"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"RIFF", "RIFF media file"),
    (b"\x00\x00\x00", "binary data"),
)

# Legacy single-byte code pages tried when the bytes are not UTF-8, most likely
# first: ties go to the earlier one.
_LEGACY_CANDIDATES: tuple[str, ...] = ("cp1252", "cp1251", "cp1250", "koi8_r", "cp1253", "cp1254")

# C0 controls other than \t and \n, DEL, C1 controls, and stray BOMs/non-characters.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")
# Control bytes that never occur in text files (NUL counted separately).
_BINARY_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), 0x1C, 0x1D, 0x1E, 0x1F])
# UTF-8 that went through a cp1252 (or Latin-1) decode: "Ã©" for "é", "â€™" for "’".
# A UTF-8 lead byte read as cp1252, then its continuation bytes (0x80-0xBF) read as cp1252.
_CONT = (
    "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
)
_CONT += "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_MOJIBAKE_RE = re.compile(f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}")
_BREAKS = {"\u2028": "\n", "\u2029": "\n\n", "\x0c": "\n", "\x0b": "\n", "\x85": "\n"}
_BREAKS_RE = re.compile("[\u2028\u2029\x0b\x0c\x85]")
_WORD_RE = re.compile(r"[^\W\d_]+")


def decode_bytes(data: bytes, *, max_bytes: int | None = None) -> str:
    """Decode a scraped file's bytes into normalised text.

    Args:
        data: the file's raw bytes.
        max_bytes: refuse files larger than this (None: no limit).

    Returns:
        :func:`clean_text` of :func:`decode_raw`: newlines normalised, mojibake
        repaired, NUL and other control characters (except ``\\n`` and ``\\t``)
        removed, NFC normalisation applied.

    Raises:
        ExtractionError: the file is empty, too large, binary (a PDF, an image, an
            archive, or bytes full of control codes), undecodable in the encoding
            its BOM announces, or in no encoding that gives believable text; also
            when nothing but whitespace remains after cleaning.
    """
    return clean_text(decode_raw(data, max_bytes=max_bytes))


def decode_raw(data: bytes, *, max_bytes: int | None = None) -> str:
    """The file's text as its encoding gives it: nothing repaired, only NUL characters removed.

    This is what an article keeps as its raw input (NULs cannot be stored in a
    database text column). Raises :class:`ExtractionError` as :func:`decode_bytes` does.
    """
    if not data:
        raise ExtractionError("empty file")
    if max_bytes is not None and len(data) > max_bytes:
        raise ExtractionError(f"file is {len(data)} bytes, over the {max_bytes}-byte limit")
    return _decode(data).replace("\x00", "")


def clean_text(text: str) -> str:
    """Normalise decoded text for extraction (idempotent: clean text comes back unchanged).

    Repairs UTF-8 that went through a cp1252 decode ("â€™" for "’"), normalises
    newlines and Unicode line separators, removes control characters except
    ``\\n`` and ``\\t``, and applies NFC. Raises :class:`ExtractionError` when
    nothing but whitespace is left.
    """
    # Text can go through a wrong decode more than once ("Ã\x83Â§" for "ç").
    for _ in range(3):
        if text.isascii() or not _MOJIBAKE_RE.search(text):
            break
        text = _repair_mojibake(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Line and paragraph separators and form feeds (PDF page breaks) are line breaks.
    if _BREAKS_RE.search(text):
        text = _BREAKS_RE.sub(lambda match: _BREAKS[match.group()], text)
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise ExtractionError("file has no text (only whitespace or control characters)")
    return text


def _decode(data: bytes) -> str:
    """Pick the encoding and decode; the cleaning is done by the caller."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise ExtractionError(
                    f"file starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"(byte {error.start + len(bom)})"
                ) from None

    utf16 = _sniff_utf16(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            raise ExtractionError(
                f"file looks like {utf16} without a BOM but does not decode"
            ) from None

    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise ExtractionError(f"binary file, not text ({kind})")
    head = data[:8192]
    nuls = head.count(0)
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    if nuls > max(8, len(head) // 100) or controls > max(8, len(head) // 50):
        raise ExtractionError("binary file, not text (too many control bytes)")

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(data)


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte."""
    sample = data[:4000]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > 0.4 * half and even.count(0) < 0.05 * half:
        return "utf-16-le"
    if even.count(0) > 0.4 * half and odd.count(0) < 0.05 * half:
        return "utf-16-be"
    return None


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that went through a cp1252 decode ("Ã©" for "é", "â€™" for "’").

    Each damaged sequence is repaired on its own, and only when it stands for a
    letter or punctuation mark (Latin, Greek, Cyrillic... U+00A0-U+07FF, or
    U+2000-U+20CF): "café…”" is left alone rather than turned into one CJK
    character. Text without such damage is returned unchanged.
    """

    def fix(match: re.Match[str]) -> str:
        try:
            char = _to_cp1252_bytes(match.group()).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return match.group()
        code = ord(char)
        if 0xA0 <= code <= 0x7FF or 0x2000 <= code <= 0x20CF or code == 0x2122:
            return char
        return match.group()

    return _MOJIBAKE_RE.sub(fix, text)


def _to_cp1252_bytes(text: str) -> bytes:
    """Encode as cp1252, passing through the five bytes cp1252 leaves undefined.

    Browsers and most tools decode those bytes as their Latin-1 code points, so
    mojibake made by them holds e.g. U+009D for the last byte of a UTF-8 "”".
    """
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                raise
            out.append(ord(char))
    return bytes(out)


def _decode_legacy(data: bytes) -> str:
    """Decode non-UTF-8 bytes with the single-byte code page giving the most believable words."""
    best: tuple[float, int, str] | None = None
    for order, encoding in enumerate(_LEGACY_CANDIDATES):
        try:
            candidate = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _implausibility(candidate)
        if best is None or (score, order) < best[:2]:
            best = (score, order, candidate)
    if best is not None and best[0] < 0.5:
        return best[2]
    # None of the usual code pages explains the bytes; try the statistical detector
    # on texts long enough for it to be reliable, and accept it only if it reads well.
    if len(data) >= 1000:
        from charset_normalizer import from_bytes

        match = from_bytes(data).best()
        if match is not None and _implausibility(str(match)) < 0.5:
            return str(match)
    if best is not None and best[0] < 1.0:
        return best[2]
    raise ExtractionError("cannot tell the text encoding (not UTF-8, no code page reads cleanly)")


def _script(char: str) -> str:
    """A coarse script name for a letter: 'latin', 'cyrillic', 'greek' or 'other'."""
    if char < "\u0250":
        return "latin"
    name = unicodedata.name(char, "")
    for script in ("CYRILLIC", "GREEK", "LATIN"):
        if name.startswith(script):
            return script.lower()
    return "other"


def _implausibility(text: str) -> float:
    """Penalty points per non-ASCII word for signs of a wrong code page; 0 for clean text.

    Wrong code pages produce words that mix scripts ("cafй"), long runs of
    accented Latin letters ("Ïðèâåò" is cp1251 read as cp1252), case flipping
    inside words (KOI8-R read as cp1251), and symbols wedged between letters
    ("M¸nchen").
    """
    penalty = 0.0
    words = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        words += 1
        scripts = {_script(ch) for ch in word if not ch.isascii()}
        if any(ch.isascii() for ch in word):
            scripts.add("latin")
        if len(scripts) > 1:
            penalty += 3
        run = longest = 0
        for ch in word:
            run = run + 1 if (not ch.isascii() and _script(ch) == "latin") else 0
            longest = max(longest, run)
        if longest >= 3:
            penalty += 2
        flips = sum(1 for a, b in zip(word, word[1:], strict=False) if a.islower() and b.isupper())
        penalty += flips
    for match in re.finditer(r"(?<=[^\W\d_])[^\w\s'\u2019\-.,;:!?\"()](?=[^\W\d_])", text):
        if not match.group().isascii():
            penalty += 2
    return penalty / max(1, words)
