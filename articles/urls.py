"""The public site's URLs: pages, feeds and the Google News sitemap.

Every view is wrapped in ``cache_public_page``; sitemap.xml is in ``newsroom/urls.py``.
"""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from . import views
from .feeds import (
    LatestArticlesAtomFeed,
    LatestArticlesFeed,
    PersonQuotesAtomFeed,
    PersonQuotesFeed,
)
from .sitemaps import NEWS_SITEMAPS
from .views import cache_public_page as cached


class TwoDigitConverter:
    """A month or day in a URL, always written with two digits (/2024/07/17/)."""

    regex = "[0-9]{2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{int(value):02d}"


class YearConverter(TwoDigitConverter):
    regex = "[0-9]{4}"

    def to_url(self, value: int) -> str:
        return f"{int(value):04d}"


register_converter(TwoDigitConverter, "dd")
register_converter(YearConverter, "yyyy")

app_name = "articles"

urlpatterns = [
    path("", cached(views.ArticleListView.as_view()), name="list"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/",
        cached(views.ArticleDetailView.as_view()),
        name="detail",
    ),
    path("people/<slug:slug>/", cached(views.PersonDetailView.as_view()), name="person-detail"),
    path(
        "people/<slug:slug>/feed/rss/",
        cached(PersonQuotesFeed()),
        name="person-feed-rss",
    ),
    path(
        "people/<slug:slug>/feed/atom/",
        cached(PersonQuotesAtomFeed()),
        name="person-feed-atom",
    ),
    path("sources/<slug:slug>/", cached(views.SourceDetailView.as_view()), name="source-detail"),
    path("search/", cached(views.SearchView.as_view()), name="search"),
    path("feed/rss/", cached(LatestArticlesFeed()), name="feed-rss"),
    path("feed/atom/", cached(LatestArticlesAtomFeed()), name="feed-atom"),
    path(
        "news-sitemap.xml",
        cached(sitemap_views.sitemap),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "articles/sitemap_news.xml"},
        name="news-sitemap",
    ),
]
