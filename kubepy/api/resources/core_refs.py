"""core/v1 reference and node-targeting structs shared by several kinds (Pod, Event, Node, ...).

Wire names, list types and protobuf numbers are Kubernetes'; descriptions are our own words.
This module declares no resource.
"""

from __future__ import annotations

from kubepy.api.schema import STRING, TIME, enum, f, list_of, struct

CORE = "io.k8s.api.core.v1."

ObjectReference = struct(
    CORE + "ObjectReference",
    "Points at another object, possibly at a field inside it.",
    map_type="atomic",
    kind=f(STRING, "Kind of the referenced object.", proto=1),
    namespace=f(STRING, "Namespace of the referenced object.", proto=2),
    name=f(STRING, "Name of the referenced object.", proto=3),
    uid=f(STRING, "UID of the referenced object.", proto=4),
    apiVersion=f(STRING, "API version of the referenced object.", proto=5),
    resourceVersion=f(STRING, "Version of the referenced object the reference was made at.", proto=6),
    fieldPath=f(STRING, "Part of the object meant, e.g. spec.containers{name}.", proto=7),
)

LocalObjectReference = struct(
    CORE + "LocalObjectReference",
    "Names an object in the same namespace.",
    map_type="atomic",
    name=f(STRING, "Name of the referenced object.", proto=1),
)

TypedLocalObjectReference = struct(
    CORE + "TypedLocalObjectReference",
    "Names an object of a given kind in the same namespace.",
    map_type="atomic",
    apiGroup=f(STRING, "API group of the kind; empty for the core group.", proto=1, pointer=True),
    kind=f(STRING, "Kind of the referenced object.", required=True, proto=2),
    name=f(STRING, "Name of the referenced object.", required=True, proto=3),
)

TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")

Taint = struct(
    CORE + "Taint",
    "Marks a node so that pods not tolerating it are kept away.",
    key=f(STRING, "Taint key.", required=True, proto=1),
    value=f(STRING, "Taint value.", proto=2),
    effect=f(
        enum(*TAINT_EFFECTS), "What happens to pods that do not tolerate the taint.", required=True, proto=3
    ),
    timeAdded=f(TIME, "When a NoExecute taint was put on the node.", proto=4, pointer=True),
)

NodeSelectorRequirement = struct(
    CORE + "NodeSelectorRequirement",
    "A key, an operator and values matched against node labels or fields.",
    key=f(STRING, "Label or field key.", required=True, proto=1),
    operator=f(
        enum("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"),
        "How the key relates to the values.",
        required=True,
        proto=2,
    ),
    values=f(
        list_of(STRING), "Values to compare with; one integer for Gt and Lt.", list_type="atomic", proto=3
    ),
)

NodeSelectorTerm = struct(
    CORE + "NodeSelectorTerm",
    "Requirements that must all hold; an empty term matches nothing.",
    map_type="atomic",
    matchExpressions=f(
        list_of(NodeSelectorRequirement), "Requirements on node labels.", list_type="atomic", proto=1
    ),
    matchFields=f(
        list_of(NodeSelectorRequirement), "Requirements on node fields.", list_type="atomic", proto=2
    ),
)

NodeSelector = struct(
    CORE + "NodeSelector",
    "Terms of which at least one must match a node.",
    map_type="atomic",
    nodeSelectorTerms=f(
        list_of(NodeSelectorTerm),
        "Alternatives; any one matching selects the node.",
        required=True,
        list_type="atomic",
        proto=1,
    ),
)

__all__ = [
    "ObjectReference",
    "LocalObjectReference",
    "TypedLocalObjectReference",
    "Taint",
    "TAINT_EFFECTS",
    "NodeSelector",
    "NodeSelectorTerm",
    "NodeSelectorRequirement",
]
