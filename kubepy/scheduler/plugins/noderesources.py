"""NodeResourcesFit (the book's PodFitsResources; LeastAllocated, the book's LeastRequestedPriority)
and NodeResourcesBalancedAllocation (BalancedResourceAllocation).

Their per-node math runs in the compiled kernel (kubepy/_fast/scoring: `fit_failures`,
`least_allocated_score`, `balanced_score`) over all candidate nodes at once; this module holds
their configuration and turns the kernel's failure masks into kube-scheduler's reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kubepy.scheduler.resources import CPU, MEMORY

TOO_MANY_PODS = "Too many pods"


def fit_reasons(mask: int, resources: Sequence[str]) -> tuple[str, ...]:
    """Bit 0: too many pods; bit r + 1: `Insufficient <resource r>`."""
    out = [TOO_MANY_PODS] if mask & 1 else []
    out += [f"Insufficient {name}" for r, name in enumerate(resources) if mask & (2 << r)]
    return tuple(out)


@dataclass(frozen=True)
class ResourcesConfig:
    """Filter on/off and the two scores' weights (0: off) and resources."""

    fit_filter: bool = True
    least_allocated_weight: int = 1
    least_allocated_resources: Mapping[str, int] = field(default_factory=lambda: {CPU: 1, MEMORY: 1})
    balanced_weight: int = 1
    balanced_resources: Sequence[str] = (CPU, MEMORY)
