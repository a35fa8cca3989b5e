import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Keyless reads count toward the tracking page's limit in the cache, which outlives a test: every test starts
    # with none, whatever ran before it in this process.
    cache.clear()
    yield
    cache.clear()
