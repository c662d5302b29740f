"""Lead images (issue 10 §4): upload and checks, renditions, og:image references, display."""

import io
import json
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from articles import images
from articles.importing import Importer
from articles.models import Article, LeadImage
from tests.factories import ArticleFactory
from tests.test_site_seo import check_node

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return settings.MEDIA_ROOT


def image_bytes(size=(2000, 1000), fmt="JPEG", mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "steelblue").save(buffer, fmt)
    return buffer.getvalue()


def upload(name, data, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def post_image(client, data, name="harbour.jpg", **fields):
    return client.post(
        reverse("admin:articles_leadimage_add"),
        {"file": upload(name, data), "alt": "Ferries in the harbour", **fields},
    )


def library_image(**kwargs) -> LeadImage:
    image = LeadImage(alt="Ferries in the harbour", **kwargs)
    image.file.save("harbour.jpg", ContentFile(image_bytes()), save=False)
    image.renditions = images.make_renditions(image)
    image.save()
    return image


def test_an_uploaded_image_gets_renditions_and_the_page_an_img_with_srcset(client, editor, media):
    client.force_login(editor)
    response = post_image(client, image_bytes(), caption="Ferries at dawn.", credit="Jane Roe")
    assert response.status_code == 302, response.content.decode()[:2000]
    image = LeadImage.objects.get()
    assert (image.width, image.height) == (2000, 1000)
    assert [r["width"] for r in image.renditions] == [480, 960, 1600, 2000]
    for rendition in image.renditions:
        with Image.open(media / rendition["name"]) as stored:
            assert stored.size == (rendition["width"], rendition["height"])

    article = ArticleFactory(
        published=True, lead_image=image, image_caption="Old caption", image_credit="Old credit"
    )
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    img = soup.select_one("figure.lead-image img")
    assert img["alt"] == "Ferries in the harbour"
    assert img["src"].startswith("/media/lead-images/") and img["src"].endswith("-960w.jpg")
    srcset = [part.split() for part in img["srcset"].split(", ")]
    assert [w for _, w in srcset] == ["480w", "960w", "1600w", "2000w"]
    # The image's caption and credit, not the article's.
    figcaption = soup.select_one("figure.lead-image figcaption").get_text(" ", strip=True)
    assert figcaption == "Ferries at dawn. Photo: Jane Roe"


def test_without_an_image_the_articles_caption_and_credit_still_show(client):
    article = ArticleFactory(published=True, image_caption="The bridge.", image_credit="AFP")
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert soup.find("img") is None
    assert (
        soup.select_one("figure.image-note").get_text(" ", strip=True) == "The bridge. Photo: AFP"
    )


def test_an_image_without_caption_falls_back_to_the_articles(client):
    article = ArticleFactory(published=True, lead_image=library_image(), image_credit="AFP")
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert "Photo: AFP" in soup.select_one("figure.lead-image").get_text()


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"%PDF-1.4 not a picture at all", "report.jpg", "not an image"),
        (image_bytes(fmt="BMP"), "old.bmp", "BMP images are not accepted"),
        (image_bytes()[:600], "cut.jpg", "a damaged image"),
    ],
)
def test_bad_files_get_a_form_error_naming_the_field_and_reason(client, editor, data, name, reason):
    client.force_login(editor)
    response = post_image(client, data, name=name)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["file"]
    assert errors["file"][0].startswith("Image file refused: ")
    assert reason in errors["file"][0]
    assert not LeadImage.objects.exists()


def test_a_file_over_the_byte_limit_is_refused(client, editor, settings):
    settings.LEAD_IMAGE_MAX_BYTES = 1000
    client.force_login(editor)
    response = post_image(client, image_bytes())
    error = response.context["adminform"].form.errors["file"][0]
    assert "too large" in error and "the limit is 0.0 MB" in error
    assert not LeadImage.objects.exists()


def test_too_many_pixels_is_refused_before_decoding(client, editor, settings):
    settings.LEAD_IMAGE_MAX_PIXELS = 1_000_000
    client.force_login(editor)
    response = post_image(client, image_bytes(size=(2000, 1000)))
    error = response.context["adminform"].form.errors["file"][0]
    assert "too many pixels: 2000×1000" in error
    assert not LeadImage.objects.exists()


def test_a_decompression_bomb_is_refused_as_one(monkeypatch):
    # Past Pillow's own limit (our pixel limit set higher), Pillow's bomb check names it.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    with mock.patch.object(images, "max_pixels", return_value=10**9):
        with pytest.raises(images.ImageProblem, match="decompression bomb"):
            images.check_image(image_bytes(size=(500, 500), fmt="PNG"))


def test_html_import_keeps_og_image_as_a_reference_and_loads_nothing(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<!doctype html><html><head><title>Mayor Opens Bridge | City News</title>"
        '<meta property="og:image" content="/img/bridge.jpg">'
        '<link rel="canonical" href="https://city.example.com/2023/05/04/mayor-opens-bridge">'
        "</head><body><article><h1>Mayor Opens Bridge</h1>"
        "<p>The mayor opened the new bridge on Thursday after three years of building work, "
        "saying the city had waited long enough for a crossing over the river.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    with mock.patch.object(images, "download", side_effect=AssertionError("no network")):
        result = Importer().import_path(path)
    article = Article.objects.get(pk=result.article_id)
    assert article.og_image_url == "https://city.example.com/img/bridge.jpg"
    assert article.lead_image is None and not LeadImage.objects.exists()


def test_the_fetch_action_makes_the_reference_the_lead_image(client, editor, media):
    article = ArticleFactory(
        og_image_url="https://city.example.com/img/bridge.jpg",
        image_caption="The new bridge.",
        image_credit="City News",
    )
    client.force_login(editor)
    with mock.patch.object(images, "download", return_value=image_bytes()) as download:
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "fetch_og_image", "_selected_action": [article.pk]},
            follow=True,
        )
    download.assert_called_once_with("https://city.example.com/img/bridge.jpg")
    assert "Fetched the og:image of 1 article(s)." in response.content.decode()
    article.refresh_from_db()
    image = article.lead_image
    assert image.source_url == "https://city.example.com/img/bridge.jpg"
    assert (image.caption, image.credit) == ("The new bridge.", "City News")
    assert [r["width"] for r in image.renditions] == [480, 960, 1600, 2000]
    assert (media / image.file.name).exists()
    assert article.history.first().history_user == editor


def test_a_refused_fetch_stores_nothing_and_says_why(client, editor):
    article = ArticleFactory(og_image_url="https://city.example.com/page.html", headline="Bridge")
    client.force_login(editor)
    with mock.patch.object(images, "download", return_value=b"<html>not a photo</html>"):
        response = client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "fetch_og_image", "_selected_action": [article.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "“Bridge”: og:image not an image" in page
    article.refresh_from_db()
    assert article.lead_image is None and not LeadImage.objects.exists()


def test_api_detail_and_json_ld_include_the_image(client):
    article = ArticleFactory(published=True, lead_image=library_image(caption="Ferries."))
    data = client.get(f"/api/v1/articles/{article.slug}/").json()
    lead = data["lead_image"]
    assert lead["url"].startswith("http://testserver/media/lead-images/")
    assert (lead["width"], lead["height"], lead["alt"]) == (2000, 1000, "Ferries in the harbour")
    assert lead["caption"] == "Ferries."
    assert [r["width"] for r in lead["renditions"]] == [480, 960, 1600, 2000]

    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    [script] = soup.find_all("script", type="application/ld+json")
    ld = json.loads(script.string)
    check_node(ld)
    assert ld["image"]["@type"] == "ImageObject" and ld["image"]["url"] == lead["url"]
    assert ld["image"]["caption"] == "Ferries."
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
    assert og["og:image"] == lead["url"] and og["og:image:alt"] == "Ferries in the harbour"


def test_api_detail_without_an_image_says_null(client):
    article = ArticleFactory(published=True)
    assert client.get(f"/api/v1/articles/{article.slug}/").json()["lead_image"] is None


def test_the_page_keeps_its_csp_images_from_self_only(client):
    article = ArticleFactory(
        published=True, lead_image=library_image(), og_image_url="https://elsewhere.example/x.jpg"
    )
    response = client.get(article.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy
    assert "elsewhere.example" not in response.content.decode()


def test_saving_an_image_or_its_article_unchanged_changes_no_row(client, editor):
    from django.contrib.admin.models import LogEntry

    from tests.admin_forms import submit_unchanged

    image = library_image(caption="Ferries.")
    article = ArticleFactory(lead_image=image, og_image_url="https://city.example.com/a.jpg")
    before = (list(LeadImage.objects.values()), Article.objects.values().get(pk=article.pk))
    client.force_login(editor)
    for url in (
        f"/admin/articles/leadimage/{image.pk}/change/",
        f"/admin/articles/article/{article.pk}/change/",
    ):
        response = submit_unchanged(client, url)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert (list(LeadImage.objects.values()), Article.objects.values().get(pk=article.pk)) == before
    assert not LogEntry.objects.exists()


def test_changing_the_alt_text_in_the_admin_keeps_the_renditions(client, editor):
    from tests.admin_forms import submit_unchanged

    image = library_image()
    renditions = image.renditions
    client.force_login(editor)
    response = submit_unchanged(
        client, f"/admin/articles/leadimage/{image.pk}/change/", alt="Two ferries"
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt == "Two ferries" and image.renditions == renditions
