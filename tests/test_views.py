"""Public pages as readers and staff see them."""

import pytest
from django.contrib.auth.models import Permission, User

from tests.factories import ArticleFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_only(client):
    ArticleFactory(published=True, headline="Visible story")
    ArticleFactory(headline="Secret draft")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Visible story" in html
    assert "Secret draft" not in html


def test_home_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    ArticleFactory.create_batch(5, published=True)
    with django_assert_num_queries(2):  # count + page (source joined)
        client.get("/")
    ArticleFactory.create_batch(10, published=True)
    with django_assert_num_queries(2):
        client.get("/")


def test_article_page_shows_quotes_and_escapes_scraped_text(client):
    article = ArticleFactory(published=True, body="Safe.\n\n<script>alert(1)</script>")
    QuoteFactory(article=article, text="We will not stop", speaker__name="Jane Example")
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "We will not stop" in html and "Jane Example" in html


def test_rejected_quotes_are_not_shown(client):
    article = ArticleFactory(published=True)
    QuoteFactory(article=article, text="Rejected words", state="rejected")
    assert "Rejected words" not in client.get(article.get_absolute_url()).content.decode()


def test_drafts_are_404_for_readers_and_previewable_by_staff(client):
    draft = ArticleFactory(headline="Draft story")
    assert client.get(draft.get_absolute_url()).status_code == 404
    editor = User.objects.create_user("ed", password="pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_wrong_date_in_url_redirects_to_the_canonical_one(client):
    article = ArticleFactory(published=True)
    response = client.get(f"/1999/01/01/{article.slug}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
