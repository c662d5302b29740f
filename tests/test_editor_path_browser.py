"""An editor's whole path in a real headless browser (issue 10, "Bars"): upload files,
review an imported article's quotes with the keys, fix a speaker, verify, merge two people,
publish one article, schedule another, and revert to an earlier version from the history.

Each step asserts what the editor sees, what the database holds, and what a reader sees
on the public page. Uploads are imported at once: tests/settings.py runs tasks with the
ImmediateBackend. The setup (Debian's Chromium, the groups) is tests/test_admin_browser.py's;
the two-editor conflict is tested there.
"""

from datetime import timedelta

import lxml.html
import pytest
from django.utils import timezone

from articles.models import Article, ImportRun, Person, PersonVariant, Quote
from tests.factories import UserFactory
from tests.test_admin_browser import ARTIFACTS, _newsroom_groups, log_in  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FERRY = (
    "Harbour ferry returns to service\n\n"
    "The ferry sailed again on Monday after repairs, the harbour said.\n\n"
    '"We are glad to have it back," said Maria Example, the harbour director.\n\n'
    '"The repairs took longer than planned," said Petr Novak, the engineer.\n'
)
# The second file misspells the director's name: the importer makes a second person.
TIMETABLE = (
    "Ferry timetable changes in spring\n\n"
    "The harbour will run more ferries from April.\n\n"
    '"More people want to travel," said Maria Exampel, the harbour director.\n'
)


def upload(name, text):
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode()}


def reader_sees(browser, live_server, article):
    """The public page as a reader (no login) gets it: (status, HTML)."""
    page = browser.new_context().new_page()
    response = page.goto(live_server.url + article.get_absolute_url())
    html = page.content()
    page.context.close()
    return response.status, html


def speakers_shown(html):
    """Who the public page credits for each quote, as the quote list shows it."""
    doc = lxml.html.fromstring(html)
    return sorted(p.text_content() for p in doc.xpath('//ul[@class="quotes"]//p[@class="meta"]'))


def test_an_editors_whole_path_from_upload_to_revert(browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    UserFactory(username="ed", groups=["Editor"])
    admin_url = f"{live_server.url}/admin/articles"
    page = log_in(browser, live_server, "ed")
    errors = []  # the admin's scripts must pass the Content-Security-Policy
    page.on("console", lambda m: m.type == "error" and errors.append((page.url, m.text)))
    page.on("pageerror", lambda exc: errors.append((page.url, str(exc))))

    # --- 1. Upload two files: one import run, both imported as drafts. -------------------
    page.goto(f"{admin_url}/importrun/upload/")
    page.set_input_files(
        "input[name=files]", [upload("ferry.txt", FERRY), upload("timetable.txt", TIMETABLE)]
    )
    page.click("input[type=submit][value=Import]")
    page.wait_for_selector(".messagelist")
    assert "Imported 2 file(s): 2 created, 0 updated, 0 unchanged, 0 failed." in page.inner_text(
        ".messagelist"
    )
    run = ImportRun.objects.get()
    assert page.url.endswith(f"/importrun/{run.pk}/change/")
    assert (run.status, run.created_count, run.failed_count) == ("finished", 2, 0)
    assert sorted(run.files.values_list("name", "outcome")) == [
        ("ferry.txt", "created"),
        ("timetable.txt", "created"),
    ]
    ferry = Article.objects.get(headline="Harbour ferry returns to service")
    timetable = Article.objects.get(headline="Ferry timetable changes in spring")
    assert {ferry.status, timetable.status} == {Article.Status.DRAFT}
    assert reader_sees(browser, live_server, ferry)[0] == 404  # a draft: readers see nothing
    glad = ferry.quotes.get(text="We are glad to have it back")
    repairs = ferry.quotes.get(text="The repairs took longer than planned")
    assert {glad.state, repairs.state} == {Quote.State.UNREVIEWED}

    # --- 2. The review screen: the first unreviewed quote is chosen; j and k move. -------
    page.goto(f"{admin_url}/article/{ferry.pk}/review/")
    page.wait_for_selector(f"#quote-{glad.pk}.selected")
    assert "2 quotes, 2 unreviewed" in page.inner_text(".review-meta")
    assert page.inner_text("#review-speaker") == "Maria Example, harbour director"
    page.keyboard.press("j")
    page.wait_for_selector(f"#quote-{repairs.pk}.selected")
    assert page.inner_text("#review-speaker") == "Petr Novak"
    page.keyboard.press("k")
    page.wait_for_selector(f"#quote-{glad.pk}.selected")

    # --- 3. v verifies the chosen quote and moves on to the next unreviewed one. ---------
    page.keyboard.press("v")
    page.wait_for_selector(f"#quote-{repairs.pk}.selected")
    assert "state-verified" in page.get_attribute(f"#quote-{glad.pk}", "class")
    assert "2 quotes, 1 unreviewed" in page.inner_text(".review-meta")
    assert Quote.objects.get(pk=glad.pk).state == Quote.State.VERIFIED

    # --- 4. Fix the speaker of the second quote: a new person, typed in. -----------------
    page.fill("#id_new_name", "Petra Novakova")
    page.fill("#id_new_role", "chief engineer")
    page.click("#review-speaker-save")
    page.wait_for_selector("#review-speaker:has-text('Petra Novakova')")
    assert page.inner_text("#review-speaker") == "Petra Novakova, chief engineer"
    assert "now said by Petra Novakova" in page.inner_text(".messagelist")
    repairs.refresh_from_db()
    assert (repairs.speaker.name, repairs.speaker.role) == ("Petra Novakova", "chief engineer")
    assert repairs.state == Quote.State.UNREVIEWED  # changing the speaker verifies nothing
    assert "Petra Novakova" in page.inner_text("#review-people")
    # ... and verify it too.
    page.keyboard.press("v")
    page.wait_for_selector(f"#quote-{repairs.pk}.state-verified")
    assert "2 quotes, 0 unreviewed" in page.inner_text(".review-meta")
    assert Quote.objects.get(pk=repairs.pk).state == Quote.State.VERIFIED
    page.screenshot(path=ARTIFACTS / "editor_path_review.png", full_page=True)

    # --- 5. Merge the misspelt director into the right one (person list action). --------
    right = Person.objects.get(name="Maria Example")
    wrong = Person.objects.get(name="Maria Exampel")
    page.goto(f"{admin_url}/person/")
    page.check(f"input[name=_selected_action][value='{right.pk}']")
    page.check(f"input[name=_selected_action][value='{wrong.pk}']")
    page.select_option("select[name=action]", "merge_people")
    page.click("button[name=index]")
    page.wait_for_selector("text=Who remains?")
    page.check(f"input[name=survivor][value='{right.pk}']")
    page.click("input[name=apply]")
    page.wait_for_selector(".messagelist")
    assert "Merged Maria Exampel into Maria Example: 1 quotes and 1 mentions moved" in (
        page.inner_text(".messagelist")
    )
    assert page.url.endswith(f"/person/{right.pk}/change/")
    assert not Person.objects.filter(pk=wrong.pk).exists()
    travel = timetable.quotes.get()
    assert travel.speaker_id == right.pk
    assert PersonVariant.objects.filter(person=right, name="Maria Exampel").exists()

    # --- 6. Publish the reviewed article from the article list. ---------------------------
    page.goto(f"{admin_url}/article/")
    page.check(f"input[name=_selected_action][value='{ferry.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    assert "Published 1 article(s)." in page.inner_text(".messagelist")
    row = page.locator("#result_list tr", has_text="Harbour ferry returns to service")
    assert "Published (live)" in row.inner_text()
    ferry.refresh_from_db()
    assert ferry.status == Article.Status.PUBLISHED and ferry.is_published
    status, html = reader_sees(browser, live_server, ferry)
    assert status == 200
    assert "Harbour ferry returns to service" in html
    assert "The repairs took longer than planned" in html
    assert speakers_shown(html) == ["Maria Example", "Petra Novakova"]  # the fixed speaker

    # --- 7. Schedule the other one: published, at a time two days ahead. ------------------
    when = timezone.localtime() + timedelta(days=2)
    page.goto(f"{admin_url}/article/{timetable.pk}/change/")
    page.select_option("#id_status", "published")
    page.fill("#id_published_at_0", when.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", "09:30:00")
    page.click("input[name=_save]")
    page.wait_for_selector("#changelist")
    row = page.locator("#result_list tr", has_text="Ferry timetable changes in spring")
    assert f"Published (scheduled for {when:%Y-%m-%d} 09:30)" in row.inner_text()
    timetable.refresh_from_db()
    assert timetable.status == Article.Status.PUBLISHED
    assert timezone.localtime(timetable.published_at).strftime("%Y-%m-%d %H:%M") == (
        f"{when:%Y-%m-%d} 09:30"
    )
    assert not timetable.is_published
    assert reader_sees(browser, live_server, timetable)[0] == 404  # not before its time
    assert Article.objects.published().filter(pk=timetable.pk).exists() is False

    # --- 8. A wrong edit to the live article, then revert it from the history page. ------
    page.goto(f"{admin_url}/article/{ferry.pk}/change/")
    page.fill("#id_headline", "Harbour ferry sinks")
    page.click("input[name=_save]")
    page.wait_for_selector("#changelist")
    assert "Harbour ferry sinks" in reader_sees(browser, live_server, ferry)[1]
    versions = ferry.history.count()

    page.goto(f"{admin_url}/article/{ferry.pk}/history/")
    rows = page.locator("#change-history tbody tr")
    assert "ed" in rows.first.inner_text()
    # The version before the wrong edit: the row below the newest.
    earlier = ferry.history.filter(headline="Harbour ferry returns to service").latest()
    page.click(f"#change-history a[href$='/history/{earlier.history_id}/']")
    page.wait_for_selector("input[name=_save]")
    assert page.input_value("#id_headline") == "Harbour ferry returns to service"
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")

    ferry.refresh_from_db()
    assert ferry.headline == "Harbour ferry returns to service"
    assert ferry.status == Article.Status.PUBLISHED and ferry.is_published  # still live
    assert ferry.history.count() == versions + 1
    assert ferry.history.latest().history_change_reason.startswith("reverted to the version")
    status, html = reader_sees(browser, live_server, ferry)
    assert status == 200
    assert "Harbour ferry returns to service" in html and "sinks" not in html
    # The quotes survived every step, still verified.
    assert set(ferry.quotes.values_list("state", flat=True)) == {Quote.State.VERIFIED}
    assert errors == [], "\n".join(map(str, errors))
