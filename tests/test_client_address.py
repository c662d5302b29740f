"""The client's address behind proxies, and the API's rate limit keyed on it (issue 11 §4)."""

import pytest
from rest_framework.test import APIClient

from newsroom.proxies import client_address
from tests.test_deploy import check_deploy, production_env

LIMIT = 5


@pytest.mark.parametrize(
    ("forwarded", "trusted", "expected"),
    [
        ("", 0, "10.0.0.9"),
        ("198.51.100.1", 0, "10.0.0.9"),  # no proxy of ours: the header is the client's word
        ("198.51.100.1", 1, "198.51.100.1"),
        ("6.6.6.6, 198.51.100.1", 1, "198.51.100.1"),  # the client's own entry is ignored
        ("6.6.6.6, 198.51.100.1, 10.0.0.5", 2, "198.51.100.1"),
        ("198.51.100.1", 3, "198.51.100.1"),  # fewer hops than proxies: the first
        ("not-an-address", 1, "10.0.0.9"),
        ("2001:db8::1", 1, "2001:db8::1"),
    ],
)
def test_client_address_believes_only_trusted_proxies(forwarded, trusted, expected):
    meta = {"REMOTE_ADDR": "10.0.0.9"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(meta, trusted) == expected


@pytest.fixture
def low_limit(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": f"{LIMIT}/minute"},
    }


def allowed(requests: list[dict]) -> int:
    client = APIClient()
    statuses = [client.get("/api/v1/sources/", **extra).status_code for extra in requests]
    assert set(statuses) <= {200, 429}, statuses
    return statuses.count(200)


@pytest.mark.django_db
def test_spoofed_forwarded_for_does_not_escape_the_rate_limit(low_limit, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    spoofed = [{"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"} for n in range(50)]
    assert allowed(spoofed) == LIMIT


@pytest.mark.django_db
def test_behind_a_proxy_the_limit_keys_on_the_address_it_appended(low_limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # One client sends a new address of its own each time; the proxy appends the real one.
    spoofed = [{**proxy, "HTTP_X_FORWARDED_FOR": f"203.0.113.{n}, 198.51.100.7"} for n in range(50)]
    assert allowed(spoofed) == LIMIT
    # Another client behind the same proxy has a limit of its own.
    other = [{**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.8"}] * (LIMIT + 3)
    assert allowed(other) == LIMIT


def test_check_deploy_requires_a_shared_cache():
    result = check_deploy(production_env(REDIS_URL=""))
    assert result.returncode != 0
    assert "newsroom.E001" in result.stderr + result.stdout
    assert "REDIS_URL" in result.stderr + result.stdout
