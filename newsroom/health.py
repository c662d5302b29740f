"""Liveness and readiness for load balancers and orchestrators (issue 13).

``/healthz`` says the process answers (it touches nothing else): restart it if this fails.
``/readyz`` says it can serve: the database, the cache and the task queue are reachable; 503
when one is not, so the balancer sends readers elsewhere until it recovers. Neither is
cached, rate-limited or redirected to HTTPS, and neither checks the Host header: probes reach
each process by its own address, over plain HTTP. The answers name each check and its state,
never an error's text (host names, credentials), which goes to the log instead.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)

HEALTH_PATHS = {"/healthz", "/readyz"}
NOT_CACHEABLE = {"Cache-Control": "no-store"}


def check_database() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    key, value = f"newsroom:readyz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, 10)
    read = cache.get(key)
    cache.delete(key)
    if read != value:
        raise RuntimeError("the cache did not return what was written to it")
    return {}


def check_tasks() -> dict:
    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        return {"ready": DBTaskResult.objects.ready().count()}
    return {}


READINESS_CHECKS = {"database": check_database, "cache": check_cache, "tasks": check_tasks}


def readiness() -> tuple[bool, dict]:
    """Run every check; (all passed, {name: {"status": "ok"|"unavailable", ...details}})."""
    results, ready = {}, True
    for name, check in READINESS_CHECKS.items():
        try:
            results[name] = {"status": "ok", **check()}
        except Exception:
            logger.exception("Readiness check %r failed", name)
            results[name] = {"status": "unavailable"}
            ready = False
    return ready, results


def healthz(request):
    return JsonResponse({"status": "ok"}, headers=NOT_CACHEABLE)


def readyz(request):
    ready, checks = readiness()
    if ready:
        return JsonResponse({"status": "ok", "checks": checks}, headers=NOT_CACHEABLE)
    return JsonResponse(
        {"status": "unavailable", "checks": checks},
        status=503,
        headers={**NOT_CACHEABLE, "Retry-After": "10"},
    )


class HealthCheckMiddleware:
    """Answers GET/HEAD /healthz and /readyz itself, before the rest of the stack runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            return healthz(request) if request.path == "/healthz" else readyz(request)
        return self.get_response(request)
