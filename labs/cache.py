"""Django's Redis cache backend, keeping one redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache
call; constructing one copies its ~170 response callbacks into a case-insensitive dict, which
costs more CPU than a sandbox step's own PLC scans. A ``redis.Redis`` object is thread-safe
(it only borrows connections from its pool), so one per pool is enough. Use it with
``CACHES = {"default": {"BACKEND": "labs.cache.RedisCache", "LOCATION": REDIS_URL}}``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError
from redis.exceptions import TimeoutError as RedisTimeoutError


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` without a client object per call.

    It also offers :meth:`set_if_revision`, a compare-and-set in one round trip that the
    live sandboxes use to store a step without reading the state first.
    """

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
        self._own = threading.local()  # each thread's own connection for set_if_revision

    def set_if_revision(
        self, key: str, expected: str, value: Any, revision: str, timeout: int
    ) -> tuple[bool, Any]:
        """Store ``value`` under ``key`` with ``revision`` if ``expected`` is the stored one.

        Returns ``(True, None)`` when written, else ``(False, current)`` with the value now
        stored (None when the key is missing or expired): the caller redoes its work from it.
        An empty ``expected`` writes unconditionally. Values stored here read back with
        :meth:`get` like any other.

        A running lab page calls this ten times a second, so it talks over a connection this
        thread keeps for itself (taken once from the pool, made again after a fork or a lost
        connection) instead of borrowing one per call through redis-py's client layer, which
        costs more CPU than the round trip.
        """
        value_key = self.make_key(key)  # the sandboxes' own keys: no memcached-style validation
        serializer = self._cache._serializer
        args = (
            value_key,
            value_key + ":rev",
            expected,
            serializer.dumps(value),
            revision,
            max(1, int(timeout)),
        )
        answer = self._eval_set_if_revision(args)
        if answer[0] == 1:
            return True, None
        current = answer[1] if len(answer) > 1 else None
        return False, None if current is None else serializer.loads(current)

    def get_latest(self, key: str) -> Any:
        """The value under ``key`` (None when missing), read from the primary over this
        thread's own connection: what a sandbox step reads when another process wrote last."""
        raw = self._own_command("GET", self.make_key(key))
        return None if raw is None else self._cache._serializer.loads(raw)

    def _eval_set_if_revision(self, args: tuple) -> list:
        return self._own_command(
            "EVALSHA",
            _SET_IF_REVISION_SHA,
            2,
            *args,
            on_noscript=("EVAL", _SET_IF_REVISION, 2, *args),
        )

    def _own_command(self, *command: Any, on_noscript: tuple = ()) -> Any:
        """Send one command over this thread's own connection and read its reply.

        ``on_noscript`` is sent instead when the server does not know a script (restarted,
        SCRIPT FLUSH). A lost connection is made again and the command sent once more, as
        redis-py's client retries.
        """
        own = self._own
        pool = self._cache._get_connection_pool(write=True)
        connection = getattr(own, "connection", None)
        if connection is None or own.pid != os.getpid() or own.pool is not pool:
            connection = own.connection = pool.make_connection()
            own.pid, own.pool = os.getpid(), pool
        for attempt in (1, 2):
            try:
                try:
                    connection.send_command(*command)
                    return connection.read_response()
                except NoScriptError:
                    if not on_noscript:
                        raise
                    connection.send_command(*on_noscript)
                    return connection.read_response()
            except (RedisConnectionError, RedisTimeoutError):
                connection.disconnect()  # the next send connects again
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


# Compare-and-set of a value kept with a revision in a second key. KEYS: value, revision;
# ARGV: expected revision ("" = write unconditionally), value, new revision, ttl in seconds.
# Answers 1 when written, else the value now stored (nil when there is none).
_SET_IF_REVISION = """
if ARGV[1] ~= '' then
  local rev = redis.call('GET', KEYS[2])
  if rev ~= ARGV[1] or redis.call('EXISTS', KEYS[1]) == 0 then
    return {0, redis.call('GET', KEYS[1])}
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
return {1}
"""
_SET_IF_REVISION_SHA = hashlib.sha1(_SET_IF_REVISION.encode()).hexdigest()  # noqa: S324 (Redis's script id)
