"""The admin login locks a username out from an address after repeated failures (issue 11 §1)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor_user():
    user = UserFactory(username="alice", groups=["Editor"])
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, password, **extra):
    return client.post(LOGIN, {"username": "alice", "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_then_the_right_one_is_refused(editor_user, settings):
    client = Client()
    statuses = [log_in(client, f"guess-{n}").status_code for n in range(50)]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit:]) == {429}
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_forged_forwarded_for_does_not_escape_the_lockout(editor_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client()
    for n in range(50):
        log_in(client, f"guess-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429
    assert not logged_in(client)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_behind_a_proxy_the_editor_elsewhere_can_still_log_in(editor_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    attacker = Client()
    for n in range(50):
        log_in(attacker, f"guess-{n}", **proxy, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.9")
    response = log_in(attacker, PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
    editor = Client()
    response = log_in(editor, PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert response.status_code == 302
    assert logged_in(editor)


def test_a_success_before_the_limit_clears_the_failures(editor_user, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, f"guess-{n}")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, f"again-{n}")
    assert log_in(client, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(editor_user, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess-{n}")
    assert log_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)
