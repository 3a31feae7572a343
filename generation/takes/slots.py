"""Concurrency per provider credential: a Redis semaphore with expiring leases and a pace.

A slot is a member (the take id) of a sorted set scored by its lease expiry. Acquiring
drops expired leases first, so a slot held by a dead worker frees itself; polls renew
the lease. A slot is held while the provider's job runs, not while our take wants it:
a stalled or cancelled take keeps its slot until its job ends.

The set's capacity is the smaller of the credential's configured limit and its pace, an
adaptive target that halves on a 429 and grows back by one per accepted submit, so a
provider that allows fewer jobs than configured is not hammered.

Redis may lose its data. The set is then rebuilt from the takes the database knows to
hold a slot before anything is added to it (a "seeded" marker says it was), and a take
checks its slot again after claiming its submission, so a restart between the two
cannot let one job too many through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

import redis
from django.conf import settings

# KEYS: slots, seeded marker, pace. ARGV: lease seconds, limit, member, force, seeding,
# then (when seeding is 1) the takes the database says hold a slot. Returns -1 when the
# set must be seeded first. Uses the server's clock, so workers on several machines agree.
_ACQUIRE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local expiry = t + tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[2]) == 0 then
  if ARGV[5] ~= '1' then return -1 end
  for i = 6, #ARGV do redis.call('ZADD', KEYS[1], expiry, ARGV[i]) end
  redis.call('SET', KEYS[2], '1')
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
local capacity = tonumber(ARGV[2])
local pace = tonumber(redis.call('GET', KEYS[3]) or capacity)
if pace < capacity then capacity = pace end
if ARGV[4] == '1' or redis.call('ZSCORE', KEYS[1], ARGV[3])
    or redis.call('ZCARD', KEYS[1]) < capacity then
  redis.call('ZADD', KEYS[1], expiry, ARGV[3])
  return 1
end
return 0
"""
# KEYS: pace. ARGV: limit, "down" | "up". Returns the new pace.
_PACE = """
local limit = tonumber(ARGV[1])
local pace = tonumber(redis.call('GET', KEYS[1]) or limit)
if pace > limit then pace = limit end
if ARGV[2] == 'down' then
  pace = math.max(1, math.floor(pace / 2))
else
  pace = math.min(limit, pace + 1)
end
redis.call('SET', KEYS[1], pace)
return pace
"""

Holders = Callable[[], Iterable[int]]


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=10, socket_connect_timeout=5, decode_responses=True
    )


def _slots(credential_id: int) -> str:
    return f"generation:slots:{credential_id}"


def _seeded(credential_id: int) -> str:
    return f"generation:slots-seeded:{credential_id}"


def _pace(credential_id: int) -> str:
    return f"generation:pace:{credential_id}"


def _waiting(credential_id: int) -> str:
    return f"generation:waiting:{credential_id}"


def _retries(credential_id: int) -> str:
    return f"generation:retries:{credential_id}"


def _take_slot(
    credential_id: int, take_id: int, *, limit: int, holders: Holders, force: bool
) -> bool:
    keys = (_slots(credential_id), _seeded(credential_id), _pace(credential_id))
    args = [settings.COMICSTUDIO_SLOT_LEASE_SECONDS, limit, take_id, int(force)]
    got = _redis().eval(_ACQUIRE, 3, *keys, *args, 0)
    if got == -1:  # Redis lost the set: rebuild it from the database first
        got = _redis().eval(_ACQUIRE, 3, *keys, *args, 1, *holders())
    return got == 1


def acquire(credential_id: int, take_id: int, *, limit: int, holders: Holders) -> bool:
    """Take a slot for the take (True also if it holds one already).

    `holders` lists the takes the database says hold a slot; it is called only when
    Redis lost the set.
    """
    got = _take_slot(credential_id, take_id, limit=limit, holders=holders, force=False)
    if got:
        _redis().zrem(_waiting(credential_id), take_id)
    return got


def renew(credential_id: int, take_id: int, *, holders: Holders) -> None:
    """Extend the lease of a take whose job runs (it holds its slot, even above the pace)."""
    _take_slot(credential_id, take_id, limit=1, holders=holders, force=True)


def wait(credential_id: int, take_id: int, *, order: float) -> None:
    """Queue the take for the next free slot (kept in `order`, e.g. its creation time)."""
    _redis().zadd(_waiting(credential_id), {str(take_id): order}, nx=True)


def release(credential_id: int, take_id: int, *, wake: bool = True) -> int | None:
    """Free the take's slot; returns the id of the waiting take to start next, if any.

    `wake=False` (after a 429) frees the slot without handing it on: the pace just
    shrank, and the next take would only meet the same answer.
    """
    client = _redis()
    client.zrem(_waiting(credential_id), take_id)
    if not client.zrem(_slots(credential_id), take_id) or not wake:
        return None  # it held no slot (released already): wake nobody
    return next_waiting(credential_id)


def next_waiting(credential_id: int) -> int | None:
    """Pop the longest-waiting take (popped, so two wake-ups start two different takes)."""
    nxt = _redis().zpopmin(_waiting(credential_id))
    return int(nxt[0][0]) if nxt else None


def slow_down(credential_id: int, *, limit: int) -> int:
    """A 429: halve the credential's pace (at least 1); returns the new pace."""
    return int(_redis().eval(_PACE, 1, _pace(credential_id), limit, "down"))


def speed_up(credential_id: int, *, limit: int) -> bool:
    """An accepted submit: grow the pace by one, never above the limit; True if it grew."""
    before = pace(credential_id, limit=limit)
    return int(_redis().eval(_PACE, 1, _pace(credential_id), limit, "up")) > before


def pace(credential_id: int, *, limit: int) -> int:
    """How many jobs the credential may run at once now."""
    value = _redis().get(_pace(credential_id))
    return min(limit, int(value)) if value is not None else limit


def in_use(credential_id: int) -> int:
    """Slots held now (including expired leases not yet swept)."""
    return int(_redis().zcard(_slots(credential_id)))


def count_retry(credential_id: int, kind: str) -> None:
    """Count a 429 ("rate_limit"), 5xx ("server") or refused connection for this credential."""
    _redis().hincrby(_retries(credential_id), kind or "other", 1)


def retry_counts(credential_id: int) -> dict[str, int]:
    """How many 429s and 5xxs this credential has seen (since Redis last lost its data)."""
    return {str(k): int(v) for k, v in _redis().hgetall(_retries(credential_id)).items()}
