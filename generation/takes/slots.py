"""Concurrency per provider credential: a Redis semaphore with expiring leases.

A slot is a member (the take id) of a sorted set scored by its lease expiry. Acquiring
drops expired leases first, so a slot held by a dead worker frees itself; polls renew
the lease. Takes that find no slot wait in a queue; a released slot starts the next
one at once, so a batch keeps exactly `limit` jobs in flight.
"""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings

from generation.models import IN_FLIGHT_STATUSES, Take

# KEYS: slots. ARGV: lease seconds, limit, member, then the takes the database has in
# flight. Uses the server's clock, so workers on several machines agree. A missing set
# (Redis restarted empty, or nothing held) is first re-seeded from the database, so jobs
# still running at the provider keep counting against the limit.
_ACQUIRE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
if redis.call('EXISTS', KEYS[1]) == 0 then
  for i = 4, #ARGV do redis.call('ZADD', KEYS[1], t + tonumber(ARGV[1]), ARGV[i]) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], t + tonumber(ARGV[1]), ARGV[3])
  return 1
end
return 0
"""
_RENEW = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
redis.call('ZADD', KEYS[1], t + tonumber(ARGV[1]), ARGV[2])
return 1
"""


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=10, socket_connect_timeout=5, decode_responses=True
    )


def _slots(credential_id: int) -> str:
    return f"generation:slots:{credential_id}"


def _waiting(credential_id: int) -> str:
    return f"generation:waiting:{credential_id}"


def _retries(credential_id: int) -> str:
    return f"generation:retries:{credential_id}"


def acquire(credential_id: int, take_id: int, *, limit: int) -> bool:
    """Take a slot for the take (True also if it holds one already)."""
    lease = settings.COMICSTUDIO_SLOT_LEASE_SECONDS
    in_flight = (
        Take.objects.filter(credential_id=credential_id, generation_status__in=IN_FLIGHT_STATUSES)
        .exclude(pk=take_id)
        .values_list("pk", flat=True)
    )
    args = [lease, limit, take_id, *in_flight]
    got = _redis().eval(_ACQUIRE, 1, _slots(credential_id), *args)
    if got:
        _redis().zrem(_waiting(credential_id), take_id)
    return bool(got)


def renew(credential_id: int, take_id: int) -> None:
    """Extend the lease of a take that is in flight (it holds its slot)."""
    lease = settings.COMICSTUDIO_SLOT_LEASE_SECONDS
    _redis().eval(_RENEW, 1, _slots(credential_id), lease, take_id)


def wait(credential_id: int, take_id: int, *, order: float) -> None:
    """Queue the take for the next free slot (kept in `order`, e.g. its creation time)."""
    _redis().zadd(_waiting(credential_id), {str(take_id): order}, nx=True)


def release(credential_id: int, take_id: int) -> int | None:
    """Free the take's slot; returns the id of the waiting take to start next, if any."""
    client = _redis()
    client.zrem(_waiting(credential_id), take_id)
    if not client.zrem(_slots(credential_id), take_id):
        return None  # it held no slot (released already): wake nobody
    # Popped, so two releases at once wake two different takes; a woken take that
    # still finds no slot queues itself again.
    nxt = client.zpopmin(_waiting(credential_id))
    return int(nxt[0][0]) if nxt else None


def in_use(credential_id: int) -> int:
    """Slots held now (including expired leases not yet swept)."""
    return int(_redis().zcard(_slots(credential_id)))


def count_retry(credential_id: int, kind: str) -> None:
    """Count a 429 ("rate_limit") or 5xx ("server") answer for this credential."""
    _redis().hincrby(_retries(credential_id), kind or "other", 1)


def retry_counts(credential_id: int) -> dict[str, int]:
    """How many 429s and 5xxs this credential has seen (since Redis last lost its data)."""
    return {str(k): int(v) for k, v in _redis().hgetall(_retries(credential_id)).items()}
