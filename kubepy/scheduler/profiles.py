"""Plugin sets: today's default profile, the book's DefaultProvider, and weight overrides.

Filter order is kube-scheduler's (the first failing plugin names a node's reasons):
NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
VolumeRestrictions, PodTopologySpread, InterPodAffinity. Today's default score weights:
TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2, NodeResourcesFit
(LeastAllocated) 1, NodeResourcesBalancedAllocation 1, ImageLocality 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from kubepy.scheduler.framework import Profile
from kubepy.scheduler.plugins.base import ScorePlugin
from kubepy.scheduler.plugins.imagelocality import ImageLocality
from kubepy.scheduler.plugins.interpodaffinity import InterPodAffinity
from kubepy.scheduler.plugins.nodeaffinity import NodeAffinity
from kubepy.scheduler.plugins.nodename import NodeName
from kubepy.scheduler.plugins.nodeports import NodePorts
from kubepy.scheduler.plugins.noderesources import ResourcesConfig
from kubepy.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from kubepy.scheduler.plugins.podtopologyspread import PodTopologySpread
from kubepy.scheduler.plugins.selectorspread import SelectorSpread
from kubepy.scheduler.plugins.tainttoleration import TaintToleration
from kubepy.scheduler.plugins.volumerestrictions import VolumeRestrictions

FIT = "NodeResourcesFit"
BALANCED = "NodeResourcesBalancedAllocation"

#: Score plugins that may be switched on by a weight, by name.
SCORERS: Mapping[str, Callable[[], ScorePlugin]] = {
    "TaintToleration": TaintToleration,
    "NodeAffinity": NodeAffinity,
    "PodTopologySpread": PodTopologySpread,
    "InterPodAffinity": InterPodAffinity,
    "SelectorSpread": SelectorSpread,
    "ImageLocality": ImageLocality,
}


def default_profile(scheduler_name: str = "default-scheduler", percentage: int = 0) -> Profile:
    taints, affinity, spread, pod_affinity = (
        TaintToleration(),
        NodeAffinity(),
        PodTopologySpread(),
        InterPodAffinity(),
    )
    return Profile(
        scheduler_name=scheduler_name,
        filters=[
            NodeUnschedulable(),
            NodeName(),
            taints,
            affinity,
            NodePorts(),
            VolumeRestrictions(),
            spread,
            pod_affinity,
        ],
        scorers=[(taints, 3), (affinity, 2), (spread, 2), (pod_affinity, 2), (ImageLocality(), 1)],
        resources=ResourcesConfig(),
        percentage_of_nodes_to_score=percentage,
    )


def book_profile(scheduler_name: str = "default-scheduler", percentage: int = 0) -> Profile:
    """Kubernetes 1.0's DefaultProvider (§2.2.7): PodFitsPorts, PodFitsResources, NoDiskConflict,
    MatchNodeSelector, HostName; LeastRequested, BalancedResourceAllocation, ServiceSpreading (1
    each). Cordoned nodes are left out as 1.0's node lister did."""
    return Profile(
        scheduler_name=scheduler_name,
        filters=[NodeUnschedulable(), NodeName(), NodeAffinity(), NodePorts(), VolumeRestrictions()],
        scorers=[(SelectorSpread(), 1)],
        resources=ResourcesConfig(),
        percentage_of_nodes_to_score=percentage,
    )


PROVIDERS: Mapping[str, Callable[..., Profile]] = {
    "DefaultProvider": default_profile,
    "BookProvider": book_profile,
}


def with_weights(profile: Profile, weights: Mapping[str, int]) -> Profile:
    """Override score weights by plugin name (0 switches a score off; a known plugin not in the
    profile is added)."""
    res = profile.resources
    if FIT in weights:
        res = replace(res, least_allocated_weight=weights[FIT])
    if BALANCED in weights:
        res = replace(res, balanced_weight=weights[BALANCED])
    scorers = [(p, weights.get(p.name, w)) for p, w in profile.scorers]
    present = {p.name for p, _ in scorers}
    for name, w in weights.items():
        if name in present or name in (FIT, BALANCED):
            continue
        if name not in SCORERS:
            raise ValueError(f"unknown score plugin {name!r}")
        scorers.append((SCORERS[name](), w))
    return replace(profile, resources=res, scorers=scorers)
