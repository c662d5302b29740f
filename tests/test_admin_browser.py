"""End to end in a real headless browser: an editor fixes, verifies and publishes an
article in the admin and readers see it; a reporter finds no way to publish.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright; it never downloads
a browser. Screenshots go to tests/artifacts/ (ignored by git).
"""

import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from articles.models import Article, Person, Quote
from tests.factories import (
    ArticleFactory,
    MentionFactory,
    PersonFactory,
    QuoteFactory,
    UserFactory,
)

ROLES = importlib.import_module("articles.migrations.0003_editor_and_reporter_groups")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "correct-horse-battery"

# The Editor and Reporter groups come from a data migration: keep them across the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _newsroom_groups():
    """The Editor and Reporter groups of the data migration, whatever the flushes before did.

    A flush between transactional tests can leave the serialized copy without them;
    build them the way the migration does.
    """
    ContentType.objects.clear_cache()
    ours = Permission.objects.filter(content_type__app_label="articles")
    editor, _ = Group.objects.get_or_create(name=ROLES.EDITOR)
    editor.permissions.set(ours)
    codenames = ours.values_list("codename", flat=True)
    reporter_codenames = [c for c in codenames if c.startswith("view_")]
    for model in ROLES.REPORTER_CAN_WRITE:
        reporter_codenames += [f"add_{model}", f"change_{model}"]
    reporter, _ = Group.objects.get_or_create(name=ROLES.REPORTER)
    reporter.permissions.set(ours.filter(codename__in=reporter_codenames))


def log_in(browser, live_server, username):
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    return page


def test_editor_fixes_verifies_and_publishes_and_reporter_cannot_publish(browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    UserFactory(username="ed", groups=["Editor"])
    UserFactory(username="rep", groups=["Reporter"])
    article = ArticleFactory(headline="Ministr says talks will resume", published_at=None)
    quote = QuoteFactory(article=article, text="Talks will resume next week")

    # The editor fixes the headline, verifies the quote and publishes.
    page = log_in(browser, live_server, "ed")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_headline", "Minister says talks will resume")
    page.select_option("#id_quotes-0-state", "verified")
    page.select_option("#id_status", "published")
    page.screenshot(path=ARTIFACTS / "article_change.png", full_page=True)
    page.click("input[name=_save]")
    page.wait_for_selector("#changelist")
    assert "Minister says talks will resume" in page.inner_text("#result_list")
    page.screenshot(path=ARTIFACTS / "article_changelist.png", full_page=True)

    article.refresh_from_db()
    assert article.headline == "Minister says talks will resume"
    assert article.is_published
    assert Quote.objects.get(pk=quote.pk).state == Quote.State.VERIFIED

    # A reader (no login) sees the fixed headline on the public page.
    reader = browser.new_context().new_page()
    response = reader.goto(live_server.url + article.get_absolute_url())
    assert response.status == 200
    assert "Minister says talks will resume" in reader.content()
    assert "Talks will resume next week" in reader.content()

    # The reporter has no publish action and cannot choose "Published".
    draft = ArticleFactory(headline="A reporter's draft")
    page = log_in(browser, live_server, "rep")
    page.goto(f"{live_server.url}/admin/articles/article/")
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert any("Send to review" in a for a in actions)
    assert not any(a.startswith(("Publish", "Unpublish", "Archive")) for a in actions)
    page.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    statuses = page.locator("#id_status option").all_inner_texts()
    assert statuses == ["Draft", "In review"]
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


def test_saving_an_article_unchanged_in_the_browser_changes_nothing(browser, live_server):
    """Chromium sends the body textarea with CRLF line breaks: the article must not change."""
    UserFactory(username="ed", groups=["Editor"])
    body = "The first paragraph.\n\nThe second paragraph, where “words were said” aloud."
    article = ArticleFactory(headline="Unchanged", body=body, published=True)
    start = article.paragraphs[1].index("words were said")
    QuoteFactory(article=article, text="words were said", paragraph=1, start=start, end=start + 15)
    before = Article.objects.values().get(pk=article.pk)
    quotes_before = list(Quote.objects.values())
    versions = article.history.count()

    page = log_in(browser, live_server, "ed")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.click("input[name=_save]")
    page.wait_for_selector("#changelist")

    assert Article.objects.values().get(pk=article.pk) == before
    assert list(Quote.objects.values()) == quotes_before
    assert article.history.count() == versions
    reader = browser.new_context().new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    assert reader.locator(".body p").count() == 2
    assert reader.locator("q.quote").count() == 1


def test_two_editors_at_once_the_stale_save_is_refused_and_nothing_is_lost(
    browser, live_server, monkeypatch
):
    """Ann and Bob, two browser contexts, edit one article: Bob's stale save is refused."""
    from articles import publishing

    monkeypatch.setattr(publishing, "PRESENCE_SECONDS", 15)  # pages renew every 5 s
    ARTIFACTS.mkdir(exist_ok=True)
    UserFactory(username="ann", groups=["Editor"])
    UserFactory(username="bob", groups=["Editor"])
    article = ArticleFactory(headline="Talks resume", byline="", published=True)
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    ann = log_in(browser, live_server, "ann")
    bob = log_in(browser, live_server, "bob")
    errors = []  # the script and its requests must pass the Content-Security-Policy
    for page in (ann, bob):
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    ann.goto(url)
    bob.goto(url)
    # Each is told the other has the page open: Bob at once, Ann at her page's next renewal.
    assert "ann" in bob.inner_text("#editing-now")
    ann.wait_for_selector("#editing-now:not([hidden])", timeout=12_000)
    assert "bob" in ann.inner_text("#editing-now")

    ann.fill("#id_headline", "Talks resume in Geneva")
    ann.click("input[name=_save]")
    ann.wait_for_selector("#changelist")

    # Bob types, then tries to leave: the browser asks first, and he stays.
    bob.fill("#id_byline", "Bob Roy")
    dialogs = []
    bob.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    bob.click(".breadcrumbs a[href$='/article/']")
    bob.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert bob.input_value("#id_byline") == "Bob Roy"

    # His save comes from a stale page: refused, Ann's headline kept, nothing written.
    bob.click("input[name=_save]")
    bob.wait_for_selector("#edit-conflict")
    bob.screenshot(path=ARTIFACTS / "edit_conflict.png", full_page=True)
    article.refresh_from_db()
    assert (article.headline, article.byline) == ("Talks resume in Geneva", "")
    assert bob.inner_text("#edit-conflict ins") == "in Geneva"  # her change, word by word
    assert bob.input_value("#id_headline") == "Talks resume in Geneva"
    assert bob.input_value("#id_byline") == "Bob Roy"

    # Saving again applies his change on top of hers.
    bob.click("input[name=_save]")
    bob.wait_for_selector("#changelist")
    article.refresh_from_db()
    assert (article.headline, article.byline) == ("Talks resume in Geneva", "Bob Roy")
    assert article.is_published

    # The history credits each of them, with what they changed, word by word.
    bob.goto(f"{url}../history/")
    rows = bob.locator("#change-history tbody tr").all_inner_texts()
    bob.screenshot(path=ARTIFACTS / "article_history.png", full_page=True)
    assert "bob" in rows[0] and "Bob Roy" in rows[0]
    assert "ann" in rows[1] and "in Geneva" in rows[1]
    assert "None" not in " ".join(rows)
    assert errors == []


# --- the review screen ---------------------------------------------------------------

WIDTHS = """() => {
  const over = (el) => el.getBoundingClientRect().right > window.innerWidth + 1;
  const box = (sel) => {
    const el = document.querySelector(sel);
    return el ? Math.round(el.getBoundingClientRect().width) : null;
  };
  return {
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    cut: [...document.querySelectorAll("#content *")].filter(over).length,
    headline: box("#id_headline"),
    quotes: box("#quotes-group"),
    text: box(".review-text"),
    panel: box(".review-side"),
    // The review screens' main column must end before the panel beside it begins.
    overlap: (() => {
      const main = document.querySelector(".review-article, #review-queue");
      const side = document.querySelector(".review-side");
      if (!main || !side) return 0;
      const over = main.getBoundingClientRect().right - side.getBoundingClientRect().left;
      return Math.max(0, Math.round(over));
    })(),
  };
}"""


def review_article():
    body = (
        "Talks were held on Monday.\n\n"
        "“Talks will resume next week,” said Ivan Petrov. Others said “nothing is agreed”.\n\n"
        "“We will see,” an official added."
    )
    article = ArticleFactory(headline="Talks to resume " + "at length " * 8, body=body)
    petrov = PersonFactory(name="Ivan Petrov", role="foreign minister")
    MentionFactory(article=article, person=petrov, role="foreign minister")
    quotes = []
    for paragraph, words, confidence in [
        (1, "Talks will resume next week,", 0.95),
        (1, "nothing is agreed", 0.4),
        (2, "We will see,", 0.3),
    ]:
        start = article.paragraphs[paragraph].index(words)
        quotes.append(
            QuoteFactory(
                article=article,
                speaker=petrov,
                text=words,
                paragraph=paragraph,
                start=start,
                end=start + len(words),
                rule="quotes.said_name",
                cue="said",
                confidence=confidence,
                said_to="reporters " * 6,
            )
        )
    return article, quotes


def test_review_screen_keys_verify_and_move_on_and_the_speaker_changes(browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    UserFactory(username="ed", groups=["Editor"])
    article, (first, second, third) = review_article()
    PersonFactory(name="Olga Smirnova", role="spokeswoman")

    page = log_in(browser, live_server, "ed")
    errors = []  # the scripts must pass the Content-Security-Policy
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Reached from the article's change page.
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.click("#review-link")
    page.wait_for_selector("#review-panel")
    assert "selected" in page.get_attribute(f"#quote-{first.pk}", "class")
    for width in (1280, 1920):  # the README's screenshots
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=ARTIFACTS / f"review_screen_{width}.png")

    # v verifies the chosen quote and moves to the next unreviewed one.
    page.keyboard.press("v")
    page.wait_for_selector(f"#quote-{second.pk}.selected")
    assert Quote.objects.get(pk=first.pk).state == Quote.State.VERIFIED
    assert "state-verified" in page.get_attribute(f"#quote-{first.pk}", "class")
    # j goes to the next quote, k back; r rejects.
    page.keyboard.press("j")
    page.wait_for_selector(f"#quote-{third.pk}.selected")
    page.keyboard.press("k")
    page.wait_for_selector(f"#quote-{second.pk}.selected")
    page.keyboard.press("r")
    page.wait_for_selector(f"#quote-{third.pk}.selected")
    assert Quote.objects.get(pk=second.pk).state == Quote.State.REJECTED

    # Clicking a quote in the text opens it; the speaker changes through the autocomplete.
    page.click(f"#quote-{second.pk} a")
    page.wait_for_selector(f"#quote-{second.pk}.selected")
    page.click("#review-speaker-form .select2-selection")
    page.keyboard.type("Smirnova")  # into select2's search box: its r and v are no shortcuts
    page.click(".select2-results__option:has-text('Olga Smirnova')")
    assert page.input_value("#id_speaker") == str(Person.objects.get(name="Olga Smirnova").pk)
    page.click("#review-speaker-save")
    page.wait_for_selector("#review-speaker:has-text('Olga Smirnova')")  # the same quote, reloaded
    assert Quote.objects.get(pk=second.pk).speaker.name == "Olga Smirnova"
    assert Quote.objects.get(pk=second.pk).state == Quote.State.REJECTED  # no stray key
    assert "Olga Smirnova" in page.inner_text("#review-people")

    # A new person, typed in.
    page.fill("#id_new_name", "Anna Volkova")
    page.fill("#id_new_role", "aide")
    page.click("#review-speaker-save")
    page.wait_for_selector("#review-speaker:has-text('Anna Volkova')")
    assert Quote.objects.get(pk=second.pk).speaker.role == "aide"
    assert errors == []


@pytest.mark.parametrize(
    "path",
    [
        "article/{pk}/review/",
        "article/{pk}/change/",
        "article/review/",
        "quote/",
        "quote/{quote}/change/",
        "article/",
    ],
)
def test_admin_pages_fit_a_1280_px_screen(browser, live_server, path):
    UserFactory(username="ed", groups=["Editor"])
    article, quotes = review_article()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
    page.goto(f"{live_server.url}/admin/articles/{path.format(pk=article.pk, quote=quotes[0].pk)}")
    widths = page.evaluate(WIDTHS)
    name = path.format(pk="N", quote="N").replace("/", "_").strip("_")
    page.screenshot(path=ARTIFACTS / f"fit_1280_{name}.png", full_page=True)
    print(path, widths)
    assert widths["page"] <= 1280, widths
    assert widths["cut"] == 0, widths
    assert widths["overlap"] == 0, widths
    if widths["headline"] is not None:
        assert widths["headline"] >= 600, widths
    if widths["text"] is not None:
        assert widths["text"] >= 600 and widths["panel"] >= 280, widths
