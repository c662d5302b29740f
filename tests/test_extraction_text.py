"""Tests for articles.extraction.text: plain-text scrapes in, structured pages out.

The five committed seeds are checked field by field against their gold
(copied into tests/data/scrapes/seeds_expected.json so the suite is
self-contained); the other files in tests/data/scrapes/ are small scrapes
written for one rule each, with NAME.expected.json holding what must come out.
"""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from articles.extraction.decoding import decode_bytes
from articles.extraction.text import (
    clean_paragraphs,
    date_from_url,
    headline_from_url,
    is_furniture,
    parse_text,
    split_caption_credit,
)
from articles.extraction.types import RelatedLink

ROOT = Path(__file__).resolve().parent.parent
SCRAPES = Path(__file__).parent / "data" / "scrapes"
SEEDS_EXPECTED = json.loads((SCRAPES / "seeds_expected.json").read_text(encoding="utf-8"))
SEED_FIELDS = ("headline", "image_caption", "image_credit", "byline", "original_url", "body")
OWN_SCRAPES = sorted(p.name.removesuffix(".expected.json") for p in SCRAPES.glob("*.expected.json"))


def _parse_seed(name: str):
    return parse_text(decode_bytes((ROOT / "seeds" / name).read_bytes()))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().lower()


# --- the seeds against their gold -------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEEDS_EXPECTED))
@pytest.mark.parametrize("field", SEED_FIELDS)
def test_seed_field_matches_gold(name, field):
    page = _parse_seed(name)
    assert getattr(page, field) == SEEDS_EXPECTED[name][field]


@pytest.mark.parametrize("name", sorted(SEEDS_EXPECTED))
def test_seed_body_leaks_no_boilerplate(name):
    body = _norm("\n".join(_parse_seed(name).body))
    leaks = [
        line
        for line in SEEDS_EXPECTED[name]["boilerplate"]
        if len(_norm(line)) >= 25 and _norm(line) in body
    ]
    assert leaks == []


def test_seed_metadata_from_furniture_and_footer():
    page = _parse_seed("003_7cf8419b6963604b.txt")
    assert page.page_url == page.original_url
    assert page.published == dt.date(2024, 7, 17)
    assert page.related == [
        RelatedLink(
            title="Russia, Ukraine Swap 190 Prisoners of War",
            url="https://www.themoscowtimes.com/2026/06/12/russia-ukraine-swap-190-prisoners-of-war",
        )
    ]
    assert page.headline is None
    assert page.headline_derived == "Kremlin Dismisses Claims That Kharkiv Offensive Failed"
    assert "no_headline" in page.flags and "hard_wrapped" in page.flags
    assert _parse_seed("000_a14a31d47b36e4a7.txt").source == "The Moscow Times"
    assert _parse_seed("002_1e5727e7d0a2fbb7.txt").source == "The Moscow Times"


def test_seed_curly_quotes_survive():
    page = _parse_seed("004_5a15858f5304fc93.txt")
    assert page.body[3].startswith("“There are enemy losses — up to 250 soldiers")
    assert all("\u00a0" not in p and p == p.strip() for p in page.body)


# --- our own scrapes, one rule each -----------------------------------------------------


@pytest.mark.parametrize("name", OWN_SCRAPES)
def test_own_scrape_matches_expected(name):
    expected = json.loads((SCRAPES / f"{name}.expected.json").read_text(encoding="utf-8"))
    page = parse_text(decode_bytes((SCRAPES / f"{name}.txt").read_bytes()))
    got = {
        "published": page.published.isoformat() if page.published else None,
        "related": [{"title": r.title, "url": r.url} for r in page.related],
    }
    for field, value in expected.items():
        assert got.get(field, getattr(page, field, None)) == value, field


@pytest.mark.parametrize(
    ("name", "headline", "first_words"),
    [
        ("cp1251_russian.txt", "Кремль отверг заявления о провале наступления", "Пресс-секретарь"),
        ("utf16_bom.txt", "Dock Workers Accept Pay Offer", "Dock workers voted"),
        ("latin1_french.txt", "Le maire promet un nouveau pont", "Le maire a déclaré"),
    ],
)
def test_encoded_scrapes_parse_after_decoding(name, headline, first_words):
    page = parse_text(decode_bytes((SCRAPES / name).read_bytes()))
    assert page.headline == headline
    assert len(page.body) == 2 and page.body[0].startswith(first_words)


def test_straight_and_curly_quote_variants_parse_alike():
    curly = (SCRAPES / "harbour_curly_furniture.txt").read_text(encoding="utf-8")
    straight = curly.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    curly_page, straight_page = parse_text(curly), parse_text(straight)
    assert straight_page.headline == "Harbour Council Backs 'Emergency' Dredging Plan"
    assert len(straight_page.body) == len(curly_page.body) == 4
    assert straight_page.body[1].startswith('"We cannot wait for another winter,"')


# --- furniture rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "×",
        "Support us",
        "Support The Daily Planet!",
        "Enjoying ad-free content?",
        "Sign up for our free weekly newsletter",
        "Subscribers agree to the Privacy Policy",
        "Read more",
        "Read more about: Fisheries",
        "Related article: Storm Damage Closes Harbour Road",
        "Remind me later.",
        "Share this article",
        "Continue",
        "Monthly",
        "https://example.com/some/page",
        "Photo: https://example.com/image.jpg",
        "We use cookies to improve your experience. By continuing you accept our cookie policy.",
        "Our journalism is free for everyone. We need your support to keep it that way.",
        "Since 2024 we have disabled all ads to improve your reading experience.",
        "Read the rest of the story at The Daily Planet.",
        "Get unlimited access for $1 a week. Cancel anytime.",
        "June 10, 2024",
        "Published: 2024-06-10 14:05",
        "Published Oct. 3, 2024 2:52 p.m. Updated Oct. 3, 2024 5:10 p.m.",
        "© 2024 The Daily Planet. All rights reserved.",
        "Reading time: 4 min",
        "2 hours ago",
        "Updated 35 minutes ago",
        "Image 1 of 5",
        "Copy link",
        "Home | News | World | Europe",
        "News > Politics > Harbour Council",
        "Associated Press writer Jo Doe in Brussels contributed to this report.",
        "Copyright 2025 The Harbour Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed without permission.",
        "Our Standards: The Harbour Trust Principles.",
    ],
)
def test_is_furniture_recognises_site_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Shares fell 5% on Monday.",
        "Kyiv has accused Russia of deliberately targeting civilian infrastructure.",
        "Critics, including the local newsletter editor, said the council should have "
        "supported a long-term plan years ago instead of paying for repeated emergency work.",
        '"We need your support," the mayor told residents, urging them to subscribe to the '
        "city's emergency alerts.",
        "The ads come from Our Principles PAC, a Super PAC aimed at taking out the frontrunner.",
        "Turkish suspect donated to Clinton",
        "Netflix Subscribers Jump After Price Cut",
        "''We're offering our community the chance to show support for France,'' Ms. White said.",
        '"No, it doesn\'t."',
        "The ferry left two hours ago.",
        "Copyright law is changing, the minister said.",
        "Fishing | Harbour",
    ],
)
def test_is_furniture_keeps_article_text(line):
    assert not is_furniture(line)


def test_appeal_block_runs_to_the_end_of_the_page():
    paragraphs = [
        "The council voted on Monday to fund the repairs, officials said.",
        "A Message from The Daily Planet:",
        "Dear readers,",
        "We are facing unprecedented challenges and our reporters are at risk.",
        "These actions are attempts to silence independent reporting in the region.",
        "Monthly",
    ]
    assert clean_paragraphs(paragraphs) == paragraphs[:1]


def test_appeal_at_the_top_stops_where_the_article_starts():
    paragraphs = [
        "Dear readers,",
        "We need your help to keep our newsroom open.",
        "The council voted on Monday to fund the repairs, officials said.",
        "Work starts in May.",
    ]
    assert clean_paragraphs(paragraphs) == paragraphs[2:]


def test_long_paragraph_between_article_paragraphs_is_kept():
    long_text = (
        "Our town has supported the harbour for centuries, and our fishermen say the "
        "membership of the association has doubled since the storm, with new members "
        "joining every week from the villages along the coast and from the islands, "
        "where the ferry service has been cut back twice this year already."
    )
    paragraphs = ["The council voted on Monday.", long_text, "Work starts in May."]
    assert clean_paragraphs(paragraphs) == paragraphs


# --- headline, caption, credit ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Russian serviceman. Alexander Reka / TASS",
            ("Russian serviceman.", "Alexander Reka / TASS"),
        ),
        ("Alexei Smirnov / Telegram", (None, "Alexei Smirnov / Telegram")),
        ("TASS", (None, "TASS")),
        (
            "A Russian army serviceman in Ukraine's Kharkiv region. "
            "Russian Defense Ministry / TASS",
            (
                "A Russian army serviceman in Ukraine's Kharkiv region.",
                "Russian Defense Ministry / TASS",
            ),
        ),
        (
            "Senators at the Capitol. J. Scott Applewhite / AP",
            ("Senators at the Capitol.", "J. Scott Applewhite / AP"),
        ),
        ("Photo: Jane Roe", (None, "Jane Roe")),
        ("Residents in a courtyard. Social media", ("Residents in a courtyard.", "Social media")),
        ("Anna Roe in Riga. Courtesy photo", ("Anna Roe in Riga.", "Courtesy photo")),
        ("The president at a meeting. Kremlin.ru", ("The president at a meeting.", "Kremlin.ru")),
        ("mos.ru", (None, "mos.ru")),
        (
            "A Moscow Metro station. Press service of the Moscow Mayor",
            ("A Moscow Metro station.", "Press service of the Moscow Mayor"),
        ),
        (
            "Passengers on a platform. (Photo by Jane Roe/AFP via Getty Images)",
            ("Passengers on a platform.", "Jane Roe/AFP via Getty Images"),
        ),
        (
            "The parliament building | Photo: parliament.example.org",
            ("The parliament building", "parliament.example.org"),
        ),
        ("The Kremlin said on Monday it would not comment.", None),
        ("Work starts in May", None),
        ("Prices rose. Analysts agreed", None),
        ("He works in social media.", None),
        ("Harbour News | Weather", None),
    ],
)
def test_split_caption_credit(line, expected):
    assert split_caption_credit(line) == expected


def test_scrape_without_headline_keeps_first_paragraph_in_body():
    text = "officials said the talks would resume.\n\nThe strike ended on Thursday, the union said."
    page = parse_text(text)
    assert page.headline is None
    assert page.body == [
        "officials said the talks would resume.",
        "The strike ended on Thursday, the union said.",
    ]
    assert "no_headline" in page.flags


def test_first_sentence_with_reporting_verb_is_not_a_headline():
    page = parse_text("The union said the strike was over.\n\nFerries sail again on Friday.")
    assert page.headline is None
    assert page.body[0] == "The union said the strike was over."


def test_section_label_gives_way_to_the_real_headline():
    page = parse_text(
        "World\n\nFerry Strike Ends After Three Days\n\n"
        "The strike ended on Thursday, the union said."
    )
    assert page.headline == "Ferry Strike Ends After Three Days"
    assert page.body == ["The strike ended on Thursday, the union said."]


def test_upper_case_section_label_is_not_taken_for_a_photo_credit():
    page = parse_text(
        "WORLD\n\nFerry Strike Ends After Three Days\n\n"
        "Ferries in the harbour. Jane Roe / AFP\n\n"
        "The strike ended on Thursday, the union said."
    )
    assert page.headline == "Ferry Strike Ends After Three Days"
    assert (page.image_caption, page.image_credit) == ("Ferries in the harbour.", "Jane Roe / AFP")
    assert page.body == ["The strike ended on Thursday, the union said."]


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        (
            "Firefighters in the forest. Russian Emergencies Ministry",
            "Firefighters in the forest.",
            "Russian Emergencies Ministry",
        ),
        ("A court hearing. Sibir.Realii", "A court hearing.", "Sibir.Realii"),
        ("Anna Example. Jo Doe / POOL / TASS", "Anna Example.", "Jo Doe / POOL / TASS"),
    ],
)
def test_the_line_under_the_headline_is_caption_and_credit(line, caption, credit):
    page = parse_text(
        f"Ferry Strike Ends After Three Days\n\n{line}\n\n"
        "The strike ended on Thursday, the union said."
    )
    assert (page.image_caption, page.image_credit) == (caption, credit)
    assert page.body == ["The strike ended on Thursday, the union said."]


def test_a_first_paragraph_is_not_taken_for_a_caption():
    page = parse_text(
        "Ferry Strike Ends After Three Days\n\n"
        "The strike ended on Thursday. The union said ferries would sail.\n\nMore followed."
    )
    assert page.image_caption is None
    assert page.body[0] == "The strike ended on Thursday. The union said ferries would sail."


def test_a_closing_line_about_the_author_and_an_appeal_before_teasers_are_not_body():
    page = parse_text(
        "Ferry Strike Ends After Three Days\n\n"
        "The strike ended on Thursday, the union said.\n\n"
        "Jane Roe is a business reporter for The Daily Planet covering shipping.\n\n"
        "The Daily Planet's team of journalists has been the first to break many of the most "
        "important stories about the harbour and the town. We rely on our readers, not on "
        "advertisers, to keep doing this work, and every contribution makes a difference to "
        "what we can cover.\n\n"
        "Support The Daily Planet\n\nRead more\n\nHarbour Fees Rise for a Third Year"
    )
    assert page.body == ["The strike ended on Thursday, the union said."]


def test_a_standfirst_under_the_headline_does_not_hide_byline_and_photo():
    page = parse_text(
        "Ferry Strike Ends After Three Days\n\n"
        "Cheap fares once kept the harbour busy. That bargain is fraying.\n\n"
        "By Reuters\n\nUpdated: Nov. 3, 2025, 5:12 p.m.\n\n"
        "Ferries in the harbour. Jane Roe / AFP\n\n"
        "The strike ended on Thursday, the union said."
    )
    assert page.byline == "Reuters"
    assert page.published == dt.date(2025, 11, 3)
    assert (page.image_caption, page.image_credit) == ("Ferries in the harbour.", "Jane Roe / AFP")
    assert page.body == [
        "Cheap fares once kept the harbour busy. That bargain is fraying.",
        "The strike ended on Thursday, the union said.",
    ]


def test_words_broken_by_a_hyphen_at_a_line_end_are_joined_as_written():
    text = (
        "Ferry Strike Ends After Three Days\n\n"
        "The harbour authority said on Thursday that all of the ferries had been trans-\n"
        "ferred to the northern pier, a move the union called inhu-\n"
        "mane, while the state-\n"
        "run operator and the Kremlin-\n"
        "backed group led by Elizabete Krivcova-\n"
        "Ozola said the state agency would run the anti-\n"
        "war protest route as planned for the rest of the season.\n"
    )
    body = parse_text(text).body
    assert body == [
        "The harbour authority said on Thursday that all of the ferries had been transferred "
        "to the northern pier, a move the union called inhumane, while the state-run operator "
        "and the Kremlin-backed group led by Elizabete Krivcova-Ozola said the state agency "
        "would run the anti-war protest route as planned for the rest of the season."
    ]


def test_a_printed_pages_margins_are_dropped_and_its_address_kept():
    text = (
        "3/14/26, 10:12 AM Ferry Strike Ends After Three Days - The Daily Planet\n\n"
        "Ferry Strike Ends After Three Days\n\n"
        "The strike ended on Thursday, the union said, and the harbour master told them that\n\n"
        "https://dailyplanet.example/2026/03/14/ferry-strike-ends-a92301 1/2\n\n"
        "3/14/26, 10:12 AM Ferry Strike Ends After Three Days - The Daily Planet\n\n"
        "the first ferries would sail on Friday.\n\n"
        "Fares will not rise this year.\n"
    )
    page = parse_text(text)
    assert page.headline == "Ferry Strike Ends After Three Days"
    assert page.original_url == "https://dailyplanet.example/2026/03/14/ferry-strike-ends-a92301"
    assert page.published == dt.date(2026, 3, 14)
    assert page.body == [
        "The strike ended on Thursday, the union said, and the harbour master told them that "
        "the first ferries would sail on Friday.",
        "Fares will not rise this year.",
    ]


def test_caption_with_its_credit_on_the_next_line():
    page = parse_text(
        "Ferry Strike Ends After Three Days\n\n"
        "Ferries in the harbour on Tuesday.\n© AFP 2024\n\n"
        "The strike ended on Thursday, the union said."
    )
    assert (page.image_caption, page.image_credit) == ("Ferries in the harbour on Tuesday.", "AFP")
    assert page.body == ["The strike ended on Thursday, the union said."]
    assert page.source is None  # a photo's copyright is not the publisher


def test_date_line_above_the_headline_gives_the_date():
    page = parse_text(
        "News\nNov. 12, 2024\n1 min read\n\nFerry Strike Ends After Three Days\n\n"
        "The strike ended on Thursday, the union said."
    )
    assert page.published == dt.date(2024, 11, 12)
    assert page.headline == "Ferry Strike Ends After Three Days"


def test_source_is_taken_from_furniture_that_names_the_publisher():
    page = parse_text("Support The Daily Planet!\n\nRain Again\n\nIt rained all day, they said.")
    assert page.source == "The Daily Planet"
    assert page.body == ["It rained all day, they said."]
    assert parse_text("Support us\n\nRain Again\n\nIt rained, they said.").source is None


def test_empty_or_furniture_only_text_gives_an_empty_body():
    page = parse_text("Support us\n\nRead more\n\n×")
    assert page.body == [] and "no_body" in page.flags
    assert parse_text("").body == []


def test_windows_newlines_and_odd_spaces_are_normalised():
    page = parse_text(
        "Ports Reopen\r\n\r\nThe ports\u00a0 reopened on Sunday, officials said.\u00a0\r\n"
    )
    assert page.headline == "Ports Reopen"
    assert page.body == ["The ports reopened on Sunday, officials said."]


# --- URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.themoscowtimes.com/2024/07/17/kremlin-dismisses-a85742",
            dt.date(2024, 7, 17),
        ),
        ("https://news.example.org/islands/2023-11-02/ferry-strike", dt.date(2023, 11, 2)),
        ("https://example.com/news/20240105/story.html", dt.date(2024, 1, 5)),
        ("https://example.com/2024/13/45/not-a-date", None),
        ("https://example.com/news/ferry-strike", None),
        ("", None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.themoscowtimes.com/2024/07/17/kremlin-dismisses-claims-that-kharkiv-offensive-failed-a85742",
            "Kremlin Dismisses Claims That Kharkiv Offensive Failed",
        ),
        (
            "https://example.com/2024/06/12/russia-ukraine-swap-190-prisoners-of-war",
            "Russia Ukraine Swap 190 Prisoners of War",
        ),
        ("https://example.com/news/ferry-strike-ends-87654321.html", "Ferry Strike Ends"),
        ("https://example.com/world/budget-talks-2024/", "Budget Talks 2024"),
        ("https://example.com/news/12345678", None),
        ("https://example.com/", None),
        ("", None),
    ],
)
def test_headline_from_url(url, expected):
    assert headline_from_url(url) == expected


def test_stray_markup_in_a_text_scrape_is_reduced_to_text():
    page = parse_text(
        "Minister Says Talks Will Go On\n\n"
        "Foreign Minister Anna Example said on Monday that talks would continue.\n\n"
        '"We will <b>keep</b> talking," Example told reporters. <script>alert(1)</script>\n'
    )
    assert page.body[-1] == '"We will keep talking," Example told reporters.'


def test_text_that_only_mentions_angle_brackets_is_kept():
    page = parse_text("Prices Rise\n\nInflation was < 3% in May and > 2% in June, the bank said.\n")
    assert page.body == ["Inflation was < 3% in May and > 2% in June, the bank said."]


def test_agency_copy_date_line_and_credits_are_not_body():
    page = parse_text(
        "Ukraine Says It Shot Down 40 Drones\n\n"
        "By Anna Example\n\n"
        "July 18, 2024 10:21 AM GMT+3 Updated 2 hours ago\n\n"
        "KYIV, July 18 - Ukraine's air force said on Thursday it had destroyed 40 drones "
        "launched overnight.\n\n"
        "Reporting by Anna Example; Editing by Tom Sample\n"
    )
    assert page.published == dt.date(2024, 7, 18)
    assert page.byline == "Anna Example"
    assert page.body == [
        "KYIV, July 18 - Ukraine's air force said on Thursday it had destroyed 40 drones "
        "launched overnight."
    ]
