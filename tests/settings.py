"""Settings for the test suite: production settings with test-only secrets.

The project has one settings module (newsroom/settings.py), which refuses to
start without SECRET_KEY and ALLOWED_HOSTS when DEBUG is off. Tests run with
DEBUG off, as production does, so they supply those two here before importing it.
"""

import os

# A developer's .env (DEBUG=1, another database...) must not change what the tests see.
os.environ["NEWSROOM_ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from newsroom.settings import *  # noqa: E402,F403

# Hashing passwords slowly is the point in production and a waste in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run inside the call that queues them, so a test sees an upload imported at once;
# tests of the background path switch to the database backend (tests/test_import_runs.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Hashed static names need `collectstatic` first; tests use the apps' files as they are, as
# development does (tests/test_operations.py runs the production storage in a real server).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
