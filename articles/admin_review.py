"""The review screen: one article's quotes checked one by one, and the queue of articles
that still have unreviewed quotes.

The screen shows the article as readers will see it with every quote marked (rejected and
hidden ones too, each in its own colour); a quote's link opens its panel beside the text:
speaker, cue, rule, confidence, and buttons to verify, reject or change the speaker (an
existing person or organisation through the admin's own autocomplete, or a new one typed
in). It works without JavaScript (links and forms); ``static/admin/articles/review.js``
adds the keys v, r, u, j and k. Every write goes through ``publishing.review_quote`` and
``publishing.add_speaker``, which check the version the page showed and the permissions.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles import publishing
from articles.models import Article, Person, Quote, Source
from articles.views import mark_quotes

QUEUE_PAGE_SIZE = 50


class ReviewSpeakerForm(forms.Form):
    """A quote's new speaker: an existing person or organisation, or a new one by name."""

    speaker = forms.ModelChoiceField(queryset=Person.objects.all(), required=False)
    speaker_organization = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, label="or organisation"
    )
    new_name = forms.CharField(
        required=False, max_length=200, label="or a new speaker", help_text="Their name."
    )
    new_kind = forms.ChoiceField(
        choices=[("person", "a person"), ("organization", "an organisation")],
        initial="person",
        label="who is",
    )
    new_role = forms.CharField(required=False, max_length=300, label="role (a person's)")

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("speaker", "speaker_organization"):
            field = self.fields[name]
            field.widget = AutocompleteSelect(
                Quote._meta.get_field(name), admin_site, attrs={"data-width": "100%"}
            )
            field.widget.choices = field.choices

    def clean(self):
        cleaned = super().clean()
        chosen = [
            bool(cleaned.get("speaker")),
            bool(cleaned.get("speaker_organization")),
            bool(cleaned.get("new_name", "").strip()),
        ]
        if sum(chosen) != 1:
            raise ValidationError(
                "Choose one speaker: a person, an organisation, or a new name.", code="speaker"
            )
        return cleaned


def _quote_link(words: str, quote: Quote, selected_pk=None):
    classes = f"review-quote state-{quote.state}"
    if quote.pk == selected_pk:
        classes += " selected"
    if quote.is_below_floor:
        classes += " hidden-from-readers"
    return format_html(
        '<q class="{}" id="quote-{}"><a href="?quote={}#quote-{}">{}</a></q>',
        classes,
        quote.pk,
        quote.pk,
        quote.pk,
        words,
    )


class ReviewAdminMixin:
    """Adds the review screen (``<id>/review/``) and queue (``review/``) to ArticleAdmin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(self.review_queue_view), name="articles_article_review_queue"),
            path(
                "<path:object_id>/review/", view(self.review_view), name="articles_article_review"
            ),
            path(
                "<path:object_id>/review/<int:quote_id>/",
                view(self.review_quote_view),
                name="articles_article_review_quote",
            ),
            *super().get_urls(),
        ]

    # --- the queue ------------------------------------------------------------------

    def review_queue_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        queue = Article.objects.to_review().select_related("source")
        page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Quotes to review",
            "opts": self.model._meta,
            "page": page,
            "floor": settings.NEWSROOM_PUBLIC_MIN_CONFIDENCE,
            "counts": publishing.review_counts(),
        }
        return TemplateResponse(request, "admin/articles/article/review_queue.html", context)

    # --- one article ------------------------------------------------------------------

    def _review_article(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def review_view(self, request, object_id, speaker_form=None):
        article = self._review_article(request, object_id)
        quotes = list(
            article.quotes.select_related("speaker", "speaker_organization").order_by(
                "paragraph", "start", "pk"
            )
        )
        selected = _selected(quotes, request.GET.get("quote"))
        selected_pk = selected.pk if selected else None
        at = quotes.index(selected) if selected else None
        can_edit = self.has_change_permission(request, article)
        speaker_form = speaker_form or ReviewSpeakerForm(admin_site=self.admin_site)
        review_url = reverse("admin:articles_article_review", args=[article.pk])
        mentions = article.mentions.select_related("person").order_by("person__name")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review: {article.headline}",
            "opts": self.model._meta,
            "article": article,
            "original": article,
            "paragraphs": mark_quotes(
                article.paragraphs,
                quotes,
                markup=lambda words, quote: _quote_link(words, quote, selected_pk),
            ),
            "quotes": quotes,
            "selected": selected,
            "selected_index": f"{at + 1} of {len(quotes)}" if selected else "",
            "provenance": _provenance(selected) if selected else [],
            "previous": quotes[at - 1] if at else None,
            "next": quotes[at + 1] if at is not None and at + 1 < len(quotes) else None,
            "unreviewed": sum(q.state == Quote.State.UNREVIEWED for q in quotes),
            "can_edit": can_edit,
            "speaker_form": speaker_form,
            "media": self.media + speaker_form.media,
            "mentions": mentions,
            "review_url": review_url,
            "change_url": reverse("admin:articles_article_change", args=[article.pk]),
            "queue_url": reverse("admin:articles_article_review_queue"),
            "states": Quote.State,
        }
        return TemplateResponse(request, "admin/articles/article/review.html", context)

    def review_quote_view(self, request, object_id, quote_id):
        """Verify, reject or re-open a quote, or change its speaker; then the next quote."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._review_article(request, object_id)
        quote = get_object_or_404(Quote.objects.select_related("article"), pk=quote_id)
        if quote.article_id != article.pk:
            raise Http404("That quote is not in this article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = _int(request.POST.get("version"))
        review_url = reverse("admin:articles_article_review", args=[article.pk])
        try:
            if "state" in request.POST:
                state = request.POST["state"]
                if state not in Quote.State.values:
                    raise ValidationError("Unknown state.", code="state")
                publishing.review_quote(quote=quote, version=version, state=state, by=request.user)
                self.message_user(
                    request, f"{quote}: {Quote.State(state).label.lower()}.", messages.SUCCESS
                )
                go_to = _next_unreviewed(article, quote) or quote
            else:
                form = ReviewSpeakerForm(request.POST, admin_site=self.admin_site)
                if not form.is_valid():
                    request.GET = request.GET.copy()
                    request.GET["quote"] = str(quote.pk)
                    return self.review_view(request, object_id, speaker_form=form)
                data = form.cleaned_data
                new_speaker = None
                if data["new_name"].strip():
                    new_speaker = {
                        "name": data["new_name"],
                        "kind": data["new_kind"],
                        "role": data["new_role"],
                    }
                stored = publishing.review_quote(
                    quote=quote,
                    version=version,
                    speaker=data["speaker"],
                    organization=data["speaker_organization"],
                    new_speaker=new_speaker,
                    by=request.user,
                )
                self.message_user(
                    request, f"{quote}: now said by {stored.speaker_name}.", messages.SUCCESS
                )
                go_to = quote
        except publishing.StaleQuote as exc:
            self.message_user(
                request,
                f"Not saved: {exc} since this page was opened. Here it is as it is now.",
                messages.ERROR,
            )
            go_to = quote
        except (PermissionDenied, ValidationError) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, f"Not saved: {text}", messages.ERROR)
            go_to = quote
        return HttpResponseRedirect(f"{review_url}?quote={go_to.pk}#quote-{go_to.pk}")


def _selected(quotes: list[Quote], wanted) -> Quote | None:
    """The quote asked for, else the first unreviewed one, else the first."""
    by_pk = {str(q.pk): q for q in quotes}
    if wanted in by_pk:
        return by_pk[wanted]
    unreviewed = [q for q in quotes if q.state == Quote.State.UNREVIEWED]
    return (unreviewed or quotes or [None])[0]


def _next_unreviewed(article: Article, after: Quote) -> Quote | None:
    """The next unreviewed quote after ``after`` in reading order, wrapping round."""
    pending = article.quotes.filter(state=Quote.State.UNREVIEWED).exclude(pk=after.pk)
    order = ("paragraph", "start", "pk")
    later = pending.filter(paragraph=after.paragraph, start__gt=after.start) | pending.filter(
        paragraph__gt=after.paragraph
    )
    return later.order_by(*order).first() or pending.order_by(*order).first()


def _provenance(quote: Quote) -> list[tuple[str, str]]:
    """(label, value) rows of how the importer chose ``quote``'s speaker."""
    rows = [
        ("rule", quote.rule.split(".", 1)[-1].replace("_", " ") if quote.rule else "—"),
        ("cue", quote.cue or "—"),
        ("confidence", "—" if quote.confidence is None else f"{quote.confidence:.2f}"),
    ]
    if quote.resolved_from:
        rows.append(("speaker resolved from", quote.resolved_from))
    if quote.source_description:
        rows.append(("unnamed source", quote.source_description))
    return rows


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
