"""Tests for articles.extraction.decoding: bytes of any common encoding in, clean text out."""

from pathlib import Path

import pytest

from articles.extraction.decoding import decode_bytes
from articles.extraction.types import ExtractionError

SCRAPES = Path(__file__).parent / "data" / "scrapes"


def test_cp1251_russian_file_decodes_as_cyrillic_not_latin1_mojibake():
    text = decode_bytes((SCRAPES / "cp1251_russian.txt").read_bytes())
    assert text.startswith("Кремль отверг заявления о провале наступления\n\n")
    assert "«Нет, не провалилось», — сказал он журналистам." in text
    assert "\r" not in text
    assert "Ê" not in text and "ð" not in text  # what cp1251 read as Latin-1 would give


def test_utf16_file_with_bom_decodes_and_newlines_are_normalised():
    text = decode_bytes((SCRAPES / "utf16_bom.txt").read_bytes())
    assert text.startswith("Dock Workers Accept Pay Offer\n\nDock workers voted")
    assert "\u201cIt is not everything we wanted, but it is a fair deal,\u201d" in text
    assert "\r" not in text and "\ufeff" not in text


def test_latin1_french_file_keeps_its_accents():
    text = decode_bytes((SCRAPES / "latin1_french.txt").read_bytes())
    assert "Le maire a déclaré mardi" in text
    assert "« Les habitants ont assez attendu », a-t-il affirmé" in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Привет, мир".encode("cp1251"), "Привет, мир"),
        ("Кремль опроверг сообщения".encode("koi8_r"), "Кремль опроверг сообщения"),
        (
            "Die Lage in München äußerst ernst.".encode("cp1252"),
            "Die Lage in München äußerst ernst.",
        ),
        (
            "He said \u201cno\u201d to the caf\u00e9.".encode("cp1252"),
            "He said \u201cno\u201d to the caf\u00e9.",
        ),
        ("Zażółć gęślą jaźń, powiedział.".encode("cp1250"), "Zażółć gęślą jaźń, powiedział."),
        ("Η κυβέρνηση ανακοίνωσε μέτρα.".encode("cp1253"), "Η κυβέρνηση ανακοίνωσε μέτρα."),
    ],
)
def test_legacy_code_pages_are_told_apart_even_in_short_texts(raw, expected):
    assert decode_bytes(raw) == expected


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks_pick_the_encoding_and_are_removed(codec):
    raw = "Привет, мир".encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    assert decode_bytes(raw) == "Привет, мир"


def test_utf16_without_bom_is_recognised():
    assert (
        decode_bytes("Ports reopen after storm".encode("utf-16-le")) == "Ports reopen after storm"
    )


def test_plain_utf8_is_returned_as_is():
    text = "Kyiv’s forces — “regroup” — 2024 €"
    assert decode_bytes(text.encode("utf-8")) == text


def _as_browser_cp1252(data: bytes) -> str:
    """Decode like a browser reading UTF-8 as Windows-1252 (undefined bytes kept as C1)."""
    return "".join(
        chr(byte) if byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([byte]).decode("cp1252")
        for byte in data
    )


def test_utf8_mojibake_is_repaired():
    damaged = _as_browser_cp1252("The café’s owner said “no”.".encode())
    assert "Ã©" in damaged and "â€" in damaged
    assert decode_bytes(damaged.encode("utf-8")) == "The café’s owner said “no”."


def test_accented_text_next_to_punctuation_is_not_taken_for_mojibake():
    assert decode_bytes("Café…” he said".encode()) == "Café…” he said"


def test_doubly_damaged_utf8_is_repaired():
    once = "François".encode().decode("latin-1")
    twice = once.encode().decode("latin-1")
    assert decode_bytes(twice.encode()) == "François"


def test_nul_bytes_and_control_characters_are_stripped():
    text = decode_bytes((SCRAPES / "nul_and_controls.txt").read_bytes())
    assert text == (
        "Ports Reopen After Storm\n\nThe ports reopened on Sunday after the storm passed, "
        "officials said.\n"
    )


def test_newlines_are_normalised_and_tabs_kept():
    assert decode_bytes(b"a\r\nb\rc\n\td\x0ce") == "a\nb\nc\n\td\ne"


def test_text_is_nfc_normalised():
    assert decode_bytes("Cafe\u0301".encode()) == "Caf\u00e9"


def test_empty_file_is_refused():
    with pytest.raises(ExtractionError, match="empty file"):
        decode_bytes((SCRAPES / "empty.txt").read_bytes())


def test_whitespace_only_file_is_refused():
    with pytest.raises(ExtractionError, match="no text"):
        decode_bytes(b" \r\n\t\x00\n")


def test_binary_file_is_refused():
    with pytest.raises(ExtractionError, match="binary file, not text"):
        decode_bytes((SCRAPES / "binary_image.png").read_bytes())


@pytest.mark.parametrize(
    "raw",
    [b"%PDF-1.7\n%\xe2\xe3", b"PK\x03\x04\x14\x00", b"\x1f\x8b\x08\x00", bytes(range(32)) * 20],
)
def test_pdf_archives_and_control_byte_soup_are_binary(raw):
    with pytest.raises(ExtractionError, match="binary file"):
        decode_bytes(raw)


def test_files_over_the_limit_are_refused():
    with pytest.raises(ExtractionError, match="file is 11 bytes, over the 10-byte limit"):
        decode_bytes(b"hello world", max_bytes=10)
    assert decode_bytes(b"hello", max_bytes=10) == "hello"


def test_invalid_bytes_after_a_bom_are_refused_not_mangled():
    with pytest.raises(ExtractionError, match="utf-8"):
        decode_bytes(b"\xef\xbb\xbfabc\xff\xfe\xfa")


def test_bytes_no_code_page_explains_are_refused():
    # Symbols wedged between letters in every candidate code page.
    with pytest.raises(ExtractionError, match="cannot tell the text encoding"):
        decode_bytes(b"a\x8ab\x9ac\x8ed\x9ee\x8bf\x9bg\xa4h\xa6i\xa7j\xa9k")
