"""The editors' workplace: articles, people, quotes and sources in the Django admin."""

from django.contrib import admin
from django.db.models import Count, Q

from .models import Article, Mention, Person, PersonVariant, Quote, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "domain"]
    list_filter = ["kind"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}


class PersonVariantInline(admin.TabularInline):
    model = PersonVariant
    extra = 1


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "quote_count"]
    search_fields = ["name", "variants__name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonVariantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(quote_count=Count("quotes", distinct=True))

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count


class QuoteInline(admin.TabularInline):
    model = Quote
    extra = 0
    fields = ["text", "speaker", "speaker_organization", "kind", "said_to", "state"]
    autocomplete_fields = ["speaker", "speaker_organization"]


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    fields = ["person", "role"]
    autocomplete_fields = ["person"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "source", "status", "published_at", "is_published", "quote_count"]
    list_filter = ["status", "source"]
    list_select_related = ["source"]
    search_fields = ["headline", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["source"]
    filter_horizontal = ["related"]
    inlines = [MentionInline, QuoteInline]
    readonly_fields = ["source_file", "content_hash", "imported_at", "created_at", "updated_at",
                       "raw_input"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "byline", "source", "status", "published_at"]}),
        ("Image", {"fields": ["image_caption", "image_credit"]}),
        ("Text", {"fields": ["body"]}),
        ("Links", {"fields": ["url", "related", "related_links"], "classes": ["collapse"]}),
        (
            "Import provenance",
            {
                "fields": ["flags", "source_file", "content_hash", "imported_at", "created_at",
                           "updated_at", "raw_input"],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            quote_count=Count("quotes", filter=~Q(quotes__state="rejected"), distinct=True)
        )

    @admin.display(boolean=True, description="live")
    def is_published(self, obj):
        return obj.is_published

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "speaker", "speaker_organization", "kind", "state", "article"]
    list_filter = ["state", "kind"]
    list_select_related = ["speaker", "speaker_organization", "article"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker", "speaker_organization", "article"]
