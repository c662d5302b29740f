"""Project-level pages: robots.txt."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

# Crawlers have nothing to find in the editors' admin, the JSON API or endless result pages.
ROBOTS_DISALLOW = ["/admin/", "/api/", "/search/"]
SITEMAP_URL_NAMES = ["sitemap", "articles:news-sitemap"]


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines += [f"Sitemap: {request.build_absolute_uri(reverse(name))}" for name in SITEMAP_URL_NAMES]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
