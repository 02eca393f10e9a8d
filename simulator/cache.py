"""Keeping what was built: a thread-safe LRU cache, and a pause of the garbage collector while building."""
from __future__ import annotations

import contextlib
import gc
import threading
from collections import OrderedDict

_GC_LOCK = threading.Lock()
_GC_PAUSES = [0, False]  # active pauses, whether the collector was enabled before the first


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building journeys or records (nothing built has cycles).

    Building allocates hundreds of thousands of lists, dicts and objects that stay cached; every automatic
    collection then walks the whole cache, which costs more than the building itself. Nested and concurrent
    pauses are counted; the collector is enabled again (if it was) when the last one ends."""
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


class LruCache:
    """A thread-safe LRU cache with a budget in items: a value costs its len() (at least 1)."""

    def __init__(self, budget: int):
        self.budget, self.used, self.data, self.lock = budget, 0, OrderedDict(), threading.Lock()

    def peek(self, key):
        """The cached value (marked as recently used), or None."""
        with self.lock:
            got = self.data.get(key)
            if got is None:
                return None
            self.data.move_to_end(key)
            return got[0]

    def put(self, key, value) -> None:
        """Cache `value` unless `key` is cached already (a cached value is never replaced)."""
        n = max(1, len(value))
        with self.lock:
            if key in self.data:
                return
            self.data[key] = (value, n)
            self.used += n
            while self.used > self.budget and len(self.data) > 1:
                _, (_, m) = self.data.popitem(last=False)
                self.used -= m

    def get(self, key, make):
        """The cached value, or make() cached; make runs outside the lock (a race only builds a value twice)."""
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key][0]
        value = make()
        self.put(key, value)
        return value
