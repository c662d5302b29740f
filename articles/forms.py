"""Forms for the editors' admin: change forms that refuse a stale save, the article
form that guards the workflow, the upload form for imports, and the intermediate pages
for merging people and reassigning speakers."""

import copy

import lxml.html
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from articles import images, publishing
from articles.models import Article, LeadImage, Person, Quote, Source

# Form fields that are not the row's content: the version, an inline row's id and delete box.
_BOOKKEEPING = ("opened_version", "id", "DELETE")


class VersionedForm(forms.ModelForm):
    """A change form that carries the version of the row it was opened at.

    Saving after someone else saved the row is refused (``publishing.check_version``),
    and nothing is written: the form comes back with the editor's own changes kept,
    every field they did not touch refreshed to what is stored now, the version moved
    on (so saving again applies their changes on top of the other editor's) and
    ``conflict`` describing what the other editor changed.

    The admin sets ``reverting`` on a revert's form class: its instance is an old
    version, so the version to check is the stored row's.
    """

    # Not named "version": the admin refuses a form field named after a non-editable one.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reverting = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk is not None:
            version = self.instance.version
            if self.reverting:
                stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
                version = stored.values_list("version", flat=True).first() or version
            self.initial["opened_version"] = version

    @property
    def edits(self) -> list[str]:
        """The fields this submission changes, compared with the stored row."""
        return [name for name in self.changed_data if name != "opened_version"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.errors or not (self.edits or self.reverting):
            return cleaned  # a new row, an invalid form, or nothing to write
        conflict = publishing.check_version(
            model=type(self.instance), pk=self.instance.pk, version=cleaned.get("opened_version")
        )
        if conflict is not None:
            self.conflict = conflict
            self._refresh_untouched(conflict)
            verbose = type(self.instance)._meta.verbose_name
            raise ValidationError(
                "%(who)s saved this %(what)s after you opened it, so your changes were not "
                "saved. Your changes are kept below, the fields you did not touch show what "
                "is stored now, and the changes they made are listed at the top. Check them, "
                "then save again to apply yours.",
                code="stale",
                params={"who": ", ".join(conflict.saved_by), "what": verbose},
            )
        return cleaned

    def changed_by_editor(self, conflict) -> set[str]:
        """Of this form's fields, those the submission changed from the version it opened."""
        if conflict.base is None:
            return set(self.edits)  # the version opened is not known: keep all of it
        # The opened version as a form: its initial values are what the page showed.
        opened = type(self)(instance=conflict.base, prefix=self.prefix)
        changed = set()
        for name, field in self.fields.items():
            if name in _BOOKKEEPING or name not in opened.fields or field.disabled:
                continue
            data = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if field.has_changed(opened[name].initial, data):
                changed.add(name)
        return changed

    def _refresh_untouched(self, conflict) -> None:
        """Show what is stored now in every field the editor did not change."""
        data = self.data.copy()
        mine = self.conflict_mine = self.changed_by_editor(conflict)
        fresh = type(self)(instance=conflict.current, prefix=self.prefix)
        for name in self.fields:
            if name in mine or name in _BOOKKEEPING or name not in fresh.fields:
                continue
            html_name = self.add_prefix(name)
            for key in [k for k in data if k == html_name or k.startswith(html_name + "_")]:
                del data[key]
            for key, values in _submitted_values(str(fresh[name])).items():
                data.setlist(key, values)
        data[self.add_prefix("opened_version")] = str(conflict.current.version)
        self.data = data


def _submitted_values(html: str) -> dict[str, list[str]]:
    """What a browser submits from the widget ``html`` as it stands (one field's inputs)."""
    values: dict[str, list[str]] = {}
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.xpath(".//input|.//select|.//textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                continue
            if kind in {"checkbox", "radio"} and element.get("checked") is None:
                continue
            default = "on" if kind in {"checkbox", "radio"} else ""
            values.setdefault(name, []).append(element.get("value", default))
        elif element.tag == "select":
            chosen = [o.get("value", o.text or "") for o in element.xpath(".//option[@selected]")]
            values.setdefault(name, []).extend(chosen)
        else:
            # HTML ignores a newline right after <textarea>; Django writes one there.
            text = element.text or ""
            values.setdefault(name, []).append(text[1:] if text.startswith("\n") else text)
    return values


class VersionedInlineFormSet(BaseInlineFormSet):
    """Inline rows (an article's quotes) checked like their parent form.

    A row changed or deleted from a page opened before someone else saved it stops
    the whole save: the formset refuses even a deletion, which Django would otherwise
    carry out without validating the row.
    """

    def get_queryset(self):
        shown = getattr(self, "_rows_shown", None)
        return shown if shown is not None else super().get_queryset()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row_id = form.fields.get(self._pk_field.name)
        if row_id is not None and hasattr(row_id, "error_messages"):
            row_id.error_messages["invalid_choice"] = (
                "Someone else deleted this row after you opened the page."
            )

    def clean(self):
        super().clean()
        # Rows deleted meanwhile: marked for deletion here too, so saving again lets them go.
        gone = [
            form
            for form in self.initial_forms
            if form.instance.pk is None and not self._should_delete_form(form)
        ]
        if gone:
            # The admin pairs the page's rows with the stored rows: keep a place for each.
            self._rows_shown = [form.instance for form in self.initial_forms]
        for form in gone:
            data = form.data.copy()
            data[form.add_prefix("DELETE")] = "on"
            form.data = data
            form.deletion = publishing.find_deletion(
                model=self.model, pk=data.get(form.add_prefix(self._pk_field.name))
            )
        if gone or any(getattr(form, "conflict", None) for form in self.forms):
            raise ValidationError(
                "Someone else changed or deleted rows here after you opened the page; nothing "
                "was saved. Their changes are shown; save again to apply yours.",
                code="stale",
            )


class ArticleAdminForm(VersionedForm):
    """The article change form. Status changes follow the workflow and permissions.

    The admin sets ``user`` on the form class (see ``ArticleAdmin.get_form``).
    """

    user = None

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "byline",
            "source",
            "lead_image",
            "image_caption",
            "image_credit",
            "body",
            "status",
            "published_at",
            "flags",
            "related",
            "related_links",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is not None and not publishing.can_publish(self.user):
            allowed = {Article.Status.DRAFT, Article.Status.REVIEW, self.instance.status}
            status.choices = [c for c in status.choices if c[0] in allowed]

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("status")
        if new is None:
            return cleaned
        # The stored status, not the instance's: a revert loads an old version as the instance.
        current = None
        if self.instance.pk:
            current = (
                Article.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
            )
        try:
            publishing.check_transition(
                article=self.instance, current=current, new=new, by=self.user
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc), code="permission") from None
        if new == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            # Publishing from the form sets the publication time, as the action does.
            cleaned["published_at"] = self.instance.published_at = timezone.now()
        return cleaned


class QuoteAdminForm(VersionedForm):
    """The quote form: the article a quote is added to, or moved out of or into, must be
    one this user may edit (a Reporter cannot put words on a live page).

    The admin sets ``user`` on the form class (see ``QuoteAdmin.get_form``).
    """

    user = None

    def clean(self):
        cleaned = super().clean()
        placed = copy.copy(self.instance)  # the quote as it would be saved, in its new article
        placed.article = cleaned.get("article")
        action = "add" if self.instance.pk is None else "change"
        try:
            publishing.check_write(by=self.user, action=action, obj=placed)
        except PermissionDenied as exc:
            raise ValidationError(str(exc), code="permission") from exc
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.html,.htm,.zip"}))
        # An empty file is reported by the importer with the others, not refused here.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        help_text="Scrapes as .txt, saved pages as .html or .htm, or a .zip of them. "
        "New articles arrive as drafts; articles already here keep editors' changes."
    )


class MergePeopleForm(forms.Form):
    """Pick which of the selected people survives a merge."""

    survivor = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The others' quotes, mentions and names move to this person; they are deleted.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = people


class ReassignSpeakerForm(forms.Form):
    """Choose the new speaker, a person or an organisation, for many quotes."""

    speaker = forms.ModelChoiceField(
        queryset=Person.objects.all(),
        required=False,
        widget=AutocompleteSelect(Quote._meta.get_field("speaker"), admin.site),
    )
    speaker_organization = forms.ModelChoiceField(
        queryset=Source.objects.all(),
        required=False,
        label="or organisation",
        widget=AutocompleteSelect(Quote._meta.get_field("speaker_organization"), admin.site),
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("speaker")) == bool(cleaned.get("speaker_organization")):
            raise ValidationError("Choose a person or an organisation.", code="speaker")
        return cleaned


class LeadImageFileField(forms.ImageField):
    """An image upload checked by ``articles.images.check_image``: type, bytes, pixels.

    Runs before Django's own check, which calls every failure "not an image".
    """

    def to_python(self, data):
        if data in self.empty_values:
            return None
        try:
            images.check_image(data, size=getattr(data, "size", None))
        except images.ImageProblem as problem:
            raise ValidationError(f"Image file refused: {problem}", code="invalid_image") from None
        return super().to_python(data)


class LeadImageForm(forms.ModelForm):
    class Meta:
        model = LeadImage
        fields = ["file", "alt", "caption", "credit"]
        field_classes = {"file": LeadImageFileField}
