"""Production requirements that `manage.py check --deploy` reports (issue 11 §4)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Cache backends whose entries live in one process: each gunicorn worker would count its own
# rate limit and keep its own cached pages after an editor's change invalidated them elsewhere.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend}) is each process's own: the API's rate limit and "
            "the invalidation of cached pages would not be shared between workers.",
            hint="Set REDIS_URL (redis://host:6379/0) to a Redis server all processes share.",
            id="newsroom.E001",
        )
    ]
