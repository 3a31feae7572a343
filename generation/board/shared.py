"""What the sockets of one process share while they handle the same live event.

A process's sync consumers handle their messages one after another; when 100 viewers watch
a project, one scene change reaches 100 sockets. The first one reads the scene (and renders
each viewer class's card); the others reuse that for the same event id instead of reading
and rendering again. Entries are few and short-lived: only the latest events are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

KEEP = 512
_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def once_per_event[T](key: Hashable, make: Callable[[], T]) -> T:
    """`make()` the first time `key` (which starts with an event id) is asked for, else reuse."""
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[no-any-return]
    value = make()
    with _lock:
        _entries[key] = value
        while len(_entries) > KEEP:
            _entries.popitem(last=False)
    return value
