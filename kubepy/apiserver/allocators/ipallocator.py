"""Cluster IPs of Services out of --service-cluster-ip-range (k8s ipallocator/bitmap.go)."""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass

from kubepy.apiserver.allocators.bitmap import (
    AllocationError,
    AlreadyAllocated,
    Bitmap,
    RangeFull,
    reserved_band,
)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: An IPv6 range is capped at this many addresses, since the bitmap has a bit per address.
MAX_IPV6_SIZE = 65536


class IPNotInRange(AllocationError):
    def __init__(self, ip: str, cidr: str) -> None:
        super().__init__(
            f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {cidr}"
        )


class MismatchedNetwork(AllocationError):
    def __init__(self) -> None:
        super().__init__("the provided network does not match the current range")


def parse_service_cidr(value: str) -> IPNetwork:
    """Parse --service-cluster-ip-range like kube-apiserver does; ValueError says what is wrong."""
    try:
        net = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise ValueError(f"invalid CIDR address: {value}") from None
    if net.version == 4 and net.prefixlen < 12:
        raise ValueError(
            "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"
        )
    if net.version == 6 and net.prefixlen < 108:
        raise ValueError(
            "specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be >= 108"
        )
    return net


@dataclass(frozen=True, slots=True)
class RangeAllocation:
    """The persisted form of an allocator (core RangeAllocation: range + bitmap data)."""

    range: str
    data: bytes


class IPAllocator:
    """Hands out addresses of a CIDR, never its network address or (IPv4) broadcast address.

    Offset 0 is network+1: the address of the `kubernetes` service.
    """

    def __init__(self, cidr: str | IPNetwork, *, rand: random.Random | None = None) -> None:
        self.network: IPNetwork = ipaddress.ip_network(cidr, strict=False) if isinstance(cidr, str) else cidr
        self.cidr = str(self.network)
        self._base = int(self.network.network_address) + 1
        size = self.network.num_addresses
        if self.network.version == 6:
            size = min(size, MAX_IPV6_SIZE)
        else:
            size -= 1  # the broadcast address
        size = max(size - 1, 0)  # the network address
        self._bits = Bitmap(
            size,
            reserved_band(self.network.num_addresses, low=16, high=256, step=16),
            rand or random.Random(),
        )

    @property
    def size(self) -> int:
        """How many addresses the range can hand out."""
        return self._bits.size

    def _offset(self, ip: str) -> int | None:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return None
        if addr.version != self.network.version or addr not in self.network:
            return None
        offset = int(addr) - self._base
        return offset if 0 <= offset < self._bits.size else None

    def _ip(self, offset: int) -> str:
        return str(ipaddress.ip_address(self._base + offset))

    def allocate(self, ip: str) -> None:
        """Reserve a requested address."""
        offset = self._offset(ip)
        if offset is None:
            raise IPNotInRange(ip, self.cidr)
        if not self._bits.take(offset):
            raise AlreadyAllocated("provided IP is already allocated")

    def allocate_next(self) -> str:
        """Reserve some free address (upper band first, random start)."""
        offset = self._bits.take_next()
        if offset is None:
            raise RangeFull()
        return self._ip(offset)

    def release(self, ip: str) -> None:
        """Give an address back; releasing a free or foreign address does nothing."""
        offset = self._offset(ip)
        if offset is not None:
            self._bits.release(offset)

    def has(self, ip: str) -> bool:
        offset = self._offset(ip)
        return offset is not None and self._bits.has(offset)

    def free(self) -> int:
        return self._bits.free()

    def used(self) -> int:
        return self._bits.size - self._bits.free()

    def allocated(self) -> list[str]:
        """Every allocated address, in address order."""
        return [self._ip(o) for o in self._bits.offsets()]

    def snapshot(self) -> RangeAllocation:
        return RangeAllocation(self.cidr, self._bits.to_bytes())

    def restore(self, snap: RangeAllocation) -> None:
        """Replace the state with a snapshot of the same range."""
        if snap.range != self.cidr:
            raise MismatchedNetwork()
        self._bits.load_bytes(snap.data)
