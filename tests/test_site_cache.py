"""Whole-page caching of the public site, and its invalidation when content changes."""

import time

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600


def test_second_request_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    article = ArticleFactory(published=True)
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    assert article.headline in response.content.decode()


def test_cached_page_keeps_its_security_headers(client):
    client.get("/")
    response = client.get("/")
    assert response["X-Page-Cache"] == "hit"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_cached_response_keeps_the_views_own_headers(client):
    first = client.get("/sitemap.xml")
    second = client.get("/sitemap.xml")
    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Type"] == first["Content-Type"] == "application/xml"
    assert second["X-Robots-Tag"] == first["X-Robots-Tag"]


def test_cache_is_really_used_until_something_is_saved(client):
    article = ArticleFactory(published=True, headline="Old headline")
    client.get(article.get_absolute_url())
    # QuerySet.update() sends no signal: the cached page is still served, which is
    # what proves the page comes from the cache.
    Article.objects.filter(pk=article.pk).update(headline="Quiet change")
    assert "Old headline" in client.get(article.get_absolute_url()).content.decode()


def test_editing_an_article_shows_at_once(client, django_capture_on_commit_callbacks):
    article = ArticleFactory(published=True, headline="Mistaek in headline")
    client.get(article.get_absolute_url())
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Mistake fixed"
        article.save()
    for url in (article.get_absolute_url(), "/"):
        html = client.get(url).content.decode()
        assert "Mistake fixed" in html and "Mistaek" not in html


def test_unpublishing_removes_the_article_at_once(client, django_capture_on_commit_callbacks):
    article = ArticleFactory(published=True, headline="Soon withdrawn")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Soon withdrawn" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Soon withdrawn" not in client.get("/").content.decode()


def test_rejecting_a_quote_shows_at_once(client, django_capture_on_commit_callbacks):
    article = ArticleFactory(published=True, body="He said Wrong words today.")
    quote = QuoteFactory(article=article, text="Wrong words", start=8, end=19)
    person_url = quote.speaker.get_absolute_url()
    assert "Wrong words" in client.get(person_url).content.decode()
    assert 'class="quote"' in client.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        quote.state = "rejected"
        quote.save()
    assert 'class="quote"' not in client.get(article.get_absolute_url()).content.decode()
    assert client.get(person_url).status_code == 404  # no visible quote left


def test_renaming_a_person_shows_at_once(client, django_capture_on_commit_callbacks):
    person = PersonFactory(name="Jon Smiht")
    QuoteFactory(article=ArticleFactory(published=True), speaker=person)
    assert "Jon Smiht" in client.get(person.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        person.name = "Jon Smith"
        person.save()
    assert "<h1>Jon Smith</h1>" in client.get(person.get_absolute_url()).content.decode()


def test_invalidation_waits_for_the_commit(client, django_capture_on_commit_callbacks):
    article = ArticleFactory(published=True, headline="Before")
    client.get(article.get_absolute_url())
    with django_capture_on_commit_callbacks() as callbacks:
        article.headline = "After"
        article.save()
    # Until the commit, the cached page stands (a page rendered from uncommitted rows
    # by another request must not be what gets cached as fresh).
    assert "Before" in client.get(article.get_absolute_url()).content.decode()
    for callback in callbacks:
        callback()
    assert "After" in client.get(article.get_absolute_url()).content.decode()


def test_scheduled_article_appears_when_its_time_comes(client, django_capture_on_commit_callbacks):
    at = timezone.now() + timezone.timedelta(seconds=0.5)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(status=Article.Status.PUBLISHED, headline="Scheduled story", published_at=at)
    assert "Scheduled story" not in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    # No save happens when the time comes; the cache knows the time and lets go.
    time.sleep(max(0.0, (at - timezone.now()).total_seconds()) + 0.05)
    assert "Scheduled story" in client.get("/").content.decode()


def test_staff_preview_is_never_cached(client):
    draft = ArticleFactory(headline="Private draft")
    editor = User.objects.create_user("ed", password="pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_not_found_pages_are_not_cached(client):
    client.get("/people/nobody/")
    assert client.get("/people/nobody/").get("X-Page-Cache") is None
