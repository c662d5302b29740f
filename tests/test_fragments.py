"""Pre-rendered article pages and API details (articles.fragments): after every kind of
write the public page and API detail are the bytes a full render gives, in a constant
number of queries; a missing or stale fragment is never served."""

import datetime as dt
import io
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from PIL import Image

from articles import api, fragments, images, publishing
from articles.importing import Importer
from articles.models import Article, ArticleFragment, LeadImage, Mention, Quote
from tests.factories import ArticleFactory, MentionFactory, PersonFactory, QuoteFactory
from tests.test_list_rows import by_orm
from tests.test_views import quoted_article as views_quoted_article

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
COMPARED_HEADERS = ("Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # Every comparison requests the lists and the article again: past the anonymous limit.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}


@contextmanager
def without_fragments():
    """Every request renders in full, as before fragments existed: the article page and API
    detail from their rows, the API's article list by the serializer, the home page's
    summaries from their template."""
    with (
        mock.patch.object(fragments, "stored", return_value=None),
        mock.patch.object(fragments, "stored_rows", side_effect=lambda rows: [None] * len(rows)),
        mock.patch.object(api.ArticleViewSet, "build_list", api.ReaderViewSetMixin.build_list),
    ):
        yield


LIST_URLS = ("/", "/?page=2", "/api/v1/articles/?page_size=100", "/api/v1/articles/?page_size=1")


def list_responses(client) -> dict:
    """The home page and the API's article list, as served now."""
    served = {}
    for url in LIST_URLS:
        response = client.get(url)
        served[url] = (response.status_code, response.content)
        served[url] += tuple(response.get(h) for h in COMPARED_HEADERS)
    return served


def all_rows_stored() -> bool:
    """Whether every published article's list rows may be served as stored."""
    for api_rows in (True, False):
        rows = fragments.listed(Article.objects.published(), api=api_rows)
        if None in fragments.stored_rows(list(rows)):
            return False
    return True


def api_url(article) -> str:
    return f"/api/v1/articles/{article.slug}/"


def responses(client, article) -> dict:
    page = client.get(article.get_absolute_url())
    detail = client.get(api_url(article))
    return {
        "page": (page.status_code, page.content),
        "api": (detail.status_code, detail.content, *(detail.get(h) for h in COMPARED_HEADERS)),
        "page_headers": tuple(page.get(h) for h in COMPARED_HEADERS),
        "lists": list_responses(client),
    }


def assert_fresh(client, article) -> dict:
    """The article is served from current fragments, and they equal a full render; so are
    the home page and the API's article list (every published article's rows stored)."""
    article.refresh_from_db()
    assert fragments.stored(slug=article.slug, page=True) is not None, "no page fragment"
    assert fragments.stored(slug=article.slug, page=False) is not None, "no API fragment"
    assert all_rows_stored(), "a list row is missing or stale"
    served = responses(client, article)
    with without_fragments():
        full = responses(client, article)
    assert served["page"][0] == 200 and served["api"][0] == 200
    assert served == full
    with by_orm():  # the lists' pages read by their querysets, not by SQL compiled once
        assert list_responses(client) == served["lists"]
    return served


def page_text(client, article) -> str:
    return client.get(article.get_absolute_url()).content.decode()


def quoted_article(**kwargs):
    """``tests.test_views.quoted_article``, its quote verified (above any confidence floor)."""
    article, speaker, quote = views_quoted_article(**kwargs)
    quote.state = Quote.State.VERIFIED
    quote.save()
    return article, speaker, quote


def library_image(**kwargs) -> LeadImage:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 800), "steelblue").save(buffer, "JPEG")
    image = LeadImage(alt="Ferries in the harbour", **kwargs)
    image.file.save("harbour.jpg", ContentFile(buffer.getvalue()), save=False)
    image.renditions = images.make_renditions(image)
    image.save()
    return image


# --- the same bytes ------------------------------------------------------------------------


def test_imported_articles_are_served_from_fragments_equal_to_a_full_render(client):
    paths = sorted(SEEDS.glob("*.txt"))
    for folder in ("varied", "varied2", "varied3"):
        paths += sorted((DATA / folder).glob("*.txt"))
    importer = Importer(publish=True)
    for path in paths:
        importer.import_path(path)
    articles = list(Article.objects.published())
    assert len(articles) >= 30
    assert ArticleFragment.objects.count() == len(articles)
    assert Quote.objects.filter(article__in=articles).exists()
    for article in articles:
        assert_fresh(client, article)


def test_fragments_cover_images_bylines_organisations_and_hidden_quotes(client, settings):
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0.6
    article, _, _ = quoted_article(byline="A. Reporter", image_caption="Caption <b>")
    article.lead_image = library_image(caption="Ferries at dawn.", credit="Jane Roe")
    article.save()
    QuoteFactory(article=article, speaker=None, speaker_organization=article.source)
    QuoteFactory(article=article, confidence=0.2, text="Hidden words")
    QuoteFactory(article=article, state=Quote.State.REJECTED, text="Rejected words")
    served = assert_fresh(client, article)
    html = served["page"][1].decode()
    assert 'srcset="' in html and "Ferries at dawn." in html
    assert "Hidden words" not in html and "Rejected words" not in html
    bare = ArticleFactory(published=True, source=None, url="", body="")
    assert_fresh(client, bare)


def test_the_stored_origin_becomes_the_requests_own(client):
    article, _, _ = quoted_article()
    stored = ArticleFragment.objects.get(article=article)
    assert fragments.ORIGIN in stored.page_meta and fragments.ORIGIN in stored.api_body
    html = client.get(article.get_absolute_url(), HTTP_HOST="localhost").content.decode()
    assert f'href="http://localhost{article.get_absolute_url()}"' in html
    assert fragments.ORIGIN not in html
    data = client.get(api_url(article), HTTP_HOST="localhost", secure=True).json()
    assert data["url"] == f"https://localhost{article.get_absolute_url()}"


# --- after each kind of write ----------------------------------------------------------------


def test_an_edited_article_is_served_as_edited(client):
    article, _, _ = quoted_article()
    article.headline = "A new headline"
    article.body += "\n\nA third paragraph."
    article.save()
    served = assert_fresh(client, article)
    assert "A third paragraph." in served["page"][1].decode()


def test_publishing_renders_and_unpublishing_removes_the_fragment(client):
    article, _, _ = quoted_article()
    publishing.unpublish(articles=[article])
    assert not ArticleFragment.objects.filter(article=article).exists()
    assert client.get(api_url(article)).status_code == 404
    publishing.publish(articles=[Article.objects.get(pk=article.pk)])
    assert_fresh(client, article)
    publishing.archive(articles=[Article.objects.get(pk=article.pk)])
    assert not ArticleFragment.objects.filter(article=article).exists()


def test_a_scheduled_article_is_served_from_its_fragment_once_its_time_comes(client):
    article, _, _ = quoted_article()
    publishing.unpublish(articles=[article])
    at = timezone.now() + dt.timedelta(hours=2)
    publishing.schedule(articles=[Article.objects.get(pk=article.pk)], at=at)
    assert ArticleFragment.objects.filter(article=article).exists()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(api_url(article)).status_code == 404
    later = at + dt.timedelta(minutes=1)
    with mock.patch.object(timezone, "now", return_value=later):
        served = assert_fresh(client, article)
    html = served["page"][1].decode()
    assert "Preview" not in html and "noindex" not in html


def test_quote_edits_verification_rejection_and_deletion_are_served(client, settings):
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0.6
    article, _, quote = quoted_article()
    quote.said_to = "reporters"
    quote.save()
    assert ", to reporters" in page_text(client, article)
    assert_fresh(client, article)
    low = QuoteFactory(article=article, confidence=0.1, text="Quiet words", paragraph=0)
    assert "Quiet words" not in page_text(client, article)
    publishing.set_quote_state(quotes=[low], state=Quote.State.VERIFIED)
    assert "Quiet words" in page_text(client, article)
    assert_fresh(client, article)
    publishing.set_quote_state(quotes=[Quote.objects.get(pk=low.pk)], state=Quote.State.REJECTED)
    assert "Quiet words" not in page_text(client, article)
    assert_fresh(client, article)
    Quote.objects.get(pk=quote.pk).delete()
    assert f'id="quote-{quote.pk}"' not in page_text(client, article)
    assert_fresh(client, article)


def test_a_quote_moved_to_another_article_leaves_one_page_and_joins_the_other(client):
    article, _, quote = quoted_article()
    other = ArticleFactory(published=True)
    quote.article = other
    quote.paragraph, quote.start = 0, 0
    quote.save()
    assert 'id="quotes-heading"' not in page_text(client, article)
    assert "“We will not stop,”" in page_text(client, other)
    assert_fresh(client, article)
    assert_fresh(client, other)


def test_a_renamed_person_is_re_rendered_only_in_their_own_articles(client):
    article, speaker, _ = quoted_article()
    quoted_elsewhere = ArticleFactory(published=True)
    QuoteFactory(article=quoted_elsewhere, speaker=speaker, state=Quote.State.VERIFIED)
    unrelated = ArticleFactory(published=True)
    MentionFactory(article=unrelated)
    rendered = []
    real = fragments._render_batch
    with mock.patch.object(
        fragments, "_render_batch", lambda ids: rendered.extend(ids) or real(ids)
    ):
        speaker.name = "Jane Renamed"
        speaker.role = "prime minister"
        speaker.save()
    assert sorted(rendered) == sorted([article.pk, quoted_elsewhere.pk])
    for shown in (article, quoted_elsewhere):
        assert "Jane Renamed" in page_text(client, shown)
        assert_fresh(client, shown)
    assert_fresh(client, unrelated)


def test_merged_people_are_served_under_the_survivor(client):
    article, speaker, _ = quoted_article()
    survivor = PersonFactory(name="Jane Survivor")
    publishing.merge_people(survivor=survivor, others=[speaker])
    html = page_text(client, article)
    assert "Jane Survivor" in html and "Jane Example" not in html
    assert_fresh(client, article)


def test_a_renamed_source_and_an_edited_mention_are_served(client):
    article, speaker, _ = quoted_article()
    source = article.source
    source.name = "The Renamed Outlet"
    source.homepage = "https://renamed.example/"
    source.save()
    assert "The Renamed Outlet" in page_text(client, article)
    assert_fresh(client, article)
    mention = Mention.objects.get(article=article, person=speaker)
    mention.role = "acting minister"
    mention.save()
    assert "acting minister" in page_text(client, article)
    assert_fresh(client, article)


def test_lead_image_edits_changes_and_deletion_are_served(client):
    article, _, _ = quoted_article()
    image = library_image(caption="First caption")
    article.lead_image = image
    article.save()
    assert "First caption" in page_text(client, article)
    image.alt = "Boats at night"
    image.caption = "Second caption"
    image.save()
    html = page_text(client, article)
    assert "Boats at night" in html and "Second caption" in html
    assert_fresh(client, article)
    image.delete()
    assert "Boats at night" not in page_text(client, article)
    assert_fresh(client, article)


@pytest.mark.django_db(transaction=True)
def test_deleting_a_published_article_with_quotes_commits(client):
    article, _, _ = quoted_article()
    QuoteFactory(article=article)
    with transaction.atomic():
        Article.objects.get(pk=article.pk).delete()
    assert not ArticleFragment.objects.exists()
    assert client.get(api_url(article)).status_code == 404


# --- never wrong, constant cost ----------------------------------------------------------------


def test_a_missing_or_stale_fragment_falls_back_to_a_full_render(client, settings):
    article, _, _ = quoted_article()
    with without_fragments():
        full = responses(client, article)
    ArticleFragment.objects.filter(article=article).delete()  # a row from before fragments
    assert fragments.stored(slug=article.slug, page=True) is None
    assert responses(client, article) == full
    call_command("render_fragments", stdout=io.StringIO())
    assert fragments.stored(slug=article.slug, page=True) is not None
    # Another confidence floor (or template, or time zone): the stored render is not used.
    QuoteFactory(article=article, confidence=0.3, text="Borderline words")
    settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE = 0.2
    assert fragments.stored(slug=article.slug, page=True) is None
    assert "Borderline words" in page_text(client, article)
    out = io.StringIO()
    call_command("render_fragments", "--dry-run", stdout=out)
    assert out.getvalue().startswith("1 article")
    call_command("render_fragments", stdout=io.StringIO())
    assert_fresh(client, article)
    # A write that skipped refresh_public_state, but moved updated_at: rendered in full.
    later = timezone.now() + dt.timedelta(minutes=1)
    Article.objects.filter(pk=article.pk).update(headline="Behind its back", updated_at=later)
    assert "Behind its back" in page_text(client, article)
    assert client.get(api_url(article)).json()["headline"] == "Behind its back"


def test_text_holding_the_stand_in_origin_is_never_stored(client):
    article = ArticleFactory(published=True, body=f"See {fragments.ORIGIN}/x for more.")
    assert not ArticleFragment.objects.filter(article=article).exists()
    assert fragments.ORIGIN in page_text(client, article)


def test_staff_previews_and_parameters_are_rendered_in_full(client, admin_client):
    article, _, _ = quoted_article()
    ArticleFragment.objects.filter(article=article).update(page_body="STORED", api_body='"X"')
    assert "STORED" in page_text(client, article)
    assert "STORED" not in admin_client.get(article.get_absolute_url()).content.decode()
    assert client.get(api_url(article)).json() == "X"
    assert client.get(api_url(article) + "?fields=slug").json() == {"slug": article.slug}


def test_article_page_and_api_detail_run_constant_queries(
    client, django_assert_num_queries, django_assert_max_num_queries
):
    article, speaker, _ = quoted_article()
    # The article with its fragment; the related articles (with their candidates on
    # PostgreSQL; elsewhere the candidates first).
    related_queries = 1 if connection.vendor == "postgresql" else 2
    with django_assert_max_num_queries(1 + related_queries):
        client.get(article.get_absolute_url())
    with django_assert_num_queries(1):
        assert client.get(api_url(article)).status_code == 200
    for i in range(5):
        other = PersonFactory()
        Mention.objects.create(article=article, person=other)
        QuoteFactory(article=article, speaker=other, paragraph=0, start=100 + i)
        related = ArticleFactory(published=True)
        article.related.add(related)
        Mention.objects.create(article=related, person=other)
    with django_assert_num_queries(1 + related_queries):
        html = page_text(client, article)
    assert html.count('<ul class="related">') == 1 and related.headline in html
    with django_assert_num_queries(1):
        assert len(client.get(api_url(article)).json()["quotes"]) == 6
    assert_fresh(client, article)
    # A full render, for comparison: the article, quotes, mentions and the related articles.
    with without_fragments(), django_assert_num_queries(3 + related_queries):
        client.get(article.get_absolute_url())


def story(i: int) -> Article:
    """A published article with a quote, ``i`` minutes older than the one before."""
    at = timezone.now() - dt.timedelta(minutes=i)
    article = ArticleFactory(
        published=True, published_at=at, slug=f"story-{i}", headline=f"Story {i}"
    )
    QuoteFactory(article=article, state=Quote.State.VERIFIED)
    return article


def assert_lists_fresh(client) -> dict:
    """The home page and the API's article list equal a full render."""
    served = list_responses(client)
    with without_fragments():
        assert served == list_responses(client)
    return served


def test_unpublished_archived_and_deleted_articles_leave_the_lists(client):
    article, other = story(0), story(1)
    publishing.unpublish(articles=[article])
    served = assert_lists_fresh(client)
    assert article.headline not in served["/"][1].decode()
    publishing.publish(articles=[Article.objects.get(pk=article.pk)])
    assert article.headline in assert_lists_fresh(client)["/"][1].decode()
    publishing.archive(articles=[Article.objects.get(pk=other.pk)])
    assert other.headline not in assert_lists_fresh(client)["/"][1].decode()
    Article.objects.get(pk=article.pk).delete()
    assert assert_lists_fresh(client)["/api/v1/articles/?page_size=100"][1].count(b'"slug"') == 0


def test_list_rows_missing_or_stale_are_rendered_row_by_row(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the lists counted at commit
        articles = [story(i) for i in range(4)]
    with without_fragments():
        full = list_responses(client)
    ArticleFragment.objects.filter(article=articles[0]).delete()  # a row from before them
    later = timezone.now() + dt.timedelta(minutes=1)
    # A write that skipped refresh_public_state (its updated_at moved): not served as stored.
    Article.objects.filter(pk=articles[1].pk).update(headline="Behind its back", updated_at=later)
    served = list_responses(client)
    assert "Behind its back" in served["/"][1].decode()
    assert b"Behind its back" in served["/api/v1/articles/?page_size=100"][1]
    with without_fragments():
        assert served == list_responses(client)
    assert served != full
    # The stored rows' page and count, and the rows rendered here: the articles (and, in
    # the API, their quote counts).
    for url, queries in (("/", 3), ("/api/v1/articles/", 4)):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    call_command("render_fragments", stdout=io.StringIO())
    assert all_rows_stored()
    # Another key (a template, the confidence floor, the time zone): nothing stored is used.
    with mock.patch.object(fragments, "FORMAT", -1):
        assert set(fragments.stored_rows(list(fragments.listed(Article.objects, api=True)))) == {
            None
        }
        assert list_responses(client) == assert_lists_fresh(client)
    assert_lists_fresh(client)


def test_stored_list_rows_are_the_ones_served(client):
    article, _, _ = quoted_article()
    ArticleFragment.objects.filter(article=article).update(
        list_api='{"slug":"STORED"}', list_html="<p>STORED</p>"
    )
    assert "<p>STORED</p>" in client.get("/").content.decode()
    assert client.get("/api/v1/articles/").json()["results"] == [{"slug": "STORED"}]
    assert client.get("/api/v1/articles/?page=1&page_size=5").json()["results"][0] == {
        "slug": "STORED"
    }
    assert client.get("/api/v1/articles/?cursor=").json()["results"] == [{"slug": "STORED"}]
    # Any parameter but paging is answered by the serializer.
    for query in ("fields=slug,headline", "expand=people", "ordering=headline", "q=paragraph"):
        results = client.get(f"/api/v1/articles/?{query}").json()["results"]
        assert results and results[0]["slug"] == article.slug, query


def test_cursors_and_pages_of_stored_rows_equal_a_full_render(client):
    for i in range(5):
        story(i)
    urls = ["/api/v1/articles/?page_size=2&page=2", "/api/v1/articles/?page=last&page_size=2"]
    first = client.get("/api/v1/articles/?cursor=&page_size=2").json()
    urls += ["/api/v1/articles/?cursor=&page_size=2", first["next"], "/api/v1/articles/?page=9"]
    for url in urls:
        served = client.get(url)
        with without_fragments():
            full = client.get(url)
        assert (served.status_code, served.content) == (full.status_code, full.content), url
        assert served.get("ETag") == full.get("ETag")
    assert client.get("/api/v1/articles/?page=9").status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_lists_of_stored_rows_run_constant_queries(
    client, django_assert_num_queries, django_capture_on_commit_callbacks, n
):
    with django_capture_on_commit_callbacks(execute=True):  # the lists counted at commit
        for i in range(n):
            ArticleFactory(published=True, slug=f"s-{i}")
    assert all_rows_stored()
    # The count (home: counted; the API: kept on write), and the page of articles with
    # their stored rows.
    for url in ("/", "/api/v1/articles/", "/api/v1/articles/?page_size=100", "/?page=1"):
        with django_assert_num_queries(2):
            assert client.get(url).status_code == 200


def test_people_ids_kept_for_related_articles_follow_mentions(client):
    article, speaker, _ = quoted_article()
    assert ArticleFragment.objects.get(article=article).people == [speaker.pk]
    other = PersonFactory()
    Mention.objects.create(article=article, person=other)
    assert sorted(ArticleFragment.objects.get(article=article).people) == sorted(
        [speaker.pk, other.pk]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_the_migrations_render_the_published_articles_they_find(client):
    # 0016 cannot render with the list rows' columns missing (it says so); 0017 renders.
    before = [("articles", "0015_person_public_role")]
    after = [("articles", "0017_fragment_list_rows")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("articles", "Article")
    common = {"extracted": {}, "flags": [], "related_links": [], "content_hash": ""}
    live = old.objects.create(
        headline="Live", slug="live", status="published", published_at=timezone.now(), **common
    )
    old.objects.create(headline="Draft", slug="draft", status="draft", **common)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    assert list(ArticleFragment.objects.values_list("article_id", flat=True)) == [live.pk]
    MigrationExecutor(connection).migrate([("articles", "0018_public_list_counts")])  # the lists
    assert_fresh(client, Article.objects.get(pk=live.pk))
