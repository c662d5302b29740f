"""RSS and Atom feeds: the latest published articles, and each person's latest quotes.

Feed descriptions are HTML to feed readers, so scraped text is escaped here first.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from .models import Article, Quote
from .views import SITE_NAME, UNSHOWN_ARTICLE_FIELDS, visible_people

ITEMS = 30


class LatestArticlesFeed(Feed):
    title = f"{SITE_NAME}: latest news"
    link = reverse_lazy("articles:list")
    description = "The latest articles published on Newsroom."

    def items(self):
        return (
            Article.objects.published()
            .select_related("source")
            .defer(*UNSHOWN_ARTICLE_FIELDS)[:ITEMS]
        )

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return escape(next(iter(item.paragraphs), ""))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline or (item.source.name if item.source else None)


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class PersonQuotesFeed(Feed):
    """A person's latest quotes, each linking to its place in the article."""

    def get_object(self, request, slug):
        return get_object_or_404(visible_people(), slug=slug)

    def title(self, obj):
        return f"{SITE_NAME}: quotes by {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        role = f", {obj.public_role}" if obj.public_role else ""
        return f"The latest words of {obj.name}{role}, as quoted."

    def items(self, obj):
        return (
            Quote.objects.visible()
            .by_person(obj)
            .select_related("article", "speaker")
            .defer(*(f"article__{name}" for name in UNSHOWN_ARTICLE_FIELDS), "article__body")
            .order_by("-article__published_at", "-article__pk", "paragraph", "start")[:ITEMS]
        )

    def item_title(self, item):
        return f"“{Truncator(item.text).words(16)}”"

    def item_description(self, item):
        return escape(f"“{item.text}” — {item.speaker.name}, in “{item.article.headline}”")

    def item_link(self, item):
        return f"{item.article.get_absolute_url()}#quote-{item.pk}"

    def item_pubdate(self, item):
        return item.article.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.speaker.name


class PersonQuotesAtomFeed(PersonQuotesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
