"""Public pages as readers and staff see them: home, article, person, source, search, errors."""

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error

from articles.models import Article, Mention, PersonVariant, PublicCount, Quote
from articles.views import highlight, mark_quotes
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # These tests are about what a page renders; test_site_cache.py covers the cache.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def staff_client(client):
    editor = User.objects.create_user("ed", password="pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    return client


def quoted_article(**kwargs):
    """A published article whose second paragraph quotes a person at the right offsets."""
    body = 'First paragraph.\n\nShe said: "We will not stop," and left.'
    article = ArticleFactory(published=True, body=body, **kwargs)
    paragraph = article.paragraphs[1]
    start = paragraph.index("We will")
    speaker = PersonFactory(name="Jane Example", slug="jane-example", role="minister")
    Mention.objects.create(article=article, person=speaker, role="foreign minister")
    quote = QuoteFactory(
        article=article,
        speaker=speaker,
        text="We will not stop,",
        paragraph=1,
        start=start,
        end=start + len("We will not stop,"),
    )
    return article, speaker, quote


# --- home --------------------------------------------------------------------------------


def test_home_lists_published_articles_only(client):
    ArticleFactory(published=True, headline="Visible story", body="Opening words here.")
    ArticleFactory(headline="Secret draft")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Visible story" in html and "Opening words here." in html
    assert "Secret draft" not in html


def test_home_shows_date_and_links_the_source(client):
    source = SourceFactory(name="Daily Example", slug="daily-example")
    ArticleFactory(published=True, source=source)
    html = client.get("/").content.decode()
    assert 'href="/sources/daily-example/"' in html
    assert "<time datetime=" in html


def test_home_is_paginated_newest_first(client):
    now = timezone.now()
    for n in range(25):
        at = now - timezone.timedelta(hours=n + 1)
        ArticleFactory(published=True, headline=f"Story {n:02d}", published_at=at)
    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()
    assert first.index("Story 00") < first.index("Story 01")
    assert "Story 24" not in first and "Story 24" in second
    assert 'rel="next"' in first


def test_home_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the count kept at commit
        ArticleFactory.create_batch(5, published=True)
    with django_assert_num_queries(2):  # the kept count + the page of stored rows
        client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory.create_batch(10, published=True)
    with django_assert_num_queries(2):
        client.get("/")


def test_home_reads_the_kept_count_and_counts_when_it_is_stale(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory.create_batch(3, published=True)
    PublicCount.objects.filter(name=PublicCount.List.ARTICLES).update(count=41)
    assert "Page 1 of 3" in client.get("/").content.decode()  # 41 kept: 3 pages of 20
    # Written in a transaction not yet committed: the kept row is stale, so home counts.
    ArticleFactory(published=True)
    with django_assert_num_queries(3):  # the stale kept row, the count, the page
        page = client.get("/").content.decode()
    assert "Page 1 of" not in page  # 4 articles: one page


# --- article -----------------------------------------------------------------------------


def test_article_page_shows_headline_byline_source_caption_and_credit(client):
    article = ArticleFactory(
        published=True,
        headline="Minister resigns",
        byline="Anna Reporter",
        image_caption="The minister on Monday.",
        image_credit="Example Agency",
        source=SourceFactory(name="Daily Example", slug="daily-example"),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<h1>") == 1 and "<h1>Minister resigns</h1>" in html
    assert "Anna Reporter" in html
    assert "The minister on Monday." in html and "Photo: Example Agency" in html
    assert 'href="/sources/daily-example/"' in html


def test_article_page_marks_each_quote_in_the_text_and_links_the_speaker(client):
    article, speaker, quote = quoted_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'She said: &quot;<q class="quote" id="quote-{quote.pk}"><a href="/people/jane-example/">'
        "We will not stop,<span" in html
    )
    assert "foreign minister" in html  # the role the article gives


def test_article_page_escapes_scraped_text(client):
    article = ArticleFactory(
        published=True,
        headline="<b>Bold</b> claim",
        body='Safe.\n\n<script>alert(1)</script> said "<img src=x onerror=alert(2)>"',
        image_caption="<i>caption</i>",
    )
    QuoteFactory(
        article=article,
        text="<img src=x onerror=alert(2)>",
        paragraph=1,
        start=0,
        end=0,
        speaker__name="<em>Evil</em> Name",
    )
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>Bold</b>" not in html and "<i>caption</i>" not in html
    assert "<em>Evil</em>" not in html


def test_stale_quote_offsets_fall_back_to_finding_the_words():
    quote = Quote(pk=7, text="not stop", paragraph=0, start=50, end=58)
    [marked] = mark_quotes(["We will not stop now."], [quote])
    assert marked == 'We will <q class="quote" id="quote-7">not stop</q> now.'


def test_a_quote_no_longer_in_the_text_is_left_unmarked():
    quote = Quote(pk=7, text="words an editor removed", paragraph=0, start=0, end=5)
    assert mark_quotes(["Other <words>."], [quote]) == ["Other &lt;words&gt;."]


def test_overlapping_quotes_mark_only_the_first():
    first = Quote(pk=1, text="We will not", paragraph=0, start=0, end=11)
    second = Quote(pk=2, text="not stop", paragraph=0, start=8, end=16)
    [marked] = mark_quotes(["We will not stop."], [first, second])
    assert marked.count("<q ") == 1 and "quote-1" in marked


def test_rejected_quotes_are_not_shown(client):
    article = ArticleFactory(published=True, body="He said Rejected words today.")
    QuoteFactory(article=article, text="Rejected words", state="rejected")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<q class="quote"' not in html
    assert "“Rejected words”" not in html


def test_article_page_lists_related_articles_but_never_unpublished_ones(client):
    article, speaker, _ = quoted_article()
    explicit = ArticleFactory(published=True, headline="Explicitly related")
    article.related.add(explicit)
    same_person = ArticleFactory(published=True, headline="Same person story")
    Mention.objects.create(article=same_person, person=speaker)
    hidden = ArticleFactory(headline="Hidden related draft")
    article.related.add(hidden)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Explicitly related" in html and "Same person story" in html
    assert "Hidden related draft" not in html


def test_article_page_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    article, speaker, _ = quoted_article()
    # the article with its stored fragments (articles.fragments), related articles (their
    # candidates in a subquery on PostgreSQL, a query first elsewhere)
    related_queries = 1 if connection.vendor == "postgresql" else 2
    with django_assert_max_num_queries(1 + related_queries):
        client.get(article.get_absolute_url())
    for _ in range(5):
        other = PersonFactory()
        Mention.objects.create(article=article, person=other)
        QuoteFactory(article=article, speaker=other, paragraph=0)
        related = ArticleFactory(published=True)
        article.related.add(related)
        Mention.objects.create(article=related, person=other)
    with django_assert_num_queries(1 + related_queries):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('<ul class="related">') == 1 and related.headline in html


def test_drafts_are_404_for_readers_and_previewable_by_staff(client):
    draft = ArticleFactory(headline="Draft story")
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = staff_client(client).get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: Draft" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_staff_without_change_permission_cannot_preview(client):
    draft = ArticleFactory()
    client.force_login(User.objects.create_user("viewer", password="pw", is_staff=True))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_wrong_date_in_url_redirects_to_the_canonical_one(client):
    article = ArticleFactory(published=True)
    response = client.get(f"/1999/01/01/{article.slug}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


# --- person and source -------------------------------------------------------------------


def test_person_page_shows_role_variants_and_visible_quotes_newest_first(client):
    person = PersonFactory(name="Jane Example", slug="jane-example", role="Foreign minister")
    PersonVariant.objects.create(person=person, name="J. Example")
    now = timezone.now()
    day = timezone.timedelta(days=1)
    old = ArticleFactory(published=True, headline="Old story", published_at=now - 3 * day)
    new = ArticleFactory(published=True, headline="New story", published_at=now - day)
    QuoteFactory(article=old, speaker=person, text="Old words")
    QuoteFactory(article=new, speaker=person, text="New words", state=Quote.State.VERIFIED)
    QuoteFactory(article=new, speaker=person, text="Rejected words", state=Quote.State.REJECTED)
    QuoteFactory(article=ArticleFactory(), speaker=person, text="Draft words")
    html = client.get(person.get_absolute_url()).content.decode()
    assert "<h1>Jane Example</h1>" in html and "Foreign minister" in html
    assert "J. Example" in html
    assert html.index("New words") < html.index("Old words")
    assert "New story" in html and "Old story" in html
    assert "Rejected words" not in html and "Draft words" not in html


def test_person_known_only_from_drafts_has_no_page(client):
    person = PersonFactory()
    QuoteFactory(article=ArticleFactory(), speaker=person)
    assert client.get(person.get_absolute_url()).status_code == 404


def test_person_page_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    person = PersonFactory()
    QuoteFactory(article=ArticleFactory(published=True), speaker=person)
    # person, variants, quote count, quote page, articles
    with django_assert_num_queries(5):
        client.get(person.get_absolute_url())
    for _ in range(5):
        article = ArticleFactory(published=True)
        QuoteFactory(article=article, speaker=person)
        Mention.objects.create(article=article, person=person)
        PersonVariant.objects.create(person=person, name=f"Variant {article.pk}")
    with django_assert_num_queries(5):
        client.get(person.get_absolute_url())


def test_source_page_lists_its_published_articles(client, django_assert_num_queries):
    source = SourceFactory(name="Daily Example", slug="daily-example")
    ArticleFactory(published=True, source=source, headline="Their story")
    ArticleFactory(source=source, headline="Their draft")
    ArticleFactory(published=True, headline="Someone else's story")
    with django_assert_num_queries(4):  # source, count, page, quotes said by it
        html = client.get("/sources/daily-example/").content.decode()
    assert "<h1>Daily Example</h1>" in html and "Their story" in html
    assert "Their draft" not in html and "Someone else" not in html


def test_source_with_only_drafts_has_no_page(client):
    source = SourceFactory(slug="quiet-outlet")
    ArticleFactory(source=source)
    assert client.get("/sources/quiet-outlet/").status_code == 404


# --- search ------------------------------------------------------------------------------


def test_search_finds_and_highlights_articles_and_quotes(client):
    article = ArticleFactory(
        published=True, headline="Parliament debates budget", body="The budget vote is near."
    )
    QuoteFactory(article=article, text="The budget is fair", paragraph=0)
    ArticleFactory(headline="Budget draft secret", body="budget")
    html = client.get("/search/", {"q": "budget"}).content.decode()
    assert "Parliament debates <mark>budget</mark>" in html
    assert "The <mark>budget</mark> is fair" in html
    assert "Budget draft secret" not in html


def test_search_escapes_the_query(client):
    response = client.get("/search/", {"q": "<script>alarm</script>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alarm" not in html
    assert "&lt;script&gt;alarm&lt;/script&gt;" in html


def test_search_escapes_results_around_the_highlights(client):
    ArticleFactory(published=True, headline="<b>alarm</b> raised", body="alarm")
    html = client.get("/search/", {"q": "alarm"}).content.decode()
    assert "<b>alarm" not in html
    assert "&lt;b&gt;<mark>alarm</mark>&lt;/b&gt;" in html


def test_search_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    for _ in range(3):
        article = ArticleFactory(published=True, body="budget news")
        QuoteFactory(article=article, text="budget words")
    # The newest matching articles' ids, their count, the page; the quotes' ids, the quotes.
    with django_assert_num_queries(5):
        client.get("/search/", {"q": "budget"})


def test_empty_search_shows_the_form_without_querying(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert 'name="q"' in response.content.decode()


def test_highlight_marks_longer_forms_of_the_word():
    assert highlight("Ministers met the minister.", ["minister"]) == (
        "<mark>Ministers</mark> met the <mark>minister</mark>."
    )


# --- errors and headers ------------------------------------------------------------------


def test_404_page_is_in_the_site_style(client):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html and 'class="site-header"' in html


def test_500_page_is_in_the_site_style():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html and 'class="site-header"' in html


def test_pages_send_security_headers(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_scheduled_and_archived_articles_are_404(client):
    future = ArticleFactory(
        status=Article.Status.PUBLISHED, published_at=timezone.now() + timezone.timedelta(days=1)
    )
    archived = ArticleFactory(status=Article.Status.ARCHIVED, published_at=timezone.now())
    assert client.get(future.get_absolute_url()).status_code == 404
    assert client.get(archived.get_absolute_url()).status_code == 404
