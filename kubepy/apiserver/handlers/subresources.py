"""Subresources: status, scale, binding, namespace finalize, and the kubelet-routed ones."""

from __future__ import annotations

import copy
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.api import labels
from kubepy.api.fieldorder import with_field
from kubepy.api.schema import Struct
from kubepy.apiserver import params
from kubepy.apiserver.apply.typed import json_copy
from kubepy.apiserver.handlers import resource as rh
from kubepy.apiserver.handlers.patching import JSON_PATCH, MERGE_PATCH, STRATEGIC, unsupported_patch
from kubepy.apiserver.http import Request, Response, decode_body, json_response, raw_response
from kubepy.apiserver.patch import jsonpatch, mergepatch
from kubepy.apiserver.registry.registry import Entry
from kubepy.storage.interface import KeyNotFound
from kubepy.util.duration import rfc3339

Obj = dict[str, Any]
KUBELET_ROUTED = ("log", "exec", "attach", "portforward")


def _dig(obj: Obj, path: str) -> Any:
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def selector_string(sel: Any) -> str:
    if not sel:
        return ""
    if isinstance(sel, dict) and ("matchLabels" in sel or "matchExpressions" in sel):
        return str(labels.from_label_selector(sel))
    return str(labels.selector_from_set(sel))


def to_scale(e: Entry, obj: Obj) -> Obj:
    spec = e.res.scale
    assert spec is not None
    meta = obj.get("metadata") or {}
    status: Obj = {"replicas": _dig(obj, spec.status_replicas) or 0}
    sel = selector_string(_dig(obj, spec.label_selector)) if spec.label_selector else ""
    if sel:
        status["selector"] = sel
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": _dig(obj, spec.spec_replicas) or 0},
        "status": status,
    }


def _set(obj: Obj, path: str, value: Any) -> None:
    parts = path.split(".")
    cur = obj
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value


async def scale(e: Entry, req: Request) -> Response:
    if e.res.scale is None:
        raise fe.not_found_error(e.res.plural, req.info.name, e.res.group)
    if req.method == "GET":
        item = await e.store.get(req.info.namespace, req.info.name)
        return json_response(200, to_scale(e, item.obj), req)
    opts = params.write_options(req.query)
    doc = decode_body(req)
    ct = req.content_type

    def mutate(current: Obj | None) -> Obj:
        if current is None:
            raise e.store._not_found(req.info.name)
        cur_scale = to_scale(e, current)
        if req.method == "PUT":
            want = doc
        elif ct == JSON_PATCH:
            want = jsonpatch.apply_json_patch(copy.deepcopy(cur_scale), doc)
        elif ct in (MERGE_PATCH, STRATEGIC):
            want = mergepatch.apply_merge_patch(copy.deepcopy(cur_scale), doc)
        else:
            raise unsupported_patch(ct)
        if not isinstance(want, dict):
            raise fe.bad_request("the scale object is not a JSON object")
        replicas = (want.get("spec") or {}).get("replicas", 0)
        if not isinstance(replicas, int) or isinstance(replicas, bool):
            raise fe.bad_request(
                'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of type int32'
            )
        if replicas < 0:
            raise fe.invalid_error(
                "Scale",
                req.info.name,
                [fe.invalid("spec.replicas", replicas, "must be greater than or equal to 0")],
                "autoscaling",
            )
        rv = (want.get("metadata") or {}).get("resourceVersion")
        new = json_copy(current)
        if rv:
            new["metadata"]["resourceVersion"] = rv
        _set(new, e.res.scale.spec_replicas, replicas)
        return new

    res = await e.store.update(
        req.info.namespace,
        req.info.name,
        mutate,
        opts,
        rh.manager_name(req, opts),
        subresource="scale",
        create_allowed=False,
    )
    return json_response(200, to_scale(e, orjson.loads(res.body)), req)


async def status(e: Entry, req: Request) -> Response:
    if "status" not in e.res.subresources:
        raise fe.not_found_error(e.res.plural, req.info.name, e.res.group)
    if req.method == "GET":
        return await rh.get(e, req)
    if req.method == "PUT":
        return await rh.update(e, req, "status")
    if req.method == "PATCH":
        return await rh.patch(e, req, "status")
    raise fe.method_not_supported(e.res.plural + "/status", req.method.lower(), e.res.group)


async def finalize(e: Entry, req: Request) -> Response:
    """PUT namespaces/{name}/finalize: only spec.finalizers changes."""
    opts = params.write_options(req.query)
    body = rh.check_body_type(e, decode_body(req))

    def mutate(current: Obj | None) -> Obj:
        if current is None:
            raise e.store._not_found(req.info.name)
        new = json_copy(current)
        fins = (body.get("spec") or {}).get("finalizers")
        new.setdefault("spec", {})["finalizers"] = list(fins or [])
        if not fins:
            new["spec"].pop("finalizers")
        return new

    res = await e.store.update(
        "",
        req.info.name,
        mutate,
        opts,
        rh.manager_name(req, opts),
        subresource="finalize",
        create_allowed=False,
    )
    return raw_response(200, res.body, req)


async def binding(e: Entry, req: Request, pod_name: str | None = None) -> Response:
    """POST pods/{name}/binding (and the legacy namespaces/{ns}/bindings): assign a node."""
    body = decode_body(req)
    if not isinstance(body, dict):
        raise fe.bad_request('Binding in version "v1" cannot be handled as a Binding')
    name = pod_name or (body.get("metadata") or {}).get("name", "")
    target = body.get("target") or {}
    node = target.get("name", "")
    if not node:
        raise fe.invalid_error("Binding", name, [fe.required("target.name", "")])
    if target.get("kind") not in (None, "", "Node"):
        raise fe.invalid_error(
            "Binding", name, [fe.not_supported("target.kind", target.get("kind"), ["Node", "<empty>"])]
        )
    opts = params.write_options(req.query)
    now = rfc3339(e.store.env.now())
    spec_struct, status_struct = e.res.schema.fields["spec"].type, e.res.schema.fields["status"].type
    assert isinstance(spec_struct, Struct) and isinstance(status_struct, Struct)

    def assign(cur: Obj) -> Obj:
        meta = cur.get("metadata") or {}
        if meta.get("deletionTimestamp"):
            raise fe.conflict(
                "pods/binding", name, f"pod {name} is being deleted, cannot be assigned to a host"
            )
        assigned = (cur.get("spec") or {}).get("nodeName")
        if assigned:
            raise fe.conflict("pods/binding", name, f'pod {name} is already assigned to node "{assigned}"')
        # a new object, sharing with `cur` all but the paths it changes (`cur` stays as it is): a
        # binding always changes the pod, so storage need not compare the two (`decided`); the
        # new keys go where Kubernetes' encoder writes them, as the rest of the stored pod is
        new = dict(cur)
        new["spec"] = with_field(cur["spec"], "nodeName", node, spec_struct)
        status = cur.get("status") or {}
        conds = [c for c in (status.get("conditions") or []) if c.get("type") != "PodScheduled"]
        conds.append(
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": now}
        )
        new["status"] = with_field(status, "conditions", conds, status_struct)
        return new

    if opts.dry_run:
        item = await e.store.get(req.info.namespace, name)
        assign(json_copy(item.obj))
    else:
        key = e.store.key(req.info.namespace, name)
        seen = e.store.env.cache.get(key)  # the watch cache's copy, tried before reading storage
        cached = seen.record() if seen is not None else None
        try:
            await e.store.env.storage.guaranteed_update(key, assign, cached=cached, decided=True)
        except KeyNotFound:
            raise fe.not_found_error("pods", name) from None
    return json_response(
        201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, req
    )


async def kubelet_routed(e: Entry, req: Request) -> Response:
    """log/exec/attach/portforward/proxy: answered as Kubernetes does before a kubelet serves them."""
    sub = req.info.subresource
    item = await e.store.get(req.info.namespace, req.info.name)
    obj = item.obj
    if e.res.kind == "Pod":
        spec = obj.get("spec") or {}
        names = [c["name"] for c in spec.get("containers") or []]
        container = params.first(req.query, "container")
        if sub in ("log", "exec", "attach") and not container and len(names) > 1:
            raise fe.bad_request(
                f"a container name must be specified for pod {req.info.name}, choose one of: [{' '.join(names)}]"
            )
        if container and container not in names + [c["name"] for c in spec.get("initContainers") or []]:
            raise fe.bad_request(f"container {container} is not valid for pod {req.info.name}")
        container = container or (names[0] if names else "")
        if sub == "log":
            for cs in (obj.get("status") or {}).get("containerStatuses") or []:
                waiting = (cs.get("state") or {}).get("waiting")
                if cs.get("name") == container and waiting:
                    raise fe.bad_request(
                        f'container "{container}" in pod "{req.info.name}" is waiting to start: '
                        f"{waiting.get('reason', 'ContainerCreating')}"
                    )
        node = spec.get("nodeName")
        if not node:
            raise fe.bad_request(f"pod {req.info.name} does not have a host assigned")
        raise fe.StatusError(503, "ServiceUnavailable", f"no kubelet is serving node {node} yet")
    raise fe.StatusError(
        503, "ServiceUnavailable", f"no endpoints available for {e.res.kind.lower()} {req.info.name!r}"
    )
