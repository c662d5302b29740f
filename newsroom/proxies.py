"""The client's address when the site runs behind proxies (issue 11 §4).

``X-Forwarded-For`` is written by whoever sends the request: a client can put any address in
it. Only the entries appended by proxies we run can be believed, so the number of those proxies
is configuration (``TRUSTED_PROXY_COUNT``, default 0: the header is ignored). The middleware
puts the address found this way in ``REMOTE_ADDR`` before anything reads it, so the API's rate
limit, the admin's login lockout and the logs all key on the same client, by this one rule.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(meta: dict, trusted_proxies: int) -> str:
    """The address of the client that reached the first of ``trusted_proxies`` proxies.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For`` and connects from its own (``REMOTE_ADDR``): the client is the
    ``trusted_proxies``-th entry from the right. Anything left of it was sent by the client and
    is ignored. With no trusted proxy, or no usable entry, it is ``REMOTE_ADDR``.
    """
    remote = meta.get("REMOTE_ADDR", "")
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if trusted_proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    candidate = hops[-min(trusted_proxies, len(hops))]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


class TrustedProxyMiddleware:
    """Puts the client's address (``client_address``) in ``REMOTE_ADDR``; first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META["REMOTE_ADDR"] = client_address(request.META, settings.TRUSTED_PROXY_COUNT)
        return self.get_response(request)


def request_address(request) -> str:
    """The client's address as the middleware set it (for django-axes)."""
    return request.META.get("REMOTE_ADDR", "")
