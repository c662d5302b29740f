"""URLs for bench/api_bench.py only: the site's URLs plus /bench/ceiling/.

The ceiling view returns a precomputed JSON body (the size of an article list page) with
no database access and no framework: the most this machine's Django can serve.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

BODY = Path(os.environ.get("API_BENCH_CEILING_BODY", "/dev/null")).read_bytes()


def ceiling(request):
    return HttpResponse(BODY, content_type="application/json")


urlpatterns = [path("bench/ceiling/", ceiling), *site_urlpatterns]
