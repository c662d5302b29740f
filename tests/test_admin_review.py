"""The review screen and its queue, with the test client: HTML, database state, permissions."""

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Mention, Person, Quote, Source
from tests.factories import (
    ArticleFactory,
    MentionFactory,
    PersonFactory,
    QuoteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BODY = (
    "The minister spoke on Monday.\n\n"
    "“Talks will resume next week,” said Ivan Petrov. Others said “nothing is agreed yet”.\n\n"
    "“We will see,” an official added."
)


def place(article, paragraph, words):
    start = article.paragraphs[paragraph].index(words)
    return {"paragraph": paragraph, "start": start, "end": start + len(words), "text": words}


@pytest.fixture
def article(db):
    article = ArticleFactory(headline="Talks to resume", body=BODY)
    petrov = PersonFactory(name="Ivan Petrov", role="foreign minister")
    MentionFactory(article=article, person=petrov, role="foreign minister")
    QuoteFactory(
        article=article,
        speaker=petrov,
        rule="quotes.said_name",
        cue="said",
        confidence=0.95,
        **place(article, 1, "Talks will resume next week,"),
    )
    QuoteFactory(
        article=article,
        speaker=petrov,
        rule="quotes.carried_speaker",
        cue="said",
        confidence=0.4,
        resolved_from="said Ivan Petrov",
        **place(article, 1, "nothing is agreed yet"),
    )
    QuoteFactory(
        article=article,
        speaker=None,
        rule="quotes.unnamed_source",
        cue="added",
        confidence=0.3,
        source_description="an official",
        **place(article, 2, "We will see,"),
    )
    return article


def quotes_of(article):
    return list(article.quotes.order_by("paragraph", "start"))


def review_url(article, quote=None):
    url = reverse("admin:articles_article_review", args=[article.pk])
    return f"{url}?quote={quote.pk}" if quote else url


def decide_url(article, quote):
    return reverse("admin:articles_article_review_quote", args=[article.pk, quote.pk])


def by_id(doc, id_):
    [element] = doc.xpath(f'//*[@id="{id_}"]')
    return element


def page(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_the_screen_shows_the_text_with_every_quote_marked_and_the_chosen_quotes_facts(
    client, editor, article
):
    first, second, third = quotes_of(article)
    client.force_login(editor)
    doc = page(client.get(review_url(article, second)))

    paragraphs = doc.xpath('//article[@class="review-article"]//div[@class="body"]/p')
    assert [p.text_content() for p in paragraphs] == article.paragraphs
    marked = doc.xpath('//article[@class="review-article"]//q')
    assert [q.get("id") for q in marked] == [f"quote-{q.pk}" for q in (first, second, third)]
    assert [q.text_content() for q in marked] == [q.text for q in (first, second, third)]
    assert "selected" in marked[1].get("class")
    assert "hidden-from-readers" in marked[1].get("class")  # 0.4 is below the 0.6 floor
    assert "hidden-from-readers" not in marked[0].get("class")
    assert marked[2].xpath("a")[0].get("href") == f"?quote={third.pk}#quote-{third.pk}"

    facts = doc.xpath('//dl[@class="review-facts"]')[0].text_content()
    assert "Ivan Petrov, foreign minister" in facts
    assert "carried speaker" in facts and "said" in facts and "0.40" in facts
    assert "said Ivan Petrov" in facts  # where the speaker was resolved from
    assert by_id(doc, "review-prev").get("href").startswith(f"?quote={first.pk}")
    assert by_id(doc, "review-next").get("href").startswith(f"?quote={third.pk}")
    people = doc.xpath('//ul[@id="review-people"]/li')
    assert [li.text_content() for li in people] == ["Ivan Petrov, foreign minister"]
    assert doc.xpath('//*[@id="review-verify"]') and "admin-autocomplete" in by_id(
        doc, "id_speaker"
    ).get("class")
    # No inline script: the page's own scripts are files (the site sends a CSP).
    assert all(s.get("src") for s in doc.xpath("//script"))
    assert "review.js" in " ".join(s.get("src") for s in doc.xpath("//script"))


def test_without_a_chosen_quote_the_first_unreviewed_one_is_shown(client, editor, article):
    first, second, _ = quotes_of(article)
    Quote.objects.filter(pk=first.pk).update(state=Quote.State.VERIFIED)
    client.force_login(editor)
    doc = page(client.get(review_url(article)))
    assert "selected" in by_id(doc, f"quote-{second.pk}").get("class")


def test_verify_saves_through_the_service_credits_the_editor_and_goes_to_the_next_unreviewed(
    client, editor, article
):
    first, second, third = quotes_of(article)
    Quote.objects.filter(pk=second.pk).update(state=Quote.State.VERIFIED)
    client.force_login(editor)
    response = client.post(
        decide_url(article, first), {"state": "verified", "version": first.version}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?quote={third.pk}#quote-{third.pk}")
    first.refresh_from_db()
    assert first.state == Quote.State.VERIFIED
    assert first.version == 2
    record = first.history.latest()
    assert record.history_user == editor
    assert record.history_change_reason == "quote verified"

    response = client.post(
        decide_url(article, third), {"state": "rejected", "version": third.version}, follow=True
    )
    third.refresh_from_db()
    assert third.state == Quote.State.REJECTED
    assert "rejected" in response.content.decode()


def test_a_decision_from_a_stale_page_is_refused_and_nothing_is_written(client, editor, article):
    first = quotes_of(article)[0]
    shown_version = first.version
    first.said_to = "reporters"
    first.save()  # someone else saved it after the page was opened
    client.force_login(editor)
    response = client.post(
        decide_url(article, first), {"state": "rejected", "version": shown_version}, follow=True
    )
    first.refresh_from_db()
    assert first.state == Quote.State.UNREVIEWED
    assert "Not saved" in response.content.decode()


def test_a_reporter_cannot_verify_quotes_on_a_published_article(client, reporter, article):
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at="2024-01-02T10:00:00Z"
    )
    first = quotes_of(article)[0]
    client.force_login(reporter)
    doc = page(client.get(review_url(article, first)))
    assert not doc.xpath('//*[@id="review-verify"]')  # they may look, not decide
    assert "only editors with the publish permission" in doc.text_content()

    response = client.post(decide_url(article, first), {"state": "verified", "version": 1})
    assert response.status_code == 403
    response = client.post(decide_url(article, first), {"speaker": "", "new_name": "Someone"})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.state == Quote.State.UNREVIEWED
    assert not Person.objects.filter(name="Someone").exists()


def test_a_reporter_verifies_quotes_on_a_draft(client, reporter, article):
    first = quotes_of(article)[0]
    client.force_login(reporter)
    client.post(decide_url(article, first), {"state": "verified", "version": first.version})
    first.refresh_from_db()
    assert first.state == Quote.State.VERIFIED


def test_a_user_without_article_permissions_gets_no_screen(client, article):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(review_url(article)).status_code == 403
    first = quotes_of(article)[0]
    assert client.post(decide_url(article, first), {"state": "verified"}).status_code == 403


def test_changing_the_speaker_to_a_known_person_mentions_them_in_the_article(
    client, editor, article
):
    third = quotes_of(article)[2]
    other = PersonFactory(name="Olga Smirnova", role="spokeswoman")
    client.force_login(editor)
    response = client.post(
        decide_url(article, third),
        {"speaker": other.pk, "version": third.version, "new_kind": "person"},
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.speaker == other
    assert third.state == Quote.State.UNREVIEWED  # a new speaker is not yet verified
    assert Mention.objects.filter(article=article, person=other).exists()


def test_a_new_person_or_organisation_is_created_on_the_spot(client, editor, article):
    _, second, third = quotes_of(article)
    client.force_login(editor)
    client.post(
        decide_url(article, third),
        {"new_name": "Anna  Volkova", "new_kind": "person", "new_role": "aide", "version": 1},
    )
    third.refresh_from_db()
    assert third.speaker.name == "Anna Volkova"
    assert (third.speaker.role, third.speaker.slug) == ("aide", "anna-volkova")

    client.post(
        decide_url(article, second),
        {"new_name": "The Kremlin", "new_kind": "organization", "version": second.version},
    )
    second.refresh_from_db()
    assert second.speaker is None
    assert second.speaker_organization == Source.objects.get(name="The Kremlin")

    # Typing a known name again finds that person instead of making a second one.
    client.post(
        decide_url(article, second),
        {"new_name": "anna volkova", "new_kind": "person", "version": second.version},
    )
    second.refresh_from_db()
    assert second.speaker == third.speaker
    assert Person.objects.filter(name__iexact="anna volkova").count() == 1


def test_choosing_two_speakers_at_once_is_refused_with_the_reason(client, editor, article):
    third = quotes_of(article)[2]
    person = PersonFactory()
    client.force_login(editor)
    response = client.post(
        decide_url(article, third),
        {"speaker": person.pk, "new_name": "Somebody", "new_kind": "person", "version": 1},
    )
    assert response.status_code == 200
    assert "Choose one speaker" in response.content.decode()
    third.refresh_from_db()
    assert third.speaker is None


def test_the_screen_runs_the_same_queries_for_3_or_30_quotes(client, editor, article):
    client.force_login(editor)
    url = review_url(article)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(27):
        QuoteFactory(article=article, paragraph=0, start=100 + n, text=f"Q{n}")
        MentionFactory(article=article)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- the queue ---------------------------------------------------------------------


def test_the_queue_lists_articles_with_unreviewed_quotes_least_sure_first(client, editor):
    sure = ArticleFactory(headline="Sure")
    QuoteFactory(article=sure, confidence=0.9)
    unsure = ArticleFactory(headline="Unsure")
    QuoteFactory(article=unsure, confidence=0.9)
    QuoteFactory(article=unsure, confidence=0.2)
    QuoteFactory(article=unsure, confidence=0.1, state=Quote.State.VERIFIED)  # reviewed
    done = ArticleFactory(headline="Done")
    QuoteFactory(article=done, confidence=0.1, state=Quote.State.VERIFIED)
    client.force_login(editor)
    doc = page(client.get(reverse("admin:articles_article_review_queue")))
    rows = [
        [c.text_content().strip() for c in tr]
        for tr in doc.xpath('//table[@id="review-queue"]/tbody/tr')
    ]
    assert [r[0] for r in rows] == ["Unsure", "Sure"]
    assert rows[0][3:] == ["2", "1", "0.20"]  # unreviewed, hidden from readers, lowest
    link = doc.xpath('//table[@id="review-queue"]/tbody//a')[0].get("href")
    assert link == reverse("admin:articles_article_review", args=[unsure.pk])


def test_the_queue_counts_each_editors_decisions_from_the_history(client, editor, article):
    first, second, third = quotes_of(article)
    other = UserFactory(username="olga", groups=["Editor"])
    client.force_login(editor)
    for quote, state in [(first, "verified"), (second, "verified"), (third, "rejected")]:
        client.post(decide_url(article, quote), {"state": state, "version": quote.version})
    client.force_login(other)
    first.refresh_from_db()
    client.post(decide_url(article, first), {"state": "rejected", "version": first.version})
    first.refresh_from_db()
    first.said_to = "reporters"  # a later save of a rejected quote is no new decision
    first.save()

    doc = page(client.get(reverse("admin:articles_article_review_queue")))
    rows = [
        [c.text_content() for c in tr] for tr in doc.xpath('//table[@id="review-counts"]/tbody/tr')
    ]
    assert rows == [["editor", "2", "1"], ["olga", "0", "1"]]
    assert doc.xpath('//*[@id="review-queue-empty"]')  # nothing left unreviewed


# --- links, header, filters ----------------------------------------------------------


def test_the_screen_is_linked_from_the_article_list_and_change_page(admin_client, article):
    url = reverse("admin:articles_article_review", args=[article.pk])
    changelist = admin_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'href="{url}"' in changelist
    assert f'href="{reverse("admin:articles_article_review_queue")}"' in changelist
    change = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert f'href="{url}"' in change.content.decode()


def test_the_admin_says_newsroom(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Django administration" not in html
    assert ">Newsroom<" in html


def test_articles_filter_by_importer_flag(admin_client):
    ArticleFactory(headline="Wrapped", flags=["hard_wrapped"])
    ArticleFactory(headline="Headless", flags=["no_headline", "ends_mid_sentence"])
    ArticleFactory(headline="Clean", flags=[])
    url = reverse("admin:articles_article_changelist")
    html = admin_client.get(url).content.decode()
    assert "By importer flags" in html and "?flag=no_headline" in html
    listed = admin_client.get(url, {"flag": "no_headline"}).context["cl"].result_list
    assert [a.headline for a in listed] == ["Headless"]
    listed = admin_client.get(url, {"flag": "none"}).context["cl"].result_list
    assert [a.headline for a in listed] == ["Clean"]


def test_the_speaker_filter_searches_instead_of_listing_everyone(admin_client):
    people = [PersonFactory(name=f"Speaker {n:03}") for n in range(30)]
    for person in people:
        QuoteFactory(speaker=person)
    url = reverse("admin:articles_quote_changelist")
    doc = page(admin_client.get(url))
    form = doc.xpath('//form[@class="autocomplete-filter"]')[0]
    assert form.xpath(
        './/select[@name="speaker__id__exact"][contains(@class, "admin-autocomplete")]'
    )
    assert "Speaker 007" not in by_id(doc, "changelist-filter").text_content()

    response = admin_client.get(url, {"speaker__id__exact": people[7].pk, "state": "unreviewed"})
    assert [q.speaker for q in response.context["cl"].result_list] == [people[7]]
    doc = page(response)
    form = doc.xpath('//form[@class="autocomplete-filter"]')[0]
    kept = {i.get("name"): i.get("value") for i in form.xpath('.//input[@type="hidden"]')}
    assert kept == {"state": "unreviewed"}  # the other filters stay when choosing another
    chosen = form.xpath(".//select/option[@selected]")
    assert [o.text_content() for o in chosen] == ["Speaker 007"]


# --- large articles: the form edits a few quotes inline, the review screen all -------


def test_an_article_with_500_quotes_opens_and_saves_and_its_quotes_stay(client, editor):
    from articles.admin import INLINE_LIMIT
    from tests.admin_forms import browser_form_data

    article = ArticleFactory(headline="Long", body=" ".join(f"Q{n:03}" for n in range(500)))
    Quote.objects.bulk_create(
        Quote(article=article, text=f"Q{n:03}", paragraph=0, start=5 * n, end=5 * n + 4)
        for n in range(500)
    )
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="quotes-group"' not in html  # past the limit: no inline of 500 rows
    assert f"more than {INLINE_LIMIT}" in html
    review = reverse("admin:articles_article_review", args=[article.pk])
    assert f'href="{review}"' in html

    data = browser_form_data(html)
    data["headline"] = ["Long, edited"]
    data["_save"] = ["Save"]
    assert sum(len(v) for v in data.values()) < 1000  # under DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Long, edited"
    assert article.quotes.count() == 500

    doc = page(client.get(review))  # the review screen takes them all
    assert len(doc.xpath('//article[@class="review-article"]//q')) == 500
    assert "500 quotes" in doc.text_content()
    listed = client.get(
        reverse("admin:articles_quote_changelist"), {"article__id__exact": article.pk}
    )
    assert listed.context["cl"].result_count == 500


def test_an_article_with_few_quotes_still_edits_them_inline(client, editor, article):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b'id="quotes-group"' in html and b'id="mentions-group"' in html


def test_the_queue_runs_the_same_queries_for_2_or_20_articles(client, editor):
    client.force_login(editor)
    url = reverse("admin:articles_article_review_queue")

    def add(n):
        for _ in range(n):
            quote = QuoteFactory(confidence=0.5)
            quote.state = Quote.State.VERIFIED
            quote._history_user = editor
            quote.save()
            QuoteFactory(article=quote.article, confidence=0.4)

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(18)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(page(response).xpath('//table[@id="review-queue"]/tbody/tr')) == 20
    assert len(many) == len(few)


def test_a_new_speaker_from_a_stale_page_is_not_created(client, editor, article):
    third = quotes_of(article)[2]
    shown_version = third.version
    third.said_to = "reporters"
    third.save()
    client.force_login(editor)
    response = client.post(
        decide_url(article, third),
        {"new_name": "Anna Volkova", "new_kind": "person", "version": shown_version},
        follow=True,
    )
    assert "Not saved" in response.content.decode()
    third.refresh_from_db()
    assert third.speaker is None
    assert not Person.objects.filter(name="Anna Volkova").exists()


@pytest.mark.parametrize("floor", [0.0, 0.35, 0.6])
def test_a_quote_is_marked_hidden_exactly_when_the_public_pages_leave_it_out(
    client, editor, article, settings, floor
):
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = floor
    client.force_login(editor)
    doc = page(client.get(review_url(article)))
    marked = {
        int(q.get("id").removeprefix("quote-"))
        for q in doc.xpath('//q[contains(@class, "hidden-from-readers")][@id]')
    }
    hidden = set(Quote.objects.low_confidence().values_list("pk", flat=True))
    assert marked == hidden
    assert len(hidden) == {0.0: 0, 0.35: 1, 0.6: 2}[floor]
    shown = set(Quote.objects.shown().values_list("pk", flat=True))
    assert shown.isdisjoint(hidden)
