"""Server-side apply end to end: merging, ownership, pruning, conflicts and their wording."""

from __future__ import annotations

import copy

import orjson
import pytest

from kubepy.api.errors import StatusError
from kubepy.apiserver.apply import apply, track_update
from kubepy.apiserver.apply.fieldpath import decode_fields
from tests.apply.schemas import Deployment

T0, T1, T2, T3 = (f"2026-01-01T00:0{i}:00Z" for i in range(4))


def cfg(**spec: object) -> dict:
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
    }
    if spec:
        body["spec"] = dict(spec)
    return body


def web() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:1",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        }
                    ]
                },
            },
        },
    }


def run(
    live: dict | None, body: dict, manager: str, now: str = T1, force: bool = False, sub: str = ""
) -> dict:
    return apply(
        live,
        body,
        manager=manager,
        force=force,
        schema=Deployment,
        api_version="apps/v1",
        now=now,
        subresource=sub,
    )


def update(old: dict | None, new: dict, manager: str, now: str = T1, sub: str = "") -> dict:
    return track_update(
        old, new, manager=manager, schema=Deployment, api_version="apps/v1", now=now, subresource=sub
    )


def entries(obj: dict) -> list[dict]:
    return obj["metadata"].get("managedFields") or []


def owned(obj: dict, manager: str, operation: str = "Apply") -> frozenset:
    for e in entries(obj):
        if e["manager"] == manager and e["operation"] == operation:
            return decode_fields(e["fieldsV1"])
    return frozenset()


def body(obj: dict) -> dict:
    out = copy.deepcopy(obj)
    out["metadata"].pop("managedFields", None)
    return out


def conflict(exc: pytest.ExceptionInfo[StatusError]) -> tuple[str, list[dict]]:
    assert exc.value.code == 409 and exc.value.reason == "Conflict"
    return exc.value.message, exc.value.details["causes"]


# ---- create and re-apply --------------------------------------------------------------------
def test_apply_create_records_one_apply_entry() -> None:
    obj = run(None, web(), "kubectl", T0)
    assert body(obj) == web()
    [e] = entries(obj)
    assert list(e) == ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"]
    assert (e["manager"], e["operation"], e["apiVersion"], e["time"], e["fieldsType"]) == (
        "kubectl",
        "Apply",
        "apps/v1",
        T0,
        "FieldsV1",
    )
    assert orjson.dumps(e["fieldsV1"]).decode() == (
        '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":'
        '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":'
        '{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":'
        '{".":{},"f:containerPort":{},"f:protocol":{}}}}}}}}}'
    )


def test_reapply_unchanged_keeps_time() -> None:
    first = run(None, web(), "kubectl", T0)
    again = run(first, web(), "kubectl", T1)
    assert again == first
    assert entries(again)[0]["time"] == T0


def test_reapply_with_change_updates_value_and_time() -> None:
    first = run(None, web(), "kubectl", T0)
    changed = web()
    changed["spec"]["replicas"] = 5
    again = run(first, changed, "kubectl", T1)
    assert again["spec"]["replicas"] == 5
    assert entries(again)[0]["time"] == T1


# ---- conflicts --------------------------------------------------------------------------------
def test_conflict_between_appliers_and_force() -> None:
    live = run(None, cfg(replicas=3), "alice", T0)
    with pytest.raises(StatusError) as exc:
        run(live, cfg(replicas=5), "bob", T1)
    msg, causes = conflict(exc)
    assert msg == 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas'
    assert causes == [
        {"reason": "FieldManagerConflict", "message": 'conflict with "alice"', "field": ".spec.replicas"}
    ]
    assert exc.value.details == {"causes": causes}

    forced = run(live, cfg(replicas=5), "bob", T1, force=True)
    assert forced["spec"]["replicas"] == 5
    assert owned(forced, "bob") == {("f:spec", "f:replicas")}
    assert owned(forced, "alice") == frozenset()  # its only field was taken: entry gone
    assert [e["manager"] for e in entries(forced)] == ["bob"]


def test_several_conflicts_are_listed_per_manager() -> None:
    live = run(None, cfg(replicas=3, paused=False), "alice", T0)
    live = run(live, cfg(tags=["x"]), "carol", T1)
    with pytest.raises(StatusError) as exc:
        run(live, cfg(replicas=1, paused=True), "bob", T2)
    msg, causes = conflict(exc)
    assert msg == 'Apply failed with 2 conflicts: conflicts with "alice":\n- .spec.paused\n- .spec.replicas'
    assert [c["field"] for c in causes] == [".spec.paused", ".spec.replicas"]


def test_conflicts_with_updaters_name_their_version_and_subresource() -> None:
    live = run(None, cfg(replicas=3), "kubectl", T0)
    live["metadata"]["uid"] = "u1"
    scaled = copy.deepcopy(live)
    scaled["spec"]["replicas"] = 7
    live = update(live, scaled, "kube-controller-manager", T1, sub="scale")
    with pytest.raises(StatusError) as exc:
        run(live, cfg(replicas=3), "kubectl", T2)
    msg, causes = conflict(exc)
    assert msg == (
        'Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" '
        "using apps/v1: .spec.replicas"
    )
    assert (
        causes[0]["message"]
        == 'conflict with "kube-controller-manager" with subresource "scale" using apps/v1'
    )


def test_same_value_is_shared_without_conflict() -> None:
    live = run(None, cfg(replicas=3), "alice", T0)
    live = run(live, cfg(replicas=3, paused=True), "bob", T1)
    assert ("f:spec", "f:replicas") in owned(live, "alice")
    assert owned(live, "bob") == {("f:spec", "f:replicas"), ("f:spec", "f:paused")}
    # alice stops applying replicas: bob still owns it, so it stays
    live = run(live, cfg(), "alice", T2)
    assert live["spec"]["replicas"] == 3
    # bob stops too: now nobody owns it and it goes
    live = run(live, cfg(paused=True), "bob", T3)
    assert "replicas" not in live["spec"]
    assert live["spec"] == {"paused": True}


def test_new_applier_of_identical_values_gets_an_entry_without_time() -> None:
    live = run(None, cfg(replicas=3), "alice", T0)
    live = run(live, cfg(replicas=3), "bob", T1)
    bob = next(e for e in entries(live) if e["manager"] == "bob")
    assert "time" not in bob  # nothing changed, so the apply left no timestamp (as Kubernetes)


# ---- removal on re-apply ----------------------------------------------------------------------
def test_fields_no_longer_applied_are_removed() -> None:
    live = run(
        None,
        {**cfg(tags=["a", "b"]), "metadata": {"name": "web", "labels": {"app": "w", "tier": "fe"}}},
        "m",
        T0,
    )
    live = run(live, {**cfg(tags=["a"]), "metadata": {"name": "web", "labels": {"app": "w"}}}, "m", T1)
    assert live["metadata"]["labels"] == {"app": "w"}
    assert live["spec"]["tags"] == ["a"]
    assert owned(live, "m") == {("f:metadata", "f:labels", "f:app"), ("f:spec", "f:tags", 'v:"a"')}


def test_removing_last_label_drops_the_map() -> None:
    live = run(None, {**cfg(replicas=1), "metadata": {"name": "web", "labels": {"tier": "fe"}}}, "m", T0)
    live = run(live, cfg(replicas=1), "m", T1)
    assert "labels" not in live["metadata"]


def test_list_map_item_removed_when_no_longer_applied() -> None:
    two = web()
    two["spec"]["template"]["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})
    live = run(None, two, "kubectl", T0)
    live = run(live, web(), "kubectl", T1)
    assert [c["name"] for c in live["spec"]["template"]["spec"]["containers"]] == ["nginx"]


def test_field_taken_by_an_update_survives_reapply_without_it() -> None:
    live = run(None, {**cfg(), "metadata": {"name": "web", "labels": {"tier": "fe"}}}, "kubectl", T0)
    live["metadata"]["uid"] = "u1"
    edited = copy.deepcopy(live)
    edited["metadata"]["labels"]["tier"] = "be"
    live = update(live, edited, "kubectl-edit", T1)
    assert owned(live, "kubectl-edit", "Update") == {("f:metadata", "f:labels", "f:tier")}
    assert owned(live, "kubectl") == frozenset()
    live = run(live, cfg(replicas=2), "kubectl", T2)
    assert live["metadata"]["labels"] == {"tier": "be"}


def test_unowned_fields_an_applier_never_had_are_left_alone() -> None:
    live = run(None, cfg(replicas=1, paused=True), "kubectl", T0)
    live["spec"]["tags"] = ["extra"]  # set behind everyone's back: dangling, not ours to prune
    live = run(live, cfg(replicas=1), "kubectl", T1)
    assert live["spec"] == {"replicas": 1, "tags": ["extra"]}


# ---- update after apply ----------------------------------------------------------------------
def test_update_moves_ownership_then_apply_conflicts() -> None:
    live = run(None, web(), "kubectl", T0)
    live["metadata"]["uid"] = "u1"
    scaled = copy.deepcopy(live)
    scaled["spec"]["replicas"] = 5
    live = update(live, scaled, "kube-controller-manager", T1)
    assert ("f:spec", "f:replicas") not in owned(live, "kubectl")
    assert owned(live, "kube-controller-manager", "Update") == {("f:spec", "f:replicas")}
    assert [(e["manager"], e["operation"]) for e in entries(live)] == [
        ("kubectl", "Apply"),
        ("kube-controller-manager", "Update"),
    ]
    with pytest.raises(StatusError) as exc:
        run(live, web(), "kubectl", T2)
    assert conflict(exc)[0] == (
        'Apply failed with 1 conflict: conflict with "kube-controller-manager" using apps/v1: .spec.replicas'
    )
    # applying the value now there is fine and shares the field
    agreeing = web()
    agreeing["spec"]["replicas"] = 5
    live = run(live, agreeing, "kubectl", T2)
    assert ("f:spec", "f:replicas") in owned(live, "kubectl")
    assert ("f:spec", "f:replicas") in owned(live, "kube-controller-manager", "Update")


# ---- list and map types ----------------------------------------------------------------------
def test_multi_key_list_map_items_are_distinct_and_merge_by_both_keys() -> None:
    def ports(*ps: dict) -> dict:
        c = cfg(template={"spec": {"containers": [{"name": "dns", "ports": list(ps)}]}})
        return c

    tcp = {"containerPort": 53, "protocol": "TCP"}
    udp = {"containerPort": 53, "protocol": "UDP"}
    live = run(None, ports(tcp, udp), "m", T0)
    fs = owned(live, "m")
    base = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"dns"}', "f:ports")
    assert base + ('k:{"containerPort":53,"protocol":"TCP"}',) in fs
    assert base + ('k:{"containerPort":53,"protocol":"UDP"}',) in fs
    # another manager names the TCP port (protocol defaulted): same item, no new port
    live = run(live, ports({"containerPort": 53, "name": "dns-tcp"}), "n", T1)
    got = live["spec"]["template"]["spec"]["containers"][0]["ports"]
    assert got == [{"containerPort": 53, "protocol": "TCP", "name": "dns-tcp"}, udp]
    # m drops UDP; TCP stays with its extra field from n
    live = run(live, ports(tcp), "m", T2)
    assert live["spec"]["template"]["spec"]["containers"][0]["ports"] == [
        {"containerPort": 53, "protocol": "TCP", "name": "dns-tcp"}
    ]


def test_atomic_list_and_struct_conflict_whole() -> None:
    c = {"name": "nginx", "args": ["a", "b"]}
    live = run(
        None,
        cfg(selector={"matchLabels": {"app": "web"}}, template={"spec": {"containers": [c]}}),
        "alice",
        T0,
    )
    other = cfg(
        selector={"matchLabels": {"app": "web", "x": "y"}},
        template={"spec": {"containers": [{"name": "nginx", "args": ["c"]}]}},
    )
    with pytest.raises(StatusError) as exc:
        run(live, other, "bob", T1)
    assert [x["field"] for x in conflict(exc)[1]] == [
        ".spec.selector",
        '.spec.template.spec.containers[name="nginx"].args',
    ]
    live = run(live, other, "bob", T1, force=True)
    assert live["spec"]["selector"] == {"matchLabels": {"app": "web", "x": "y"}}
    assert live["spec"]["template"]["spec"]["containers"][0]["args"] == ["c"]


def test_granular_maps_and_sets_merge_across_managers() -> None:
    a = {**cfg(tags=["x", "y"]), "metadata": {"name": "web", "labels": {"a": "1"}}}
    b = {**cfg(tags=["z"]), "metadata": {"name": "web", "labels": {"b": "2"}}}
    live = run(run(None, a, "alice", T0), b, "bob", T1)
    assert live["metadata"]["labels"] == {"a": "1", "b": "2"}
    assert live["spec"]["tags"] == ["x", "y", "z"]
    assert owned(live, "bob") == {("f:metadata", "f:labels", "f:b"), ("f:spec", "f:tags", 'v:"z"')}


# ---- subresources and status -----------------------------------------------------------------
def test_status_is_not_owned_through_the_main_resource() -> None:
    live = run(None, {**cfg(replicas=1), "status": {"replicas": 9}}, "m", T0)
    assert owned(live, "m") == {("f:spec", "f:replicas")}


def test_status_subresource_tracks_status_only() -> None:
    live = run(None, cfg(replicas=2), "kubectl", T0)
    live["metadata"]["uid"] = "u1"
    new = copy.deepcopy(live)
    new["status"] = {"replicas": 2, "conditions": [{"type": "Available", "status": "True"}]}
    new["spec"]["replicas"] = 4  # a status write cannot own spec
    live2 = update(live, new, "kube-controller-manager", T1, sub="status")
    e = next(e for e in entries(live2) if e["manager"] == "kube-controller-manager")
    assert e["subresource"] == "status" and e["operation"] == "Update"
    assert list(e) == ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"]
    assert decode_fields(e["fieldsV1"]) == {
        ("f:status", "f:replicas"),
        ("f:status", "f:conditions"),
        ("f:status", "f:conditions", 'k:{"type":"Available"}'),
        ("f:status", "f:conditions", 'k:{"type":"Available"}', "f:type"),
        ("f:status", "f:conditions", 'k:{"type":"Available"}', "f:status"),
    }
    assert owned(live2, "kubectl") == {("f:spec", "f:replicas")}
    # an apply to /status by another manager conflicts with the status updater only on status
    applied = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "status": {"replicas": 3},
    }
    with pytest.raises(StatusError) as exc:
        run(live2, applied, "other", T2, sub="status")
    assert conflict(exc)[0] == (
        'Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "status" '
        "using apps/v1: .status.replicas"
    )


# ---- request checks ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("api_version", "kind", "message"),
    [
        ("apps/v1", None, "invalid object type: apps/v1, Kind="),
        (None, "Deployment", "invalid object type: /, Kind=Deployment"),
        ("apps/v1beta1", "Deployment", "invalid object type: apps/v1beta1, Kind=Deployment"),
        ("apps/v1", "StatefulSet", "invalid object type: apps/v1, Kind=StatefulSet"),
    ],
)
def test_apply_body_must_name_the_kind(api_version: str | None, kind: str | None, message: str) -> None:
    b = cfg(replicas=1)
    for k, v in (("apiVersion", api_version), ("kind", kind)):
        if v is None:
            del b[k]
        else:
            b[k] = v
    with pytest.raises(StatusError) as exc:
        run(None, b, "m")
    assert (exc.value.code, exc.value.reason, exc.value.message) == (400, "BadRequest", message)


def test_apply_body_may_not_carry_managed_fields() -> None:
    b = cfg(replicas=1)
    b["metadata"]["managedFields"] = []
    with pytest.raises(StatusError) as exc:
        run(None, b, "m")
    assert (exc.value.code, exc.value.message) == (400, "metadata.managedFields must be nil")


def test_duplicate_keys_in_apply_body() -> None:
    b = cfg(template={"spec": {"containers": [{"name": "a"}, {"name": "a"}]}})
    with pytest.raises(StatusError) as exc:
        run(None, b, "m")
    assert exc.value.code == 500
    assert exc.value.message == (
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
        '.spec.template.spec.containers: duplicate entries for key [name="a"]'
    )


# ---- objects created without managedFields -------------------------------------------------------
def test_first_apply_to_untracked_object_starts_with_before_first_apply() -> None:
    live = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "uid": "u1", "resourceVersion": "5", "labels": {"a": "1"}},
        "spec": {"replicas": 1},
    }
    with pytest.raises(StatusError) as exc:
        run(live, cfg(replicas=3), "kubectl", T1)
    assert conflict(exc)[0] == (
        'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas'
    )
    obj = run(live, cfg(replicas=1, paused=True), "kubectl", T1)
    assert [(e["manager"], e["operation"]) for e in entries(obj)] == [
        ("kubectl", "Apply"),
        ("before-first-apply", "Update"),
    ]
    # the labels map appeared from nothing, so it is owned as a whole too (".": {} in FieldsV1);
    # spec is a by-value struct and never "appears"
    assert owned(obj, "before-first-apply", "Update") == {
        ("f:metadata", "f:labels"),
        ("f:metadata", "f:labels", "f:a"),
        ("f:spec", "f:replicas"),
    }
    assert owned(obj, "kubectl") == {("f:spec", "f:replicas"), ("f:spec", "f:paused")}


def test_kubectl_server_side_apply_refreshes_client_side_annotation() -> None:
    key = "kubectl.kubernetes.io/last-applied-configuration"
    live = run(
        None, {**cfg(replicas=1), "metadata": {"name": "web", "annotations": {key: "{}"}}}, "kubectl", T0
    )
    b = {**cfg(replicas=2), "metadata": {"name": "web", "annotations": {key: "{}"}}}
    out = run(live, b, "kubectl", T1)
    assert out["metadata"]["annotations"][key] == (
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web"},'
        '"spec":{"replicas":2}}\n'
    )
    # only the manager named "kubectl" syncs it
    other = run(live, cfg(replicas=1, paused=True), "someone-else", T1)
    assert other["metadata"]["annotations"][key] == live["metadata"]["annotations"][key]


def test_kubectl_takes_over_fields_from_its_client_side_apply() -> None:
    key = "kubectl.kubernetes.io/last-applied-configuration"
    last = cfg(replicas=3)
    created = {**cfg(replicas=3), "metadata": {"name": "web", "namespace": "default", "uid": "u1"}}
    created["metadata"]["annotations"] = {key: orjson.dumps(last).decode()}
    live = update(None, created, "kubectl-client-side-apply", T0)
    # someone else applying a different value conflicts as usual
    with pytest.raises(StatusError) as exc:
        run(live, cfg(replicas=5), "other", T1)
    assert conflict(exc)[0] == (
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas'
    )
    # kubectl itself may take over what its last-applied annotation still matches
    out = run(live, cfg(replicas=5), "kubectl", T1)
    assert out["spec"]["replicas"] == 5
    assert ("f:spec", "f:replicas") in owned(out, "kubectl")
    # once the live value drifted from last-applied (an autoscaler), the conflict stands
    scaled = copy.deepcopy(live)
    scaled["spec"]["replicas"] = 4
    drifted = update(live, scaled, "hpa", T1)
    with pytest.raises(StatusError) as exc:
        run(drifted, cfg(replicas=5), "kubectl", T2)
    assert (
        conflict(exc)[0] == 'Apply failed with 1 conflict: conflict with "hpa" using apps/v1: .spec.replicas'
    )


def test_live_object_that_cannot_be_typed_is_a_server_error() -> None:
    live = run(None, cfg(replicas=1), "m", T0)
    live["spec"]["template"] = {"spec": {"containers": [{"image": "no-name"}]}}
    with pytest.raises(StatusError) as exc:
        run(live, cfg(template={"spec": {"containers": [{"name": "a"}]}}), "m", T1)
    assert (exc.value.code, exc.value.reason) == (500, "")
    assert exc.value.message.startswith(
        "failed to create typed live object (default/web; apps/v1, Kind=Deployment): associative list"
    )


def test_client_side_to_server_side_upgrade_takes_every_unchanged_field() -> None:
    key = "kubectl.kubernetes.io/last-applied-configuration"
    first = web()
    created = copy.deepcopy(first)
    created["metadata"]["annotations"] = {key: orjson.dumps(first).decode()}
    live = update(None, created, "kubectl-client-side-apply", T0)
    second = web()
    second["metadata"]["labels"] = {"app": "v2"}
    second["spec"]["replicas"] = 8
    second["spec"]["selector"] = {"matchLabels": {"app": "v2"}}
    second["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"
    out = run(live, second, "kubectl", T1)
    assert out["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:2"
    assert "nginx:2" in out["metadata"]["annotations"][key]
    # an invalid annotation allows nothing and is left alone on conflict
    broken = copy.deepcopy(live)
    broken["metadata"]["annotations"][key] = "invalid-object"
    with pytest.raises(StatusError):
        run(broken, second, "kubectl", T1)
    fixed = run(broken, second, "kubectl", T1, force=True)
    assert "nginx:2" in fixed["metadata"]["annotations"][key]


def test_reapply_after_another_additive_applier_changes_no_managed_fields() -> None:
    live = run(None, web(), "z", T0)
    live = run(live, cfg(replicas=3, paused=True), "b", T1)
    again = run(live, web(), "z", T2)
    assert again == live
