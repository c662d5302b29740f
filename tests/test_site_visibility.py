"""Drafts, articles in review, scheduled and archived articles never reach readers.

One test builds a small world of visible and hidden content, then walks every public
URL it can reach (links in pages, sitemaps and feeds, plus direct guesses at hidden
pages) and checks that no response shows anything hidden. It also checks that the
walk covered every public URL pattern, so a new page cannot slip past it.
"""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import resolve
from django.utils import timezone

from articles.models import Article, Mention
from articles.urls import urlpatterns
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory, SourceFactory

pytestmark = pytest.mark.django_db

HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "review": {"status": Article.Status.REVIEW},
    "archived": {"status": Article.Status.ARCHIVED, "published_at": timezone.now()},
    "scheduled": {
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() + timezone.timedelta(days=1),
    },
}


@pytest.fixture
def world():
    """Visible content, hidden content tied to it, and the words that must never show."""
    speaker = PersonFactory(name="Visible Speaker", slug="visible-speaker")
    visible = ArticleFactory(
        published=True,
        headline="Visible article",
        body="Open words. secretword too.",
        source=SourceFactory(name="Open Outlet", slug="open-outlet"),
    )
    Mention.objects.create(article=visible, person=speaker)
    QuoteFactory(article=visible, speaker=speaker, text="Open words", start=0, end=10)
    QuoteFactory(article=visible, speaker=speaker, text="zzrejected words", state="rejected")
    markers, hidden_urls = ["zzrejected"], []
    for kind, fields in HIDDEN.items():
        source = SourceFactory(name=f"Zzhidden outlet {kind}", slug=f"zzhidden-outlet-{kind}")
        article = ArticleFactory(
            headline=f"Zzhidden {kind} headline",
            slug=f"zzhidden-{kind}",
            body="secretword zzbody",
            source=source,
            **fields,
        )
        loner = PersonFactory(name=f"Zzhidden person {kind}", slug=f"zzhidden-person-{kind}")
        Mention.objects.create(article=article, person=speaker)
        Mention.objects.create(article=article, person=loner)
        QuoteFactory(article=article, speaker=speaker, text=f"zzquote {kind} secretword")
        QuoteFactory(article=article, speaker=loner, text=f"zzloner {kind}")
        visible.related.add(article)
        markers += ["zzhidden", "zzbody", "zzquote", "zzloner"]
        hidden_urls += [
            article.get_absolute_url(),
            loner.get_absolute_url(),
            source.get_absolute_url(),
            f"/people/{loner.slug}/feed/rss/",
            f"/people/{loner.slug}/feed/atom/",
        ]
    return {"markers": sorted(set(markers)), "hidden_urls": hidden_urls}


def links_in(response) -> list[str]:
    content_type = response["Content-Type"]
    if content_type.startswith("text/html"):
        soup = BeautifulSoup(response.content, "html.parser")
        return [a["href"] for a in soup.find_all(["a", "link"], href=True)]
    root = ET.fromstring(response.content)
    found = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("loc", "link") and element.text:
            found.append(element.text.strip())
        if element.get("href"):
            found.append(element.get("href"))
    return found


def local_path(link: str) -> str | None:
    parts = urlsplit(link)
    if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/static/", "/admin/", "/api/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_nothing_hidden_is_reachable_on_any_public_url(client, world):
    start = [
        "/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/feed/rss/",
        "/feed/atom/",
        # Words in hidden headlines, bodies and quotes (the markers would be echoed).
        "/search/?q=secretword",
        "/search/?q=headline",
        "/search/?q=outlet",
    ]
    queue, seen, names = list(start), set(), set()
    pattern = re.compile("|".join(world["markers"]), re.IGNORECASE)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        names.add(resolve(urlsplit(url).path).url_name)
        leak = pattern.search(response.content.decode())
        assert leak is None, f"{url} shows {leak.group()!r}"
        queue += [p for p in map(local_path, links_in(response)) if p and p not in seen]

    for url in world["hidden_urls"]:
        assert client.get(url).status_code == 404, url
    public_names = {p.name for p in urlpatterns} | {"sitemap"}
    assert public_names <= names, f"the walk never reached {public_names - names}"
    assert len(seen) > 10
