"""Django's Redis cache with one connection pool per process, shared by every request.

Django keeps a cache object per request context, and under ASGI every request runs in a
context (and a thread) of its own, so the stock backend opens a new Redis connection for
each request. Here every cache object of a process uses the same client, whose redis-py
pools are thread-safe and start afresh in a forked child.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_clients: dict[tuple[str, ...], RedisCacheClient] = {}
_lock = threading.Lock()


class SharedRedisCache(RedisCache):
    """The `default` cache (settings.CACHES): the stock Redis backend, pooled per process."""

    @property
    def _cache(self) -> RedisCacheClient:  # type: ignore[override]
        key = (*self._servers, repr(sorted(self._options.items())))
        client = _clients.get(key)
        if client is None:
            with _lock:
                client = _clients.setdefault(key, self._class(self._servers, **self._options))
        return client
