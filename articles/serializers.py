"""Output serializers of the public read-only API (articles.api).

Nested objects use small dedicated serializers. Every URL is absolute. Querysets come from
the viewsets with everything prefetched: no serializer here touches the database itself.

Any serializer may be narrowed with ``?fields=a,b`` (sparse fieldsets, see
:class:`SparseFieldsMixin`).
"""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.urls import NoReverseMatch, get_script_prefix, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import images
from .models import Article, Person, Quote, Source, public_path


def absolute(request, path: str | None) -> str | None:
    if path is None or request is None:
        return path
    # Scheme and host once per request: a page of articles has hundreds of links.
    origin = getattr(request, "_absolute_origin", None)
    if origin is None:
        origin = request._absolute_origin = request.build_absolute_uri("/")[:-1]
    return origin + path


def public_url(request, name: str, slug: str) -> str | None:
    """The public page's absolute URL, or None while the site has no such page."""
    try:
        return absolute(request, public_path(name, slug))
    except NoReverseMatch:
        return None


@functools.lru_cache(maxsize=64)
def _url_pattern(name: str, script_prefix: str, keys: tuple[str, ...]) -> str:
    # Reversed once with numeric stand-ins (valid for slug and id patterns alike).
    return reverse(name, kwargs={key: str(STAND_IN + i) for i, key in enumerate(keys)})


STAND_IN = 987_654_321_000


def api_url(request, name: str, **kwargs) -> str:
    """The absolute URL of API view ``name``: reverse()'s answer, reversed once per name."""
    keys = tuple(kwargs)
    path = _url_pattern(f"api:{name}", get_script_prefix(), keys)
    for i, key in enumerate(keys):
        path = path.replace(str(STAND_IN + i), quote(str(kwargs[key]), safe=""), 1)
    return absolute(request, path)


class SparseFieldsMixin:
    """Accepts ``fields=[...]``: the serializer then has only those of its fields.

    The viewsets pass the names from ``?fields=`` (validated there); with ``many=True`` DRF
    hands the keyword on to each item's serializer.
    """

    def __init__(self, *args, fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in set(self.fields) - set(fields):
                self.fields.pop(name)

    @property
    def shown_names(self) -> list[str]:
        """The names of the fields shown, in their declared order. Without ``fields=`` this
        is ``Meta.fields``, read without building DRF's fields (a ModelSerializer looks at
        every model field to build them, once per request) for a representation built by
        hand."""
        if "fields" in self.__dict__:  # built (and perhaps narrowed): DRF's cached_property
            return list(self.fields)
        return list(self.Meta.fields)


class BuiltByHandMixin(SparseFieldsMixin):
    """A representation built as a plain dict from ``builders`` (one callable per declared
    field, called only for the fields shown), instead of DRF's field-by-field walk;
    ``drf_representation`` is DRF's own, which ``tests/test_rendering.py`` checks it equals."""

    def builders(self, instance) -> dict:
        raise NotImplementedError

    def to_representation(self, instance):
        builders = self.builders(instance)
        return {name: builders[name]() for name in self.shown_names}

    def drf_representation(self, instance):
        """DRF's field-by-field representation, which ``to_representation`` must equal."""
        return super().to_representation(instance)


# --- small nested shapes -------------------------------------------------------------------


class SourceRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, source) -> str:
        return api_url(self.context.get("request"), "source-detail", slug=source.slug)


class MentionSerializer(serializers.Serializer):
    """A person as one article names them: the role is the article's."""

    name = serializers.CharField(source="person.name")
    slug = serializers.SlugField(source="person.slug")
    role = serializers.CharField(help_text="The role this article gives the person.")
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, mention) -> str:
        return api_url(self.context.get("request"), "person-detail", slug=mention.person.slug)


class SpeakerSerializer(serializers.Serializer):
    """Who said the words: a person, or an organisation (a source). Filled by speaker_data()."""

    type = serializers.ChoiceField(choices=["person", "organization"])
    name = serializers.CharField()
    slug = serializers.SlugField()
    api_url = serializers.URLField()


def speaker_data(quote, request) -> dict | None:
    """A quote's speaker in SpeakerSerializer's shape (a plain function: it runs per quote)."""
    if quote.speaker_id:
        person = quote.speaker
        return {
            "type": "person",
            "name": person.name,
            "slug": person.slug,
            "api_url": api_url(request, "person-detail", slug=person.slug),
        }
    if not quote.speaker_organization_id:
        return None
    organization = quote.speaker_organization
    return {
        "type": "organization",
        "name": organization.name,
        "slug": organization.slug,
        "api_url": api_url(request, "source-detail", slug=organization.slug),
    }


def speaker_row_data(row: dict, request) -> dict | None:
    """speaker_data() for a quote loaded as a row (``QuoteSerializer``'s article pages)."""
    if row["speaker__slug"] is not None:
        return {
            "type": "person",
            "name": row["speaker__name"],
            "slug": row["speaker__slug"],
            "api_url": api_url(request, "person-detail", slug=row["speaker__slug"]),
        }
    if row["speaker_organization__slug"] is not None:
        return {
            "type": "organization",
            "name": row["speaker_organization__name"],
            "slug": row["speaker_organization__slug"],
            "api_url": api_url(request, "source-detail", slug=row["speaker_organization__slug"]),
        }
    return None


class ArticleQuoteSerializer(serializers.Serializer):
    """A quote inside an article."""

    id = serializers.IntegerField()
    text = serializers.CharField(help_text="The words inside the quotation marks.")
    kind = serializers.ChoiceField(choices=Quote.Kind.choices)
    speaker = serializers.SerializerMethodField()

    @extend_schema_field(SpeakerSerializer(allow_null=True))
    def get_speaker(self, quote):
        return speaker_data(quote, self.context.get("request"))


class ArticleRefSerializer(serializers.Serializer):
    headline = serializers.CharField()
    slug = serializers.SlugField()
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="The public page.")
    api_url = serializers.SerializerMethodField()

    def get_url(self, article) -> str:
        return absolute(self.context.get("request"), article.get_absolute_url())

    def get_api_url(self, article) -> str:
        return api_url(self.context.get("request"), "article-detail", slug=article.slug)


# --- resources ------------------------------------------------------------------------------


class ArticleSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    """An article in a list: everything but the body; people and quotes only when expanded.

    Source, people and quotes are built as plain dicts in the shapes of their serializers
    (which document them): a page of articles holds hundreds of them, and a DRF serializer
    per nested object was most of the response time. The view attaches ``people_rows`` and
    ``quote_rows`` (articles.api.PreviewMixin.prepare).
    """

    source = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField()
    quotes = serializers.SerializerMethodField()
    quote_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The public page.")
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "slug",
            "headline",
            "byline",
            "published_at",
            "updated_at",
            "status",
            "source",
            "people",
            "quotes",
            "quote_count",
            "url",
            "api_url",
        ]
        # Left out of list items unless ?expand= (or ?fields=) names them (articles.api).
        expandable = ["people", "quotes"]

    @extend_schema_field(SourceRefSerializer(allow_null=True))
    def get_source(self, article):
        source = article.source
        if source is None:
            return None
        request = self.context.get("request")
        return {
            "name": source.name,
            "slug": source.slug,
            "api_url": api_url(request, "source-detail", slug=source.slug),
        }

    @extend_schema_field(MentionSerializer(many=True))
    def get_people(self, article):
        request = self.context.get("request")
        return [
            {
                "name": row["person__name"],
                "slug": row["person__slug"],
                "role": row["role"],
                "api_url": api_url(request, "person-detail", slug=row["person__slug"]),
            }
            for row in article.people_rows
        ]

    @extend_schema_field(ArticleQuoteSerializer(many=True))
    def get_quotes(self, article):
        request = self.context.get("request")
        return [
            {
                "id": row["id"],
                "text": row["text"],
                "kind": row["kind"],
                "speaker": speaker_row_data(row, request),
            }
            for row in article.quote_rows
        ]

    def get_quote_count(self, article) -> int:
        return article.quote_total

    def get_url(self, article) -> str:
        return absolute(self.context.get("request"), article.get_absolute_url())

    def get_api_url(self, article) -> str:
        return api_url(self.context.get("request"), "article-detail", slug=article.slug)


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class LeadImageSerializer(serializers.Serializer):
    """For the schema: what ``articles.images.lead_image_data`` returns."""

    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    renditions = RenditionSerializer(many=True)


class ArticleDetailSerializer(ArticleSerializer):
    """One article, whole."""

    paragraphs = serializers.ListField(child=serializers.CharField(), read_only=True)
    original_url = serializers.URLField(source="url", help_text="Where the original appeared.")
    lead_image = serializers.SerializerMethodField(
        help_text="The photo above the text (absolute URLs; renditions narrowest first), or null."
    )

    class Meta(ArticleSerializer.Meta):
        fields = [
            *ArticleSerializer.Meta.fields,
            "body",
            "paragraphs",
            "image_caption",
            "image_credit",
            "lead_image",
            "original_url",
        ]

    @extend_schema_field(LeadImageSerializer(allow_null=True))
    def get_lead_image(self, article) -> dict | None:
        return images.lead_image_data(article, self.context["request"])


class QuoteSerializer(BuiltByHandMixin, serializers.ModelSerializer):
    speaker = serializers.SerializerMethodField()
    article = ArticleRefSerializer()
    source = SourceRefSerializer(
        source="article.source", allow_null=True, help_text="The outlet of the article."
    )
    verified = serializers.SerializerMethodField(help_text="An editor checked the quote.")
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = [
            "id",
            "text",
            "kind",
            "sentence",
            "said_to",
            "paragraph",
            "verified",
            "speaker",
            "article",
            "source",
            "api_url",
        ]

    @extend_schema_field(SpeakerSerializer(allow_null=True))
    def get_speaker(self, quote):
        return speaker_data(quote, self.context.get("request"))

    def get_verified(self, quote) -> bool:
        return quote.state == Quote.State.VERIFIED

    def get_api_url(self, quote) -> str:
        return api_url(self.context.get("request"), "quote-detail", pk=quote.pk)

    def builders(self, quote):
        """The fields declared above, built as plain dicts (DRF's field-by-field walk through
        the nested article and source serializers was a third of a quote page's time).
        ``tests/test_rendering.py`` checks it equals DRF's own representation."""
        request = self.context.get("request")
        article = quote.article
        return {
            "id": lambda: quote.pk,
            "text": lambda: quote.text,
            "kind": lambda: quote.kind,
            "sentence": lambda: quote.sentence,
            "said_to": lambda: quote.said_to,
            "paragraph": lambda: quote.paragraph,
            "verified": lambda: quote.state == Quote.State.VERIFIED,
            "speaker": lambda: speaker_data(quote, request),
            "article": lambda: {
                "headline": article.headline,
                "slug": article.slug,
                "published_at": _DATETIME.to_representation(article.published_at),
                "url": absolute(request, article.get_absolute_url()),
                "api_url": api_url(request, "article-detail", slug=article.slug),
            },
            "source": lambda: source_ref(article.source, request),
            "api_url": lambda: api_url(request, "quote-detail", pk=quote.pk),
        }


_DATETIME = serializers.DateTimeField()

# What quote_row_data() reads of a quote: Quote.objects.values(*QUOTE_ROW_COLUMNS).
QUOTE_ROW_COLUMNS = (
    "pk",
    "text",
    "kind",
    "sentence",
    "said_to",
    "paragraph",
    "state",
    "updated_at",
    "article__headline",
    "article__slug",
    "article__published_at",
    "article__created_at",
    "article__updated_at",
    "article__source__name",
    "article__source__slug",
    "speaker__name",
    "speaker__slug",
    "speaker__updated_at",
    "speaker_organization__name",
    "speaker_organization__slug",
)


def quote_row_data(row: dict, request) -> dict:
    """QuoteSerializer's representation of a quote read as a row of QUOTE_ROW_COLUMNS
    (a list's default page: no model instances, no serializer; ``tests/test_rendering.py``
    checks it equals the serializer's)."""
    slug = row["article__slug"]
    source_slug = row["article__source__slug"]
    return {
        "id": row["pk"],
        "text": row["text"],
        "kind": row["kind"],
        "sentence": row["sentence"],
        "said_to": row["said_to"],
        "paragraph": row["paragraph"],
        "verified": row["state"] == Quote.State.VERIFIED,
        "speaker": speaker_row_data(row, request),
        "article": {
            "headline": row["article__headline"],
            "slug": slug,
            "published_at": _DATETIME.to_representation(row["article__published_at"]),
            "url": absolute(
                request,
                Article.path_of(slug, row["article__published_at"], row["article__created_at"]),
            ),
            "api_url": api_url(request, "article-detail", slug=slug),
        },
        "source": None
        if source_slug is None
        else {
            "name": row["article__source__name"],
            "slug": source_slug,
            "api_url": api_url(request, "source-detail", slug=source_slug),
        },
        "api_url": api_url(request, "quote-detail", pk=row["pk"]),
    }


PERSON_ROW_COLUMNS = (
    "pk",
    "slug",
    "name",
    "public_role",
    "public_quote_count",
    "public_article_count",
    "updated_at",
)


def person_row_data(row: dict, variants: list[str], request) -> dict:
    """PersonSerializer's representation of a person read as a row of PERSON_ROW_COLUMNS,
    with the names of their variants (in the variants' own order)."""
    slug = row["slug"]
    return {
        "slug": slug,
        "name": row["name"],
        "role": row["public_role"],
        "variants": variants,
        "quote_count": row["public_quote_count"],
        "article_count": row["public_article_count"],
        "quotes_url": api_url(request, "person-quotes-list", person_slug=slug),
        "url": public_url(request, "articles:person-detail", slug),
        "api_url": api_url(request, "person-detail", slug=slug),
    }


SOURCE_ROW_COLUMNS = (
    "pk",
    "slug",
    "name",
    "kind",
    "homepage",
    "domain",
    "public_article_count",
    "public_quote_count",
    "updated_at",
)


def source_row_data(row: dict, request) -> dict:
    """SourceSerializer's representation of a source read as a row of SOURCE_ROW_COLUMNS."""
    slug = row["slug"]
    return {
        "slug": slug,
        "name": row["name"],
        "kind": row["kind"],
        "homepage": row["homepage"],
        "domain": row["domain"],
        "article_count": row["public_article_count"],
        "quote_count": row["public_quote_count"],
        "articles_url": api_url(request, "source-articles-list", source_slug=slug),
        "url": public_url(request, "articles:source-detail", slug),
        "api_url": api_url(request, "source-detail", slug=slug),
    }


def quote_row_changed_at(row: dict):
    """The Last-Modified of a quote read as a row (``articles.api.quote_changed_at``'s)."""
    times = [row["updated_at"], row["article__updated_at"]]
    if row["speaker__updated_at"] is not None:
        times.append(row["speaker__updated_at"])
    return max(times)


def source_ref(source, request) -> dict | None:
    """A source in SourceRefSerializer's shape."""
    if source is None:
        return None
    return {
        "name": source.name,
        "slug": source.slug,
        "api_url": api_url(request, "source-detail", slug=source.slug),
    }


class PersonSerializer(BuiltByHandMixin, serializers.ModelSerializer):
    variants = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", help_text="Other forms of the name."
    )
    quote_count = serializers.IntegerField(
        source="public_quote_count", help_text="Quotes readers may see."
    )
    article_count = serializers.IntegerField(
        source="public_article_count", help_text="Published articles naming the person."
    )
    role = serializers.CharField(
        source="public_role",
        help_text="Title or job: the editors', else the one the newest published article gives.",
    )
    quotes_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The public page, when the site has one.")
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "slug",
            "name",
            "role",
            "variants",
            "quote_count",
            "article_count",
            "quotes_url",
            "url",
            "api_url",
        ]

    def get_quotes_url(self, person) -> str:
        return api_url(self.context.get("request"), "person-quotes-list", person_slug=person.slug)

    def get_url(self, person) -> str | None:
        return public_url(self.context.get("request"), "articles:person-detail", person.slug)

    def get_api_url(self, person) -> str:
        return api_url(self.context.get("request"), "person-detail", slug=person.slug)

    def builders(self, person):
        """The fields declared above, built as a plain dict (DRF's field-by-field walk was
        most of a page of people's time); ``tests/test_rendering.py`` checks it equals
        DRF's own representation."""
        request = self.context.get("request")
        return {
            "slug": lambda: person.slug,
            "name": lambda: person.name,
            "role": lambda: person.public_role,
            "variants": lambda: [variant.name for variant in person.variants.all()],
            "quote_count": lambda: person.public_quote_count,
            "article_count": lambda: person.public_article_count,
            "quotes_url": lambda: self.get_quotes_url(person),
            "url": lambda: public_url(request, "articles:person-detail", person.slug),
            "api_url": lambda: api_url(request, "person-detail", slug=person.slug),
        }


class SourceSerializer(BuiltByHandMixin, serializers.ModelSerializer):
    article_count = serializers.IntegerField(
        source="public_article_count", help_text="Published articles from this source."
    )
    quote_count = serializers.IntegerField(
        source="public_quote_count", help_text="Quotes readers may see said by it."
    )
    articles_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The public page, when the site has one.")
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "slug",
            "name",
            "kind",
            "homepage",
            "domain",
            "article_count",
            "quote_count",
            "articles_url",
            "url",
            "api_url",
        ]

    def get_articles_url(self, source) -> str:
        return api_url(self.context.get("request"), "source-articles-list", source_slug=source.slug)

    def get_url(self, source) -> str | None:
        return public_url(self.context.get("request"), "articles:source-detail", source.slug)

    def get_api_url(self, source) -> str:
        return api_url(self.context.get("request"), "source-detail", slug=source.slug)

    def builders(self, source):
        """The fields declared above, built as a plain dict, as on ``PersonSerializer``."""
        request = self.context.get("request")
        return {
            "slug": lambda: source.slug,
            "name": lambda: source.name,
            "kind": lambda: source.kind,
            "homepage": lambda: source.homepage,
            "domain": lambda: source.domain,
            "article_count": lambda: source.public_article_count,
            "quote_count": lambda: source.public_quote_count,
            "articles_url": lambda: self.get_articles_url(source),
            "url": lambda: public_url(request, "articles:source-detail", source.slug),
            "api_url": lambda: api_url(request, "source-detail", slug=source.slug),
        }
