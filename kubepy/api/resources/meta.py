"""meta/v1 types shared by every kind: ObjectMeta, ListMeta, LabelSelector, OwnerReference...

Field names, types, merge keys and protobuf numbers are Kubernetes' wire format; descriptions are
our own words.
"""

from __future__ import annotations

from kubepy.api.schema import (
    BOOL,
    INT64,
    STRING,
    TIME,
    Raw,
    Struct,
    f,
    list_of,
    map_of,
    struct,
)

META = "io.k8s.apimachinery.pkg.apis.meta.v1."

OwnerReference = struct(
    META + "OwnerReference",
    "Points at the object that owns this one; the garbage collector removes dependents of a deleted owner.",
    map_type="atomic",
    apiVersion=f(STRING, "API version of the owner.", required=True, proto=5),
    kind=f(STRING, "Kind of the owner.", required=True, proto=1),
    name=f(STRING, "Name of the owner.", required=True, proto=3),
    uid=f(STRING, "UID of the owner.", required=True, proto=4),
    controller=f(BOOL, "True when the owner is the managing controller.", proto=6, pointer=True),
    blockOwnerDeletion=f(
        BOOL,
        "With foreground deletion, the owner is not removed until this dependent is gone.",
        proto=7,
        pointer=True,
    ),
)

ManagedFieldsEntry = struct(
    META + "ManagedFieldsEntry",
    "Which fields one manager owns, recorded by server-side apply.",
    manager=f(STRING, "Name of the workflow that manages these fields.", proto=1),
    operation=f(STRING, "Apply or Update: the kind of write that last touched these fields.", proto=2),
    apiVersion=f(STRING, "Version of the resource the field set is expressed in.", proto=3),
    time=f(TIME, "When these fields were last changed by this manager.", proto=4, pointer=True),
    fieldsType=f(STRING, "Format of fieldsV1; only FieldsV1 exists.", proto=6),
    fieldsV1=f(Raw(META + "FieldsV1"), "The set of owned fields, in the FieldsV1 trie format.", proto=7),
    subresource=f(STRING, "Subresource the write went to, empty for the main resource.", proto=8),
)

ObjectMeta = struct(
    META + "ObjectMeta",
    "Data every persisted object carries: identity, labels, annotations and lifecycle markers.",
    name=f(STRING, "Unique name within the namespace (or cluster for cluster-scoped kinds).", proto=1),
    generateName=f(
        STRING, "Prefix from which the server builds a unique name when name is left empty.", proto=2
    ),
    namespace=f(STRING, "Namespace the object lives in; empty means the request's namespace.", proto=3),
    selfLink=f(STRING, "Deprecated and always empty; once the object's own URL.", proto=4),
    uid=f(STRING, "Server-assigned identifier, unique across time.", proto=5),
    resourceVersion=f(STRING, "Opaque version string used for optimistic concurrency and watches.", proto=6),
    generation=f(INT64, "Sequence number of the desired state, bumped when the spec changes.", proto=7),
    creationTimestamp=f(TIME, "When the server created the object.", proto=8),
    deletionTimestamp=f(TIME, "When the object will be, or began to be, deleted.", proto=9, pointer=True),
    deletionGracePeriodSeconds=f(
        INT64, "Seconds the object is allowed to terminate gracefully before removal.", proto=10, pointer=True
    ),
    labels=f(map_of(STRING), "Identifying key/value pairs that selectors match against.", proto=11),
    annotations=f(map_of(STRING), "Non-identifying key/value data for tools and people.", proto=12),
    ownerReferences=f(
        list_of(OwnerReference),
        "Objects this one depends on.",
        strategy="merge",
        key="uid",
        list_type="map",
        map_keys=("uid",),
        proto=13,
    ),
    finalizers=f(
        list_of(STRING),
        "Conditions that must be cleared before the object is removed from storage.",
        strategy="merge",
        list_type="set",
        proto=14,
    ),
    managedFields=f(
        list_of(ManagedFieldsEntry), "Field ownership maintained by server-side apply.", proto=17
    ),
)

ListMeta = struct(
    META + "ListMeta",
    "Metadata of a list response.",
    {"continue": f(STRING, "Token for fetching the next page of a limited list.", proto=3)},
    selfLink=f(STRING, "Deprecated and always empty.", proto=1),
    resourceVersion=f(STRING, "Revision the list is consistent at.", proto=2),
    remainingItemCount=f(INT64, "How many items follow this page, when known.", proto=4, pointer=True),
)

LabelSelectorRequirement = struct(
    META + "LabelSelectorRequirement",
    "One expression of a label selector: a key, an operator and values.",
    key=f(
        STRING, "Label key the requirement applies to.", required=True, strategy="merge", key="key", proto=1
    ),
    operator=f(STRING, "In, NotIn, Exists or DoesNotExist.", required=True, proto=2),
    values=f(list_of(STRING), "Values for In and NotIn; empty for Exists and DoesNotExist.", proto=3),
)

LabelSelector = struct(
    META + "LabelSelector",
    "Selects objects by labels; all terms must hold. An empty selector matches everything.",
    map_type="atomic",
    matchLabels=f(map_of(STRING), "Exact key/value pairs that must all be present.", proto=1),
    matchExpressions=f(
        list_of(LabelSelectorRequirement), "Set-based requirements that must all hold.", proto=2
    ),
)


def kind_struct(
    name: str,
    description: str,
    group: str,
    version: str,
    kind: str,
    *,
    spec: Struct | None = None,
    status: Struct | None = None,
    extra: dict | None = None,
    spec_doc: str = "Desired state, written by users and controllers.",
    status_doc: str = "Observed state, written by the system.",
) -> Struct:
    """A top-level kind: apiVersion, kind, metadata, then spec/status or the given fields."""
    fields = {
        "apiVersion": f(STRING, "Versioned schema of this representation."),
        "kind": f(STRING, "REST resource kind this object represents."),
        "metadata": f(ObjectMeta, "Standard object metadata.", proto=1),
    }
    if spec is not None:
        fields["spec"] = f(spec, spec_doc, proto=2)
    if status is not None:
        fields["status"] = f(status, status_doc, proto=3)
    fields.update(extra or {})
    return struct(name, description, fields, gvk=(group, version, kind))
