"""OpenAPI definitions derived from the declarations: names, types, formats, refs, extensions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from kubepy.api.catalog import all_resources
from kubepy.api.schema import ListOf, MapOf, Prim, Raw, Struct, walk_structs
from kubepy.apiserver.openapi import OpenAPI
from kubepy.apiserver.openapi.definitions import V2, V3, Dialect, field_schema, type_schema

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
CORE = "io.k8s.api.core.v1."


@pytest.fixture(scope="module")
def oa() -> OpenAPI:
    return OpenAPI(all_resources(), "v1.37.0")


@pytest.fixture(scope="module")
def v2(oa: OpenAPI) -> dict[str, Any]:
    return orjson.loads(oa.v2.body)


@pytest.fixture(scope="module")
def v3(oa: OpenAPI) -> dict[str, dict[str, Any]]:
    return {k: orjson.loads(s.body) for k, s in oa.v3.items()}


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def test_pod_v3_golden(v3):
    pod = v3["api/v1"]["components"]["schemas"][CORE + "Pod"]
    assert pod["type"] == "object"
    assert (
        pod["description"]
        == "A group of containers that share network and storage and run together on one node."
    )
    assert pod["x-kubernetes-group-version-kind"] == [{"group": "", "kind": "Pod", "version": "v1"}]
    assert pod["properties"]["apiVersion"]["type"] == "string"
    # a ref with siblings is wrapped in allOf, as builder3's wrapRefs does
    assert pod["properties"]["metadata"] == {
        "allOf": [{"$ref": "#/components/schemas/" + META + "ObjectMeta"}],
        "description": "Standard object metadata.",
    }
    assert pod["properties"]["spec"]["allOf"] == [{"$ref": "#/components/schemas/" + CORE + "PodSpec"}]
    spec = v3["api/v1"]["components"]["schemas"][CORE + "PodSpec"]
    containers = spec["properties"]["containers"]
    assert containers["type"] == "array"
    assert containers["items"] == {"$ref": "#/components/schemas/" + CORE + "Container"}
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert containers["x-kubernetes-list-type"] == "map"
    assert containers["x-kubernetes-list-map-keys"] == ["name"]
    assert "containers" in spec["required"]


def test_pod_v2_golden(v2):
    pod = v2["definitions"][CORE + "Pod"]
    assert pod["properties"]["metadata"] == {
        "$ref": "#/definitions/" + META + "ObjectMeta",
        "description": "Standard object metadata.",
    }
    assert pod["x-kubernetes-group-version-kind"] == [{"group": "", "kind": "Pod", "version": "v1"}]
    assert v2["swagger"] == "2.0"
    assert v2["info"] == {"title": "Kubernetes", "version": "v1.37.0"}


def test_object_meta_golden(v2, v3):
    for doc, prefix in ((v2["definitions"], "#/definitions/"), (v3["api/v1"]["components"]["schemas"], None)):
        om = doc[META + "ObjectMeta"]
        props = om["properties"]
        ts = props["creationTimestamp"]
        time_ref = (prefix or "#/components/schemas/") + META + "Time"
        assert (ts.get("$ref") or ts["allOf"][0]["$ref"]) == time_ref
        assert props["labels"]["type"] == "object"
        assert props["labels"]["additionalProperties"] == {"type": "string"}
        assert props["generation"] == {
            "type": "integer",
            "format": "int64",
            "description": props["generation"]["description"],
        }
        owners = props["ownerReferences"]
        assert owners["x-kubernetes-patch-merge-key"] == "uid"
        assert owners["x-kubernetes-patch-strategy"] == "merge"
        assert owners["x-kubernetes-list-type"] == "map"
        assert owners["x-kubernetes-list-map-keys"] == ["uid"]
        assert props["finalizers"]["x-kubernetes-list-type"] == "set"
        assert doc[META + "OwnerReference"]["x-kubernetes-map-type"] == "atomic"
        assert doc[META + "OwnerReference"]["required"] == ["apiVersion", "kind", "name", "uid"]
        assert doc[META + "Time"] == {
            "description": doc[META + "Time"]["description"],
            "type": "string",
            "format": "date-time",
        }


def test_service_golden(v3):
    schemas = v3["api/v1"]["components"]["schemas"]
    ports = schemas[CORE + "ServiceSpec"]["properties"]["ports"]
    assert ports["x-kubernetes-patch-merge-key"] == "port"
    assert ports["x-kubernetes-list-map-keys"] == ["port", "protocol"]
    assert schemas[CORE + "ServiceSpec"]["properties"]["selector"]["x-kubernetes-map-type"] == "atomic"
    target = schemas[CORE + "ServicePort"]["properties"]["targetPort"]
    assert target["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString"}
    ]
    assert schemas[CORE + "ServiceList"]["x-kubernetes-group-version-kind"] == [
        {"group": "", "kind": "ServiceList", "version": "v1"}
    ]


def test_deployment_and_scale_golden(v3):
    schemas = v3["apis/apps/v1"]["components"]["schemas"]
    dep = schemas["io.k8s.api.apps.v1.Deployment"]
    assert dep["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}
    ]
    lst = schemas["io.k8s.api.apps.v1.DeploymentList"]
    assert lst["required"] == ["items"]
    assert lst["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/io.k8s.api.apps.v1.Deployment"
    }
    assert lst["properties"]["metadata"]["allOf"] == [{"$ref": "#/components/schemas/" + META + "ListMeta"}]
    scale = schemas["io.k8s.api.autoscaling.v1.Scale"]
    assert scale["x-kubernetes-group-version-kind"] == [
        {"group": "autoscaling", "kind": "Scale", "version": "v1"}
    ]
    assert schemas["io.k8s.api.autoscaling.v1.ScaleSpec"]["properties"]["replicas"]["format"] == "int32"
    # the strategy's maxUnavailable is an IntOrString
    ru = schemas["io.k8s.api.apps.v1.RollingUpdateDeployment"]["properties"]["maxUnavailable"]
    assert ru["allOf"][0]["$ref"].endswith("intstr.IntOrString")


def test_named_scalars_follow_kubernetes(v2, v3):
    d2, d3 = v2["definitions"], v3["api/v1"]["components"]["schemas"]
    q = "io.k8s.apimachinery.pkg.api.resource.Quantity"
    ios = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
    assert d2[q]["type"] == "string" and "format" not in d2[q]
    assert d3[q]["oneOf"] == [{"type": "string"}, {"type": "number"}]
    assert (d2[ios]["type"], d2[ios]["format"]) == ("string", "int-or-string")
    assert d3[ios]["oneOf"] == [{"type": "integer"}, {"type": "string"}]
    assert d3[ios]["format"] == "int-or-string"
    assert d3[META + "FieldsV1"]["type"] == "object"
    assert d3[META + "MicroTime"]["format"] == "date-time"
    assert d3["io.k8s.apimachinery.pkg.runtime.RawExtension"]["type"] == "object"


def test_meta_kinds_present(v2, v3):
    for name in (
        "Status",
        "StatusDetails",
        "StatusCause",
        "DeleteOptions",
        "Preconditions",
        "WatchEvent",
        "Patch",
        "APIResourceList",
        "APIResource",
        "ListMeta",
    ):
        assert META + name in v2["definitions"], name
        for r in all_resources():
            key = f"apis/{r.group}/{r.version}" if r.group else f"api/{r.version}"
            assert META + name in v3[key]["components"]["schemas"], (key, name)
    assert v2["definitions"][META + "Status"]["x-kubernetes-group-version-kind"] == [
        {"group": "", "kind": "Status", "version": "v1"}
    ]
    assert CORE + "Binding" in v3["api/v1"]["components"]["schemas"]
    assert "io.k8s.api.policy.v1.Eviction" in v3["api/v1"]["components"]["schemas"]
    assert "io.k8s.api.authentication.v1.TokenRequest" in v3["api/v1"]["components"]["schemas"]


def test_delete_options_lists_every_group_version(v2, oa):
    kinds = v2["definitions"][META + "DeleteOptions"]["x-kubernetes-group-version-kind"]
    served = {(r.group, r.version) for r in all_resources()}
    assert {(k["group"], k["version"]) for k in kinds} == served | {("", "v1")}
    assert {k["kind"] for k in kinds} == {"DeleteOptions"}


def _definition(s: Struct, d: Dialect) -> tuple[str, dict[str, Any], list[str]]:
    props = {name: field_schema(fd, d) for name, fd in s.fields.items()}
    return s.description, props, [n for n, fd in s.fields.items() if fd.required]


@pytest.mark.parametrize("dialect", [V2, V3], ids=["v2", "v3"])
def test_every_declared_field_appears(dialect, v2, v3):
    """Each struct reachable from each resource is a definition whose description, properties
    (type, description, extensions) and required list are those of its declaration. A name declared
    twice (the same Go type written in two modules) must match one of its declarations."""
    for r in all_resources():
        gv = f"apis/{r.group}/{r.version}" if r.group else f"api/{r.version}"
        schemas = v2["definitions"] if dialect is V2 else v3[gv]["components"]["schemas"]
        for s in walk_structs(r.schema):
            d = schemas[s.name]
            got = (d["description"], d.get("properties", {}), d.get("required", []))
            candidates = [_definition(o, dialect) for o in DECLARED[s.name]]
            assert got in candidates, s.name
            assert set(got[1]) == set(s.fields), s.name
            for name, fd in s.fields.items():
                if fd.description:
                    assert got[1][name]["description"]


DECLARED: dict[str, list[Struct]] = {}
for _r in all_resources():
    for _s in walk_structs(_r.schema):
        if all(_s is not o for o in DECLARED.setdefault(_s.name, [])):
            DECLARED[_s.name].append(_s)


def test_type_schema_shapes():
    assert type_schema(ListOf(MapOf(Prim("integer", "int32"))), V3) == {
        "type": "array",
        "items": {"type": "object", "additionalProperties": {"type": "integer", "format": "int32"}},
    }
    assert type_schema(Prim("string", enum=("A", "B")), V2) == {"type": "string", "enum": ["A", "B"]}
    assert type_schema(Raw(), V3) == {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    assert type_schema(Struct("x.Y", "", {}), V2) == {"$ref": "#/definitions/x.Y"}


def test_every_ref_resolves(v2, v3):
    names = set(v2["definitions"])
    assert {r.removeprefix("#/definitions/") for r in refs(v2)} <= names
    for key, doc in v3.items():
        names = set(doc["components"]["schemas"])
        missing = {r for r in refs(doc) if r.removeprefix("#/components/schemas/") not in names}
        assert not missing, key
        assert all(r.startswith("#/components/schemas/") for r in refs(doc))


def test_every_kind_has_gvk_and_list(v2):
    for r in all_resources():
        d = v2["definitions"][r.schema.name]
        assert {"group": r.group, "kind": r.kind, "version": r.version} in d[
            "x-kubernetes-group-version-kind"
        ]
        if r.virtual is None:
            lst = v2["definitions"][r.schema.name + "List"]
            assert lst["x-kubernetes-group-version-kind"] == [
                {"group": r.group, "kind": r.kind + "List", "version": r.version}
            ]
