"""Lease (coordination.k8s.io/v1): a lock with an expiry, used for leader election and node
heartbeats (kube-node-lease)."""

from __future__ import annotations

from kubepy.api.errors import FieldError, forbidden, invalid
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, get
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import INT32, MICROTIME, STRING, f, struct
from kubepy.api.validation.names import is_qualified_name

LeaseSpec = struct(
    "io.k8s.api.coordination.v1.LeaseSpec",
    "Who holds the lease and until when.",
    holderIdentity=f(STRING, "Identity of the current holder.", proto=1, pointer=True),
    leaseDurationSeconds=f(INT32, "How long a holder's claim lasts after renewTime.", proto=2, pointer=True),
    acquireTime=f(MICROTIME, "When the current holder took the lease.", proto=3, pointer=True),
    renewTime=f(MICROTIME, "When the holder last renewed the lease.", proto=4, pointer=True),
    leaseTransitions=f(INT32, "How many times the lease changed holders.", proto=5, pointer=True),
    strategy=f(STRING, "How a coordinated leader is picked among candidates.", proto=6, pointer=True),
    preferredHolder=f(STRING, "Candidate the lease should go to next.", proto=7, pointer=True),
)

Lease = kind_struct(
    "io.k8s.api.coordination.v1.Lease",
    "A lease: a lock with an expiry.",
    "coordination.k8s.io",
    "v1",
    "Lease",
    spec=LeaseSpec,
)


def validate_lease_spec(spec: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and duration <= 0:
        errs.append(invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    transitions = spec.get("leaseTransitions")
    if transitions is not None and transitions < 0:
        errs.append(invalid("spec.leaseTransitions", transitions, "must be greater than or equal to 0"))
    strategy = spec.get("strategy")
    if strategy is not None:
        errs += [invalid("spec.strategy", strategy, m) for m in is_qualified_name(strategy)]
    if spec.get("preferredHolder") and not strategy:
        errs.append(forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"))
    return errs


class LeaseStrategy(Strategy):
    allow_create_on_update = True
    allow_unconditional_update = False

    def default(self, obj: Obj) -> None:
        if not isinstance(obj.get("spec"), dict):
            obj["spec"] = {}

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_lease_spec(obj.get("spec") or {})


RESOURCES = [
    Resource(
        group="coordination.k8s.io",
        version="v1",
        kind="Lease",
        plural="leases",
        namespaced=True,
        schema=Lease,
        strategy=LeaseStrategy(),
        columns=(
            NAME,
            Column(
                "Holder", "string", lambda o, now: get(o, "spec", "holderIdentity") or "", "Current holder."
            ),
            AGE,
        ),
    )
]
