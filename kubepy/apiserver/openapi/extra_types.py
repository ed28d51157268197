"""Types the API speaks that no resource declaration holds: Status, DeleteOptions, WatchEvent,
Patch, APIResourceList, and the bodies of subresources (Scale, Binding, Eviction, TokenRequest).

Written in the same schema language as the declarations, so OpenAPI derives them the same way.
"""

from __future__ import annotations

from kubepy.api.resources.core_binding import Binding
from kubepy.api.resources.meta import META, ListMeta, ObjectMeta, kind_struct
from kubepy.api.schema import BOOL, INT32, INT64, STRING, TIME, Raw, Struct, f, list_of, struct

Preconditions = struct(
    META + "Preconditions",
    "Conditions the stored object must meet for a delete to go ahead.",
    uid=f(STRING, "The object's UID must be this.", proto=1, pointer=True),
    resourceVersion=f(STRING, "The object's resourceVersion must be this.", proto=2, pointer=True),
)

DeleteOptions = struct(
    META + "DeleteOptions",
    "Options of a DELETE: grace period, preconditions and how dependents are treated.",
    apiVersion=f(STRING, "Versioned schema of this representation."),
    kind=f(STRING, "REST resource kind this object represents."),
    gracePeriodSeconds=f(
        INT64, "Seconds the object may take to terminate; 0 deletes at once.", proto=1, pointer=True
    ),
    preconditions=f(Preconditions, "Must hold or the delete fails with 409 Conflict.", proto=2),
    orphanDependents=f(
        BOOL, "Deprecated: use propagationPolicy. True orphans the dependents.", proto=3, pointer=True
    ),
    propagationPolicy=f(
        STRING, "Orphan, Background or Foreground garbage collection of dependents.", proto=4, pointer=True
    ),
    dryRun=f(list_of(STRING), "All: run every stage but persist nothing.", list_type="atomic", proto=5),
)

StatusCause = struct(
    META + "StatusCause",
    "One reason a request failed, possibly naming the field at fault.",
    reason=f(STRING, "Machine-readable cause, e.g. FieldValueInvalid.", proto=1),
    message=f(STRING, "Human-readable explanation.", proto=2),
    field=f(STRING, "Path of the field at fault, e.g. spec.containers[0].name.", proto=3),
)

StatusDetails = struct(
    META + "StatusDetails",
    "Which object a Status is about and why, in machine-readable form.",
    name=f(STRING, "Name of the object concerned.", proto=1),
    group=f(STRING, "API group of the object concerned.", proto=2),
    kind=f(STRING, "Kind of the object concerned.", proto=3),
    uid=f(STRING, "UID of the object concerned.", proto=6),
    causes=f(list_of(StatusCause), "Individual causes of the failure.", list_type="atomic", proto=4),
    retryAfterSeconds=f(INT32, "Seconds the client should wait before retrying.", proto=5),
)

Status = struct(
    META + "Status",
    "The result of a call that returns no object: success, or why it failed.",
    apiVersion=f(STRING, "Versioned schema of this representation."),
    kind=f(STRING, "REST resource kind this object represents."),
    metadata=f(ListMeta, "Standard list metadata.", proto=1),
    status=f(STRING, "Success or Failure.", proto=2),
    message=f(STRING, "Human-readable description of the outcome.", proto=3),
    reason=f(STRING, "Machine-readable reason for a failure, e.g. NotFound.", proto=4),
    details=f(StatusDetails, "Extra data about the failure, depending on the reason.", proto=5),
    code=f(INT32, "HTTP status code of this outcome.", proto=6),
    gvk=("", "v1", "Status"),
)

WatchEvent = struct(
    META + "WatchEvent",
    "One change seen by a watch.",
    type=f(STRING, "ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.", required=True, proto=1),
    object=f(
        Raw("io.k8s.apimachinery.pkg.runtime.RawExtension"),
        "The object after the change; a Status for ERROR events.",
        required=True,
        proto=2,
    ),
)

Patch = struct(META + "Patch", "A patch document; its format follows the request's Content-Type.")

APIResource = struct(
    META + "APIResource",
    "One resource of a group-version: names, scope and the verbs it supports.",
    name=f(STRING, "Plural name of the resource.", required=True, proto=1),
    singularName=f(STRING, "Singular name of the resource.", required=True, proto=6),
    namespaced=f(BOOL, "True when objects live in namespaces.", required=True, proto=2),
    group=f(STRING, "Group of the resource when it differs from the list's (subresources).", proto=8),
    version=f(STRING, "Version of the resource when it differs from the list's (subresources).", proto=9),
    kind=f(STRING, "Kind of the objects of this resource.", required=True, proto=3),
    verbs=f(list_of(STRING), "Verbs the resource supports.", required=True, proto=4),
    shortNames=f(list_of(STRING), "Short aliases, e.g. po for pods.", list_type="atomic", proto=5),
    categories=f(list_of(STRING), "Groupings such as all.", list_type="atomic", proto=7),
    storageVersionHash=f(STRING, "Opaque hash of the storage version.", proto=10),
)

APIResourceList = struct(
    META + "APIResourceList",
    "The resources served by one group-version.",
    apiVersion=f(STRING, "Versioned schema of this representation."),
    kind=f(STRING, "REST resource kind this object represents."),
    groupVersion=f(STRING, "The group-version listed.", required=True, proto=1),
    resources=f(
        list_of(APIResource), "Resources of the group-version.", required=True, list_type="atomic", proto=2
    ),
    gvk=("", "v1", "APIResourceList"),
)

AUTOSCALING = "io.k8s.api.autoscaling.v1."

ScaleSpec = struct(
    AUTOSCALING + "ScaleSpec",
    "The desired number of replicas.",
    replicas=f(INT32, "Desired number of instances of the scaled object.", proto=1),
)

ScaleStatus = struct(
    AUTOSCALING + "ScaleStatus",
    "The observed number of replicas.",
    replicas=f(INT32, "Actual number of instances of the scaled object.", required=True, proto=1),
    selector=f(STRING, "Label query over the pods counted in replicas, in string form.", proto=2),
)

Scale = kind_struct(
    AUTOSCALING + "Scale",
    "The scale subresource: replica count of a scalable object, read and written on its own.",
    "autoscaling",
    "v1",
    "Scale",
    spec=ScaleSpec,
    status=ScaleStatus,
)

Eviction = kind_struct(
    "io.k8s.api.policy.v1.Eviction",
    "A request to evict a pod, subject to its disruption budgets; posted to pods/eviction.",
    "policy",
    "v1",
    "Eviction",
    extra={"deleteOptions": f(DeleteOptions, "Options for the deletion of the pod.", proto=2)},
)

AUTHN = "io.k8s.api.authentication.v1."

BoundObjectReference = struct(
    AUTHN + "BoundObjectReference",
    "An object a token is bound to; the token stops working when the object goes.",
    kind=f(STRING, "Kind of the object: Pod or Secret.", proto=1),
    apiVersion=f(STRING, "API version of the object.", proto=2),
    name=f(STRING, "Name of the object.", proto=3),
    uid=f(STRING, "UID of the object.", proto=4),
)

TokenRequestSpec = struct(
    AUTHN + "TokenRequestSpec",
    "What the requested token is for and how long it lives.",
    audiences=f(
        list_of(STRING), "Audiences the token is meant for.", required=True, list_type="atomic", proto=1
    ),
    expirationSeconds=f(INT64, "Requested lifetime of the token in seconds.", proto=4, pointer=True),
    boundObjectRef=f(BoundObjectReference, "Object the token is bound to.", proto=3),
)

TokenRequestStatus = struct(
    AUTHN + "TokenRequestStatus",
    "The issued token.",
    token=f(STRING, "The opaque bearer token.", required=True, proto=1),
    expirationTimestamp=f(TIME, "When the token expires.", required=True, proto=2),
)

TokenRequest = kind_struct(
    AUTHN + "TokenRequest",
    "Requests a token for a service account; posted to serviceaccounts/token.",
    "authentication.k8s.io",
    "v1",
    "TokenRequest",
    spec=TokenRequestSpec,
    status=TokenRequestStatus,
)

#: Body type of the subresources that have their own kind.
SUBRESOURCE_BODIES: dict[str, Struct] = {
    "scale": Scale,
    "binding": Binding,
    "eviction": Eviction,
    "token": TokenRequest,
}

#: Types every document may reference whatever resources it serves.
COMMON: tuple[Struct, ...] = (Status, DeleteOptions, WatchEvent, Patch, APIResourceList, ObjectMeta)

__all__ = [
    "COMMON",
    "SUBRESOURCE_BODIES",
    "APIResourceList",
    "DeleteOptions",
    "Patch",
    "Status",
    "WatchEvent",
]

# ---- discovery documents (the /openapi/v3 root also lists api, apis, apis/<group>, version) ----
ServerAddressByClientCIDR = struct(
    META + "ServerAddressByClientCIDR",
    "The address a client in a given network should use to reach the server.",
    clientCIDR=f(STRING, "Network the client address must fall in.", required=True, proto=1),
    serverAddress=f(STRING, "host:port clients of that network should use.", required=True, proto=2),
)

GroupVersionForDiscovery = struct(
    META + "GroupVersionForDiscovery",
    "One version of a group, as discovery lists it.",
    groupVersion=f(STRING, "group/version, e.g. apps/v1.", required=True, proto=1),
    version=f(STRING, "The version alone, e.g. v1.", required=True, proto=2),
)

_CIDRS = f(list_of(ServerAddressByClientCIDR), "Addresses to reach the server by client network.", proto=4)

APIGroup = struct(
    META + "APIGroup",
    "A group's name, its versions and the version clients should prefer.",
    apiVersion=f(STRING, "Versioned schema of this representation."),
    kind=f(STRING, "REST resource kind this object represents."),
    name=f(STRING, "Name of the group.", required=True, proto=1),
    versions=f(
        list_of(GroupVersionForDiscovery), "Versions served.", required=True, list_type="atomic", proto=2
    ),
    preferredVersion=f(GroupVersionForDiscovery, "The version clients should use.", proto=3),
    serverAddressByClientCIDRs=_CIDRS,
    gvk=("", "v1", "APIGroup"),
)

APIGroupList = struct(
    META + "APIGroupList",
    "Every API group the server serves (/apis).",
    apiVersion=f(STRING, "Versioned schema of this representation."),
    kind=f(STRING, "REST resource kind this object represents."),
    groups=f(list_of(APIGroup), "The groups.", required=True, list_type="atomic", proto=1),
    gvk=("", "v1", "APIGroupList"),
)

APIVersions = struct(
    META + "APIVersions",
    "Versions of the legacy core API (/api).",
    apiVersion=f(STRING, "Versioned schema of this representation."),
    kind=f(STRING, "REST resource kind this object represents."),
    versions=f(list_of(STRING), "Versions served, e.g. v1.", required=True, list_type="atomic", proto=1),
    serverAddressByClientCIDRs=f(
        list_of(ServerAddressByClientCIDR),
        "Addresses to reach the server by client network.",
        required=True,
        list_type="atomic",
        proto=2,
    ),
    gvk=("", "v1", "APIVersions"),
)

VersionInfo = struct(
    "io.k8s.apimachinery.pkg.version.Info",
    "The server's version and build (/version).",
    {
        name: f(STRING, desc, required=True)
        for name, desc in (
            ("major", "Major version."),
            ("minor", "Minor version."),
            ("gitVersion", "Version string, e.g. v1.37.0."),
            ("gitCommit", "Commit the server was built from."),
            ("gitTreeState", "clean or dirty."),
            ("buildDate", "When the server was built."),
            ("goVersion", "Toolchain version."),
            ("compiler", "Compiler used."),
            ("platform", "os/arch of the build."),
        )
    },
)
