"""The editors' workplace: articles, people, quotes, sources and imports in the Django admin.

Every write goes through ``articles.publishing`` (the workflow, merging,
reassigning, re-running extraction, importing uploads), so the rules are the
same here as anywhere else. Changes are recorded by django-simple-history; each
history page can compare a version with the one before it, word by word, and
revert to its content.

Articles, quotes and people are edited with optimistic concurrency: each change form
carries the version it was opened at, a save from a stale form is refused with what
the other editor changed (``articles.forms.VersionedForm``), the form says who else
has it open, and the page warns before leaving unsaved changes
(``static/admin/articles/editing.js``).
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from articles import images, import_runs, publishing
from articles.admin_review import ReviewAdminMixin
from articles.diffs import word_diff
from articles.forms import (
    ArticleAdminForm,
    ImportUploadForm,
    LeadImageForm,
    MergePeopleForm,
    QuoteAdminForm,
    ReassignSpeakerForm,
    VersionedForm,
    VersionedInlineFormSet,
)
from articles.models import (
    Article,
    ImportRun,
    ImportRunFile,
    LeadImage,
    Mention,
    Person,
    PersonVariant,
    Quote,
    Source,
)

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Newsroom administration"


def count_of(queryset, *, by: str):
    """A correlated ``COUNT`` subquery: one per row, never one query per row."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def report_skipped(admin_obj, request, skipped):
    if skipped:
        reasons = "; ".join(f"“{obj}”: {reason}" for obj, reason in skipped[:10])
        more = f" (and {len(skipped) - 10} more)" if len(skipped) > 10 else ""
        admin_obj.message_user(
            request, f"Left alone {len(skipped)}: {reasons}{more}", messages.WARNING
        )


# --- who may write what: publishing.may, on every admin path ------------------------------


class WriteRuleAdmin:
    """Add, change and delete only as ``publishing.may`` allows, for the row shown and
    (``publishing.check_write``) for the row as saved, its inline rows and every row of a
    bulk delete: a form posted past the page's read-only view is refused too (403)."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or publishing.may(request.user, "change", obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or publishing.may(request.user, "delete", obj))

    def save_model(self, request, obj, form, change):
        if not getattr(request, "newsroom_revert", False):  # publishing.revert checks its own
            action = "change" if change else "add"
            publishing.check_write(by=request.user, action=action, obj=obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        deleted = formset.deleted_forms if formset.can_delete else []
        for row in formset.forms:
            if row in deleted:
                if row.instance.pk is not None:
                    publishing.check_write(by=request.user, action="delete", obj=row.instance)
            elif row.has_changed():
                action = "add" if row.instance.pk is None else "change"
                publishing.check_write(by=request.user, action=action, obj=row.instance)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        publishing.check_write(by=request.user, action="delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            publishing.check_write(by=request.user, action="delete", obj=obj)
        super().delete_queryset(request, queryset)


# --- history: compare versions side by side, revert with the same rules as editing -----


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin plus a word-level comparison of the fields editors know, with
    revert checked on the live row and restoring content only (``publishing.revert``)."""

    object_history_template = "admin/articles/object_history.html"
    object_history_list_template = "admin/articles/object_history_list.html"
    object_history_form_template = "admin/articles/object_history_form.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        compare = path(
            "<path:object_id>/history/<int:version_id>/compare/",
            self.admin_site.admin_view(self.history_compare_view),
            name="{}_{}_history_compare".format(*info),
        )
        return [compare, *super().get_urls()]

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # Each version's changes from the one before: the fields editors know, as they read
        # them (a time that moved by microseconds only is no change), word by word.
        records = list(historical_records)
        labels: dict = {}
        for record, older in zip(records, records[1:], strict=False):
            record.history_delta_changes = field_changes(self.model, older, record, labels)
        opts = self.model._meta
        for record in records:
            record.compare_url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history_compare",
                args=[record.id, record.history_id],
            )

    def _current(self, obj):
        if obj is None or obj.pk is None:
            return obj
        return self.model._default_manager.filter(pk=obj.pk).first() or obj

    def revert_disabled(self, request, obj=None):
        # simple_history passes the old version; the rules apply to the row as it is now.
        return not self.has_change_permission(request, self._current(obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.model._default_manager.filter(pk=unquote(object_id)).first()
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        # A revert's form starts from the old version, so "unchanged" there still means
        # "make this version current": save_model must not skip it.
        request.newsroom_revert = True
        # One transaction, as Django's own change form has: the version check locks the row
        # (select_for_update), which PostgreSQL refuses outside a transaction.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if getattr(request, "newsroom_revert", False):
            # A revert restores content; the status moves only by the publishing actions.
            fieldsets = _without(fieldsets, publishing.WORKFLOW_FIELDS)
        return fieldsets

    def save_model(self, request, obj, form, change):
        if getattr(request, "newsroom_revert", False):
            current = self.model._default_manager.get(pk=obj.pk)
            publishing.revert(current=current, to=obj, by=request.user)
            return
        # Saving a form unchanged changes no row and records no version (issue 10 §1).
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        if not message and not getattr(request, "newsroom_revert", False):
            return None  # nothing changed: nothing to log
        return super().log_change(request, obj, message)

    def history_compare_view(self, request, object_id, version_id):
        history = self.model.history
        record = get_object_or_404(history, id=unquote(object_id), history_id=version_id)
        current = self.model._default_manager.filter(pk=record.id).first()
        if not self.has_view_or_change_permission(request, current or record.instance):
            raise PermissionDenied
        previous = record.prev_record
        rows = field_changes(self.model, previous, record, {})
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {record.instance}",
            "opts": opts,
            "record": record,
            "previous": previous,
            "rows": rows,
            "history_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.id]
            ),
            "revert_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                args=[record.id, record.history_id],
            ),
            "can_revert": current is None or self.has_change_permission(request, current),
        }
        return TemplateResponse(request, "admin/articles/history_compare.html", context)


def field_changes(model, old, new, labels: dict) -> list[dict]:
    """What changed from version ``old`` to ``new`` in the fields editors know.

    ``old`` may be ``None`` (``new`` is the first version: its filled fields are listed).
    Each change: ``label``, ``old``, ``new`` (as the editor reads them) and ``segments``,
    a word diff. ``labels`` caches related rows' names between calls.
    """
    changes = []
    for field in publishing.editor_fields(model):
        before = _display(old, field, labels) if old is not None else ""
        after = _display(new, field, labels)
        if before == after or (old is None and after == "—"):
            continue
        changes.append(
            {
                "name": field.name,
                "label": field.verbose_name,
                "old": before,
                "new": after,
                "segments": word_diff("" if before == "—" else before, after),
            }
        )
    return changes


def _without(fieldsets, names) -> list:
    """``fieldsets`` with the fields ``names`` left out (and any set left empty dropped)."""
    kept = []
    for title, options in fieldsets:
        fields = [f for f in options.get("fields", ()) if f not in names]
        if fields:
            kept.append((title, {**options, "fields": fields}))
    return kept


def _display(record, field, labels: dict | None = None) -> str:
    """A field of a version (or of the stored row), as an editor reads it."""
    value = getattr(record, field.attname)
    if value in (None, "", [], {}):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        labels = {} if labels is None else labels
        key = (field.related_model, value)
        if key not in labels:
            related = field.related_model._default_manager.filter(pk=value).first()
            labels[key] = str(related) if related else f"#{value} (deleted)"
        return labels[key]
    if field.get_internal_type() == "JSONField":
        return _json_display(value)
    if hasattr(value, "isoformat"):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if field.get_internal_type() == "DateTimeField"
            else value.isoformat()
        )
    return str(value)


def _json_display(value) -> str:
    if isinstance(value, list):
        return "; ".join(
            " ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


class EditingAdmin(HistoryAdmin):
    """Change forms for rows editors work on together (articles, quotes, people).

    The form carries the row's version and refuses a stale save (``VersionedForm``);
    the page shows who else has it open (a presence record in the cache, renewed by
    ``editing.js`` while the page stays open, as Wagtail 6.2 does) and warns before
    leaving unsaved changes.
    """

    form = VersionedForm
    change_form_template = "admin/articles/change_form_editing.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        editing = path(
            "<path:object_id>/editing/",
            self.admin_site.admin_view(self.editing_view),
            name="{}_{}_editing".format(*info),
        )
        return [editing, *super().get_urls()]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The form checks status changes and quote placement against this user; a revert's
        # form checks the stored row's version, not the old version's.
        extra = {"user": request.user, "reverting": getattr(request, "newsroom_revert", False)}
        return type(form.__name__, (form,), extra)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # A revert passes the old version: whether the row may be changed is the stored row's.
        if obj is not None and not self.has_change_permission(request, self._current(obj)):
            fieldsets = _without(fieldsets, ["opened_version"])  # a page that only shows the row
        return fieldsets

    def editing_view(self, request, object_id):
        """The change page's sign of life: who else has it open (JSON), or that it closed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.POST.get("leave"):
            publishing.stop_editing(obj=obj, by=request.user)
            return JsonResponse({"others": []})
        return JsonResponse({"others": publishing.mark_editing(obj=obj, by=request.user)})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            opts = self.model._meta
            context["editing_others"] = publishing.mark_editing(obj=obj, by=request.user)
            context["presence_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_editing", args=[obj.pk]
            )
            context["presence_every"] = publishing.PRESENCE_SECONDS // 3
        context["conflicts"] = _conflicts(context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_history_view(self, request, template, context, **kwargs):
        context["conflicts"] = _conflicts(context)
        return super().render_history_view(request, template, context, **kwargs)


def _conflicts(context) -> list[dict]:
    """What other editors changed, for each form on the page whose save was refused."""
    forms_ = []
    if context.get("adminform") is not None:
        forms_.append(context["adminform"].form)
    for inline in context.get("inline_admin_formsets") or []:
        forms_.extend(inline.formset.forms)
    found = []
    labels: dict = {}
    for form in forms_:
        deletion = getattr(form, "deletion", None)
        if deletion is not None:
            verbose = form._meta.model._meta.verbose_name.capitalize()
            found.append(
                {
                    "title": f"{verbose} {deletion.label}",
                    "saved_by": [deletion.deleted_by],
                    "deleted": True,
                }
            )
            continue
        conflict = getattr(form, "conflict", None)
        if conflict is None:
            continue
        model = type(conflict.current)
        mine = getattr(form, "conflict_mine", set())
        if conflict.base is not None:
            changes = field_changes(model, conflict.base, conflict.current, labels)
        else:
            changes = [
                c for c in field_changes(model, None, conflict.current, labels) if c["name"] in mine
            ]
        for change in changes:
            change["yours_too"] = change["name"] in mine
        found.append(
            {
                "title": f"{model._meta.verbose_name.capitalize()} “{conflict.current}”",
                "saved_by": conflict.saved_by,
                "changes": changes,
                "base_known": conflict.base is not None,
            }
        )
    return found


# --- sources ---------------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(WriteRuleAdmin, HistoryAdmin):
    list_display = ["name", "kind", "homepage", "domain", "article_count", "quote_count"]
    list_filter = ["kind"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=count_of(Article.objects.filter(source=OuterRef("pk")), by="source"),
                quote_count=count_of(
                    Quote.objects.filter(speaker_organization=OuterRef("pk")),
                    by="speaker_organization",
                ),
            )
        )

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.display(description="quotes it said", ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count


# --- people ----------------------------------------------------------------------------


class PersonVariantInline(admin.TabularInline):
    model = PersonVariant
    extra = 1
    fields = ["name"]
    verbose_name = "name variant (used by the next import)"


@admin.register(Person)
class PersonAdmin(WriteRuleAdmin, EditingAdmin):
    list_display = ["name", "role", "quote_count", "article_count"]
    search_fields = ["name", "variants__name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PersonVariantInline]
    fields = ["name", "slug", "role", "appears_in", "created_at", "updated_at", "opened_version"]
    readonly_fields = ["appears_in", "created_at", "updated_at"]
    actions = ["merge_people"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                quote_count=count_of(Quote.objects.filter(speaker=OuterRef("pk")), by="speaker"),
                article_count=count_of(Mention.objects.filter(person=OuterRef("pk")), by="person"),
            )
        )

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    @admin.display(description="appears in")
    def appears_in(self, obj):
        articles = Article.objects.filter(mentions__person=obj).order_by("-published_at")
        if not articles:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:articles_article_change", args=[a.pk]),
                        a.headline,
                        a.get_status_display(),
                    )
                    for a in articles
                ),
            ),
        )

    def has_merge_permission(self, request):
        return request.user.has_perm(publishing.MERGE_PERMISSION)

    @admin.action(description="Merge selected people…", permissions=["merge"])
    def merge_people(self, request, queryset):
        people = queryset.order_by("name")
        if len(people) < 2:
            self.message_user(request, "Select at least two people to merge.", messages.WARNING)
            return None
        form = MergePeopleForm(request.POST if "apply" in request.POST else None, people=people)
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            result = publishing.merge_people(survivor=survivor, others=people, by=request.user)
            self.message_user(
                request,
                f"Merged {', '.join(result.merged)} into {survivor.name}: "
                f"{result.quotes_moved} quotes and {result.mentions_moved} mentions moved, "
                f"{result.variants_added} name variants added.",
                messages.SUCCESS,
            )
            if result.names_dropped:
                names = ", ".join(f"“{name}”" for name in result.names_dropped)
                self.message_user(
                    request,
                    f"Not kept as name variants: {names}. A given name alone names many "
                    "people; the next import would give them all to this person.",
                    messages.INFO,
                )
            return HttpResponseRedirect(reverse("admin:articles_person_change", args=[survivor.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge people",
            "opts": self.model._meta,
            "form": form,
            "people": people,
            "action": "merge_people",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/person/merge_people.html", context)


# --- articles --------------------------------------------------------------------------


class ArticleChildInline(admin.TabularInline):
    """Quotes and mentions are part of the article: editable only while it is."""

    extra = 0

    def _editable(self, request, obj):
        return obj is None or publishing.may(request.user, "change", obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_change_permission(request, obj):
            fieldsets = _without(fieldsets, ["opened_version"])  # rows only shown
        return fieldsets


class MentionInline(ArticleChildInline):
    model = Mention
    form = VersionedForm
    formset = VersionedInlineFormSet
    fields = ["person", "role", "why", "opened_version"]
    readonly_fields = ["why"]
    autocomplete_fields = ["person"]
    verbose_name = "person mentioned"
    verbose_name_plural = "people mentioned"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    @admin.display(description="why a person")
    def why(self, obj):
        if not obj.rule:
            return "—"
        confidence = "—" if obj.confidence is None else f"{obj.confidence:.2f}"
        rule = obj.rule.split(".", 1)[-1].replace("_", " ")
        return format_html("{} · {} · “{}”", rule, confidence, obj.evidence)


def provenance_html(quote: Quote, *, short: bool = False):
    """How the importer chose a quote's speaker: rule, cue, confidence, and where from."""
    if not quote.rule:
        return "—"
    confidence = "—" if quote.confidence is None else f"{quote.confidence:.2f}"
    rule = quote.rule.split(".", 1)[-1].replace("_", " ")
    if short:
        return format_html("{} · {}", rule, confidence)
    parts = [format_html("<strong>{}</strong> (confidence {})", rule, confidence)]
    if quote.cue:
        parts.append(format_html("cue: “{}”", quote.cue))
    if quote.resolved_from:
        parts.append(format_html("speaker resolved from: “{}”", quote.resolved_from))
    if quote.source_description:
        parts.append(format_html("unnamed source: “{}”", quote.source_description))
    return format_html_join(mark_safe("<br>"), "{}", ((p,) for p in parts))


class ConfidenceFilter(admin.SimpleListFilter):
    """Quotes by how sure the importer is of their speaker."""

    title = "speaker confidence"
    parameter_name = "confidence"

    def lookups(self, request, model_admin):
        return [
            ("hidden", "Below the public floor (hidden until verified)"),
            ("low", "Low (under 0.7)"),
            ("medium", "Medium (0.7 to 0.9)"),
            ("high", "High (0.9 and over)"),
            ("none", "Not scored (no speaker, or an editor's quote)"),
        ]

    def queryset(self, request, queryset):
        bands = {
            "hidden": Q(pk__in=Quote.objects.low_confidence().values("pk")),
            "low": Q(confidence__lt=0.7),
            "medium": Q(confidence__gte=0.7, confidence__lt=0.9),
            "high": Q(confidence__gte=0.9),
            "none": Q(confidence__isnull=True),
        }
        return queryset.filter(bands[self.value()]) if self.value() in bands else queryset


class QuoteInline(ArticleChildInline):
    model = Quote
    form = VersionedForm
    formset = VersionedInlineFormSet
    # What a review needs, within a 1280 px screen (issue 10 §2): the kind and "said to"
    # are on the quote's own page, one click away (show_change_link).
    fields = [
        "text",
        "speaker",
        "speaker_organization",
        "how",
        "state",
        "opened_version",
    ]
    readonly_fields = ["how"]
    autocomplete_fields = ["speaker", "speaker_organization"]
    show_change_link = True
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "speaker_organization")

    @admin.display(description="how the speaker was found")
    def how(self, obj):
        return provenance_html(obj, short=True)


class FlagsFilter(admin.SimpleListFilter):
    """Articles by the importer's warnings (``Article.flags``: no headline, hard-wrapped...)."""

    title = "importer flags"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        found = set()
        for flags in Article.objects.flagged().values_list("flags", flat=True):
            found.update(f for f in flags if isinstance(f, str))
        return [("none", "No flags"), *((f, f.replace("_", " ")) for f in sorted(found))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(flags=[])
        if self.value():
            # Flags are codes stored in a JSON list: '"code"' matches exactly that code.
            return queryset.filter(flags__icontains=f'"{self.value()}"')
        return queryset


class AutocompleteListFilter(admin.RelatedFieldListFilter):
    """A filter on a related row chosen with the admin's autocomplete, not a list of all.

    ``RelatedOnlyFieldListFilter`` lists every person who said a quote (hundreds); this
    shows a search box (select2, from the admin) and lists only the chosen row. Without
    JavaScript it is a select of the chosen row and a Filter button; with it, choosing
    submits (``static/admin/articles/filters.js``).
    """

    template = "admin/articles/autocomplete_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.request = request
        self.admin_site = model_admin.admin_site
        super().__init__(field, request, params, model, model_admin, field_path)

    def widget_html(self):
        """The search box (rendered when the filter is shown, not when it is built)."""
        chooser = forms.ModelChoiceField(
            queryset=self.field.related_model._default_manager.all(),
            widget=AutocompleteSelect(self.field, self.admin_site),
        )
        selected = self.lookup_val[-1] if self.lookup_val else None
        return chooser.widget.render(
            self.lookup_kwarg, selected, attrs={"id": f"filter-{self.field_path}"}
        )

    def has_output(self):
        return True

    def field_choices(self, field, request, model_admin):
        # Only the chosen row: the search box finds the others.
        if not self.lookup_val:
            return []
        chosen = field.related_model._default_manager.filter(pk__in=self.lookup_val)
        return [(obj.pk, str(obj)) for obj in chosen]

    def keep_params(self):
        """The changelist's other parameters, kept by the filter's form."""
        dropped = {self.lookup_kwarg, self.lookup_kwarg_isnull, "p"}
        return [
            (name, value)
            for name, values in self.request.GET.lists()
            if name not in dropped
            for value in values
        ]


# The most quotes (or people mentioned) an article's form edits inline; see get_inlines.
INLINE_LIMIT = 50


class UnreviewedQuotesFilter(admin.SimpleListFilter):
    title = "unreviewed quotes"
    parameter_name = "unreviewed"

    def lookups(self, request, model_admin):
        return [("yes", "Has unreviewed quotes"), ("no", "All quotes reviewed")]

    def queryset(self, request, queryset):
        pending = Exists(Quote.objects.filter(article=OuterRef("pk"), state=Quote.State.UNREVIEWED))
        if self.value() == "yes":
            return queryset.filter(pending)
        if self.value() == "no":
            return queryset.filter(~pending)
        return queryset


class PossibleVersionFilter(admin.SimpleListFilter):
    title = "possible new version"
    parameter_name = "possible_version"

    def lookups(self, request, model_admin):
        return [("yes", "May be a new version of another article")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(similar_to__isnull=False)
        return queryset


@admin.register(Article)
class ArticleAdmin(ReviewAdminMixin, WriteRuleAdmin, EditingAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "source",
        "status_display",
        "published_at",
        "people_count",
        "quote_count",
        "unreviewed_count",
        "review_link",
        "last_change",
    ]
    list_filter = [
        "status",
        UnreviewedQuotesFilter,
        FlagsFilter,
        PossibleVersionFilter,
        "source",
        "published_at",
    ]
    list_select_related = ["source"]
    search_fields = ["headline", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["source", "related", "lead_image"]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [MentionInline, QuoteInline]
    save_on_top = True
    formfield_overrides = {models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    actions = [
        "publish",
        "unpublish",
        "archive",
        "send_to_review",
        "return_to_draft",
        "rerun_extraction",
        "fetch_og_image",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "byline", "source", "opened_version"]}),
        (
            "Image",
            {
                "fields": ["lead_image", "image_caption", "image_credit", "og_image_link"],
                "description": "The lead image's own caption and credit are shown when it has "
                "them; these two are used when there is no image.",
            },
        ),
        ("Text", {"fields": ["body"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "public_page", "flags", "similar_to"],
                "description": "Readers see a published article from its publication time on; "
                "a future time schedules it.",
            },
        ),
        ("Quotes", {"fields": ["quotes_summary"]}),
        ("Related articles", {"fields": ["related", "related_links"], "classes": ["collapse"]}),
        (
            "Import provenance",
            {
                "fields": [
                    "url",
                    "source_file",
                    "imported_at",
                    "content_hash",
                    "created_at",
                    "updated_at",
                    "raw_input_display",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    readonly_fields = [
        "quotes_summary",
        "og_image_link",
        "public_page",
        "similar_to",
        "url",
        "source_file",
        "imported_at",
        "content_hash",
        "created_at",
        "updated_at",
        "raw_input_display",
    ]

    def get_queryset(self, request):
        quotes = Quote.objects.filter(article=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                people_count=count_of(Mention.objects.filter(article=OuterRef("pk")), by="article"),
                quote_count=count_of(quotes.exclude(state=Quote.State.REJECTED), by="article"),
                unreviewed_count=count_of(
                    quotes.filter(state=Quote.State.UNREVIEWED), by="article"
                ),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not publishing.can_publish(request.user):
            fields.append("published_at")  # setting the time is scheduling: editors only
        return fields

    def has_publish_permission(self, request):
        return publishing.can_publish(request.user)

    # --- columns and read-only fields ------------------------------------------------

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        """The status, and for a published article whether readers see it yet."""
        if obj.status != Article.Status.PUBLISHED:
            return obj.get_status_display()
        if obj.is_published:
            return "Published (live)"
        when = timezone.localtime(obj.published_at).strftime("%Y-%m-%d %H:%M")
        return f"Published (scheduled for {when})"

    @admin.display(description="people", ordering="people_count")
    def people_count(self, obj):
        return obj.people_count

    @admin.display(description="last change", ordering="updated_at")
    def last_change(self, obj):
        return timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="quotes", ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count

    @admin.display(description="unreviewed", ordering="unreviewed_count")
    def unreviewed_count(self, obj):
        return obj.unreviewed_count

    def get_inlines(self, request, obj):
        # An article with hundreds of quotes cannot be one form: Django refuses a POST of
        # more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields, and 5,000 rows of
        # autocompletes took 111 s to open (issue 11 §4). Past the limit its quotes (or
        # people) are reviewed on the review screen and edited on their own pages.
        inlines = list(super().get_inlines(request, obj))
        if obj is None or obj.pk is None:
            return inlines
        counts = {QuoteInline: obj.quotes.count(), MentionInline: obj.mentions.count()}
        return [i for i in inlines if counts.get(i, 0) <= INLINE_LIMIT]

    @admin.display(description="quotes")
    def quotes_summary(self, obj):
        if obj.pk is None:
            return "—"
        total, unreviewed = (
            obj.quotes.count(),
            obj.quotes.filter(state=Quote.State.UNREVIEWED).count(),
        )
        review = reverse("admin:articles_article_review", args=[obj.pk])
        listed = reverse("admin:articles_quote_changelist") + f"?article__id__exact={obj.pk}"
        where = (
            "listed below"
            if total <= INLINE_LIMIT
            else f"too many to edit in this form (more than {INLINE_LIMIT})"
        )
        return format_html(
            '{} quote(s), {} unreviewed, {}. <a href="{}">Review them one by one</a> or '
            '<a href="{}">open them in the quote list</a>.',
            total,
            unreviewed,
            where,
            review,
            listed,
        )

    @admin.display(description="review")
    def review_link(self, obj):
        url = reverse("admin:articles_article_review", args=[obj.pk])
        return format_html('<a href="{}">Review quotes</a>', url)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["review_url"] = reverse("admin:articles_article_review", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="public page")
    def public_page(self, obj):
        if obj.pk is None:
            return "—"
        if obj.is_published:
            return format_html(
                '<a href="{}">{}</a>', obj.get_absolute_url(), "Open the public page"
            )
        return format_html(
            '<a href="{}">{}</a> (staff only until it is published)',
            obj.get_absolute_url(),
            "Preview",
        )

    @admin.display(description="raw input")
    def raw_input_display(self, obj):
        if not obj.raw_input:
            return "—"
        # Escaped by format_html: scraped text is never trusted as markup.
        return format_html(
            '<pre class="raw-input">{}</pre>',
            obj.raw_input,
        )

    # --- actions ---------------------------------------------------------------------

    def _run_transition(self, request, queryset, service, verb):
        try:
            result = service(articles=queryset, by=request.user)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        if result.changed:
            self.message_user(
                request, f"{verb} {len(result.changed)} article(s).", messages.SUCCESS
            )
        report_skipped(self, request, result.skipped)

    @admin.action(description="Publish (now, or at the time already set)", permissions=["publish"])
    def publish(self, request, queryset):
        self._run_transition(request, queryset, publishing.publish, "Published")

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        self._run_transition(request, queryset, publishing.unpublish, "Unpublished")

    @admin.action(description="Archive (take off the site)", permissions=["publish"])
    def archive(self, request, queryset):
        self._run_transition(request, queryset, publishing.archive, "Archived")

    @admin.action(description="Send to review", permissions=["change"])
    def send_to_review(self, request, queryset):
        self._run_transition(request, queryset, publishing.send_to_review, "Sent to review")

    @admin.action(description="Return to draft (from review)", permissions=["change"])
    def return_to_draft(self, request, queryset):
        self._run_transition(request, queryset, publishing.return_to_draft, "Returned to draft")

    @admin.action(description="Re-run extraction (keeps editors' edits)", permissions=["change"])
    def rerun_extraction(self, request, queryset):
        results = publishing.rerun_extraction(articles=queryset, by=request.user)
        done = [r for r in results if r.outcome != "failed"]
        failed = [r for r in results if r.outcome == "failed"]
        if done:
            updated = sum(r.outcome == "updated" for r in done)
            self.message_user(
                request,
                f"Re-extracted {len(done)} article(s): {updated} updated, "
                f"{len(done) - updated} unchanged.",
                messages.SUCCESS,
            )
        report_skipped(self, request, [(r.headline or r.path, r.error) for r in failed])

    @admin.display(description="og:image reference")
    def og_image_link(self, obj):
        # A link, never an <img>: the page's images come from our own site only (CSP).
        if not obj.og_image_url:
            return "—"
        return format_html(
            '<a href="{}" rel="nofollow noopener noreferrer">{}</a>',
            obj.og_image_url,
            obj.og_image_url,
        )

    @admin.action(description="Fetch og:image into the library", permissions=["change"])
    def fetch_og_image(self, request, queryset):
        fetched, skipped = 0, []
        for article in queryset.select_related("lead_image"):
            if not self.has_change_permission(request, article):
                skipped.append((article, "you may not change it"))
            elif not article.og_image_url:
                skipped.append((article, "no og:image reference"))
            elif article.lead_image_id is not None:
                skipped.append((article, "it already has a lead image"))
            else:
                try:
                    images.fetch_reference(article, by=request.user)
                except images.ImageProblem as problem:
                    skipped.append((article, f"og:image {problem}"))
                else:
                    fetched += 1
        if fetched:
            self.message_user(
                request, f"Fetched the og:image of {fetched} article(s).", messages.SUCCESS
            )
        report_skipped(self, request, skipped)


# --- lead images -----------------------------------------------------------------------


@admin.register(LeadImage)
class LeadImageAdmin(WriteRuleAdmin, admin.ModelAdmin):
    form = LeadImageForm
    list_display = ["__str__", "thumbnail", "width", "height", "credit", "created_at"]
    search_fields = ["alt", "caption", "credit"]
    readonly_fields = ["thumbnail", "width", "height", "source_url", "renditions_list"]
    fields = [
        "file",
        "thumbnail",
        "alt",
        "caption",
        "credit",
        "width",
        "height",
        "source_url",
        "renditions_list",
    ]

    @admin.display(description="Preview")
    def thumbnail(self, obj):
        if not obj.pk or not obj.renditions:
            return "—"
        return format_html(
            '<img src="{}" srcset="{}" sizes="240px" width="240" alt="{}">',
            obj.url,
            obj.srcset,
            obj.alt,
        )

    @admin.display(description="Renditions")
    def renditions_list(self, obj):
        return ", ".join(f"{r['width']}×{r['height']}" for r in obj.renditions) or "—"

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # saving unchanged changes no row
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            obj.renditions = images.make_renditions(obj)
            obj.save(update_fields=["renditions"])

    def log_change(self, request, obj, message):
        if not message:
            return None  # nothing changed: nothing to log
        return super().log_change(request, obj, message)


# --- quotes ----------------------------------------------------------------------------


@admin.register(Quote)
class QuoteAdmin(WriteRuleAdmin, EditingAdmin):
    list_display = [
        "__str__",
        "speaker",
        "speaker_organization",
        "confidence_shown",
        "kind",
        "state",
        "article_link",
        "article_date",
    ]
    list_filter = [
        "state",
        ConfidenceFilter,
        "kind",
        ("speaker", AutocompleteListFilter),
        ("article__source", admin.RelatedOnlyFieldListFilter),
        ("article__published_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["speaker", "speaker_organization", "article"]
    search_fields = ["text", "sentence"]
    autocomplete_fields = ["speaker", "speaker_organization", "article"]
    fields = [
        "article",
        "text",
        "speaker",
        "speaker_organization",
        "provenance",
        "kind",
        "said_to",
        "state",
        "sentence",
        "paragraph",
        "start",
        "end",
        "created_at",
        "updated_at",
        "opened_version",
    ]
    readonly_fields = ["provenance", "created_at", "updated_at"]
    actions = ["verify", "reject", "reassign_speaker"]

    @admin.display(description="how the speaker was found")
    def provenance(self, obj):
        return provenance_html(obj)

    @admin.display(description="confidence", ordering="confidence")
    def confidence_shown(self, obj):
        return "—" if obj.confidence is None else f"{obj.confidence:.2f}"

    form = QuoteAdminForm

    @property
    def media(self):
        # The speaker filter's search box: the admin's select2, then our submit-on-choose.
        chooser = AutocompleteSelect(Quote._meta.get_field("speaker"), self.admin_site)
        return super().media + chooser.media + forms.Media(js=["admin/articles/filters.js"])

    @admin.display(description="article", ordering="article__headline")
    def article_link(self, obj):
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.headline)

    @admin.display(description="article date", ordering="article__published_at")
    def article_date(self, obj):
        return obj.article.published_at

    def _set_state(self, request, queryset, state, verb):
        try:
            changed = publishing.set_quote_state(
                quotes=queryset.select_related("article"), state=state, by=request.user
            )
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"{verb} {changed} quote(s).", messages.SUCCESS)

    @admin.action(description="Mark as verified", permissions=["change"])
    def verify(self, request, queryset):
        self._set_state(request, queryset, Quote.State.VERIFIED, "Verified")

    @admin.action(description="Reject (never shown to readers)", permissions=["change"])
    def reject(self, request, queryset):
        self._set_state(request, queryset, Quote.State.REJECTED, "Rejected")

    @admin.action(description="Reassign speaker…", permissions=["change"])
    def reassign_speaker(self, request, queryset):
        quotes = queryset.select_related("article", "speaker", "speaker_organization")
        form = ReassignSpeakerForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                changed = publishing.reassign_speaker(
                    quotes=quotes,
                    speaker=form.cleaned_data["speaker"],
                    organization=form.cleaned_data["speaker_organization"],
                    by=request.user,
                )
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(request, f"Reassigned {changed} quote(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reassign the speaker",
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "quotes": quotes,
            "action": "reassign_speaker",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/quote/reassign_speaker.html", context)


# --- imports ---------------------------------------------------------------------------


class ImportRunFileInline(admin.TabularInline):
    model = ImportRunFile
    fields = ["name", "outcome", "article_link", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "file"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="article")
    def article_link(self, obj):
        if obj.article_id is None:
            return obj.headline or "—"
        url = reverse("admin:articles_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article.headline)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Imports from the admin, read-only; new ones start from the upload page."""

    list_display = [
        "started_at",
        "user",
        "status",
        "files_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "failed_count",
    ]
    list_select_related = ["user"]
    date_hierarchy = "started_at"
    inlines = [ImportRunFileInline]
    fields = list_display + ["finished_at", "heartbeat_at"]
    readonly_fields = fields

    def get_urls(self):
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="articles_importrun_upload",
        )
        return [upload, *super().get_urls()]

    def has_add_permission(self, request):
        return False  # runs are made by the upload page, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return publishing.may(request.user, "add", ImportRun())

    def changelist_view(self, request, extra_context=None):
        extra = {"can_import": self.has_import_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if run is not None:
            extra["progress"] = import_runs.run_summary(run)
            extra["run_status"] = run.get_status_display()
            # The page reloads itself while files are still waiting (no script needed).
            extra["refresh_seconds"] = 2 if run.status != ImportRun.Status.FINISHED else None
        return super().change_view(request, object_id, form_url, extra)

    def upload_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            run = publishing.import_uploads(files=form.cleaned_data["files"], by=request.user)
            if run.status == ImportRun.Status.FINISHED:
                level = messages.WARNING if run.failed_count else messages.SUCCESS
                self.message_user(
                    request,
                    f"Imported {run.files_count} file(s): {run.created_count} created, "
                    f"{run.updated_count} updated, {run.unchanged_count} unchanged, "
                    f"{run.failed_count} failed.",
                    level,
                )
            else:
                self.message_user(
                    request,
                    f"{run.files_count} file(s) queued for import. This page shows each "
                    "file's outcome as it is imported.",
                    messages.INFO,
                )
            return HttpResponseRedirect(reverse("admin:articles_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import articles",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/importrun/upload.html", context)


# --- partner API tokens (django-rest-knox) -----------------------------------------------


class PartnerTokenForm(forms.ModelForm):
    """A new token: for which partner account, until when. The key is made on save."""

    account = forms.CharField(
        max_length=150,
        help_text="The partner's account name; a new name makes an account that cannot log in.",
    )
    expires = forms.SplitDateTimeField(
        widget=admin.widgets.AdminSplitDateTime, help_text="The token stops working after this."
    )

    class Meta:
        model = AuthToken
        fields: list[str] = []

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["expires"].initial = timezone.now() + dt.timedelta(
            days=publishing.PARTNER_TOKEN_DAYS
        )

    def clean(self):
        data = super().clean()
        if "account" in data and "expires" in data:
            publishing.check_partner_token(
                account=data["account"], expires_at=data["expires"], by=self.by
            )
        return data


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class PartnerTokenAdmin(admin.ModelAdmin):
    """Editors create tokens for partners (shown once), see when they expire, revoke them."""

    form = PartnerTokenForm
    list_display = ["token_key", "user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username", "token_key"]
    readonly_fields = ["token_key", "user", "created", "expiry"]
    fields = readonly_fields

    def get_queryset(self, request):
        return publishing.tokens_visible_to(super().get_queryset(request), by=request.user)

    def get_fields(self, request, obj=None):
        return ["account", "expires"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class BoundToEditor(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, by=request.user, **inner)

        return BoundToEditor

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        token, key = publishing.create_partner_token(
            account=form.cleaned_data["account"],
            expires_at=form.cleaned_data["expires"],
            by=request.user,
        )
        obj.__dict__.update({f.attname: getattr(token, f.attname) for f in obj._meta.fields})
        obj._state.adding, obj._state.db = False, token._state.db
        self.message_user(
            request,
            f"The token for {token.user}, shown only now (only its digest is stored): {key}",
            messages.WARNING,
        )


# --- auth: users and groups --------------------------------------------------------------


class UnchangedSaveAdmin:
    """Saving the form unchanged writes nothing: no row, no admin log entry (issue 10)."""

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        if not message:
            return None  # Django logs "No fields changed." otherwise
        return super().log_change(request, obj, message)


for _model, _stock in [(User, UserAdmin), (Group, GroupAdmin)]:
    admin.site.unregister(_model)
    admin.site.register(_model, type(_stock.__name__, (UnchangedSaveAdmin, _stock), {}))
