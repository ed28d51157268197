"""Node ports of Services out of --service-node-port-range (k8s portallocator/allocator.go)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from kubepy.apiserver.allocators.bitmap import (
    AllocationError,
    AlreadyAllocated,
    Bitmap,
    RangeFull,
    reserved_band,
)
from kubepy.apiserver.allocators.ipallocator import RangeAllocation


class PortNotInRange(AllocationError):
    def __init__(self, valid: str) -> None:
        super().__init__(f"provided port is not in the valid range. The range of valid ports is {valid}")


class MismatchedPortRange(AllocationError):
    def __init__(self) -> None:
        super().__init__("the provided port range does not match the current port range")


def _atoi(s: str) -> int:
    """Go's strconv.Atoi, with its error text."""
    t = s[1:] if s[:1] in "+-" else s
    if not t.isascii() or not t.isdigit():
        raise ValueError(f'strconv.Atoi: parsing "{s}": invalid syntax')
    return int(s)


@dataclass(frozen=True, slots=True)
class PortRange:
    """Inclusive range of ports, as apimachinery util/net.PortRange."""

    base: int
    size: int

    @classmethod
    def parse(cls, value: str) -> PortRange:
        """Accept "30000-32767", "30000+2767" or "30000"; ValueError carries Kubernetes' message."""
        value = value.strip()
        hyphen, plus = value.find("-"), value.find("+")
        if hyphen == -1 and plus == -1:
            low = high = _atoi(value)
        elif plus == -1:
            low, high = _atoi(value[:hyphen]), _atoi(value[hyphen + 1 :])
        elif hyphen == -1:
            low = _atoi(value[:plus])
            high = low + _atoi(value[plus + 1 :])
        else:
            raise ValueError(f"unable to parse port range: {value}")
        if low > 65535 or high > 65535:
            raise ValueError(f"the port range cannot be greater than 65535: {value}")
        if high < low:
            raise ValueError(f"end port cannot be less than start port: {value}")
        return cls(low, 1 + high - low)

    @property
    def last(self) -> int:
        return self.base + self.size - 1

    def __contains__(self, port: object) -> bool:
        return isinstance(port, int) and self.base <= port <= self.last

    def __str__(self) -> str:
        return f"{self.base}-{self.last}" if self.size else ""


class PortAllocator:
    """Hands out ports of an inclusive range."""

    def __init__(self, first: int, last: int, *, rand: random.Random | None = None) -> None:
        self.range = PortRange(first, last - first + 1)
        size = self.range.size
        self._bits = Bitmap(size, reserved_band(size, low=16, high=128, step=32), rand or random.Random())

    @classmethod
    def from_range(cls, spec: str, *, rand: random.Random | None = None) -> PortAllocator:
        pr = PortRange.parse(spec)
        return cls(pr.base, pr.last, rand=rand)

    def allocate(self, port: int) -> None:
        if port not in self.range:
            raise PortNotInRange(str(self.range))
        if not self._bits.take(port - self.range.base):
            raise AlreadyAllocated("provided port is already allocated")

    def allocate_next(self) -> int:
        offset = self._bits.take_next()
        if offset is None:
            raise RangeFull()
        return self.range.base + offset

    def release(self, port: int) -> None:
        """Give a port back; releasing a free or foreign port does nothing."""
        if port in self.range:
            self._bits.release(port - self.range.base)

    def has(self, port: int) -> bool:
        return port in self.range and self._bits.has(port - self.range.base)

    def free(self) -> int:
        return self._bits.free()

    def used(self) -> int:
        return self.range.size - self._bits.free()

    def allocated(self) -> list[int]:
        return [self.range.base + o for o in self._bits.offsets()]

    def snapshot(self) -> RangeAllocation:
        return RangeAllocation(str(self.range), self._bits.to_bytes())

    def restore(self, snap: RangeAllocation) -> None:
        if snap.range != str(self.range):
            raise MismatchedPortRange()
        self._bits.load_bytes(snap.data)
