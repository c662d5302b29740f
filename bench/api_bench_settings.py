"""Settings for bench/api_bench.py only: production settings plus the ceiling view's URL.

The plain-JSON "ceiling" view must never be reachable in production, so it is mounted by a
bench-only URLconf; the anonymous rate limit is lifted so the load generator is not refused.
"""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import REST_FRAMEWORK

ROOT_URLCONF = "bench.api_bench_urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}
