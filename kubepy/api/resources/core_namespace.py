"""Namespace (core/v1): a scope for names, removed only after its content is gone.

Creation adds the "kubernetes" finalizer to spec.finalizers; deletion turns the phase to
Terminating until the namespace controller has emptied it and finalized it through /finalize.
"""

from __future__ import annotations

from kubepy.api.errors import FieldError, invalid
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, ensure, get
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import STRING, TIME, enum, f, list_of, struct
from kubepy.api.validation.names import is_qualified_name, name_is_dns_label

CORE = "io.k8s.api.core.v1."
FINALIZER_KUBERNETES = "kubernetes"
NAME_LABEL = "kubernetes.io/metadata.name"
#: Namespaces every cluster starts with.
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")

NamespaceCondition = struct(
    CORE + "NamespaceCondition",
    "One observed aspect of a namespace's state (e.g. content deletion failures).",
    type=f(STRING, "Kind of condition.", required=True, proto=1),
    status=f(STRING, "True, False or Unknown.", required=True, proto=2),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=4),
    reason=f(STRING, "Machine-readable cause of the last transition.", proto=5),
    message=f(STRING, "Human-readable detail of the last transition.", proto=6),
)

NamespaceSpec = struct(
    CORE + "NamespaceSpec",
    "What the namespace needs before it may be removed.",
    finalizers=f(
        list_of(STRING),
        "Parties that must release the namespace before it is removed from storage.",
        list_type="atomic",
        proto=1,
    ),
)

NamespaceStatus = struct(
    CORE + "NamespaceStatus",
    "Lifecycle phase and conditions of a namespace.",
    phase=f(enum("Active", "Terminating"), "Active, or Terminating once deletion started.", proto=1),
    conditions=f(
        list_of(NamespaceCondition),
        "Observations about the namespace.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=2,
    ),
)

Namespace = kind_struct(
    CORE + "Namespace",
    "A scope in which object names are unique.",
    "",
    "v1",
    "Namespace",
    spec=NamespaceSpec,
    status=NamespaceStatus,
)


def validate_finalizer_name(path: str, name: str) -> list[FieldError]:
    """A qualified name, and a bare name must be a standard one ("kubernetes")."""
    errs = [invalid(path, name, m) for m in is_qualified_name(name)]
    if "/" not in name and name != FINALIZER_KUBERNETES:
        errs.append(
            invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")
        )
    return errs


class NamespaceStrategy(Strategy):
    has_status = True
    return_deleted_object = True

    def default(self, obj: Obj) -> None:
        ensure(obj, "spec")
        status = obj.get("status") or {}
        status.setdefault("phase", "Active")
        obj["status"] = status
        self.canonicalize(obj)

    def canonicalize(self, obj: Obj) -> None:
        name = get(obj, "metadata", "name")
        if name:
            meta = ensure(obj, "metadata")
            meta["labels"] = {**(meta.get("labels") or {}), NAME_LABEL: name}

    def prepare_for_create(self, obj: Obj, ctx: Context) -> None:
        obj["status"] = {"phase": "Active"}
        spec = ensure(obj, "spec")
        finalizers = list(spec.get("finalizers") or [])
        if FINALIZER_KUBERNETES not in finalizers:
            finalizers.append(FINALIZER_KUBERNETES)
        spec["finalizers"] = finalizers

    def prepare_for_update(self, new: Obj, old: Obj, ctx: Context) -> None:
        """Only /finalize may change spec.finalizers; and it may change nothing else."""
        if ctx.subresource == "finalize":
            finalizers = get(new, "spec", "finalizers")
            meta = new.get("metadata", {})
            new.clear()
            new.update({k: v for k, v in old.items()})
            new["metadata"] = dict(old.get("metadata", {}))
            if "resourceVersion" in meta:
                new["metadata"]["resourceVersion"] = meta["resourceVersion"]
            new["spec"] = {**(old.get("spec") or {}), "finalizers": finalizers or []}
            return
        spec = ensure(new, "spec")
        old_finalizers = get(old, "spec", "finalizers")
        if old_finalizers is None:
            spec.pop("finalizers", None)
        else:
            spec["finalizers"] = old_finalizers
        new["status"] = old.get("status", {"phase": "Active"})

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        errs: list[FieldError] = []
        for name in get(obj, "spec", "finalizers", default=[]):
            errs += validate_finalizer_name("spec.finalizers", name)
        return errs

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        if ctx.subresource == "finalize":
            errs: list[FieldError] = []
            for i, name in enumerate(get(new, "spec", "finalizers", default=[])):
                errs += validate_finalizer_name(f"spec.finalizers[{i}]", name)
            return errs
        return []

    def validate_status_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        phase = get(new, "status", "phase", default="")
        if not get(new, "metadata", "deletionTimestamp"):
            if phase != "Active":
                return [
                    invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty")
                ]
        elif phase != "Terminating":
            return [
                invalid(
                    "status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"
                )
            ]
        return []

    def has_pending_finalizers(self, obj: Obj) -> bool:
        return bool(get(obj, "metadata", "finalizers")) or bool(get(obj, "spec", "finalizers"))

    def begin_deletion(self, obj: Obj, ctx: Context) -> None:
        ensure(obj, "status")["phase"] = "Terminating"


def initial_namespaces() -> list[Obj]:
    """The namespaces the apiserver creates at start (default, kube-system, ...), before
    server-set metadata; run them through the usual create path."""
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}, "spec": {}, "status": {}}
        for n in SYSTEM_NAMESPACES
    ]


RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="Namespace",
        plural="namespaces",
        namespaced=False,
        schema=Namespace,
        strategy=NamespaceStrategy(),
        short_names=("ns",),
        subresources=("status", "finalize"),
        field_selectors={
            "status.phase": lambda o: get(o, "status", "phase", default=""),
            "name": lambda o: get(o, "metadata", "name", default=""),
        },
        columns=(
            NAME,
            Column(
                "Status",
                "string",
                lambda o, now: get(o, "status", "phase", default=""),
                "The phase the namespace is in: Active or Terminating.",
            ),
            AGE,
        ),
        name_rule=name_is_dns_label,
    )
]

__all__ = ["RESOURCES", "Namespace", "initial_namespaces", "SYSTEM_NAMESPACES"]
