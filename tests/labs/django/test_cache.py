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


def test_set_if_revision_survives_a_lost_connection_and_a_forgotten_script():
    """The thread's own connection is made again when the server drops it, and the script is
    sent in full when the server no longer knows it (restarted, SCRIPT FLUSH)."""
    import threading

    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "labs-cas-conn-test"})
    assert cache.set_if_revision("s", "", {"t": 0}, "r0", 30) == (True, None)
    connection = cache._own.connection
    admin = cache._cache.get_client(write=True)
    connection.send_command("CLIENT", "ID")
    own_id = connection.read_response()
    assert admin.client_kill_filter(_id=own_id) == 1
    assert cache.set_if_revision("s", "r0", {"t": 1}, "r1", 30) == (True, None)
    admin.script_flush()
    from labs.cache import _SET_IF_REVISION, _SET_IF_REVISION_SHA

    assert admin.script_load(_SET_IF_REVISION) == _SET_IF_REVISION_SHA  # the id Redis uses
    admin.script_flush()
    assert cache.set_if_revision("s", "r1", {"t": 2}, "r2", 30) == (True, None)
    assert cache.get("s") == {"t": 2}
    # another thread talks over its own connection, to the same data
    seen = []
    worker = threading.Thread(
        target=lambda: seen.append(
            (cache.set_if_revision("s", "r2", {"t": 3}, "r3", 30), cache._own.connection)
        )
    )
    worker.start()
    worker.join()
    assert seen[0][0] == (True, None) and seen[0][1] is not connection
    assert cache.get("s") == {"t": 3}
    cache.delete_many(["s", "s:rev"])


def test_get_latest_reads_what_set_and_set_if_revision_stored():
    """get_latest (the sandbox load over the thread's own connection) reads values stored by
    either path, and None when there is none."""
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "labs-latest-test"})
    cache.set("plain", {"snap": [1, 2]}, 30)
    cache.set("number", 7, 30)
    cache.set_if_revision("cas", "", {"t": 5}, "r", 30)
    assert cache.get_latest("plain") == {"snap": [1, 2]}
    assert cache.get_latest("number") == 7
    assert cache.get_latest("cas") == {"t": 5}
    assert cache.get_latest("missing") is None
    cache.delete_many(["plain", "number", "cas", "cas:rev"])
