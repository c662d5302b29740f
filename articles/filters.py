"""Query parameters of the public API (django-filter FilterSets), and what readers may see.

Every parameter is validated: an unknown slug, a malformed date or an unknown ordering is a
400 that names the parameter and says what was wrong, never a silently ignored filter.
``?q=`` is full-text search (articles.search); ``?ordering=`` overrides its relevance order.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import Article, Person, Quote, Source
from .search import MAX_QUERY_LENGTH, query_words, search_articles, search_quotes

# --- what readers may see -------------------------------------------------------------------


def visible_people():
    """People named in, or quoted (not rejected) in, an article readers may see."""
    return Person.objects.public()


def visible_sources():
    """Sources of an article readers may see, or organisations quoted in one."""
    return Source.objects.public()


# --- fields ---------------------------------------------------------------------------------


class SearchQueryField(forms.CharField):
    """A ``?q=`` value: at most 200 characters, with at least one letter or digit."""

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_QUERY_LENGTH, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not query_words(value):
            raise forms.ValidationError(
                "Search for at least one word (letters or digits).", code="no_words"
            )
        return value


class SearchFilter(django_filters.CharFilter):
    field_class = SearchQueryField


def slug_choice(
    visible, what: str, help_text: str, field_name: str | None = None
) -> django_filters.ModelChoiceFilter:
    """A slug parameter; ``visible()`` gives the rows it may name (called per request, as
    "published" depends on the time of asking)."""
    return django_filters.ModelChoiceFilter(
        queryset=lambda request: visible(),
        field_name=field_name,
        to_field_name="slug",
        help_text=help_text,
        error_messages={"invalid_choice": f"No {what} has the slug “%(value)s”."},
    )


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


EDGE = dt.timedelta(days=2)


class DayBoundFilter(django_filters.DateFilter):
    """A date (YYYY-MM-DD) compared with a datetime field, whole days in the site's time zone."""

    def __init__(self, *args, upper: bool = False, **kwargs):
        self.upper = upper
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        # Days at the ends of the calendar would overflow datetime once shifted by a time
        # zone; no article is dated there, so they keep everything or nothing.
        if value <= dt.date.min + EDGE:
            return qs.none() if self.upper else qs
        if value >= dt.date.max - EDGE:
            return qs if self.upper else qs.none()
        if self.upper:
            return qs.filter(**{f"{self.field_name}__lt": day_start(value + dt.timedelta(days=1))})
        return qs.filter(**{f"{self.field_name}__gte": day_start(value)})


class StableOrderingFilter(django_filters.OrderingFilter):
    """``?ordering=``; the primary key breaks ties so pages never overlap or skip."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        tie = "-pk" if ordering[-1].startswith("-") else "pk"
        return qs.order_by(*ordering, tie)


BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]
DATE_HELP = "Published on or {} this day (YYYY-MM-DD, the site's time zone)."


# --- filter sets ----------------------------------------------------------------------------


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet that refuses an empty value for a date or a choice (``?kind=``).

    django-filter reads an empty value as "no filter"; for parameters whose schema says
    date or enum, an empty one is a client's mistake worth a 400.
    """

    def is_valid(self):
        valid = super().is_valid()
        for name, parameter in self.filters.items():
            typed = isinstance(
                parameter, django_filters.DateFilter | django_filters.ChoiceFilter
            ) and not isinstance(
                # A slug is any string; an ordering is a list, which may be empty.
                parameter,
                django_filters.ModelChoiceFilter | django_filters.OrderingFilter,
            )
            if typed and self.data.get(name, None) == "":
                self.form.add_error(name, forms.ValidationError("Give a value.", code="empty"))
                valid = False
        return valid


class ArticleFilter(StrictFilterSet):
    q = SearchFilter(
        method="search",
        help_text="Full-text search in headlines and bodies; results come best first.",
    )
    source = slug_choice(visible_sources, "source", "Only articles from this source (slug).")
    person = slug_choice(
        visible_people,
        "person",
        "Only articles naming this person (slug).",
        # One mention per (article, person): the join cannot repeat an article.
        field_name="mentions__person",
    )
    published_from = DayBoundFilter(field_name="published_at", help_text=DATE_HELP.format("after"))
    published_to = DayBoundFilter(
        field_name="published_at", upper=True, help_text=DATE_HELP.format("before")
    )
    has_quotes = django_filters.ChoiceFilter(
        choices=BOOLEAN_CHOICES,
        method="filter_has_quotes",
        help_text="true: only articles with quotes; false: only articles without.",
    )
    status = django_filters.ChoiceFilter(
        choices=Article.Status.choices,
        help_text=(
            "Staff only (session or token): articles in this state, scheduled ones included. "
            "Readers always get published articles whose time has come; for them any value "
            "other than `published` is refused with 403."
        ),
    )
    ordering = StableOrderingFilter(
        fields=(
            ("published_at", "published_at"),
            ("headline", "headline"),
            ("updated_at", "updated_at"),
        ),
        help_text=(
            "Sort order; prefix with - for descending. Default: newest first, or best match "
            "first with `q`."
        ),
    )

    class Meta:
        model = Article
        fields = []

    def search(self, qs, name, value):
        return search_articles(qs, value)

    def filter_has_quotes(self, qs, name, value):
        quoted = Exists(
            Quote.objects.filter(article=OuterRef("pk")).exclude(state=Quote.State.REJECTED)
        )
        return qs.filter(quoted if value == "true" else ~quoted)


class QuoteFilter(StrictFilterSet):
    q = SearchFilter(method="search", help_text="Full-text search in the quoted words.")
    speaker = slug_choice(visible_people, "person", "Only quotes said by this person (slug).")
    source = slug_choice(
        visible_sources,
        "source",
        "Only quotes from articles of this source (slug).",
        field_name="article__source",
    )
    article = slug_choice(
        Article.objects.published, "published article", "Only quotes from this article (slug)."
    )
    published_from = DayBoundFilter(
        field_name="article__published_at", help_text=DATE_HELP.format("after")
    )
    published_to = DayBoundFilter(
        field_name="article__published_at", upper=True, help_text=DATE_HELP.format("before")
    )
    kind = django_filters.ChoiceFilter(
        choices=Quote.Kind.choices, help_text="full: whole sentences; partial: a fragment."
    )
    ordering = StableOrderingFilter(
        fields=(("article__published_at", "published_at"), ("speaker__name", "speaker")),
        help_text=(
            "Sort order; prefix with - for descending. Default: newest first (most recently "
            "added), or best match first with `q`."
        ),
    )

    class Meta:
        model = Quote
        fields = []

    def search(self, qs, name, value):
        return search_quotes(qs, value)


class PersonFilter(StrictFilterSet):
    name = django_filters.CharFilter(
        lookup_expr="istartswith", help_text="Names starting with this (any case)."
    )
    role = django_filters.CharFilter(
        lookup_expr="icontains", help_text="Roles containing this (any case)."
    )
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("quote_count", "quote_count"),
            ("article_count", "article_count"),
        ),
        help_text="Sort order; prefix with - for descending. Default: by name.",
    )

    class Meta:
        model = Person
        fields = []


class SourceFilter(StrictFilterSet):
    name = django_filters.CharFilter(
        lookup_expr="istartswith", help_text="Names starting with this (any case)."
    )
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, help_text="Kind of source.")
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("article_count", "article_count")),
        help_text="Sort order; prefix with - for descending. Default: by name.",
    )

    class Meta:
        model = Source
        fields = []
