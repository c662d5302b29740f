"""The public site in headless Chromium: accessibility (axe-core), layout at 320px, CSP.

Opens home, an article, a person and search at desktop and phone widths, saves a
screenshot of each under tests/artifacts/, and fails on any serious or critical axe-core
violation, on horizontal scrolling at 320px, on a focus without a visible outline, or on
anything the Content-Security-Policy blocks. Needs Debian's chromium and axe-core
(``make browser`` installs both); skipped without them unless CI is set.
"""

from pathlib import Path

import pytest

from articles.models import Mention, PersonVariant
from tests.conftest import require_for_browser_tests
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

AXE_VERSION = "4.14.1"  # keep in step with AXE_VERSION in the Makefile
AXE = Path(__file__).parent / ".vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = {"desktop": (1280, 900), "phone": (320, 640)}
# Text far wider than any common font draws it: a 25% larger root size, letters and words
# spaced out. The layout must hold at 320px with it, so the check does not depend on which
# fonts the machine (or a reader's phone) happens to have.
WIDE_TEXT_CSS = (
    "html { font-size: 125% !important; }"
    " * { letter-spacing: .12em !important; word-spacing: .25em !important; }"
)


@pytest.fixture(scope="module", autouse=True)
def axe_present():
    require_for_browser_tests(AXE.exists(), f"axe-core is not at {AXE}")


PARAGRAPHS = [
    "The harbour authority said on Tuesday that the northern pier would close for repairs "
    "after storms damaged its supports, diverting ferries to the southern terminal.",
    "\"We cannot risk anyone's safety on a structure that has moved,\" the authority's "
    'director, Maria Example, told reporters. "Repairs will take at least six weeks."',
    "Local businesses warned of lost trade. A spokesman for the traders' association, "
    'Tom Sample, said: "Every week without the pier costs our members dearly."',
    "Details: https://harbour.example.org/notices/2024/northern-pier-closure-and-diversions",
]


@pytest.fixture
def site_pages(live_server):
    """Home, an article with quotes, a person and a search, with believable content."""
    source = SourceFactory(name="Harbour Gazette", slug="harbour-gazette")
    director = PersonFactory(name="Maria Example", slug="maria-example", role="Director")
    PersonVariant.objects.create(person=director, name="M. Example")
    trader = PersonFactory(name="Tom Sample", slug="tom-sample", role="Spokesman")
    article = ArticleFactory(
        published=True,
        source=source,
        headline="Northern pier closes for six weeks of repairs",
        body="\n\n".join(PARAGRAPHS),
        byline="Staff reporter",
        image_caption="The damaged northern pier on Monday.",
        image_credit="Harbour Gazette",
    )
    for person, paragraph, words in [
        (director, 1, "We cannot risk anyone's safety on a structure that has moved,"),
        (director, 1, "Repairs will take at least six weeks."),
        (trader, 2, "Every week without the pier costs our members dearly."),
    ]:
        start = PARAGRAPHS[paragraph].index(words)
        QuoteFactory(
            article=article,
            speaker=person,
            text=words,
            paragraph=paragraph,
            start=start,
            end=start + len(words),
        )
        Mention.objects.get_or_create(article=article, person=person, role=person.role)
    for n in range(3):
        other = ArticleFactory(
            published=True,
            source=source,
            headline=f"Ferry timetable changes, part {n + 1}",
            body=PARAGRAPHS[0],
        )
        Mention.objects.create(article=other, person=director)
        article.related.add(other)
    return {
        "home": live_server.url + "/",
        "article": live_server.url + article.get_absolute_url(),
        "person": live_server.url + director.get_absolute_url(),
        "search": f"{live_server.url}/search/?q=pier",
    }


def check_page(page, url: str, name: str, width_name: str) -> list[str]:
    """Open ``url``, screenshot it, return a list of problems found (empty if none)."""
    blocked = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    response = page.goto(url)
    problems = [] if response.status == 200 else [f"status {response.status}"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}-{width_name}.png", full_page=True)

    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"][:3]]
            problems.append(f"axe {violation['impact']}: {violation['id']} at {targets}")

    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"scrolls sideways: {scroll_width}px wide at {width}px")

    page.keyboard.press("Tab")
    focus = page.evaluate(
        "() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return [e.className, s.outlineStyle, s.outlineWidth]; }"
    )
    if focus[0] != "skip-link" or focus[1] == "none":
        problems.append(f"first Tab does not show a focused skip link: {focus}")
    if page.locator("h1").count() != 1:
        problems.append("not exactly one h1")
    problems += [f"CSP blocked: {text}" for text in blocked]
    return problems


@pytest.mark.django_db(transaction=True)
def test_public_pages_are_accessible_and_fit_a_phone(browser, site_pages):
    problems = []
    for width_name, (width, height) in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for name, url in site_pages.items():
            problems += [
                f"{name} ({width_name}): {p}" for p in check_page(page, url, name, width_name)
            ]
        context.close()
    assert not problems, "\n".join(problems)
    assert len(list(ARTIFACTS.glob("*-phone.png"))) >= len(site_pages)


def page_width_with_wide_text(browser, url: str) -> int:
    """The page's width at 320px once its text is drawn far wider than usual."""
    # The extra stylesheet is test scaffolding, not page content: let it past the CSP.
    width, height = WIDTHS["phone"]
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url)
        page.add_style_tag(content=WIDE_TEXT_CSS)
        return page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_phone_layout_holds_whatever_the_fonts(browser, site_pages):
    widths = {name: page_width_with_wide_text(browser, url) for name, url in site_pages.items()}
    assert widths == {name: WIDTHS["phone"][0] for name in site_pages}
