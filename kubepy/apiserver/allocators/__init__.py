"""In-memory allocators of Service cluster IPs and node ports (k8s pkg/registry/core/service).

Pure bookkeeping: the service registry decides when to allocate and release, and rebuilds
them from stored Services at start-up.
"""

from kubepy.apiserver.allocators.bitmap import AllocationError, AlreadyAllocated, RangeFull
from kubepy.apiserver.allocators.ipallocator import IPAllocator, IPNotInRange, parse_service_cidr
from kubepy.apiserver.allocators.portallocator import PortAllocator, PortNotInRange, PortRange

__all__ = [
    "AllocationError",
    "AlreadyAllocated",
    "IPAllocator",
    "IPNotInRange",
    "PortAllocator",
    "PortNotInRange",
    "PortRange",
    "RangeFull",
    "parse_service_cidr",
]
