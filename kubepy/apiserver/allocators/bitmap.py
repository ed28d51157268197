"""Offsets 0..size-1 handed out by a random scan that prefers the upper band (k8s allocator).

Kubernetes reserves a lower band of every range for addresses users ask for by value
(KEP-3070): dynamic allocation starts at a random offset in the upper band, scans forward
with wrap-around, and only then falls back to the lower band.
"""

from __future__ import annotations

import random


class AllocationError(ValueError):
    """Base of the allocator errors; str() is Kubernetes' message."""


class RangeFull(AllocationError):
    def __init__(self) -> None:
        super().__init__("range is full")


class AlreadyAllocated(AllocationError):
    """Raised with the resource-specific message ("provided IP is already allocated")."""


def reserved_band(size: int, *, low: int, high: int, step: int) -> int:
    """Size of the lower band kept for static allocation: min(max(low, size/step), high), 0 if tiny."""
    if size <= low:
        return 0
    return min(max(low, size // step), high)


class Bitmap:
    """Which offsets of a range are taken; the allocation strategy of allocator/bitmap.go."""

    __slots__ = ("size", "band", "_rand", "_used")

    def __init__(self, size: int, band: int, rand: random.Random) -> None:
        self.size = size
        self.band = band  # offsets below this are picked only when the upper band is full
        self._rand = rand
        self._used: set[int] = set()

    def take(self, offset: int) -> bool:
        """Mark offset used; False when it already was."""
        if offset in self._used:
            return False
        self._used.add(offset)
        return True

    def take_next(self) -> int | None:
        """A free offset (now used), or None when the range is full."""
        if len(self._used) >= self.size:
            return None
        for lo, hi in ((self.band, self.size), (0, self.band)):
            found = self._scan(lo, hi)
            if found is not None:
                self._used.add(found)
                return found
        return None

    def _scan(self, lo: int, hi: int) -> int | None:
        n = hi - lo
        if n <= 0:
            return None
        start = self._rand.randrange(n)
        used = self._used
        for i in range(n):
            at = lo + (start + i) % n
            if at not in used:
                return at
        return None

    def release(self, offset: int) -> None:
        self._used.discard(offset)

    def has(self, offset: int) -> bool:
        return offset in self._used

    def free(self) -> int:
        return self.size - len(self._used)

    def offsets(self) -> list[int]:
        return sorted(self._used)

    def to_bytes(self) -> bytes:
        """Big-endian bit set, bit i = offset i (big.Int.Bytes(), as RangeAllocation.data stores it)."""
        value = 0
        for offset in self._used:
            value |= 1 << offset
        return value.to_bytes((value.bit_length() + 7) // 8, "big")

    def load_bytes(self, data: bytes) -> None:
        value = int.from_bytes(data, "big")
        self._used = {i for i in range(min(value.bit_length(), self.size)) if value >> i & 1}
