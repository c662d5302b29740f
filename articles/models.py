"""Newsroom's domain: sources, people, articles and the quotes in them.

Imported rows keep a snapshot of what the machine extracted (``extracted``).
A re-import refreshes a field only while its value still equals that snapshot;
a field whose value differs was changed by an editor (in the admin, the shell or
the API) and is left alone. See ``articles.importing``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.conf import settings
from django.db import connections, models
from django.db.models import Count, F, Min, Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles.extraction.people import name_key
from articles.fields import LineTextField
from articles.page_queries import page_cursor

# Paragraphs are separated by a blank line (whitespace-only lines count as blank).
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")

# What readers see of a person or source, kept on the row by
# articles.publishing.refresh_public_state; bookkeeping, not part of the change history.
PUBLIC_STATE_FIELDS = ["public_since", "public_article_count", "public_quote_count"]

# Public URLs are built for every item of a page (links to people, sources, articles):
# reverse() once per URL name with stand-in values, then fill in the real ones.
_STAND_IN_SLUG = "zq0slug0qz"
_STAND_IN_DAY = (1904, 11, 23)


@functools.lru_cache(maxsize=64)
def _url_template(name: str, prefix: str, urlconf, dated: bool) -> tuple[str, str] | None:
    kwargs = {"slug": _STAND_IN_SLUG}
    marker = _STAND_IN_SLUG
    if dated:
        year, month, day = _STAND_IN_DAY
        kwargs.update(year=year, month=month, day=day)
        marker = f"{year:04d}/{month:02d}/{day:02d}/{_STAND_IN_SLUG}"
    path = reverse(name, kwargs=kwargs)
    if path.count(marker) != 1:
        return None  # a pattern this shortcut cannot fill: reverse() every time
    return tuple(path.split(marker))


def public_path(name: str, slug: str, day=None) -> str:
    """``reverse(name, kwargs={slug[, year, month, day]})``, at the cost of a format."""
    template = _url_template(name, get_script_prefix(), get_urlconf(), day is not None)
    if template is None:
        kwargs = {"slug": slug}
        if day is not None:
            kwargs.update(year=day.year, month=day.month, day=day.day)
        return reverse(name, kwargs=kwargs)
    head, tail = template
    if day is not None:
        return f"{head}{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}{tail}"
    return f"{head}{slug}{tail}"


class SourceQuerySet(models.QuerySet):
    def public(self, *, now: dt.datetime | None = None) -> SourceQuerySet:
        """Sources readers may meet: of a published article, or quoted in one (not rejected).

        Reads ``public_since``, which ``articles.publishing.refresh_public_state`` keeps up
        to date on every write. ``now``: the time to see them at (default: now).
        """
        return self.filter(public_since__lte=now or timezone.now())


class Source(models.Model):
    """An outlet or organisation: a publisher, a news agency, a ministry..."""

    class Kind(models.TextChoices):
        PUBLISHER = "publisher", "Publisher"
        AGENCY = "agency", "News agency"
        BROADCASTER = "broadcaster", "Broadcaster"
        SOCIAL_NETWORK = "social_network", "Social network"
        GOVERNMENT = "government", "Government body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    homepage = models.URLField(blank=True, help_text="The outlet's or organisation's own site.")
    domain = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text="Web domain (themoscowtimes.com); imported pages from it are credited here.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by articles.publishing.refresh_public_state on every write (never edited).
    public_since = models.DateTimeField(
        null=True, editable=False, help_text="When readers first see it (a published article)."
    )
    public_article_count = models.PositiveIntegerField(default=0, editable=False)
    public_quote_count = models.PositiveIntegerField(default=0, editable=False)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=PUBLIC_STATE_FIELDS)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["public_since"], name="source_public_since_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return public_path("articles:source-detail", self.slug)


class Versioned(models.Model):
    """A row editors change in forms: ``version`` counts its saves.

    Every save stores one more than the stored version, so a form carries the
    version it was opened at and a save from a form opened before someone else's
    save is caught (``articles.publishing.check_version``). ``QuerySet.update()``
    and ``bulk_create()`` do not count; the importer creates rows in bulk (version 1)
    and refreshes them with ``save()``.
    """

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Counts the saves; a form opened before the last save is stale.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            # Counted from the stored row, not from this copy: a copy loaded long ago
            # (or an old version being reverted to) must still move the version on.
            rows = type(self)._base_manager.filter(pk=self.pk)
            stored = rows.values_list("version", flat=True).first()
            self.version = (self.version if stored is None else stored) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class Imported(models.Model):
    """A row the importer creates: which admin import run created it, if one did."""

    import_run = models.ForeignKey(
        "ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The admin import that created this row; its history credits that run's user.",
    )

    class Meta:
        abstract = True


class PersonQuerySet(models.QuerySet):
    def public(self, *, now: dt.datetime | None = None) -> PersonQuerySet:
        """People readers may meet: named in, or quoted (not rejected) in, a published article.

        Reads ``public_since``, which ``articles.publishing.refresh_public_state`` keeps up
        to date on every write. ``now``: the time to see them at (default: now).
        """
        return self.filter(public_since__lte=now or timezone.now())

    def with_counts(self) -> PersonQuerySet:
        return self.annotate(
            quote_count=Count("quotes", distinct=True),
            article_count=Count("mentions", distinct=True),
        )


class Person(Versioned, Imported):
    """Someone named in the news. Name variants live in :class:`PersonVariant`."""

    name = models.CharField(max_length=200, help_text="The name readers see.")
    name_key = models.CharField(
        max_length=200,
        db_index=True,
        editable=False,
        help_text="Normalised name used to match imports (case, accents, transliteration).",
    )
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField(
        max_length=300,
        blank=True,
        help_text="Title or job. Typed here, readers see it beside the name at once; one the "
        "importer took from an article shows only once a published article gives it.",
    )
    extracted = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by articles.publishing.refresh_public_state on every write (never edited).
    public_since = models.DateTimeField(
        null=True, editable=False, help_text="When readers first see them (a published article)."
    )
    public_article_count = models.PositiveIntegerField(default=0, editable=False)
    public_quote_count = models.PositiveIntegerField(default=0, editable=False)
    public_role = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="The role readers see: the editor's, else the newest published article's.",
    )

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=[*PUBLIC_STATE_FIELDS, "public_role"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        permissions = [("merge_person", "Can merge people into one")]
        indexes = [
            models.Index(fields=["name", "id"], name="person_name_id_idx"),
            models.Index(fields=["public_since"], name="person_public_since_idx"),
            models.Index(fields=["public_quote_count", "id"], name="person_quote_count_idx"),
            models.Index(fields=["public_article_count", "id"], name="person_article_count_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return public_path("articles:person-detail", self.slug)


class PersonVariant(models.Model):
    """Another form of a person's name: a surname alone, a transliteration.

    The importer matches names against these, so adding one here makes the
    next import attach that spelling to this person.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="unique_variant_per_person")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now: dt.datetime | None = None) -> ArticleQuerySet:
        """What readers may see: published, and its publication time has come (by ``now``,
        default: now)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def drafts(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.DRAFT)

    def to_review(self) -> ArticleQuerySet:
        """Articles with unreviewed quotes, the least sure attribution first.

        Annotated with ``unreviewed_quotes``, ``hidden_quotes`` (those below the public
        floor, kept off public pages until verified) and ``lowest_confidence`` (of the
        unreviewed quotes; articles whose unreviewed quotes are all unscored come last).
        """
        unreviewed = Q(quotes__state=Quote.State.UNREVIEWED)
        floor = settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE
        return (
            self.annotate(
                unreviewed_quotes=Count("quotes", filter=unreviewed),
                # QuoteQuerySet.low_confidence(), counted per article.
                hidden_quotes=Count("quotes", filter=unreviewed & Q(quotes__confidence__lt=floor)),
                lowest_confidence=Min("quotes__confidence", filter=unreviewed),
            )
            .filter(unreviewed_quotes__gt=0)
            .order_by(F("lowest_confidence").asc(nulls_last=True), "-published_at", "pk")
        )

    def flagged(self) -> ArticleQuerySet:
        """Imported articles the importer marked for an editor's attention."""
        return self.exclude(flags=[])


class LeadImage(models.Model):
    """A photo in the library: the file, its renditions and what readers read beside it."""

    file = models.ImageField(
        upload_to="lead-images/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG, WebP or GIF; checked for size and pixel count on upload.",
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    alt = models.CharField(
        "alt text", max_length=300, help_text="What the photo shows, for readers who cannot see it."
    )
    caption = models.CharField(max_length=1000, blank=True)
    credit = models.CharField(max_length=300, blank=True, help_text='Shown as "Photo: …".')
    source_url = models.URLField(
        max_length=1000, blank=True, editable=False, help_text="Where the file was fetched from."
    )
    # [{"width", "height", "name"}], narrowest first; the last is the original.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.alt or self.file.name

    @property
    def srcset(self) -> str:
        from django.core.files.storage import default_storage

        return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in self.renditions)

    @property
    def url(self) -> str:
        """The rendition pages show by default (960 px wide or the nearest below)."""
        from django.core.files.storage import default_storage

        shown = [r for r in self.renditions if r["width"] <= 960] or self.renditions
        return default_storage.url(shown[-1]["name"]) if shown else self.file.url


class Article(Versioned, Imported):
    """A news article, imported from a scrape and curated by editors."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
        help_text="The outlet that published the original.",
    )
    headline = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True, help_text="Part of the public URL.")
    body = LineTextField(
        blank=True, help_text="Paragraphs separated by a blank line; shown to readers as written."
    )
    image_caption = models.CharField(max_length=1000, blank=True)
    image_credit = models.CharField(max_length=300, blank=True)
    lead_image = models.ForeignKey(
        LeadImage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The photo above the text; its caption and credit replace the two below.",
    )
    og_image_url = models.URLField(
        "og:image reference",
        max_length=1000,
        blank=True,
        help_text="The imported page's og:image, never loaded by readers; "
        "the action 'Fetch og:image into the library' makes it the lead image.",
    )
    byline = models.CharField(max_length=300, blank=True, help_text="Author or agency.")
    url = models.URLField(
        "original URL", max_length=1000, blank=True, help_text="Where the original was published."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Readers see a published article from this time on; a future time schedules it.",
    )
    people = models.ManyToManyField(Person, through="Mention", related_name="articles", blank=True)
    related = models.ManyToManyField("self", symmetrical=False, blank=True)
    related_links = models.JSONField(
        default=list, blank=True, help_text="Related-article links found in the original."
    )
    flags = models.JSONField(
        default=list,
        blank=True,
        help_text="Importer warnings for editors (for example a headline made from the URL).",
    )
    raw_input = models.TextField(blank=True, editable=False)
    source_file = models.CharField(max_length=500, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, db_index=True, editable=False)
    # What makes two files the same article: the original URL the first import found, else
    # "sha256:" and the file's hash. Unique in the database, so two imports of one file at
    # once cannot both create it; null (not empty) for articles made by hand, since only
    # null escapes a unique index on every database and SQLite's partial index then still
    # serves "import_key = ...".
    import_key = models.CharField(  # noqa: DJ001 - null is "not imported", see above
        max_length=1000, null=True, blank=True, editable=False
    )
    imported_hashes = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The SHA-256 of every file imported into this article (its versions).",
    )
    similar_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="An article this import may be a new version of (the importer was unsure; "
        "see the possible_version flag). Merge or clear it.",
    )
    extracted = models.JSONField(default=dict, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    # The raw scrape is bookkeeping that never changes by hand: not copied into every version.
    history = HistoricalRecords(excluded_fields=["raw_input"])

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            # The import looks articles up by URL; the partial unique index below
            # cannot serve "url = %s" on SQLite.
            models.Index(fields=["url"], name="article_url_idx"),
            # Public lists: published, newest first (and their counts).
            models.Index(fields=["status", "-published_at", "-id"], name="article_public_idx"),
            models.Index(
                fields=["source", "status", "-published_at"], name="article_source_public_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="unique_article_url"
            ),
            models.UniqueConstraint(
                fields=["import_key"],
                condition=Q(import_key__isnull=False),
                name="unique_article_import_key",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
            ),
        ]
        permissions = [("publish_article", "Can publish and unpublish articles")]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return Article.path_of(self.slug, self.published_at, self.created_at)

    @staticmethod
    def path_of(slug: str, published_at, created_at) -> str:
        """An article's page, from its columns alone (lists read as rows use it too)."""
        day = timezone.localtime(published_at or created_at or timezone.now())
        return public_path("articles:detail", slug, day)

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def shown_image(self) -> LeadImage | None:
        """The lead image readers see: one in the library with a file."""
        image = self.lead_image
        return image if image is not None and image.file else None

    @property
    def shown_caption(self) -> str:
        """The image's caption; the article's own when there is no image (or it has none)."""
        image = self.shown_image
        return (image.caption if image else "") or self.image_caption

    @property
    def shown_credit(self) -> str:
        image = self.shown_image
        return (image.credit if image else "") or self.image_credit

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in _BLANK_LINE.split(self.body) if p.strip()]


class ArticleFragment(models.Model):
    """A published (or scheduled) article as readers get it, rendered when it was last
    written (``articles.fragments``): its page's head and body, its API detail, its item in
    the API's article list and its summary on the home page. Kept by
    ``articles.publishing.refresh_public_state``; never edited, not in the history."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="fragment"
    )
    key = models.CharField(
        max_length=32, help_text="What it was rendered with; another key is not served."
    )
    page_meta = models.TextField(blank=True)
    page_body = models.TextField(blank=True)
    api_body = models.TextField(blank=True)
    changed_at = models.DateTimeField(help_text="The API detail's Last-Modified.")
    article_updated_at = models.DateTimeField(
        help_text="The article's updated_at when rendered: a row changed since is not served."
    )
    people = models.JSONField(default=list, blank=True, help_text="Ids of the people named.")
    list_api = models.TextField(blank=True, help_text="The item's JSON in the API's list.")
    list_changed_at = models.DateTimeField(
        null=True, help_text="The list item's Last-Modified (the article's, or its source's)."
    )
    list_html = models.TextField(blank=True, help_text="The item's summary on the home page.")

    class Meta:
        ordering = ["article"]

    def __str__(self) -> str:
        return f"Fragments of article {self.article_id}"


class PublicCountQuerySet(models.QuerySet):
    def kept(self, name: str) -> int | None:
        """How many rows the unfiltered public list ``name`` shows, as counted on the last
        write; None when that count may be out of date (counted under another confidence
        floor, or a scheduled row's time has come since): count the rows instead."""
        # Every uncached list reads it: one primary-key lookup, written out once rather
        # than built and compiled by the ORM per request (about as long as the page's own).
        connection = connections[self.db]
        quote = connection.ops.quote_name
        sql = _KEPT_COUNT_SQL.format(
            table=quote(PublicCount._meta.db_table),
            **{column: quote(column) for column in ("count", "name", "key", "valid_until")},
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        # Prepared on PostgreSQL (planned once per connection), as the lists' pages are.
        with page_cursor(connection) as cursor:
            cursor.execute(sql, [name, PublicCount.current_key(), now])
            row = cursor.fetchone()
        return None if row is None else row[0]


# PublicCountQuerySet.kept: the row counted under this key, unless a scheduled row's time
# has come since (valid_until past).
_KEPT_COUNT_SQL = (
    "SELECT {count} FROM {table} WHERE {name} = %s AND {key} = %s"
    " AND ({valid_until} IS NULL OR {valid_until} > %s)"
)


class PublicCount(models.Model):
    """How many rows an unfiltered public list shows (the API's articles, quotes, people
    and sources), counted by ``articles.publishing.count_public_lists`` whenever a write
    may change what readers see, so that a list reads one row instead of counting every
    visible one per request. Bookkeeping: never edited, not in the history."""

    class List(models.TextChoices):
        ARTICLES = "articles", "Articles"
        QUOTES = "quotes", "Quotes"
        PEOPLE = "people", "People"
        SOURCES = "sources", "Sources"

    name = models.CharField(max_length=20, choices=List.choices, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    key = models.CharField(
        max_length=40, blank=True, help_text="What it was counted under; another is not used."
    )
    counted_at = models.DateTimeField(null=True)
    valid_until = models.DateTimeField(
        null=True,
        help_text="The time of the next scheduled row not counted yet: from then, count again.",
    )

    objects = PublicCountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.count} public {self.name}"

    @staticmethod
    def current_key() -> str:
        """What a count depends on besides the rows: the quotes' public confidence floor."""
        return f"floor={settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE!r}"

    @staticmethod
    def rows(name: str) -> tuple[models.QuerySet, models.QuerySet, str]:
        """The rows list ``name`` shows (the rule the list itself reads); those it will show
        once their time comes (published or shown, at a time still ahead); and the column
        that holds that time."""
        now = timezone.now()
        if name == PublicCount.List.ARTICLES:
            published = Article.objects.filter(status=Article.Status.PUBLISHED)
            return (
                Article.objects.published(),
                published.filter(published_at__gt=now),
                "published_at",
            )
        if name == PublicCount.List.QUOTES:
            return (
                Quote.objects.visible(),
                Quote.objects.shown().filter(public_at__gt=now),
                "public_at",
            )
        model = Person if name == PublicCount.List.PEOPLE else Source
        return model.objects.public(), model.objects.filter(public_since__gt=now), "public_since"


class Shingle(models.Model):
    """One of the smallest hashes of an imported article's word 5-shingles (a MinHash
    sketch, ``articles.extraction.similarity``): a later scrape of the same article without
    an original URL is found through the hashes it shares."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="shingles")
    value = models.BigIntegerField(db_index=True)

    class Meta:
        ordering = ["article", "value"]

    def __str__(self) -> str:
        return f"{self.value} in {self.article_id}"


class Mention(Versioned):
    """A person named in an article, with the role the article gives them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentions")
    role = models.CharField(max_length=300, blank=True)
    # Provenance: the extraction rule that took this name for a person, the words that
    # show it, and how sure that rule is (0 to 1; empty for rows an editor made).
    rule = models.CharField(max_length=80, blank=True, editable=False)
    evidence = models.CharField(max_length=300, blank=True, editable=False)
    confidence = models.FloatField(null=True, blank=True, editable=False)
    extracted = models.JSONField(default=dict, blank=True, editable=False)
    # The article's publication time while it is published, else null: readers see the
    # mention from then on. Kept by articles.publishing.refresh_public_state.
    public_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["article", "person__name"]
        constraints = [models.UniqueConstraint(fields=["article", "person"], name="unique_mention")]
        indexes = [
            models.Index(fields=["person", "-public_at"], name="mention_person_public_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.article}"


class QuoteQuerySet(models.QuerySet):
    def shown(self) -> QuoteQuerySet:
        """Quotes an article shows its readers: not rejected and, until an editor verifies
        them, not attributed with less confidence than ``NEWSROOM_PUBLIC_MIN_CONFIDENCE``
        (0 shows them all). Whether the article itself is public is :meth:`visible`'s part."""
        quotes = self.exclude(state=Quote.State.REJECTED)
        floor = settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE
        if floor > 0:
            quotes = quotes.exclude(state=Quote.State.UNREVIEWED, confidence__lt=floor)
        return quotes

    def visible(self, *, now: dt.datetime | None = None) -> QuoteQuerySet:
        """Quotes readers may see: :meth:`shown`, in a published article whose time has come
        (by ``now``, default: now).

        Reads ``public_at``, which ``articles.publishing.refresh_public_state`` keeps up to
        date on every write (``visible_rule()`` is the rule it applies). The confidence floor
        is applied here too, so raising ``NEWSROOM_PUBLIC_MIN_CONFIDENCE`` takes effect at once.
        """
        return self.shown().filter(public_at__lte=now or timezone.now())

    def visible_rule(self) -> QuoteQuerySet:
        """The same rule computed from the articles (for checks and for refreshing)."""
        return self.shown().filter(article__in=Article.objects.published())

    def low_confidence(self) -> QuoteQuerySet:
        """Unreviewed quotes whose attribution is below the public floor."""
        return self.filter(
            state=Quote.State.UNREVIEWED, confidence__lt=settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE
        )

    def by_person(self, person: Person) -> QuoteQuerySet:
        return self.filter(speaker=person)


class Quote(Versioned, Imported):
    """Words someone said, verbatim, as an article quotes them."""

    class Kind(models.TextChoices):
        FULL = "full", "Full sentence(s)"
        PARTIAL = "partial", "Partial (a fragment)"

    class State(models.TextChoices):
        UNREVIEWED = "unreviewed", "Unreviewed"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    speaker = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="quotes", null=True, blank=True
    )
    speaker_organization = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="quotes",
        null=True,
        blank=True,
        help_text="For words an organisation said (the Kremlin said...).",
    )
    text = LineTextField(help_text="The words inside the quotation marks.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FULL)
    paragraph = models.PositiveIntegerField(default=0, help_text="Index of the body paragraph.")
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)
    sentence = LineTextField(blank=True, help_text="The sentence around the quote.")
    said_to = models.CharField(max_length=300, blank=True, help_text="Told whom, or where.")
    # Provenance, from the extraction: what marks the words as speech, the rule that chose
    # the speaker, how sure it is, the sentence a pronoun or carried speaker came from, and
    # an unnamed source's description ("a source close to the Kremlin").
    cue = models.CharField(max_length=40, blank=True, editable=False)
    rule = models.CharField(max_length=80, blank=True, editable=False)
    confidence = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="How sure the importer is of the speaker (0 to 1).",
    )
    resolved_from = LineTextField(blank=True, editable=False)
    source_description = models.CharField(max_length=300, blank=True, editable=False)
    state = models.CharField(
        max_length=20,
        choices=State.choices,
        default=State.UNREVIEWED,
        db_index=True,
        help_text="Rejected quotes are never shown to readers.",
    )
    extracted = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The article's publication time while it is published and the quote is not rejected,
    # else null: readers see the quote from then on. Kept by
    # articles.publishing.refresh_public_state.
    public_at = models.DateTimeField(null=True, editable=False)

    objects = QuoteQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["public_at"])

    class Meta:
        ordering = ["article", "paragraph", "start"]
        indexes = [
            models.Index(fields=["public_at"], name="quote_public_idx"),
            models.Index(fields=["speaker", "-public_at"], name="quote_speaker_public_idx"),
            models.Index(
                fields=["speaker_organization", "-public_at"], name="quote_org_public_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "paragraph", "start"], name="unique_quote_place"
            ),
            models.CheckConstraint(
                condition=Q(speaker__isnull=True) | Q(speaker_organization__isnull=True),
                name="quote_has_one_speaker",
            ),
        ]

    def __str__(self) -> str:
        words = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f"“{words}”"

    @property
    def is_below_floor(self) -> bool:
        """Whether readers are kept from this quote until an editor verifies it: one row's
        answer to ``QuoteQuerySet.low_confidence()``."""
        return (
            self.state == self.State.UNREVIEWED
            and self.confidence is not None
            and self.confidence < settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE
        )

    @property
    def speaker_type(self) -> str | None:
        if self.speaker_id:
            return "person"
        if self.speaker_organization_id:
            return "organization"
        return None

    @property
    def speaker_name(self) -> str | None:
        if self.speaker_id:
            return self.speaker.name
        if self.speaker_organization_id:
            return self.speaker_organization.name
        return None


class ImportRun(models.Model):
    """One import started from the admin: who, when, and what happened to each file.

    An upload is stored as a run with one pending :class:`ImportRunFile` per file and
    imported in the background by a task (``articles.tasks.import_run``); each file is
    imported and marked done in one transaction, so a run interrupted by a worker's
    restart resumes where it stopped, with no file imported twice or lost.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
    )
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    files_count = models.PositiveIntegerField("files", default=0)
    created_count = models.PositiveIntegerField("created", default=0)
    updated_count = models.PositiveIntegerField("updated", default=0)
    unchanged_count = models.PositiveIntegerField("unchanged", default=0)
    failed_count = models.PositiveIntegerField("failed", default=0)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.FINISHED, db_index=True
    )
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Last sign of life from its worker."
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        when = timezone.localtime(self.started_at).strftime("%Y-%m-%d %H:%M")
        return f"Import of {self.files_count} file(s) on {when}"


class ImportRunFile(models.Model):
    """What happened to one file of an :class:`ImportRun`."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Waiting"
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=500, help_text="The uploaded file (or zip member).")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_files"
    )
    headline = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    content = models.BinaryField(
        null=True, editable=False, help_text="The file, kept until it has been imported."
    )

    class Meta:
        ordering = ["run", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.outcome}"
