"""LimitRanger: a namespace's LimitRanges give pods their default resources and bound what pods
and claims may ask for (the book's §4.4.2).

Mutating: every Container-type item's `default` fills missing container limits and its
`defaultRequest` missing requests, noted in the kubernetes.io/limit-ranger annotation.
Validating: min, max and maxLimitRequestRatio per Container, per Pod (the pod's effective totals)
and per PersistentVolumeClaim (its storage requests), with Kubernetes' messages. Pods are only
checked on create (their containers' resources cannot change afterwards); claims on create and
update. The constraint functions are pure and return the message of a violation or "".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kubepy.api import quantity as q
from kubepy.apiserver.admission.chain import CREATE, UPDATE, Attributes, Obj, aggregate, forbidden

ANNOTATION = "kubernetes.io/limit-ranger"
CONTAINER, POD, PVC = "Container", "Pod", "PersistentVolumeClaim"
#: resource.MaxMilliValue: above it Kubernetes compares whole units, not thousandths
MAX_MILLI_VALUE = (2**63 - 1) // 1000

ResourceList = dict[str, Any]


# ---- defaults (mutating) ------------------------------------------------------------------------
def container_defaults(limit_range: Obj) -> tuple[ResourceList, ResourceList]:
    """defaultContainerResourceRequirements: (requests, limits) from the Container items."""
    requests: ResourceList = {}
    limits: ResourceList = {}
    for item in _items(limit_range):
        if item.get("type") == CONTAINER:
            requests.update(item.get("defaultRequest") or {})
            limits.update(item.get("default") or {})
    return requests, limits


def _merge_container(container: Obj, requests: ResourceList, limits: ResourceList, kind: str) -> list[str]:
    """Fill what the container does not set; the annotation phrases for what was filled."""
    res = container.get("resources")
    if not isinstance(res, dict):
        res = container["resources"] = {}
    notes = []
    for field, defaults, word in (("requests", requests, "request"), ("limits", limits, "limit")):
        have = res.get(field) or {}
        added = sorted(k for k in defaults if k not in have)
        if added:
            res[field] = {**have, **{k: defaults[k] for k in added}}
            notes.append(f"{', '.join(added)} {word} for {kind} {container.get('name', '')}")
    return notes


def apply_defaults(pod: Obj, limit_range: Obj) -> None:
    """PodMutateLimitFunc: containers and init containers get the defaults they lack."""
    requests, limits = container_defaults(limit_range)
    if not requests and not limits:
        return
    spec = pod.get("spec") or {}
    notes: list[str] = []
    for field, kind in (("containers", "container"), ("initContainers", "init container")):
        for c in spec.get(field) or []:
            if isinstance(c, dict):
                notes += _merge_container(c, requests, limits, kind)
    if notes:
        meta = pod.setdefault("metadata", {})
        meta["annotations"] = {
            **(meta.get("annotations") or {}),
            ANNOTATION: "LimitRanger plugin set: " + "; ".join(notes),
        }


# ---- constraints (validating) -------------------------------------------------------------------
def _comparable(*values: Any) -> tuple[int, ...]:
    """requestLimitEnforcedValues: thousandths when none overflows them, whole units otherwise
    (an absent quantity counts as zero)."""
    units = [q.value(v) if v is not None else 0 for v in values]
    if all(u <= MAX_MILLI_VALUE for u in units):
        return tuple(q.milli_value(v) if v is not None else 0 for v in values)
    return tuple(units)


def min_constraint(kind: str, name: str, enforced: Any, requests: ResourceList, limits: ResourceList) -> str:
    req, lim = requests.get(name), limits.get(name)
    r, lv, e = _comparable(req, lim, enforced)
    if req is None:
        return f"minimum {name} usage per {kind} is {q.canonical(enforced)}.  No request is specified"
    if r < e:
        return (
            f"minimum {name} usage per {kind} is {q.canonical(enforced)}, but request is {q.canonical(req)}"
        )
    if lim is not None and lv < e:
        return f"minimum {name} usage per {kind} is {q.canonical(enforced)}, but limit is {q.canonical(lim)}"
    return ""


def max_constraint(kind: str, name: str, enforced: Any, requests: ResourceList, limits: ResourceList) -> str:
    req, lim = requests.get(name), limits.get(name)
    r, lv, e = _comparable(req, lim, enforced)
    if lim is None:
        return f"maximum {name} usage per {kind} is {q.canonical(enforced)}.  No limit is specified"
    if lv > e:
        return f"maximum {name} usage per {kind} is {q.canonical(enforced)}, but limit is {q.canonical(lim)}"
    if req is not None and r > e:
        return (
            f"maximum {name} usage per {kind} is {q.canonical(enforced)}, but request is {q.canonical(req)}"
        )
    return ""


def max_request_constraint(kind: str, name: str, enforced: Any, requests: ResourceList) -> str:
    """For claims, whose limits are not user input: the request is what max bounds."""
    req = requests.get(name)
    r, _, e = _comparable(req, None, enforced)
    if req is None:
        return f"maximum {name} usage per {kind} is {q.canonical(enforced)}.  No request is specified"
    if r > e:
        return (
            f"maximum {name} usage per {kind} is {q.canonical(enforced)}, but request is {q.canonical(req)}"
        )
    return ""


def ratio_constraint(
    kind: str, name: str, enforced: Any, requests: ResourceList, limits: ResourceList
) -> str:
    req, lim = requests.get(name), limits.get(name)
    r, lv, _ = _comparable(req, lim, enforced)
    shown = q.canonical(enforced)
    if req is None or r == 0:
        return f"{name} max limit to request ratio per {kind} is {shown}, but no request is specified or request is 0"
    if lim is None or lv == 0:
        return f"{name} max limit to request ratio per {kind} is {shown}, but no limit is specified or limit is 0"
    observed = lv / r
    if q.value(enforced) <= MAX_MILLI_VALUE:
        too_high = observed * 1000 > q.milli_value(enforced)
    else:
        too_high = observed > q.value(enforced)
    return (
        f"{name} max limit to request ratio per {kind} is {shown}, but provided ratio is {observed:f}"
        if too_high
        else ""
    )


def _check(kind: str, item: Obj, requests: ResourceList, limits: ResourceList) -> list[str]:
    msgs = [min_constraint(kind, k, v, requests, limits) for k, v in (item.get("min") or {}).items()]
    msgs += [max_constraint(kind, k, v, requests, limits) for k, v in (item.get("max") or {}).items()]
    ratios = item.get("maxLimitRequestRatio") or {}
    msgs += [ratio_constraint(kind, k, v, requests, limits) for k, v in ratios.items()]
    return [m for m in msgs if m]


def _resources(c: Obj) -> tuple[ResourceList, ResourceList]:
    res = c.get("resources") or {}
    return res.get("requests") or {}, res.get("limits") or {}


def _parsed(rl: ResourceList) -> dict[str, q.Quantity]:
    return {k: q.quantity(v) for k, v in rl.items()}


def _add(total: dict[str, q.Quantity], more: dict[str, q.Quantity]) -> None:
    """Quantity.Add: the sum keeps the first operand's format and is printed afresh."""
    for k, v in more.items():
        total[k] = total[k]._replace(value=total[k].value + v.value, cached="") if k in total else v


def _max_into(total: dict[str, q.Quantity], more: dict[str, q.Quantity]) -> None:
    for k, v in more.items():
        if k not in total or v.value > total[k].value:
            total[k] = v


def pod_totals(spec: Obj, field: str) -> ResourceList:
    """podRequests / podLimits (`field`): app containers and sidecars summed, against the
    largest need of any one init container plus the sidecars started before it."""
    pick = 1 if field == "limits" else 0
    total: dict[str, q.Quantity] = {}
    for c in spec.get("containers") or []:
        _add(total, _parsed(_resources(c)[pick]))
    sidecars: dict[str, q.Quantity] = {}
    init_max: dict[str, q.Quantity] = {}
    for c in spec.get("initContainers") or []:
        own = _parsed(_resources(c)[pick])
        if c.get("restartPolicy") == "Always":
            _add(total, own)
            _add(sidecars, own)
            need = dict(sidecars)
        else:
            need = dict(own)
            _add(need, sidecars)
        _max_into(init_max, need)
    _max_into(total, init_max)
    return {k: str(v) for k, v in total.items()}


def pod_violations(limit_range: Obj, pod: Obj) -> list[str]:
    """PodValidateLimitFunc."""
    spec = pod.get("spec") or {}
    msgs: list[str] = []
    for item in _items(limit_range):
        if item.get("type") == CONTAINER:
            for field in ("containers", "initContainers"):
                for c in spec.get(field) or []:
                    msgs += _check(CONTAINER, item, *_resources(c))
        elif item.get("type") == POD:
            msgs += _check(POD, item, pod_totals(spec, "requests"), pod_totals(spec, "limits"))
    return msgs


def claim_violations(limit_range: Obj, pvc: Obj) -> list[str]:
    """PersistentVolumeClaimValidateLimitFunc: min and max bound the requested storage."""
    requests = ((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}
    msgs: list[str] = []
    for item in _items(limit_range):
        if item.get("type") == PVC:
            msgs += [min_constraint(PVC, k, v, requests, {}) for k, v in (item.get("min") or {}).items()]
            msgs += [max_request_constraint(PVC, k, v, requests) for k, v in (item.get("max") or {}).items()]
    return [m for m in msgs if m]


def _items(limit_range: Obj) -> Iterable[Obj]:
    return [i for i in ((limit_range.get("spec") or {}).get("limits") or []) if isinstance(i, dict)]


# ---- the plugin ---------------------------------------------------------------------------------
class LimitRanger:
    name = "LimitRanger"
    #: what it may act on (chain.applicable): pods and claims (SupportsAttributes)
    resources = frozenset({("", "pods"), ("", "persistentvolumeclaims")})

    def __init__(self, limit_ranges: Callable[[str], list[Obj]]) -> None:
        """`limit_ranges(namespace)`: the namespace's LimitRanges, read from the watch cache."""
        self.limit_ranges = limit_ranges

    def _applies(self, attrs: Attributes) -> bool:
        """SupportsAttributes, plus: objects being deleted are left alone."""
        if attrs.subresource or attrs.group or attrs.operation not in (CREATE, UPDATE):
            return False
        if attrs.resource == "pods":
            if attrs.operation == UPDATE:
                return False
        elif attrs.resource != "persistentvolumeclaims":
            return False
        return not (attrs.old and (attrs.old.get("metadata") or {}).get("deletionTimestamp"))

    def _ranges(self, attrs: Attributes) -> list[Obj]:
        """The namespace's LimitRanges, read once per request."""
        found = attrs.memo.get(self.name)
        if found is None:
            found = attrs.memo[self.name] = self.limit_ranges(attrs.namespace)
        return found

    def mutates(self, attrs: Attributes) -> bool:
        return attrs.resource == "pods" and self._applies(attrs)

    def memo_state(self, attrs: Attributes) -> tuple[()] | None:
        """() when this write is left alone or its namespace has no LimitRange (nothing to
        default, nothing to check); None otherwise: the ranges have no cheap identity to key on."""
        if not self._applies(attrs) or not self._ranges(attrs):
            return ()
        return None

    def admit(self, attrs: Attributes) -> None:
        if not self.mutates(attrs):
            return
        for lr in self._ranges(attrs):
            apply_defaults(attrs.obj, lr)

    def validate(self, attrs: Attributes) -> None:
        if not self._applies(attrs):
            return
        check = pod_violations if attrs.resource == "pods" else claim_violations
        for lr in self._ranges(attrs):
            msgs = check(lr, attrs.obj)
            if msgs:
                raise forbidden(attrs, aggregate(msgs))
