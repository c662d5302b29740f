"""URLs under /api/: version 1 of the reader API, its OpenAPI schema, its documentation
(Swagger UI and ReDoc) and the pages of its problem types."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import api, api_plumbing

app_name = "api"


class Router(DefaultRouter):
    # One URL per resource: no ".json" twins to document and test.
    include_format_suffixes = False


router = Router()
router.register("articles", api.ArticleViewSet, basename="article")
router.register(
    r"articles/(?P<article_slug>[^/]+)/quotes", api.ArticleQuoteViewSet, basename="article-quotes"
)
router.register("people", api.PersonViewSet, basename="person")
router.register(
    r"people/(?P<person_slug>[^/]+)/quotes", api.PersonQuoteViewSet, basename="person-quotes"
)
router.register("quotes", api.QuoteViewSet, basename="quote")
router.register("sources", api.SourceViewSet, basename="source")
router.register(
    r"sources/(?P<source_slug>[^/]+)/articles", api.SourceArticleViewSet, basename="source-articles"
)

urlpatterns = [
    path("v1/", include(router.urls)),
    path(
        "schema/",
        SpectacularAPIView.as_view(custom_settings={"DESCRIPTION": api_plumbing.API_DESCRIPTION}),
        name="schema",
    ),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("problems/<slug:name>/", api_plumbing.problem_type, name="problem"),
    re_path(r"^", api_plumbing.not_found),
]
