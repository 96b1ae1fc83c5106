"""labs.cache.RedisCache: Django's Redis cache with one client per pool (service tier)."""

import os

import pytest

from labs.cache import RedisCache

pytestmark = pytest.mark.services


def test_values_round_trip_and_the_client_is_reused():
    """Set/get/delete work as with Django's backend; each call reuses the same client."""
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "labs-cache-test"})
    cache.set("k", {"snap": [1, 2, 3]}, 30)
    assert cache.get("k") == {"snap": [1, 2, 3]}
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.delete("k")
    assert cache.get("k") is None
