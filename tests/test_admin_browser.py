"""End to end in a real headless browser: an editor fixes, verifies and publishes an
article in the admin and readers see it; a reporter finds no way to publish.

Drives Debian's Chromium (/usr/bin/chromium) with Playwright; it never downloads
a browser. Screenshots go to tests/artifacts/ (ignored by git).
"""

from pathlib import Path

import pytest

from articles.models import Article, Quote
from tests.factories import ArticleFactory, QuoteFactory, UserFactory

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "correct-horse-battery"

# The Editor and Reporter groups come from a data migration: keep them across the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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
