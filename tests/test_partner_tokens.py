"""Partner API tokens (issue 13, Operations): editors make them in the admin; stored hashed;
they expire; the API authenticates with them (django-rest-knox)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from articles import publishing
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/knox/authtoken/add/"


def create_in_admin(client, user, **data):
    client.force_login(user)
    data.setdefault("account", "kyiv-daily-app")
    data.setdefault("expires_0", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    data.setdefault("expires_1", "12:00:00")
    return client.post(ADD_URL, data)


def key_shown(response) -> str:
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    (message,) = [m for m in messages if "shown only now" in m]
    return message.rsplit(": ", 1)[1]


def read_with(key: str | None, path="/api/v1/articles/"):
    api = APIClient()
    if key:
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get(path)


def test_an_editor_creates_a_partner_token_in_the_admin_and_the_api_takes_it(client, editor):
    ArticleFactory(published=True)
    response = create_in_admin(client, editor)
    assert response.status_code == 302, response.content.decode()[:2000]
    key = key_shown(response)

    token = AuthToken.objects.get()
    partner = token.user
    assert partner.username == "kyiv-daily-app"
    assert not partner.is_staff and not partner.has_usable_password()
    assert token.expiry.date() == timezone.localdate() + dt.timedelta(days=30)

    answer = read_with(key)
    assert answer.status_code == 200
    assert len(answer.json()["results"]) == 1
    assert read_with(key + "0").status_code == 401
    # The list shows the token's first characters and expiry, never the key (the message
    # that showed it once is gone by the second page).
    client.get("/admin/knox/authtoken/")
    listing = client.get("/admin/knox/authtoken/").content.decode()
    assert "kyiv-daily-app" in listing and key not in listing


def test_tokens_are_stored_as_digests_not_keys(client, editor):
    key = key_shown(create_in_admin(client, editor))
    token = AuthToken.objects.get()
    assert key not in token.digest and len(token.digest) == 128  # SHA-512, hex
    assert key.startswith(token.token_key) and len(token.token_key) < len(key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert key not in stored


def test_an_expired_token_is_refused_and_removed(editor):
    partner = User.objects.create(username="partner")
    token, key = AuthToken.objects.create(user=partner, expiry=dt.timedelta(days=1))
    assert read_with(key).status_code == 200
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    response = read_with(key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.exists()


def test_partners_with_a_token_are_not_held_to_the_anonymous_rate_limit(editor):
    partner = User.objects.create(username="partner")
    _, key = AuthToken.objects.create(user=partner)
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "2/minute"}
    with override_settings(REST_FRAMEWORK={**_rest(), "DEFAULT_THROTTLE_RATES": rates}):
        assert [read_with(None).status_code for _ in range(3)] == [200, 200, 429]
        assert [read_with(key).status_code for _ in range(3)] == [200, 200, 200]


def _rest():
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_editors_may_not_make_tokens_for_staff_logins(client, editor, reporter):
    response = create_in_admin(client, editor, account=reporter.username)
    assert response.status_code == 200
    assert "is a staff login" in response.content.decode()
    assert not AuthToken.objects.exists()
    # The superuser may (staff preview drafts with a token: tests/test_api.py).
    admin = User.objects.create_superuser("root", password="x")
    assert create_in_admin(client, admin, account=reporter.username).status_code == 302
    assert AuthToken.objects.get().user == reporter


def test_an_expiry_in_the_past_is_refused(client, editor):
    response = create_in_admin(client, editor, expires_0="2020-01-01")
    assert "The expiry must be in the future." in response.content.decode()
    assert not AuthToken.objects.exists() and not User.objects.filter(username="kyiv-daily-app")


def test_reporters_may_not_make_tokens_and_editors_see_only_partner_tokens(
    client, editor, reporter
):
    client.force_login(reporter)
    assert client.get(ADD_URL).status_code == 403
    with pytest.raises(publishing.PermissionDenied):
        publishing.create_partner_token(
            account="x", expires_at=timezone.now() + dt.timedelta(days=1), by=reporter
        )
    AuthToken.objects.create(user=reporter)
    client.force_login(editor)
    assert client.get(ADD_URL).status_code == 200
    assert "0 auth tokens" in client.get("/admin/knox/authtoken/").content.decode()
    # An editor revokes a partner's token: it stops working.
    token, key = AuthToken.objects.create(user=User.objects.create(username="partner"))
    response = client.post(f"/admin/knox/authtoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert read_with(key).status_code == 401


def test_drf_plain_text_tokens_are_carried_over_hashed_and_deleted(editor):
    """Migration 0011: a key made before still works, and no longer lies in plain text."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0013_partner_tokens")
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s)", [key, editor.pk])
    # The migration reads only the schema editor's connection.
    migration.carry_over_drf_tokens(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)
        cursor.execute("DROP TABLE authtoken_token")
    token = AuthToken.objects.get()
    assert (token.user, token.digest != key) == (editor, True)
    assert token.expiry > timezone.now() + dt.timedelta(days=364)
    ArticleFactory()  # a draft: staff see it with the carried-over key
    assert len(read_with(key, "/api/v1/articles/?status=draft").json()["results"]) == 1
