"""URLs for the API benchmarks only: the site's URLs plus the plain "ceiling" views.

A ceiling view returns precomputed bytes with no database access and no framework: the most
this machine's Django can serve for a body of that size.

- ``/bench/ceiling/``: the body in ``API_BENCH_CEILING_BODY`` (bench/api_bench.py).
- ``/bench/ceiling/<name>/``: the file ``<name>`` in ``API_BENCH_CEILING_DIR``
  (bench/uncached_bench.py: one body per endpoint, as large as that endpoint's response),
  read on first use and kept in memory.
"""

import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

BODY = Path(os.environ.get("API_BENCH_CEILING_BODY", "/dev/null")).read_bytes()
BODIES: dict[str, bytes] = {}


def ceiling(request):
    return HttpResponse(BODY, content_type="application/json")


def named_ceiling(request, name):
    body = BODIES.get(name)
    if body is None:
        folder = os.environ.get("API_BENCH_CEILING_DIR")
        file = Path(folder or "/nonexistent") / name
        if not folder or not file.is_file():
            raise Http404(name)
        body = BODIES[name] = file.read_bytes()
    return HttpResponse(body, content_type="application/json")


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("bench/ceiling/<slug:name>/", named_ceiling),
    *site_urlpatterns,
]
