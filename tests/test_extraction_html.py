"""Tests for :mod:`articles.extraction.html`: saved HTML page -> ParsedPage.

Plain functions, no database. Input pages live in ``tests/data/html/``; small
snippets are built inline where one feature is under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from articles.extraction.html import is_furniture, parse_html, split_caption_credit
from articles.extraction.types import ParsedPage, RelatedLink

DATA = Path(__file__).parent / "data" / "html"
PARAGRAPH = (
    "The council met on Tuesday to discuss the new budget, which includes money for roads, "
    "schools and the harbour, and agreed to publish the full figures next month."
)


def load(name: str, **kwargs: str) -> ParsedPage:
    return parse_html((DATA / name).read_text(encoding="utf-8"), **kwargs)


def page(head: str = "", body: str = "") -> str:
    """A minimal page with an article of three real paragraphs plus ``body``."""
    article = "".join(f"<p>{i}. {PARAGRAPH}</p>" for i in range(1, 4))
    return f"<html><head>{head}</head><body><article>{article}{body}</article></body></html>"


# --- whole pages -----------------------------------------------------------------------------


def test_jsonld_newsarticle_page_gives_all_metadata():
    parsed = load("newsarticle_jsonld.html")

    assert parsed.headline == "Kremlin Dismisses Claims That Kharkiv Offensive Failed"
    assert parsed.byline == "AFP"
    assert parsed.source == "The Moscow Times"
    assert parsed.published == dt.date(2024, 7, 17)
    assert parsed.original_url == (
        "https://www.themoscowtimes.com/2024/07/17/kremlin-dismisses-claims-a85742"
    )
    assert parsed.page_url == parsed.original_url
    assert parsed.image_caption == "Dmitry Peskov."
    assert parsed.image_credit == "Kremlin.ru"
    assert parsed.flags == []


def test_jsonld_page_body_is_the_article_only():
    parsed = load("newsarticle_jsonld.html")

    assert len(parsed.body) == 4
    assert parsed.body[0].startswith("The Kremlin on Wednesday dismissed claims")
    assert parsed.body[-1].startswith("He said entry to the border area")
    text = "\n".join(parsed.body)
    for furniture in (
        "cookies",
        "Home",
        "Opinion",
        "newsletter",
        "All rights reserved",
        "Privacy",
        "color: red",
        "tracking script",
        "Related article",
    ):
        assert furniture not in text


def test_related_article_teaser_becomes_a_related_link():
    parsed = load("newsarticle_jsonld.html")

    assert parsed.related == [
        RelatedLink(
            title="Russia, Ukraine Swap 190 Prisoners of War",
            url="https://www.themoscowtimes.com/2024/06/12/russia-ukraine-swap-190-prisoners-of-war",
        )
    ]


def test_graph_page_resolves_references_and_prefers_og_title():
    parsed = load("graph_og_figure.html")

    assert parsed.headline == "Floods close schools across the valley"
    assert parsed.byline == "Jane Roe, Sam Poe"
    assert parsed.source == "Valley Herald"
    assert parsed.published == dt.date(2023, 3, 9)
    assert (
        parsed.original_url == "https://valleyherald.example/news/2023/03/09/floods-close-schools"
    )


def test_figcaption_credit_element_is_split_from_caption():
    parsed = load("graph_og_figure.html")

    assert parsed.image_caption == "Water covers the main road near Millbrook on Thursday."
    assert parsed.image_credit == "Tom Smith / Reuters"


def test_related_block_links_are_absolute():
    parsed = load("graph_og_figure.html")

    assert [link.url for link in parsed.related] == [
        "https://valleyherald.example/news/2023/02/20/river-rises-again",
        "https://valleyherald.example/news/2023/01/05/council-flood-plan",
    ]
    assert parsed.related[0].title == "River rises again after storm"


def test_body_drops_share_buttons_read_more_nav_and_footer():
    parsed = load("graph_og_figure.html")

    assert len(parsed.body) == 4
    text = "\n".join(parsed.body)
    for furniture in (
        "Share on Facebook",
        "Tweet",
        "Read more",
        "Front page",
        "Main Street",
        "River rises again",
    ):
        assert furniture not in text


def test_escaped_markup_in_article_text_stays_plain_text():
    parsed = load("graph_og_figure.html")

    # The page *shows* the characters "<script>"; they are text, not an element.
    assert any("the text <script>alert(1)</script> to visitors" in p for p in parsed.body)


def test_script_elements_never_reach_body_or_metadata():
    html = page(
        body="<h1><script>alert(0)</script>Safe headline</h1>"
        "<script>alert(1)</script><p><script>alert(2)</script>Tail words.</p>"
        "<style>p{}</style><noscript>Enable JS</noscript>",
    )
    parsed = parse_html(html)

    assert parsed.headline == "Safe headline"
    everything = "\n".join(parsed.body)
    assert "alert" not in everything
    assert "Enable JS" not in everything
    assert "p{}" not in everything


def test_broken_html_does_not_crash_and_keeps_text():
    parsed = load("broken_no_metadata.html", url="https://port.example/strike")

    assert len(parsed.body) >= 3
    assert parsed.body[0].startswith("Unclosed paragraph that talks about the harbour")
    assert "bold nested wrongly" in parsed.body[1]
    assert parsed.page_url == "https://port.example/strike"
    assert parsed.original_url is None
    assert parsed.published is None


def test_page_without_article_text_has_empty_body():
    parsed = load("no_article.html")

    assert parsed.body == []
    assert parsed.headline == "Page not found"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<",
        "<html>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        "\x00\x01<p>binary-ish</p>",
        "<p>" * 5000,
        "<div>" * 3000 + "deep" + "</div>" * 3000,
        "text with a lone surrogate \ud800 in it",
    ],
)
def test_garbage_input_never_raises(html):
    parsed = parse_html(html)

    assert isinstance(parsed, ParsedPage)
    assert all(isinstance(p, str) and p for p in parsed.body)


def test_empty_input_is_flagged_without_headline():
    assert parse_html("").flags == ["no_headline"]


def test_huge_page_is_handled():
    html = page(body="<div class='comments'>" + "<p>spam comment here</p>" * 20000 + "</div>")

    parsed = parse_html(html)

    assert parsed.body[0].startswith("1. The council met")


# --- headline sources ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("<title>Budget agreed | City News</title>", "Budget agreed"),
        ("<title>Budget agreed | Politics | City News</title>", "Budget agreed | Politics"),
        (
            "<meta property='og:site_name' content='City News'>"
            "<title>Budget agreed - Politics - City News</title>",
            "Budget agreed - Politics",
        ),
        (
            "<title>Budget agreed — The City News</title>"
            "<meta property='og:site_name' content='City News'>",
            "Budget agreed",
        ),
        ("<title>Biden - Putin talks end</title>", "Biden - Putin talks end"),
        (
            "<meta property='og:title' content='OG headline'><title>Title | Site</title>",
            "OG headline",
        ),
    ],
)
def test_headline_from_title_drops_site_suffix(head, expected):
    assert parse_html(page(head=head)).headline == expected


def test_headline_prefers_jsonld_over_h1_and_title():
    head = (
        '<title>Title | Site</title><script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": "LD headline"}</script>'
    )
    html = page(head=head).replace("<article>", "<article><h1>H1 headline</h1>")

    assert parse_html(html).headline == "LD headline"


def test_headline_falls_back_to_h1():
    html = page().replace("<article>", "<article><h1>  H1 <em>headline</em> </h1>")

    assert parse_html(html).headline == "H1 headline"


def test_page_without_any_headline_is_flagged():
    parsed = parse_html(page())

    assert parsed.headline is None
    assert "no_headline" in parsed.flags


def test_headline_line_is_not_repeated_in_body():
    html = page().replace("<article>", "<article><h1>A headline of its own</h1>")

    assert "A headline of its own" not in parse_html(html).body


# --- JSON-LD shapes --------------------------------------------------------------------------


def ld(payload: str) -> str:
    return page(head=f'<script type="application/ld+json">{payload}</script>')


def test_jsonld_list_at_top_level():
    parsed = parse_html(
        ld(
            '[{"@type": "BreadcrumbList"}, {"@type": "NewsArticle", "headline": "From list",'
            ' "author": {"@type": "Person", "name": "Ann Lee"}, "datePublished": "2022-05-01"}]'
        )
    )

    assert (parsed.headline, parsed.byline, parsed.published) == (
        "From list",
        "Ann Lee",
        dt.date(2022, 5, 1),
    )


def test_jsonld_author_as_plain_strings_and_url_field():
    parsed = parse_html(
        ld(
            '{"@type": "ReportageNewsArticle", "author": ["Ann Lee", "Bo Chan", "Ann Lee"],'
            ' "url": "https://news.example/a/1", "publisher": "News Example"}'
        )
    )

    assert parsed.byline == "Ann Lee, Bo Chan"
    assert parsed.original_url == "https://news.example/a/1"
    assert parsed.source == "News Example"


def test_jsonld_cdata_wrapper_and_trailing_semicolon_are_tolerated():
    parsed = parse_html(ld('<![CDATA[{"@type": "NewsArticle", "headline": "Wrapped"}]]>;'))

    assert parsed.headline == "Wrapped"


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        "",
        "null",
        "42",
        '"string"',
        "[1, 2, [3]]",
        '{"@graph": "nope"}',
        '{"@type": "NewsArticle", "author": 7, "image": [], "datePublished": ["bad"]}',
    ],
)
def test_invalid_or_odd_jsonld_is_ignored(payload):
    parsed = parse_html(ld(payload))

    assert parsed.body
    assert parsed.byline is None
    assert parsed.published is None


def test_jsonld_image_caption_is_used_when_no_figure():
    parsed = parse_html(
        ld(
            '{"@type": "NewsArticle", "image": [{"@type": "ImageObject",'
            ' "caption": "Harbour at dawn", "creditText": "Ann Lee / AP"}]}'
        )
    )

    assert (parsed.image_caption, parsed.image_credit) == ("Harbour at dawn", "Ann Lee / AP")


# --- meta tags, canonical, dates -------------------------------------------------------------


def test_canonical_is_resolved_against_the_fetch_url():
    parsed = parse_html(
        page(head='<link rel="canonical" href="/2021/11/02/story-slug">'),
        url="https://news.example/amp/story?utm=x",
    )

    assert parsed.original_url == "https://news.example/2021/11/02/story-slug"
    assert parsed.page_url == parsed.original_url
    assert parsed.published == dt.date(2021, 11, 2)


def test_url_argument_is_page_url_when_page_declares_none():
    parsed = parse_html(page(), url="https://news.example/2020/01/31/x")

    assert parsed.original_url is None
    assert parsed.page_url == "https://news.example/2020/01/31/x"
    assert parsed.published == dt.date(2020, 1, 31)


def test_meta_author_and_og_site_name():
    parsed = parse_html(
        page(
            head='<meta name="author" content="Reuters">'
            '<meta property="og:site_name" content="Daily Example">'
            '<meta property="article:author" content="https://facebook.com/someone">'
        )
    )

    assert parsed.byline == "Reuters"
    assert parsed.source == "Daily Example"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<meta property="article:published_time" content="2019-12-31T23:59:00-05:00">',
            dt.date(2019, 12, 31),
        ),
        ('<meta name="pubdate" content="Tue, 05 Mar 2024 10:00:00 GMT">', dt.date(2024, 3, 5)),
        ('<meta name="date" content="2024-02-30">', None),
    ],
)
def test_published_date_from_meta_tags(head, expected):
    assert parse_html(page(head=head)).published == expected


def test_itemprop_time_element_gives_date():
    html = page(body='<time itemprop="datePublished" datetime="2018-07-04">4 July</time>')

    assert parse_html(html).published == dt.date(2018, 7, 4)


# --- captions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Russian serviceman. Alexander Reka / TASS",
            ("Russian serviceman.", "Alexander Reka / TASS"),
        ),
        ("Crowds in Kyiv (Photo: Jane Roe/AFP)", ("Crowds in Kyiv", "Jane Roe/AFP")),
        ("A quiet street. Photo: Ann Lee", ("A quiet street.", "Ann Lee")),
        ("The old bridge © Getty Images", ("The old bridge", "Getty Images")),
        ("Protesters gather (Reuters)", ("Protesters gather", "Reuters")),
        ("Protesters gather in the square. AP", ("Protesters gather in the square.", "AP")),
        ("A man walks his dog in the park.", ("A man walks his dog in the park.", None)),
        ("Children play (left) in the yard", ("Children play (left) in the yard", None)),
        ("", (None, None)),
    ],
)
def test_split_caption_credit(text, expected):
    assert split_caption_credit(text) == expected


def test_figcaption_with_text_credit_is_split():
    figure = (
        "<figure><img src='x.jpg'><figcaption>Russian serviceman. Alexander Reka / TASS"
        "</figcaption></figure>"
    )
    parsed = parse_html(page(body=figure))

    assert parsed.image_caption == "Russian serviceman."
    assert parsed.image_credit == "Alexander Reka / TASS"
    assert "Russian serviceman." not in parsed.body


def test_figure_in_footer_is_not_the_lead_image():
    html = page().replace(
        "</body>", "<footer><figure><figcaption>Our logo</figcaption></figure></footer></body>"
    )

    assert parse_html(html).image_caption is None


# --- furniture -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Read more",
        "Share this article",
        "Advertisement",
        "Sign up for our free weekly newsletter",
        "Get the best stories in your inbox with our daily newsletter, sign up now",
        "Please support us today",
        "© 2024 Example News. All rights reserved.",
    ],
)
def test_furniture_lines_are_recognised(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Support for the bill grew after the vote.",
        "The newsletter, founded in 1990, reported the leak first.",
        "Share prices fell by 4% on Monday.",
        "Copyright law is changing, the minister said.",
        PARAGRAPH,
    ],
)
def test_article_lines_are_not_furniture(line):
    assert not is_furniture(line)


def test_section_label_titles_byline_prefix_and_address_as_site_name():
    page = parse_html(
        "<html><head><meta property='og:title' content='Opinion'>"
        "<meta property='og:site_name' content='https://www.example-news.in'>"
        "<meta name='author' content='By TOM WRITER, Staff'>"
        "</head><body><article><h1>Council Votes to Close the Old Harbour Bridge</h1>"
        "<p>The city council voted on Tuesday to close the old harbour bridge to traffic "
        "after engineers found cracks in two of its supports during an inspection.</p>"
        "</article></body></html>"
    )
    assert page.headline == "Council Votes to Close the Old Harbour Bridge"
    assert page.byline == "TOM WRITER, Staff"
    assert page.source == "example-news.in"


# --- what the varied-pages audit asked for ------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "caption", "credit"),
    [
        (
            '<figure><span class="media-copyright">Image source, PA Media</span><img src="a.jpg">'
            '<figcaption><span class="visually-hidden">Image caption, </span>'
            "The MP in Westminster</figcaption></figure>",
            "The MP in Westminster",
            "PA Media",
        ),
        (
            '<figure><img src="a.jpg"><figcaption>Traders at work. '
            '<span class="photo-credit">Photographer: Anna Roe/Bloomberg</span>'
            "</figcaption></figure>",
            "Traders at work.",
            "Anna Roe/Bloomberg",
        ),
        (
            '<figure><img src="a.jpg"><figcaption>The harbour at dawn. '
            "<cite>&copy;&nbsp;Jean Roe / The Island Courier</cite></figcaption></figure>",
            "The harbour at dawn.",
            "Jean Roe / The Island Courier",
        ),
    ],
)
def test_credit_labels_and_credits_beside_the_caption(figure, caption, credit):
    parsed = parse_html(page(body=figure))
    assert (parsed.image_caption, parsed.image_credit) == (caption, credit)


def test_date_from_the_article_time_element_not_a_related_list():
    parsed = parse_html(
        page(
            body='<aside><time datetime="2023-01-01">old</time></aside>'
            '<header><time datetime="2024-07-26T14:05:11+03:00">July 26, 2024</time></header>'
        )
    )
    assert parsed.published == dt.date(2024, 7, 26)


def test_headline_the_h1_and_jsonld_agree_on_beats_a_shorter_og_title():
    head = (
        '<meta property="og:title" content="Airline CEO resigns">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Airline CEO Mark Roe resigns after audit"}</script>'
    )
    html = page(head=head).replace(
        "<article>", "<article><h1>Airline CEO Mark Roe resigns after audit</h1>"
    )
    assert parse_html(html).headline == "Airline CEO Mark Roe resigns after audit"


@pytest.mark.parametrize(
    ("markup", "byline"),
    [
        (
            '<span class="byline">By <span class="author vcard"><a>Maria Roe</a></span> and '
            '<span class="author vcard"><a>Tom Doe</a></span></span>',
            "Maria Roe, Tom Doe",
        ),
        (
            '<div class="article__byline byline"><div class="byline__author">'
            '<span class="byline__author__name">Reuters</span></div>'
            '<time class="byline__datetime" datetime="2024-07-26">July 26, 2024</time></div>',
            "Reuters",
        ),
        ('<p>By <a rel="author" href="/a/jo">Jo Doe</a></p>', "Jo Doe"),
    ],
)
def test_byline_the_page_shows_when_metadata_names_no_author(markup, byline):
    assert parse_html(page(body=markup)).byline == byline


def test_a_figcaption_is_split_as_a_text_scrapes_photo_line_is():
    from articles.extraction.html import split_caption_credit

    # One splitter for both: the forms a text scrape's caption line takes hold in a page too.
    assert split_caption_credit("Protesters in Minsk. Kyodo") == ("Protesters in Minsk.", "Kyodo")
    assert split_caption_credit("Leaflets of the campaign. (example.org)") == (
        "Leaflets of the campaign.",
        "example.org",
    )
    assert split_caption_credit("A quiet street in the old town.") == (
        "A quiet street in the old town.",
        None,
    )
