"""Query parameters of the public API (django-filter FilterSets), and what readers may see.

Every parameter is validated: an unknown slug, a malformed date or an unknown ordering is a
400 that names the parameter and says what was wrong, never a silently ignored filter.
``?search=`` is full-text search (articles.search), with ``?q=`` as its alias; ``?ordering=``
overrides its relevance order. Orderings are only those a database answers without a
per-row subquery (issue #11 §4): a plain column of the listed table or of one joined row.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from rest_framework import exceptions

from .extraction.people import name_key
from .models import Article, Mention, Person, PersonVariant, Quote, Source
from .search import MAX_MATCHES, MAX_QUERY_LENGTH, query_words, search_articles, search_quotes

# --- what readers may see -------------------------------------------------------------------


def visible_people(*, now=None):
    """People named in, or quoted (not rejected) in, an article readers may see."""
    return Person.objects.public(now=now)


def visible_sources(*, now=None):
    """Sources of an article readers may see, or organisations quoted in one."""
    return Source.objects.public(now=now)


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


SEARCH_PARAM = "search"
SEARCH_ALIAS = "q"
SEARCH_HELP = (
    'Full-text search in {}: words (all must match), `"a phrase"`, `or` between '
    "alternatives, `-word` to exclude; results come best first. A search reaches the newest "
    f"{MAX_MATCHES:,} matches left by the other filters (`count` counts at most those); narrow "
    "by date to reach older ones."
)
ALIAS_HELP = "Alias of `search`, kept for existing clients; give one of the two."


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


def name_condition(field: str, key: str, *, prefix: bool) -> Q:
    """``field`` (a name key) holds the name key ``key``: as a word prefix, or whole words."""
    if prefix:
        return Q(**{f"{field}__startswith": key}) | Q(**{f"{field}__contains": f" {key}"})
    return (
        Q(**{field: key})
        | Q(**{f"{field}__startswith": f"{key} "})
        | Q(**{f"{field}__endswith": f" {key}"})
        | Q(**{f"{field}__contains": f" {key} "})
    )


def named(people, name: str, *, prefix: bool = False):
    """Those of ``people`` whose name or a name variant has ``name`` in it, any spelling.

    Compared as name keys (articles.extraction.people.name_key: case, accents and
    transliteration folded, so "zelensky" finds "Volodymyr Zelenskyy"), word by word: a
    surname alone finds the person, and with ``prefix`` so does the start of any word. A
    name without letters finds no one. Name keys hold letters and spaces only, so nothing in
    ``name`` can act as a LIKE wildcard.
    """
    key = name_key(name)
    if not key:
        return people.none()
    variants = PersonVariant.objects.filter(
        name_condition("name_key", key, prefix=prefix), person=OuterRef("pk")
    )
    return people.filter(name_condition("name_key", key, prefix=prefix) | Exists(variants))


class PersonNameFilter(django_filters.CharFilter):
    """A person given by slug, or by name: any spelling or variant, or the surname alone.

    The exact slug of a visible person means that person; otherwise every visible person
    whose name or a variant holds the given words. No one: a 400 naming the parameter.
    ``condition(people)`` says how a filtered row relates to those people.
    """

    def __init__(self, *, condition, **kwargs):
        self.condition = condition
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        people = visible_people().filter(slug=value)
        if not people.exists():
            people = named(visible_people(), value)
            if not people.exists():
                raise exceptions.ValidationError(
                    {self.field_name: [f"No person has the slug or name “{value}”."]}
                )
        return qs.filter(self.condition(people.values("pk")))


def said_by(people) -> Q:
    return Q(speaker__in=people)


def naming(people) -> Exists:
    # Exists, not a join: an article naming two of the people stays one row.
    return Exists(Mention.objects.filter(article=OuterRef("pk"), person__in=people))


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
        if SEARCH_PARAM in self.filters and {SEARCH_PARAM, SEARCH_ALIAS} <= set(self.data):
            # Both would search twice; the alias is the one that has to go.
            self.form.add_error(
                SEARCH_ALIAS,
                forms.ValidationError(
                    f"Give `{SEARCH_PARAM}` or its alias `{SEARCH_ALIAS}`, not both.", code="both"
                ),
            )
            valid = False
        return valid

    def filter_queryset(self, queryset):
        # Search after the other filters, since it keeps the newest matches of the rows they
        # leave (articles.search.MAX_MATCHES), and before the ordering, which replaces its rank.
        last = {SEARCH_PARAM: 1, SEARCH_ALIAS: 1, "ordering": 2}
        for name in sorted(self.form.cleaned_data, key=lambda name: last.get(name, 0)):
            queryset = self.filters[name].filter(queryset, self.form.cleaned_data[name])
        return queryset


class ArticleFilter(StrictFilterSet):
    search = SearchFilter(
        method="filter_search", help_text=SEARCH_HELP.format("headlines and bodies")
    )
    q = SearchFilter(method="filter_search", help_text=ALIAS_HELP)
    source = slug_choice(visible_sources, "source", "Only articles from this source (slug).")
    person = PersonNameFilter(
        condition=naming,
        help_text=(
            "Only articles naming this person: a slug, or a name in any spelling, a name "
            "variant or the surname alone (`zelensky`)."
        ),
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

    def filter_search(self, qs, name, value):
        return search_articles(qs, value)

    def filter_has_quotes(self, qs, name, value):
        quoted = Exists(Quote.objects.shown().filter(article=OuterRef("pk")))
        return qs.filter(quoted if value == "true" else ~quoted)


class QuoteFilter(StrictFilterSet):
    search = SearchFilter(method="filter_search", help_text=SEARCH_HELP.format("the quoted words"))
    q = SearchFilter(method="filter_search", help_text=ALIAS_HELP)
    speaker = PersonNameFilter(
        condition=said_by,
        help_text=(
            "Only quotes said by this person: a slug, or a name in any spelling, a name "
            "variant or the surname alone (`trump`)."
        ),
    )
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

    def filter_search(self, qs, name, value):
        return search_quotes(qs, value)


class PersonFilter(StrictFilterSet):
    name = django_filters.CharFilter(
        method="filter_name",
        help_text=(
            "People whose name or a name variant has a word starting with this, in any "
            "spelling (`zelensky` finds Volodymyr Zelenskyy, `tru` Donald Trump)."
        ),
    )
    role = django_filters.CharFilter(
        field_name="public_role",
        lookup_expr="icontains",
        help_text="Roles containing this (any case).",
    )
    # Counts are kept on the row (public_quote_count, public_article_count: see
    # publishing.refresh_public_state), so sorting by them is one indexed pass; counted per
    # request by a subquery it took 21 s at 1,000 articles (issue #11 §4).
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("public_quote_count", "quote_count"),
            ("public_article_count", "article_count"),
        ),
        help_text="Sort order; prefix with - for descending. Default: by name.",
    )

    class Meta:
        model = Person
        fields = []

    def filter_name(self, qs, name, value):
        return named(qs, value, prefix=True)


class SourceFilter(StrictFilterSet):
    name = django_filters.CharFilter(
        lookup_expr="istartswith", help_text="Names starting with this (any case)."
    )
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, help_text="Kind of source.")
    ordering = StableOrderingFilter(
        # The count is kept on the row, as on PersonFilter.ordering.
        fields=(("name", "name"), ("public_article_count", "article_count")),
        help_text="Sort order; prefix with - for descending. Default: by name.",
    )

    class Meta:
        model = Source
        fields = []
