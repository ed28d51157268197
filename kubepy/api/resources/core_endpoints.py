"""Endpoints (core/v1): the addresses and ports behind a service, kept by the endpoints controller
or written by hand for a service without a selector (the book's my-service-endpoints.json)."""

from __future__ import annotations

from datetime import datetime

from kubepy.api.errors import FieldError, invalid, not_supported, required
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME
from kubepy.api.resources.core_refs import ObjectReference
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import INT32, STRING, enum, f, list_of, struct
from kubepy.api.validation.common import validate_dns1123_label
from kubepy.api.validation.ip import validate_ip, validate_non_special_ip
from kubepy.api.validation.names import is_dns1123_subdomain, is_qualified_name, is_valid_port_num

CORE = "io.k8s.api.core.v1."
PROTOCOLS = ("SCTP", "TCP", "UDP")
#: Warning Kubernetes (1.33+) sends with every request on v1 Endpoints.
DEPRECATION_WARNING = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"

EndpointAddress = struct(
    CORE + "EndpointAddress",
    "One address serving the service.",
    map_type="atomic",
    ip=f(STRING, "IP of the endpoint.", required=True, proto=1),
    hostname=f(STRING, "Hostname of the endpoint, used for DNS records.", proto=3),
    nodeName=f(STRING, "Node that hosts the endpoint.", proto=4, pointer=True),
    targetRef=f(ObjectReference, "Object (usually a pod) providing the endpoint.", proto=2),
)

EndpointPort = struct(
    CORE + "EndpointPort",
    "One port of the endpoints of a subset.",
    map_type="atomic",
    name=f(STRING, "Name matching the service port's name; required with several ports.", proto=1),
    port=f(INT32, "Port number.", required=True, proto=2),
    protocol=f(enum(*PROTOCOLS), "IP protocol; TCP by default.", proto=3),
    appProtocol=f(STRING, "Application protocol of the port.", proto=4, pointer=True),
)

EndpointSubset = struct(
    CORE + "EndpointSubset",
    "Addresses that share the same ports: every address serves every port.",
    addresses=f(list_of(EndpointAddress), "Ready addresses.", list_type="atomic", proto=1),
    notReadyAddresses=f(
        list_of(EndpointAddress), "Addresses not ready to serve yet.", list_type="atomic", proto=2
    ),
    ports=f(list_of(EndpointPort), "Ports served by all addresses.", list_type="atomic", proto=3),
)

Endpoints = kind_struct(
    CORE + "Endpoints",
    "The network endpoints implementing a service, named like the service.",
    "",
    "v1",
    "Endpoints",
    extra={
        "subsets": f(
            list_of(EndpointSubset),
            "Groups of addresses with the ports they serve.",
            list_type="atomic",
            proto=2,
        )
    },
)


def _validate_address(addr: Obj, path: str) -> list[FieldError]:
    ip = addr.get("ip") or ""
    errs = validate_ip(f"{path}.ip", ip)
    if addr.get("hostname"):
        errs += validate_dns1123_label(f"{path}.hostname", addr["hostname"])
    if addr.get("nodeName") is not None:
        errs += [
            invalid(f"{path}.nodeName", addr["nodeName"], m) for m in is_dns1123_subdomain(addr["nodeName"])
        ]
    return errs + validate_non_special_ip(f"{path}.ip", ip)


def _validate_port(port: Obj, require_name: bool, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs += validate_dns1123_label(f"{path}.name", name)
    num = port.get("port") or 0
    errs += [invalid(f"{path}.port", num, m) for m in is_valid_port_num(num)]
    protocol = port.get("protocol") or ""
    if not protocol:
        errs.append(required(f"{path}.protocol"))
    elif protocol not in PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
    if port.get("appProtocol") is not None:
        errs += [
            invalid(f"{path}.appProtocol", port["appProtocol"], m)
            for m in is_qualified_name(port["appProtocol"])
        ]
    return errs


def validate_subsets(subsets: list[Obj] | None) -> list[FieldError]:
    """validateEndpointSubsets."""
    errs: list[FieldError] = []
    for i, ss in enumerate(subsets or []):
        path = f"subsets[{i}]"
        addrs, not_ready, ports = (
            ss.get("addresses") or [],
            ss.get("notReadyAddresses") or [],
            ss.get("ports") or [],
        )
        if not addrs and not not_ready:
            errs.append(required(path, "must specify `addresses` or `notReadyAddresses`"))
        for j, a in enumerate(addrs):
            errs += _validate_address(a, f"{path}.addresses[{j}]")
        for j, a in enumerate(not_ready):
            errs += _validate_address(a, f"{path}.notReadyAddresses[{j}]")
        for j, p in enumerate(ports):
            errs += _validate_port(p, len(ports) > 1, f"{path}.ports[{j}]")
    return errs


def format_endpoints(ep: Obj, limit: int = 3) -> str:
    """formatEndpoints: "10.1.0.5:6379,10.1.0.6:6379 + 1 more...", "<none>" when empty."""
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    more, count = False, 0
    for ss in subsets:
        addrs = ss.get("addresses") or []
        ports = ss.get("ports") or []
        count += len(addrs) * max(len(ports), 1)
        pairs = [(a, None) for a in addrs] if not ports else [(a, p) for p in ports for a in addrs]
        for a, p in pairs:
            if len(shown) == limit:
                more = True
                break
            ip = a.get("ip", "")
            if p is None:
                shown.append(ip)
            else:
                host = f"[{ip}]" if ":" in ip else ip
                shown.append(f"{host}:{p.get('port', 0)}")
    text = ",".join(shown)
    if more:
        return f"{text} + {count - limit} more..."
    return text or "<none>"


class EndpointsStrategy(Strategy):
    allow_create_on_update = True

    def default(self, obj: Obj) -> None:
        for ss in obj.get("subsets") or []:
            for p in ss.get("ports") or []:
                if not p.get("protocol"):
                    p["protocol"] = "TCP"

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_subsets(obj.get("subsets"))


def _endpoints_cell(o: Obj, now: datetime) -> str:
    return format_endpoints(o)


RESOURCES = [
    Resource(
        deprecation=DEPRECATION_WARNING,
        group="",
        version="v1",
        kind="Endpoints",
        plural="endpoints",
        singular="endpoints",
        namespaced=True,
        schema=Endpoints,
        strategy=EndpointsStrategy(),
        short_names=("ep",),
        columns=(
            NAME,
            Column("Endpoints", "string", _endpoints_cell, "Addresses and ports of the endpoints."),
            AGE,
        ),
    )
]

__all__ = ["RESOURCES", "Endpoints", "DEPRECATION_WARNING", "format_endpoints", "validate_subsets"]
