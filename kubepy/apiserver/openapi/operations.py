"""The REST operations of a resource, dialect-neutral: path, method, operationId, parameters,
body and responses, named as Kubernetes' apiserver names them (listCoreV1NamespacedPod,
patchAppsV1NamespacedDeploymentScale, connectCoreV1GetNamespacedPodExec, ...).

What exists follows from the declaration: its verbs, its scope and its subresources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubepy.api.resource import Resource
from kubepy.api.schema import Struct
from kubepy.apiserver.openapi import extra_types as xt
from kubepy.apiserver.openapi import parameters as p
from kubepy.apiserver.openapi.definitions import GVK, list_struct
from kubepy.apiserver.openapi.parameters import Param, group_part, gv_part, gv_prefix, path_param, tag

__all__ = [
    "Op",
    "Param",
    "PathItem",
    "discovery_path",
    "group_part",
    "gv_prefix",
    "resource_paths",
    "root_paths",
    "tag",
]

Responses = tuple[tuple[int, str, str], ...]  # (code, description, definition; "" = a string)


@dataclass(frozen=True, slots=True)
class Op:
    method: str  # lower-case HTTP method
    operation_id: str
    description: str
    action: str  # x-kubernetes-action; "" for none
    gvk: GVK | None
    tag: str
    params: tuple[Param, ...] = ()
    body: str = ""  # definition name of the request body
    consumes: tuple[str, ...] = ()
    responses: Responses = ()
    produces: tuple[str, ...] = ()


@dataclass(slots=True)
class PathItem:
    path: str
    params: list[Param] = field(default_factory=list)  # shared by every operation (path-level)
    ops: list[Op] = field(default_factory=list)


def ok(definition: str) -> Responses:
    return ((200, "OK", definition),)


def written(definition: str) -> Responses:
    return ((200, "OK", definition), (201, "Created", definition))


def created(definition: str) -> Responses:
    return (*written(definition), (202, "Accepted", definition))


@dataclass(frozen=True, slots=True)
class Names:
    """What every operation of one resource shares."""

    r: Resource

    @property
    def ns(self) -> str:
        return "Namespaced" if self.r.namespaced else ""

    @property
    def scope(self) -> str:
        """Collection path below the group-version prefix."""
        r = self.r
        return f"/namespaces/{{namespace}}/{r.plural}" if r.namespaced else f"/{r.plural}"

    @property
    def scope_params(self) -> list[Param]:
        return [p.NAMESPACE] if self.r.namespaced else []

    @property
    def name_param(self) -> Param:
        return path_param("name", f"name of the {self.r.kind}")

    def op(self, method: str, verb: str, what: str, desc: str, action: str, **kw: object) -> Op:
        """An operation named <verb><Group><Version><what>, of the resource's kind unless `gvk`."""
        r = self.r
        gvk = kw.pop("gvk", (r.group, r.version, r.kind))
        op_id = f"{verb}{gv_part(r.group, r.version)}{what}"
        return Op(method, op_id, desc, action, gvk, tag(r.group, r.version), **kw)  # type: ignore[arg-type]


def resource_paths(r: Resource) -> list[PathItem]:
    """Every path (and its operations) a resource answers on."""
    n = Names(r)
    base = gv_prefix(r.group, r.version)
    items = [_collection(n, base), _item(n, base), *_all_namespaces(n, base), *_watches(n, base)]
    for sub in r.subresources:
        items.extend(_subresource(n, sub, f"{base}{n.scope}/{{name}}"))
    return [i for i in items if i.ops]


def _collection(n: Names, base: str) -> PathItem:
    r, kind = n.r, n.r.kind
    item = PathItem(base + n.scope, [*n.scope_params, p.PRETTY])
    if "list" in r.verbs:
        item.ops.append(
            n.op(
                "get",
                "list",
                n.ns + kind,
                f"list or watch objects of kind {kind}",
                "list",
                params=p.LIST_PARAMS,
                responses=ok(list_struct(r).name),
                produces=p.LIST_TYPES,
            )
        )
    if "create" in r.verbs:
        item.ops.append(
            n.op(
                "post",
                "create",
                n.ns + kind,
                f"create a {kind}",
                "post",
                params=p.WRITE_PARAMS,
                body=r.schema.name,
                consumes=p.ANY,
                responses=created(r.schema.name),
                produces=p.OBJECT_TYPES,
            )
        )
    if "deletecollection" in r.verbs:
        item.ops.append(
            n.op(
                "delete",
                "delete",
                f"Collection{n.ns}{kind}",
                f"delete collection of {kind}",
                "deletecollection",
                params=p.DELETE_COLLECTION_PARAMS,
                body=xt.DeleteOptions.name,
                consumes=p.ANY,
                responses=ok(xt.Status.name),
                produces=p.OBJECT_TYPES,
            )
        )
    return item


def _item(n: Names, base: str) -> PathItem:
    r, kind = n.r, n.r.kind
    item = PathItem(f"{base}{n.scope}/{{name}}", [n.name_param, *n.scope_params, p.PRETTY])
    obj = r.schema.name
    if "get" in r.verbs:
        item.ops.append(
            n.op(
                "get",
                "read",
                n.ns + kind,
                f"read the specified {kind}",
                "get",
                responses=ok(obj),
                produces=p.OBJECT_TYPES,
            )
        )
    if "update" in r.verbs:
        item.ops.append(
            n.op(
                "put",
                "replace",
                n.ns + kind,
                f"replace the specified {kind}",
                "put",
                params=p.WRITE_PARAMS,
                body=obj,
                consumes=p.ANY,
                responses=written(obj),
                produces=p.OBJECT_TYPES,
            )
        )
    if "patch" in r.verbs:
        item.ops.append(
            n.op(
                "patch",
                "patch",
                n.ns + kind,
                f"partially update the specified {kind}",
                "patch",
                params=p.PATCH_PARAMS,
                body=xt.Patch.name,
                consumes=p.PATCH_TYPES,
                responses=written(obj),
                produces=p.OBJECT_TYPES,
            )
        )
    if "delete" in r.verbs:
        gone = obj if r.strategy.return_deleted_object else xt.Status.name
        item.ops.append(
            n.op(
                "delete",
                "delete",
                n.ns + kind,
                f"delete a {kind}",
                "delete",
                params=p.DELETE_PARAMS,
                body=xt.DeleteOptions.name,
                consumes=p.ANY,
                responses=((200, "OK", gone), (202, "Accepted", gone)),
                produces=p.OBJECT_TYPES,
            )
        )
    return item


def _all_namespaces(n: Names, base: str) -> list[PathItem]:
    r = n.r
    if not r.namespaced or "list" not in r.verbs:
        return []
    op = n.op(
        "get",
        "list",
        f"{r.kind}ForAllNamespaces",
        f"list or watch objects of kind {r.kind}",
        "list",
        responses=ok(list_struct(r).name),
        produces=p.LIST_TYPES,
    )
    return [PathItem(f"{base}/{r.plural}", [*p.LIST_PARAMS, p.PRETTY], [op])]


_DEPRECATED = "deprecated: use the 'watch' parameter with a list operation instead"


def _watches(n: Names, base: str) -> list[PathItem]:
    """The legacy /watch/ paths, one GET each; every parameter sits at path level."""
    r, kind = n.r, n.r.kind
    if "watch" not in r.verbs:
        return []
    event = ok(xt.WatchEvent.name)
    many = f"watch individual changes to a list of {kind}. {_DEPRECATED}."
    one = (
        f"watch changes to an object of kind {kind}. {_DEPRECATED}, filtered to a single item with the "
        "'fieldSelector' parameter."
    )
    out = [
        PathItem(
            f"{base}/watch{n.scope}",
            [*n.scope_params, *p.LIST_PARAMS, p.PRETTY],
            [
                n.op(
                    "get",
                    "watch",
                    f"{n.ns}{kind}List",
                    many,
                    "watchlist",
                    responses=event,
                    produces=p.LIST_TYPES,
                )
            ],
        ),
        PathItem(
            f"{base}/watch{n.scope}/{{name}}",
            [n.name_param, *n.scope_params, *p.LIST_PARAMS, p.PRETTY],
            [n.op("get", "watch", n.ns + kind, one, "watch", responses=event, produces=p.LIST_TYPES)],
        ),
    ]
    if r.namespaced:
        out.append(
            PathItem(
                f"{base}/watch/{r.plural}",
                [*p.LIST_PARAMS, p.PRETTY],
                [
                    n.op(
                        "get",
                        "watch",
                        f"{kind}ListForAllNamespaces",
                        many,
                        "watchlist",
                        responses=event,
                        produces=p.LIST_TYPES,
                    )
                ],
            )
        )
    return out


def _subresource(n: Names, sub: str, path: str) -> list[PathItem]:
    r = n.r
    what = f"{n.ns}{r.kind}{sub[:1].upper()}{sub[1:].lower()}"
    desc = f"{sub} of the specified {r.kind}"
    params = [n.name_param, *n.scope_params]
    item = PathItem(f"{path}/{sub}", [*params, p.PRETTY])
    body = xt.SUBRESOURCE_BODIES.get(sub)
    obj = body.name if body else r.schema.name
    gvk = body.gvk if body else (r.group, r.version, r.kind)
    if sub in ("status", "scale", "ephemeralcontainers", "resize", "finalize"):
        if sub != "finalize":
            item.ops.append(
                n.op(
                    "get",
                    "read",
                    what,
                    f"read {desc}",
                    "get",
                    gvk=gvk,
                    responses=ok(obj),
                    produces=p.OBJECT_TYPES,
                )
            )
        item.ops.append(
            n.op(
                "put",
                "replace",
                what,
                f"replace {desc}",
                "put",
                gvk=gvk,
                params=p.WRITE_PARAMS,
                body=obj,
                consumes=p.ANY,
                responses=written(obj),
                produces=p.OBJECT_TYPES,
            )
        )
        if sub != "finalize":
            item.ops.append(
                n.op(
                    "patch",
                    "patch",
                    what,
                    f"partially update {desc}",
                    "patch",
                    gvk=gvk,
                    params=p.PATCH_PARAMS,
                    body=xt.Patch.name,
                    consumes=p.PATCH_TYPES,
                    responses=written(obj),
                    produces=p.OBJECT_TYPES,
                )
            )
        return [item]
    if sub in ("binding", "eviction", "token"):
        item.ops.append(
            n.op(
                "post",
                "create",
                what,
                f"create {desc}",
                "post",
                gvk=gvk,
                params=p.WRITE_PARAMS,
                body=obj,
                consumes=p.ANY,
                responses=created(obj),
                produces=p.OBJECT_TYPES,
            )
        )
        return [item]
    if sub == "log":
        item.ops.append(
            n.op(
                "get",
                "read",
                what,
                f"read {desc}",
                "get",
                params=p.LOG_PARAMS,
                responses=ok(""),
                produces=p.LOG_TYPES,
            )
        )
        return [item]
    if sub in p.CONNECT_PARAMS:
        return _connect(n, sub, what, path, params)
    return []


def _connect(n: Names, sub: str, what: str, path: str, params: list[Param]) -> list[PathItem]:
    """exec, attach, portforward and proxy: one operation per HTTP method, action "connect"."""
    r = n.r
    gvk = (r.group, r.version, p.CONNECT_KIND.get(sub, f"{r.kind}ProxyOptions"))
    methods = p.PROXY_METHODS if sub == "proxy" else p.CONNECT_METHODS
    item = PathItem(f"{path}/{sub}", [*params])
    for m in methods:
        item.ops.append(
            n.op(
                m,
                "connect",
                f"{m.capitalize()}{what}",
                f"connect {m.upper()} requests to {sub} of {r.kind}",
                "connect",
                gvk=gvk,
                params=p.CONNECT_PARAMS[sub],
                responses=ok(""),
                produces=p.ANY,
            )
        )
    if sub != "proxy":
        return [item]
    with_path = PathItem(f"{path}/proxy/{{path}}", [*params, path_param("path", "path to the resource")])
    for m in methods:
        with_path.ops.append(
            n.op(
                m,
                "connect",
                f"{m.capitalize()}{what}WithPath",
                f"connect {m.upper()} requests to proxy of {r.kind}",
                "connect",
                gvk=gvk,
                responses=ok(""),
                produces=p.ANY,
            )
        )
    return [item, with_path]


def discovery_path(group: str, version: str) -> PathItem:
    """GET <prefix>/: the APIResourceList of the group-version."""
    op = Op(
        "get",
        f"get{gv_part(group, version)}APIResources",
        "get available resources",
        "",
        None,
        tag(group, version),
        responses=ok(xt.APIResourceList.name),
        produces=p.OBJECT_TYPES,
    )
    return PathItem(gv_prefix(group, version) + "/", [], [op])


def root_paths(groups: list[str]) -> dict[str, tuple[PathItem, Struct]]:
    """The discovery endpoints kube-apiserver also documents: /api/, /apis/, /apis/<group>/ and
    /version/, by their key in the /openapi/v3 root, with the type each answers."""

    def item(path: str, op_id: str, desc: str, tg: str, answer: Struct) -> tuple[PathItem, Struct]:
        op = Op("get", op_id, desc, "", None, tg, responses=ok(answer.name), produces=p.OBJECT_TYPES)
        return PathItem(path, [], [op]), answer

    out = {
        "api": item("/api/", "getCoreAPIVersions", "get available API versions", "core", xt.APIVersions),
        "apis": item("/apis/", "getAPIVersions", "get available API versions", "apis", xt.APIGroupList),
        "version": item(
            "/version/",
            "getCodeVersion",
            "get the version information for this server",
            "version",
            xt.VersionInfo,
        ),
    }
    for g in groups:
        part = group_part(g)
        out[f"apis/{g}"] = item(
            f"/apis/{g}/",
            f"get{part}APIGroup",
            "get information of a group",
            part[:1].lower() + part[1:],
            xt.APIGroup,
        )
    return out
