"""Top-level URLs: the admin, the public article pages, the API and robots.txt.

/healthz and /readyz are answered by newsroom.health.HealthCheckMiddleware, before routing.
"""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.sitemaps import SITEMAPS
from articles.views import cache_public_page
from newsroom.views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cache_public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("api/", include("articles.api_urls")),
    path("", include("articles.urls")),
]

# Uploaded lead images, served by Django in development only (static() is empty otherwise).
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# An unexpected error: problem details (RFC 9457) under /api/, the site's page elsewhere; the
# database being down is a 503 with Retry-After (newsroom/errors.py).
handler500 = "newsroom.errors.server_error"
