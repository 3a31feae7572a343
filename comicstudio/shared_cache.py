"""Django's Redis cache with one connection pool per process, shared by every request.

Django keeps a cache object per request context, and under ASGI every request runs in a
context (and a thread) of its own, so the stock backend opens a new Redis connection for
each request. Here every cache object of a process uses the same client, whose redis-py
pools are thread-safe and start afresh in a forked child.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_clients: dict[tuple[str, str], RedisCacheClient] = {}
_lock = threading.Lock()


class _KeptClient(RedisCacheClient):
    """The stock client, keeping one redis-py client per pool instead of one per call.

    A redis-py client is a thread-safe front of its pool, but making one costs as much as
    a small cache read (it was ~5 % of a storyboard page, read twice per page).
    """

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._kept: dict[object, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._kept.get(pool)
        if client is None:
            client = self._kept.setdefault(pool, self._client(connection_pool=pool))  # type: ignore[attr-defined]
        return client


class SharedRedisCache(RedisCache):
    """The `default` cache (settings.CACHES): the stock Redis backend, pooled per process."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._servers_list = re.split("[;,]", server)
        self._client_options = params.get("OPTIONS", {})
        self._client_key = (server, repr(sorted(self._client_options.items())))

    @property
    def _cache(self) -> RedisCacheClient:  # type: ignore[override]
        client = _clients.get(self._client_key)
        if client is None:
            with _lock:
                client = _clients.get(self._client_key) or _KeptClient(
                    self._servers_list, **self._client_options
                )
                _clients[self._client_key] = client
        return client
