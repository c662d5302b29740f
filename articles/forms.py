"""Forms for the editors' admin: the article form that guards the workflow, the
upload form for imports, and the intermediate pages for merging people and
reassigning speakers."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import publishing
from articles.models import Article, Person, Quote, Source


class ArticleAdminForm(forms.ModelForm):
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


class QuoteAdminForm(forms.ModelForm):
    """The quote form: the article a quote is added to, or moved out of or into, must be
    one this user may edit (a Reporter cannot put words on a live page).

    The admin sets ``user`` on the form class (see ``QuoteAdmin.get_form``).
    """

    user = None

    def clean(self):
        cleaned = super().clean()
        try:
            publishing.check_quote_placement(
                quote=self.instance, article=cleaned.get("article"), by=self.user
            )
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
