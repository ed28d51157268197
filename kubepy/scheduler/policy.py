"""The legacy scheduler Policy file (`--policy-config-file`, §2.2.7 and the book's
misc/scheduler-policy.json): predicates and priorities by name, with weights and arguments.

No `predicates` key keeps the provider's filters, an empty list means none; the same for
`priorities`. NodeUnschedulable always runs (1.0 left cordoned nodes out of the node list).
Unknown names are refused, loudly (STYLE.md §2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import orjson

from kubepy.scheduler.framework import Profile
from kubepy.scheduler.plugins.base import FilterPlugin, ScorePlugin
from kubepy.scheduler.plugins.imagelocality import ImageLocality
from kubepy.scheduler.plugins.interpodaffinity import InterPodAffinity
from kubepy.scheduler.plugins.nodeaffinity import NodeAffinity
from kubepy.scheduler.plugins.nodelabel import NodeLabelPreference, NodeLabelPresence
from kubepy.scheduler.plugins.nodename import NodeName
from kubepy.scheduler.plugins.nodeports import NodePorts
from kubepy.scheduler.plugins.nodeunschedulable import NodeUnschedulable
from kubepy.scheduler.plugins.podtopologyspread import PodTopologySpread
from kubepy.scheduler.plugins.selectorspread import SelectorSpread
from kubepy.scheduler.plugins.serviceaffinity import ServiceAffinity, ServiceAntiAffinity
from kubepy.scheduler.plugins.tainttoleration import TaintToleration
from kubepy.scheduler.plugins.volumerestrictions import VolumeRestrictions
from kubepy.scheduler.profiles import default_profile

FIT_FILTER = "__fit__"

#: Legacy predicate names → the filters they became ("__fit__": the kernel's NodeResourcesFit).
PREDICATES: Mapping[str, tuple[Callable[[], FilterPlugin] | str, ...]] = {
    "PodFitsPorts": (NodePorts,),
    "PodFitsHostPorts": (NodePorts,),
    "PodFitsResources": (FIT_FILTER,),
    "NoDiskConflict": (VolumeRestrictions,),
    "MatchNodeSelector": (NodeAffinity,),
    "HostName": (NodeName,),
    "PodFitsHost": (NodeName,),
    "PodToleratesNodeTaints": (TaintToleration,),
    "CheckNodeUnschedulable": (NodeUnschedulable,),
    "MatchInterPodAffinity": (InterPodAffinity,),
    "EvenPodsSpread": (PodTopologySpread,),
    "GeneralPredicates": (FIT_FILTER, NodeName, NodePorts, NodeAffinity),
}
PRIORITIES: Mapping[str, Callable[[], ScorePlugin] | str | None] = {
    "LeastRequestedPriority": "least",
    "BalancedResourceAllocation": "balanced",
    "ServiceSpreadingPriority": SelectorSpread,
    "SelectorSpreadPriority": SelectorSpread,
    "NodeAffinityPriority": NodeAffinity,
    "TaintTolerationPriority": TaintToleration,
    "InterPodAffinityPriority": InterPodAffinity,
    "EvenPodsSpreadPriority": PodTopologySpread,
    "ImageLocalityPriority": ImageLocality,
    "EqualPriority": None,  # every node the same: changes nothing
}
ORDER = [
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity,
    NodePorts,
    VolumeRestrictions,
    PodTopologySpread,
    InterPodAffinity,
]


class PolicyError(ValueError):
    pass


def _filters(predicates: list[dict[str, Any]]) -> tuple[list[FilterPlugin], bool]:
    kinds: set[type] = {NodeUnschedulable}
    extra: list[FilterPlugin] = []
    fit = False
    for p in predicates:
        name, arg = p.get("name", ""), p.get("argument") or {}
        if "labelsPresence" in arg:
            lp = arg["labelsPresence"]
            extra.append(NodeLabelPresence(lp.get("labels") or [], bool(lp.get("presence"))))
        elif "serviceAffinity" in arg:
            extra.append(ServiceAffinity((arg["serviceAffinity"] or {}).get("labels") or []))
        elif name in PREDICATES:
            for item in PREDICATES[name]:
                if item == FIT_FILTER:
                    fit = True
                else:
                    kinds.add(item)  # type: ignore[arg-type]
        else:
            raise PolicyError(f"unknown predicate {name!r}")
    return [cls() for cls in ORDER if cls in kinds] + extra, fit


def profile_from_policy(policy: Mapping[str, Any], base: Profile | None = None) -> Profile:
    if policy.get("kind", "Policy") != "Policy":
        raise PolicyError(f"expected kind Policy, got {policy.get('kind')!r}")
    profile = base or default_profile()
    res = profile.resources
    filters = profile.filters
    if policy.get("predicates") is not None:
        filters, fit = _filters(policy["predicates"])
        res = replace(res, fit_filter=fit)
    scorers = profile.scorers
    if policy.get("priorities") is not None:
        scorers = []
        least = balanced = 0
        for p in policy["priorities"]:
            name, weight, arg = p.get("name", ""), int(p.get("weight", 1)), p.get("argument") or {}
            if "serviceAntiAffinity" in arg:
                scorers.append(
                    (ServiceAntiAffinity((arg["serviceAntiAffinity"] or {}).get("label", "")), weight)
                )
            elif "labelPreference" in arg:
                lp = arg["labelPreference"]
                scorers.append((NodeLabelPreference(lp.get("label", ""), bool(lp.get("presence"))), weight))
            elif name not in PRIORITIES:
                raise PolicyError(f"unknown priority {name!r}")
            elif PRIORITIES[name] == "least":
                least = weight
            elif PRIORITIES[name] == "balanced":
                balanced = weight
            elif PRIORITIES[name] is not None:
                scorers.append((PRIORITIES[name](), weight))  # type: ignore[operator]
        res = replace(res, least_allocated_weight=least, balanced_weight=balanced)
    return replace(profile, filters=filters, scorers=scorers, resources=res)


def load_policy(path: str, base: Profile | None = None) -> Profile:
    with open(path, "rb") as f:
        return profile_from_policy(orjson.loads(f.read()), base)
