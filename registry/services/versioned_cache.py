"""Computed values kept per registry version, in each process."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class VersionedCache:
    """Computed values, each valid for the version it was computed under; None is never kept.

    Segmented LRU: a key asked for again moves to the protected segment, which only such keys
    evict; a flood of keys asked for once (one-off filters or dates, say) churns the probation
    segment and leaves the answers that screens poll alone.
    """

    def __init__(self, size: int = 4096, protected_share: float = 0.8):
        self._protected_size = max(1, int(size * protected_share))
        self._probation_size = max(1, size - self._protected_size)
        self._protected: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        self._probation: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        """Whether a value is kept for `key`, under any version."""
        return key in self._protected or key in self._probation

    def latest(self, key: Hashable):
        """The value kept for `key` under whatever version it was computed (None: none)."""
        with self._lock:
            hit = self._protected.get(key) or self._probation.get(key)
        return None if hit is None else hit[1]

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._protected.pop(key, None)
            self._probation.pop(key, None)

    def get(self, key: Hashable, version: int, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._protected:
                self._protected.move_to_end(key)
                hit, segment = self._protected[key], self._protected
            else:
                hit = self._probation.pop(key, None)
                segment = self._probation if hit is None else self._protected  # asked again
                if hit is not None:
                    self._store(segment, key, hit)
            if hit is not None and hit[0] == version:
                return hit[1]
        value = compute()
        if value is not None:
            with self._lock:
                self._store(segment, key, (version, value))
        return value

    def _store(self, segment: OrderedDict, key: Hashable, item: tuple[int, object]) -> None:
        self._protected.pop(key, None)  # a concurrent request may have moved it meanwhile
        self._probation.pop(key, None)
        segment[key] = item
        while len(self._protected) > self._protected_size:
            # The protected segment's oldest gets one more chance on probation.
            old_key, old_item = self._protected.popitem(last=False)
            self._probation[old_key] = old_item
        while len(self._probation) > self._probation_size:
            self._probation.popitem(last=False)
