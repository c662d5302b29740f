"""Public article pages: the latest published articles, and one article."""

from django.shortcuts import redirect
from django.views.generic import DetailView, ListView

from .models import Article


class ArticleViewMixin:
    """Readers see published articles; staff who may change articles also see drafts."""

    def get_queryset(self):
        return Article.objects.published().select_related("source")

    def can_preview(self) -> bool:
        user = self.request.user
        return user.is_active and user.is_staff and user.has_perm("articles.change_article")


class ArticleListView(ArticleViewMixin, ListView):
    paginate_by = 20
    context_object_name = "articles"


class ArticleDetailView(ArticleViewMixin, DetailView):
    context_object_name = "article"

    def get_queryset(self):
        if self.can_preview():
            return Article.objects.select_related("source")
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=self.object.is_published)
        context = self.get_context_data(object=self.object)
        response = self.render_to_response(context)
        if not self.object.is_published:
            # A staff preview of a draft must never be stored by a shared cache.
            response["Cache-Control"] = "private, no-store"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["paragraphs"] = article.paragraphs
        context["quotes"] = (
            article.quotes.exclude(state="rejected").select_related("speaker", "speaker_organization")
        )
        context["mentions"] = article.mentions.select_related("person")
        context["related"] = article.related.all() & Article.objects.published()
        return context
