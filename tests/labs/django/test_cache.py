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


def test_set_if_revision_writes_only_over_the_expected_revision():
    """The compare-and-set stores when the revision matches and otherwise hands back the
    value stored meanwhile (None once the key is gone); the value reads back with get()."""
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "labs-cas-test"})
    assert cache.set_if_revision("s", "", {"t": 0}, "r0", 30) == (True, None)
    assert cache.set_if_revision("s", "r0", {"t": 1}, "r1", 30) == (True, None)
    assert cache.get("s") == {"t": 1}
    assert cache.set_if_revision("s", "r0", {"t": 9}, "r9", 30) == (False, {"t": 1})
    assert cache.get("s") == {"t": 1}
    cache.delete("s")
    assert cache.set_if_revision("s", "r1", {"t": 2}, "r2", 30) == (False, None)
    assert cache.get("s") is None
    cache.delete("s:rev")
