"""core/v1 Binding: the legacy namespaces/{ns}/bindings collection (create only) and the body of
pods/{name}/binding. The store behind it is the pods' one: a binding only ever sets spec.nodeName."""

from __future__ import annotations

from kubepy.api.resource import Resource, Strategy
from kubepy.api.resources.core_refs import ObjectReference
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import f

Binding = kind_struct(
    "io.k8s.api.core.v1.Binding",
    "Ties a pod to a node; what the scheduler posts to pods/binding.",
    "",
    "v1",
    "Binding",
    extra={"target": f(ObjectReference, "The node the pod is bound to.", required=True, proto=2)},
)

RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="Binding",
        plural="bindings",
        namespaced=True,
        schema=Binding,
        strategy=Strategy(),
        verbs=("create",),
    )
]
