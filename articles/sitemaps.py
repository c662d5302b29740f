"""sitemap.xml for every public page, and a Google News sitemap for the last two days."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from .models import Article
from .views import UNSHOWN_ARTICLE_FIELDS, visible_people, visible_sources


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Article.objects.published().defer(*UNSHOWN_ARTICLE_FIELDS, "body")

    def lastmod(self, item):
        return item.updated_at


class NewsSitemap(ArticleSitemap):
    """Articles published in the last two days, as Google News asks (at most 1,000)."""

    limit = 1000

    def items(self):
        since = timezone.now() - timedelta(days=2)
        return super().items().filter(published_at__gte=since).select_related("source")


class PersonSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return visible_people().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class SourceSitemap(PersonSitemap):
    def items(self):
        return visible_sources().only("slug", "updated_at")


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "people": PersonSitemap,
    "sources": SourceSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}
