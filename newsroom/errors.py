"""What a request gets when it fails with an unexpected exception (Django's ``handler500``).

With the database unreachable, nothing is wrong with the request and it will work again soon:
the answer is 503 with ``Retry-After``, not 500 (issue 11 §4). The API answers in its own JSON
error shape; the site with a plain page that needs neither the database nor a request context.
Any other exception is a 500, in JSON under /api/ and Django's page (templates/500.html) elsewhere.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Long enough for a database restart or a failover; short enough that readers come back.
RETRY_AFTER_SECONDS = 30
# Raised by Django's database layer when it cannot reach or talk to the server (the driver's
# own errors are wrapped in these). Other database errors are the code's fault: a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    exception = sys.exc_info()[1]
    unavailable = isinstance(exception, DATABASE_UNAVAILABLE)
    if request.path.startswith(API_PREFIX):
        from articles.api_plumbing import problem_response

        if unavailable:
            response = problem_response(
                request,
                503,
                "service_unavailable",
                f"The service is briefly unavailable. Try again in {RETRY_AFTER_SECONDS} seconds.",
                retry_after=RETRY_AFTER_SECONDS,
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        detail = "Something went wrong on our side; it has been logged."
        return problem_response(request, 500, "server_error", detail)
    if unavailable:
        return HttpResponse(
            unavailable_page(), status=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
        )
    try:
        return defaults.server_error(request, template_name)
    except Exception:
        logger.exception("templates/500.html could not be rendered")
        return HttpResponse(bare_page("Something went wrong"), status=500)


def bare_page(title: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1><p>Sorry, the site cannot show this page right now. "
        "Please try again in a minute.</p></body></html>"
    )


def unavailable_page() -> str:
    """templates/503.html, or a bare page if even that cannot be rendered (an error page
    must not fail in turn: say, static files not collected yet)."""
    try:
        return loader.render_to_string("503.html")
    except Exception:
        logger.exception("templates/503.html could not be rendered")
        return bare_page("Briefly unavailable")
