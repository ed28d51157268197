"""A resource is a declaration: names, scope, schema, strategy, table columns, field selectors.

The generic store, discovery, OpenAPI, Table printing, strategic merge patch and field validation
all read this one declaration (STYLE.md §1); nothing downstream is written per resource.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, NamedTuple

from kubepy.api.errors import FieldError
from kubepy.api.schema import Struct
from kubepy.api.validation.names import name_is_dns_subdomain

Obj = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Settings:
    """Cluster-wide facts strategies validate against (from apiserver flags)."""

    service_cluster_ip_range: str = "10.254.0.0/16"
    service_node_port_range: tuple[int, int] = (30000, 32767)


class Context(NamedTuple):
    """What a strategy may know about the request besides the objects. A named tuple: made for
    every write, in a quarter of a frozen dataclass's time, and as immutable."""

    namespace: str = ""
    now: datetime | None = None
    settings: Settings = Settings()
    subresource: str = ""


class Strategy:
    """Per-resource hooks, as in k8s pkg/registry/*/strategy.go. Defaults suit a plain object.

    The generic store has already handled metadata (uid, name, generation, timestamps, ...)
    before and after these hooks; hooks mutate `obj` in place and return field errors.
    """

    #: PUT of a missing object creates it (Endpoints, Leases, Events do this in Kubernetes).
    allow_create_on_update: bool = False
    #: PUT without metadata.resourceVersion is allowed (last write wins).
    allow_unconditional_update: bool = True
    #: The object has a status subresource: main writes keep the old status, status writes keep
    #: everything else.
    has_status: bool = False
    #: metadata.generation is kept (1 at creation, +1 whenever the desired state changes).
    tracks_generation: bool = False
    #: DELETE answers with the deleted object rather than a Status (pods, namespaces, services...).
    return_deleted_object: bool = False
    #: Creates of an equal body may be built from the last one's result (registry/create_memo):
    #: decode_error, default, prepare_for_create, validate and canonicalize read neither the
    #: name, uid and creationTimestamp nor ctx.now, and warnings(obj, None) reads only metadata.
    create_memo: bool = False

    def decode_error(self, obj: Obj) -> str | None:
        """A problem Kubernetes' decoder would reject with 400 (e.g. Secret data that is not
        base64): returned as the message after "<Kind> in version ... cannot be handled as ..."."""
        return None

    def default(self, obj: Obj) -> None:
        """Fill defaults (SetDefaults_*); runs on every write, after decoding and after patching."""

    def prepare_for_create(self, obj: Obj, ctx: Context) -> None:
        """Clear what a user may not set at creation (status of most kinds)."""
        if self.has_status:
            obj.pop("status", None)
            self.initial_status(obj)

    def initial_status(self, obj: Obj) -> None:
        """Status a freshly created object starts with (Pod phase Pending, Namespace Active...)."""

    def prepare_for_update(self, new: Obj, old: Obj, ctx: Context) -> None:
        """Main-resource writes cannot change status when the kind has a status subresource."""
        if self.has_status:
            if "status" in old:
                new["status"] = old["status"]
            else:
                new.pop("status", None)

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return []

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return self.validate(new, ctx)

    def canonicalize(self, obj: Obj) -> None:
        """Normalise representation after validation (e.g. sort, lower-case)."""

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        """Warning headers for a write (deprecated fields and the like)."""
        return []

    # deletion ----------------------------------------------------------------------------
    def has_pending_finalizers(self, obj: Obj) -> bool:
        """The object must stay (with deletionTimestamp) until these are cleared."""
        return bool(obj.get("metadata", {}).get("finalizers"))

    def grace_period(self, obj: Obj, requested: int | None) -> int:
        """Seconds the object may take to terminate after DELETE; 0 removes it at once (a pod
        bound to a node waits for its kubelet)."""
        return 0

    def begin_deletion(self, obj: Obj, ctx: Context) -> None:
        """Deletion started but the object stays (Namespace turns Terminating here)."""

    # status subresource -------------------------------------------------------------------
    def prepare_for_status_update(self, new: Obj, old: Obj, ctx: Context) -> None:
        """Status writes may change status (and, as Kubernetes allows, nothing else)."""
        status = new.get("status")
        meta = new.get("metadata", {})
        new.clear()
        new.update({k: v for k, v in old.items() if k != "status"})
        if status is not None:
            new["status"] = status
        # labels/annotations changes through /status are dropped too, as Kubernetes does
        new["metadata"] = dict(old.get("metadata", {}))
        if "resourceVersion" in meta:
            new["metadata"]["resourceVersion"] = meta["resourceVersion"]

    def validate_status_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return []


@dataclass(frozen=True, slots=True)
class Column:
    """One server-side Table column (TableColumnDefinition plus how to compute the cell)."""

    name: str
    type: str  # "string" | "integer" | "number" | "boolean" | "date"
    cell: Callable[[Obj, datetime], Any]
    description: str = ""
    format: str = ""  # "name" for the NAME column
    priority: int = 0  # 1 = shown only with -o wide


@dataclass(frozen=True, slots=True)
class ScaleSpec:
    """Where the scale subresource reads and writes inside the object (dotted paths)."""

    spec_replicas: str = "spec.replicas"
    status_replicas: str = "status.replicas"
    label_selector: str = "status.selector"  # "" when derived from spec.selector map (RC)


@dataclass(frozen=True)
class Resource:
    group: str  # "" for the core group
    version: str
    kind: str
    plural: str
    namespaced: bool
    schema: Struct
    strategy: Strategy = field(default_factory=Strategy)
    singular: str = ""
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    #: subresources beyond the object: "status", "scale", "binding", "log", "exec", "attach",
    #: "portforward", "proxy", "token", "eviction", "ephemeralcontainers", ...
    subresources: tuple[str, ...] = ()
    scale: ScaleSpec | None = None
    #: Extra field selectors beyond metadata.name / metadata.namespace: label -> value getter.
    field_selectors: Mapping[str, Callable[[Obj], str]] = field(default_factory=dict)
    columns: tuple[Column, ...] = ()
    #: Verbs served; virtual kinds (SelfSubjectAccessReview) serve only "create".
    verbs: tuple[str, ...] = (
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    )
    #: For create-only virtual kinds: computes the response object from the request body.
    virtual: Callable[[Obj, Context], Obj] | None = None
    #: (group, plural) of the resource whose storage this one shares, with the conversions of its
    #: objects to and from that one's shape (Kubernetes keeps one Event for two APIs).
    stored_as: tuple[str, str] | None = None
    to_stored: Callable[[Obj], Obj] | None = None
    from_stored: Callable[[Obj], Obj] | None = None
    #: Sent as a Warning header on every request to the resource (Kubernetes' deprecation notice).
    deprecation: str = ""
    #: metadata.name rule (ValidateNameFunc); second argument is True for a generateName prefix.
    name_rule: Callable[[str, bool], list[str]] = name_is_dns_subdomain

    @cached_property  # read several times by every write (fields are frozen: never stale)
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def name_singular(self) -> str:
        return self.singular or self.kind.lower()

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    @cached_property
    def storage_prefix(self) -> str:
        """Key prefix in storage: /registry/<group>/<plural>/ (core group spelled "core"); a
        resource stored as another (events.k8s.io Events as core Events) uses that one's."""
        group, plural = self.stored_as or (self.group, self.plural)
        return f"/registry/{group or 'core'}/{plural}/"

    def key(self, namespace: str, name: str) -> str:
        if self.namespaced:
            return f"{self.storage_prefix}{namespace}/{name}"
        return f"{self.storage_prefix}{name}"
