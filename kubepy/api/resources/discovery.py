"""EndpointSlice (discovery.k8s.io/v1): a slice of a service's endpoints, of one address type."""

from __future__ import annotations

import ipaddress

from kubepy.api.errors import FieldError, duplicate, invalid, not_supported, required, too_many
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, list_with_more
from kubepy.api.resources.core_refs import ObjectReference
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import BOOL, INT32, STRING, enum, f, list_of, map_of, struct
from kubepy.api.validation.common import FIELD_IMMUTABLE, validate_dns1123_label
from kubepy.api.validation.ip import parse_ip, validate_non_special_ip
from kubepy.api.validation.meta import validate_labels
from kubepy.api.validation.names import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
)

GROUP = "discovery.k8s.io"
D = "io.k8s.api.discovery.v1."
ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
PROTOCOLS = ("SCTP", "TCP", "UDP")
MAX_ENDPOINTS, MAX_ADDRESSES, MAX_PORTS, MAX_TOPOLOGY, MAX_HINTS = 1000, 100, 20000, 16, 8

EndpointConditions = struct(
    D + "EndpointConditions",
    "Readiness of one endpoint.",
    ready=f(BOOL, "Ready to receive traffic.", proto=1, pointer=True),
    serving=f(BOOL, "Able to serve, even while terminating.", proto=2, pointer=True),
    terminating=f(BOOL, "Shutting down.", proto=3, pointer=True),
)

ForZone = struct(
    D + "ForZone", "A zone that should use an endpoint.", name=f(STRING, "Zone name.", required=True, proto=1)
)
ForNode = struct(
    D + "ForNode", "A node that should use an endpoint.", name=f(STRING, "Node name.", required=True, proto=1)
)

EndpointHints = struct(
    D + "EndpointHints",
    "Topology-aware routing hints.",
    forZones=f(list_of(ForZone), "Zones that should use this endpoint.", list_type="atomic", proto=1),
    forNodes=f(list_of(ForNode), "Nodes that should use this endpoint.", list_type="atomic", proto=2),
)

Endpoint = struct(
    D + "Endpoint",
    "One backend of a service.",
    addresses=f(
        list_of(STRING),
        "Addresses of the endpoint, of the slice's address type.",
        required=True,
        list_type="set",
        proto=1,
    ),
    conditions=f(EndpointConditions, "Readiness of the endpoint.", proto=2),
    hostname=f(STRING, "Hostname of the endpoint, for DNS.", proto=3, pointer=True),
    targetRef=f(ObjectReference, "Object (usually a pod) providing the endpoint.", proto=4),
    deprecatedTopology=f(map_of(STRING), "Deprecated topology labels.", proto=5),
    nodeName=f(STRING, "Node hosting the endpoint.", proto=6, pointer=True),
    zone=f(STRING, "Zone of the endpoint.", proto=7, pointer=True),
    hints=f(EndpointHints, "Routing hints.", proto=8),
)

EndpointPort = struct(
    D + "EndpointPort",
    "A port every endpoint of the slice serves.",
    map_type="atomic",
    name=f(STRING, "Port name, matching the service port; may be empty.", proto=1, pointer=True),
    protocol=f(enum(*PROTOCOLS), "IP protocol; TCP by default.", proto=2, pointer=True),
    port=f(INT32, "Port number; unset means all ports.", proto=3, pointer=True),
    appProtocol=f(STRING, "Application protocol of the port.", proto=4, pointer=True),
)

EndpointSlice = kind_struct(
    D + "EndpointSlice",
    "A subset of the endpoints of a service.",
    GROUP,
    "v1",
    "EndpointSlice",
    extra={
        "addressType": f(
            enum(*ADDRESS_TYPES), "Kind of addresses the slice holds; cannot change.", required=True, proto=4
        ),
        "endpoints": f(list_of(Endpoint), "Endpoints of the slice.", list_type="atomic", proto=2),
        "ports": f(list_of(EndpointPort), "Ports every endpoint serves.", list_type="atomic", proto=3),
    },
)


def _validate_address(path: str, addr_type: str, address: str) -> list[FieldError]:
    if addr_type in ("IPv4", "IPv6"):
        ip = parse_ip(address)
        want = ipaddress.IPv4Address if addr_type == "IPv4" else ipaddress.IPv6Address
        if not isinstance(ip, want) or (addr_type == "IPv6" and ip.ipv4_mapped is not None):
            return [invalid(path, address, f"must be a valid {addr_type} address")]
        return validate_non_special_ip(path, address)
    if addr_type == "FQDN":
        return _validate_fqdn(path, address)
    return []


def _validate_fqdn(path: str, name: str) -> list[FieldError]:
    if not name:
        return [required(path)]
    name = name.removesuffix(".")
    msgs = is_dns1123_subdomain(name)
    if msgs:
        return [invalid(path, name, ",".join(msgs))]
    if len(name.split(".")) < 2:
        return [invalid(path, name, "should be a domain with at least two segments separated by dots")]
    for label in name.split("."):
        msgs = is_dns1123_label(label)
        if msgs:
            return [invalid(path, label, ",".join(msgs))]
    return []


def _validate_hints(hints: Obj, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for key, check in (("forZones", is_valid_label_value), ("forNodes", is_dns1123_subdomain)):
        items = hints.get(key) or []
        if len(items) > MAX_HINTS:
            errs.append(too_many(f"{path}.{key}", len(items), MAX_HINTS))
            continue
        seen: set[str] = set()
        for i, item in enumerate(items):
            p, name = f"{path}.{key}[{i}].name", item.get("name") or ""
            if name in seen:
                errs.append(duplicate(p, name))
            seen.add(name)
            errs += [invalid(p, name, m) for m in check(name)]
    return errs


def validate_endpoints(slice_: Obj) -> list[FieldError]:
    endpoints = slice_.get("endpoints") or []
    if len(endpoints) > MAX_ENDPOINTS:
        return [too_many("endpoints", len(endpoints), MAX_ENDPOINTS)]
    errs: list[FieldError] = []
    addr_type = slice_.get("addressType") or ""
    for i, ep in enumerate(endpoints):
        p = f"endpoints[{i}]"
        addresses = ep.get("addresses") or []
        if not addresses:
            errs.append(required(f"{p}.addresses", "must contain at least 1 address"))
        elif len(addresses) > MAX_ADDRESSES:
            errs.append(too_many(f"{p}.addresses", len(addresses), MAX_ADDRESSES))
        for j, a in enumerate(addresses):
            errs += _validate_address(f"{p}.addresses[{j}]", addr_type, a)
        if ep.get("nodeName") is not None:
            errs += [
                invalid(f"{p}.nodeName", ep["nodeName"], m) for m in is_dns1123_subdomain(ep["nodeName"])
            ]
        topology = ep.get("deprecatedTopology") or {}
        if len(topology) > MAX_TOPOLOGY:
            errs.append(too_many(f"{p}.deprecatedTopology", len(topology), MAX_TOPOLOGY))
        errs += validate_labels(topology, f"{p}.deprecatedTopology")
        if ep.get("hostname") is not None:
            errs += validate_dns1123_label(f"{p}.hostname", ep["hostname"])
        if ep.get("hints") is not None:
            errs += _validate_hints(ep["hints"], f"{p}.hints")
    return errs


def validate_ports(ports: list[Obj]) -> list[FieldError]:
    if len(ports) > MAX_PORTS:
        return [too_many("ports", len(ports), MAX_PORTS)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        p, name = f"ports[{i}]", port.get("name") or ""
        if name:
            errs += validate_dns1123_label(f"{p}.name", name)
        if name in names:
            errs.append(duplicate(f"{p}.name", name))
        names.add(name)
        protocol = port.get("protocol")
        if protocol is None:
            errs.append(required(f"{p}.protocol"))
        elif protocol not in PROTOCOLS:
            errs.append(not_supported(f"{p}.protocol", protocol, PROTOCOLS))
        if port.get("appProtocol") is not None:
            errs += [
                invalid(f"{p}.appProtocol", port["appProtocol"], m)
                for m in is_qualified_name(port["appProtocol"])
            ]
    return errs


def validate_endpoint_slice(slice_: Obj) -> list[FieldError]:
    addr_type = slice_.get("addressType") or ""
    errs: list[FieldError] = []
    if not addr_type:
        errs.append(required("addressType"))
    elif addr_type not in ADDRESS_TYPES:
        errs.append(not_supported("addressType", addr_type, ADDRESS_TYPES))
    return errs + validate_endpoints(slice_) + validate_ports(slice_.get("ports") or [])


class EndpointSliceStrategy(Strategy):
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        obj.setdefault("endpoints", None)
        obj.setdefault("ports", None)
        for ep in obj.get("endpoints") or []:
            if not isinstance(ep.get("conditions"), dict):
                ep["conditions"] = {}
        for port in obj.get("ports") or []:
            port.setdefault("name", "")
            port.setdefault("protocol", "TCP")

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_endpoint_slice(obj)

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs = validate_endpoints(new) + validate_ports(new.get("ports") or [])
        if new.get("addressType") != old.get("addressType"):
            errs.append(invalid("addressType", new.get("addressType") or "", FIELD_IMMUTABLE))
        return errs


def format_ports(ports: list[Obj] | None) -> str:
    """formatDiscoveryPorts: numbers (or names, or "*"), three at most."""
    out = []
    for p in ports or []:
        if p.get("port") is not None:
            out.append(str(p["port"]))
        elif p.get("name") is not None:
            out.append(p["name"])
        else:
            out.append("*")
    return list_with_more(out)


def format_addresses(endpoints: list[Obj] | None) -> str:
    """formatDiscoveryEndpoints: addresses of all endpoints, three at most."""
    return list_with_more(a for ep in endpoints or [] for a in ep.get("addresses") or [])


RESOURCES = [
    Resource(
        group=GROUP,
        version="v1",
        kind="EndpointSlice",
        plural="endpointslices",
        namespaced=True,
        schema=EndpointSlice,
        strategy=EndpointSliceStrategy(),
        columns=(
            NAME,
            Column(
                "AddressType", "string", lambda o, now: o.get("addressType") or "", "Type of the addresses."
            ),
            Column("Ports", "string", lambda o, now: format_ports(o.get("ports")), "Ports of the slice."),
            Column(
                "Endpoints",
                "string",
                lambda o, now: format_addresses(o.get("endpoints")),
                "Addresses of the endpoints.",
            ),
            AGE,
        ),
    )
]

__all__ = ["RESOURCES", "EndpointSlice", "format_ports", "format_addresses"]
