"""The query and path parameters, media types and names Kubernetes' REST operations use.

Descriptions are our own words for what kubepy does with each parameter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str  # "string" | "integer" | "boolean"
    description: str
    where: str = "query"  # "query" | "path"

    @property
    def required(self) -> bool:
        return self.where == "path"


# ---- parameters ------------------------------------------------------------------------------
def _q(name: str, type_: str, description: str) -> Param:
    return Param(name, type_, description)


PRETTY = _q("pretty", "string", "If 'true', the output is indented for people to read.")
DRY_RUN = _q(
    "dryRun", "string", "All: run admission and validation but persist nothing. Other values are errors."
)
FIELD_MANAGER = _q(
    "fieldManager",
    "string",
    "Name of the actor making the change, recorded in managedFields; at most 128 "
    "printable characters. Required for apply patches.",
)
FIELD_VALIDATION = _q(
    "fieldValidation",
    "string",
    "What to do with unknown or duplicate fields in the body: Ignore drops "
    "them, Warn drops them with a warning header per field, Strict rejects the request.",
)
FORCE = _q(
    "force",
    "boolean",
    "For apply patches: take over fields other managers own instead of failing "
    "with a conflict. Must be unset for other patch types.",
)
LABEL_SELECTOR = _q("labelSelector", "string", "Only objects whose labels match this selector. Default: all.")
FIELD_SELECTOR = _q("fieldSelector", "string", "Only objects whose fields match this selector. Default: all.")
WATCH = _q(
    "watch",
    "boolean",
    "Stream add, update and delete notifications instead of returning a list. "
    "Give resourceVersion to start from a known point.",
)
ALLOW_BOOKMARKS = _q(
    "allowWatchBookmarks",
    "boolean",
    "Ask for BOOKMARK events that carry only a newer "
    "resourceVersion; the server sends them when it likes. Ignored unless watching.",
)
RESOURCE_VERSION = _q(
    "resourceVersion",
    "string",
    "Which revision the answer may be served from; see the "
    "resource version semantics of the API. Default: unset (the latest).",
)
RESOURCE_VERSION_MATCH = _q(
    "resourceVersionMatch",
    "string",
    "How resourceVersion applies to a list: Exact or NotOlderThan. Default: unset.",
)
SEND_INITIAL_EVENTS = _q(
    "sendInitialEvents",
    "boolean",
    "With watch=true: first send the current state as "
    "ADDED events, then a BOOKMARK marking their end, then the changes.",
)
TIMEOUT = _q("timeoutSeconds", "integer", "Upper bound on the duration of the list or watch call.")
LIMIT = _q(
    "limit",
    "integer",
    "Return at most this many items; metadata.continue then fetches the next page "
    "of the same consistent snapshot. Not supported with watch.",
)
CONTINUE = _q(
    "continue",
    "string",
    "Token from a previous page's metadata.continue; the rest of the query "
    "must be unchanged. An expired token is answered with 410 Gone. Not supported with watch.",
)
GRACE = _q(
    "gracePeriodSeconds",
    "integer",
    "Seconds the object may take to terminate; 0 deletes at once. Default: the kind's own grace period.",
)
ORPHAN = _q("orphanDependents", "boolean", "Deprecated: use propagationPolicy. True orphans the dependents.")
PROPAGATION = _q(
    "propagationPolicy",
    "string",
    "What happens to dependents: Orphan leaves them, Background "
    "lets the garbage collector remove them afterwards, Foreground removes them first.",
)

LIST_PARAMS = (
    LABEL_SELECTOR,
    FIELD_SELECTOR,
    WATCH,
    ALLOW_BOOKMARKS,
    RESOURCE_VERSION,
    RESOURCE_VERSION_MATCH,
    SEND_INITIAL_EVENTS,
    TIMEOUT,
    LIMIT,
    CONTINUE,
)
WRITE_PARAMS = (DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION)
PATCH_PARAMS = (DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE)
DELETE_PARAMS = (GRACE, ORPHAN, PROPAGATION, DRY_RUN)
DELETE_COLLECTION_PARAMS = DELETE_PARAMS + (
    LABEL_SELECTOR,
    FIELD_SELECTOR,
    RESOURCE_VERSION,
    RESOURCE_VERSION_MATCH,
    SEND_INITIAL_EVENTS,
    TIMEOUT,
    LIMIT,
    CONTINUE,
)


def path_param(name: str, description: str) -> Param:
    return Param(name, "string", description, "path")


NAMESPACE = path_param("namespace", "Namespace of the objects; the scope for names, policies and access.")

_STREAM_OPTS = (
    _q("container", "string", "The container to use; may be omitted when the pod has only one."),
    _q("stdin", "boolean", "Pass the caller's stdin to the container."),
    _q("stdout", "boolean", "Return the container's stdout."),
    _q("stderr", "boolean", "Return the container's stderr."),
    _q("tty", "boolean", "Allocate a terminal; stderr then joins stdout."),
)
CONNECT_PARAMS: dict[str, tuple[Param, ...]] = {
    "exec": (
        _q("command", "string", "The command to run, one argument per occurrence; not run in a shell."),
        *_STREAM_OPTS,
    ),
    "attach": _STREAM_OPTS,
    "portforward": (_q("ports", "integer", "Container ports to forward to."),),
    "proxy": (_q("path", "string", "Path of the request to proxy to the target."),),
}
LOG_PARAMS = (
    _q("container", "string", "The container whose log to read; may be omitted when the pod has only one."),
    _q("follow", "boolean", "Keep the stream open and send new lines as they are written."),
    _q("insecureSkipTLSVerifyBackend", "boolean", "Do not verify the kubelet's serving certificate."),
    _q("limitBytes", "integer", "Stop after this many bytes."),
    _q("previous", "boolean", "Read the log of the previous, terminated instance of the container."),
    _q("sinceSeconds", "integer", "Only lines newer than this many seconds."),
    _q("stream", "string", "All, Stdout or Stderr. Default: All."),
    _q("tailLines", "integer", "Only this many lines from the end of the log."),
    _q("timestamps", "boolean", "Prefix every line with its RFC 3339 timestamp."),
)

# ---- media types -----------------------------------------------------------------------------
JSON, YAML, PROTOBUF = "application/json", "application/yaml", "application/vnd.kubernetes.protobuf"
OBJECT_TYPES = (JSON, YAML, PROTOBUF)
LIST_TYPES = (
    JSON,
    YAML,
    PROTOBUF,
    "application/json;stream=watch",
    "application/vnd.kubernetes.protobuf;stream=watch",
)
PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)
ANY = ("*/*",)
LOG_TYPES = ("text/plain", JSON, YAML, PROTOBUF)

CONNECT_METHODS = ("get", "post")
PROXY_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
CONNECT_KIND = {
    "exec": "PodExecOptions",
    "attach": "PodAttachOptions",
    "portforward": "PodPortForwardOptions",
}


# ---- names -----------------------------------------------------------------------------------
def group_part(group: str) -> str:
    """Kubernetes' operationId spelling of a group: "" → Core, rbac.authorization.k8s.io →
    RbacAuthorization, flowcontrol.apiserver.k8s.io → FlowcontrolApiserver."""
    if not group:
        return "Core"
    trimmed = group.removesuffix(".k8s.io")
    return "".join(p[:1].upper() + p[1:] for p in trimmed.replace("-", ".").split(".") if p)


def tag(group: str, version: str) -> str:
    """core_v1, apps_v1, rbacAuthorization_v1 ..."""
    g = group_part(group)
    return f"{g[:1].lower()}{g[1:]}_{version}"


def gv_part(group: str, version: str) -> str:
    return group_part(group) + version[:1].upper() + version[1:]


def gv_prefix(group: str, version: str) -> str:
    """URL prefix of a group-version: /api/v1 or /apis/<group>/<version>."""
    return f"/apis/{group}/{version}" if group else f"/api/{version}"
