"""Service (core/v1): a stable virtual IP and ports in front of the pods a selector picks.

Defaults and validation follow Kubernetes (SetDefaults_Service, ValidateService); IP and node-port
allocation is the apiserver's (see `service_cluster_ips`, `service_node_ports` and
`default_ip_families`, which it calls).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubepy.api.errors import FieldError
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, ensure, format_labels, get
from kubepy.api.resources.meta import META, kind_struct
from kubepy.api.schema import (
    BOOL,
    INT32,
    INT64,
    INT_OR_STRING,
    STRING,
    TIME,
    enum,
    f,
    list_of,
    map_of,
    struct,
)
from kubepy.api.validation.ip import ip_family
from kubepy.api.validation.names import name_is_dns1035_label
from kubepy.api.validation.service import (
    externally_accessible,
    needs_health_check,
    validate_load_balancer_status,
    validate_service,
    validate_service_update,
)

CORE = "io.k8s.api.core.v1."
DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800
PROTOCOL = enum("SCTP", "TCP", "UDP")

Condition = struct(
    META + "Condition",
    "One aspect of an object's observed state, in the shape shared across APIs.",
    type=f(STRING, "Kind of condition, in CamelCase.", required=True, proto=1),
    status=f(enum("False", "True", "Unknown"), "True, False or Unknown.", required=True, proto=2),
    observedGeneration=f(INT64, "metadata.generation the condition was computed from.", proto=3),
    lastTransitionTime=f(TIME, "When the status last changed.", required=True, proto=4),
    reason=f(STRING, "CamelCase machine-readable cause of the last transition.", required=True, proto=5),
    message=f(STRING, "Human-readable detail of the last transition.", required=True, proto=6),
)

ServicePort = struct(
    CORE + "ServicePort",
    "One port the service exposes and where it forwards.",
    name=f(STRING, "DNS label naming the port; required when the service has several.", proto=1),
    protocol=f(PROTOCOL, "IP protocol of the port; TCP by default.", proto=2),
    appProtocol=f(STRING, "Application protocol hint (e.g. kubernetes.io/h2c).", proto=6, pointer=True),
    port=f(INT32, "Port number on the service's virtual IP.", required=True, proto=3),
    targetPort=f(INT_OR_STRING, "Pod port number or named container port; defaults to port.", proto=4),
    nodePort=f(INT32, "Port opened on every node for NodePort and LoadBalancer services.", proto=5),
)

ClientIPConfig = struct(
    CORE + "ClientIPConfig",
    "Stickiness settings by client address.",
    timeoutSeconds=f(
        INT32, "How long a client stays pinned to one endpoint (1..86400).", proto=1, pointer=True
    ),
)

SessionAffinityConfig = struct(
    CORE + "SessionAffinityConfig",
    "Parameters of the chosen session affinity.",
    clientIP=f(ClientIPConfig, "Settings for ClientIP affinity.", proto=1),
)

ServiceSpec = struct(
    CORE + "ServiceSpec",
    "How a service is reached and which pods back it.",
    ports=f(
        list_of(ServicePort),
        "Ports the service exposes.",
        strategy="merge",
        key="port",
        list_type="map",
        map_keys=("port", "protocol"),
        proto=1,
    ),
    selector=f(
        map_of(STRING),
        "Labels of the pods traffic goes to; none means endpoints are managed by hand.",
        map_type="atomic",
        proto=2,
    ),
    clusterIP=f(STRING, 'Virtual IP, allocated when empty; "None" makes a headless service.', proto=3),
    clusterIPs=f(
        list_of(STRING),
        "Virtual IPs, one per IP family; the first equals clusterIP.",
        list_type="atomic",
        proto=18,
    ),
    type=f(
        enum("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"), "How the service is exposed.", proto=4
    ),
    externalIPs=f(
        list_of(STRING),
        "Extra addresses, not managed by Kubernetes, that reach the service.",
        list_type="atomic",
        proto=5,
    ),
    sessionAffinity=f(
        enum("ClientIP", "None"), "Keep a client on one endpoint (ClientIP) or not (None).", proto=7
    ),
    loadBalancerIP=f(STRING, "Deprecated: address asked of the cloud load balancer.", proto=8),
    loadBalancerSourceRanges=f(
        list_of(STRING), "Client CIDRs the cloud load balancer admits.", list_type="atomic", proto=9
    ),
    externalName=f(STRING, "DNS name an ExternalName service is an alias (CNAME) for.", proto=10),
    externalTrafficPolicy=f(
        enum("Cluster", "Local"), "Whether external traffic may leave the receiving node.", proto=11
    ),
    healthCheckNodePort=f(
        INT32, "Node port answering health checks when externalTrafficPolicy is Local.", proto=12
    ),
    publishNotReadyAddresses=f(BOOL, "Publish endpoints of pods that are not ready yet.", proto=13),
    sessionAffinityConfig=f(SessionAffinityConfig, "Parameters of the session affinity.", proto=14),
    ipFamilies=f(
        list_of(enum("IPv4", "IPv6")), "IP families of clusterIPs, in order.", list_type="atomic", proto=19
    ),
    ipFamilyPolicy=f(
        enum("PreferDualStack", "RequireDualStack", "SingleStack"),
        "How many IP families the service gets.",
        proto=17,
        pointer=True,
    ),
    allocateLoadBalancerNodePorts=f(
        BOOL, "Whether a LoadBalancer service gets node ports.", proto=20, pointer=True
    ),
    loadBalancerClass=f(
        STRING, "Which load balancer implementation serves the service.", proto=21, pointer=True
    ),
    internalTrafficPolicy=f(
        enum("Cluster", "Local"), "Whether in-cluster traffic may leave the node.", proto=22, pointer=True
    ),
    trafficDistribution=f(STRING, "Preference for topologically close endpoints.", proto=23, pointer=True),
)

PortStatus = struct(
    CORE + "PortStatus",
    "Outcome for one port of a load balancer.",
    port=f(INT32, "Port number.", required=True, proto=1),
    protocol=f(PROTOCOL, "Port protocol.", required=True, proto=2),
    error=f(STRING, "Problem with the port, CamelCase, empty when none.", proto=3, pointer=True),
)

LoadBalancerIngress = struct(
    CORE + "LoadBalancerIngress",
    "One entry point of a load balancer.",
    ip=f(STRING, "Address of the entry point.", proto=1),
    hostname=f(STRING, "DNS name of the entry point.", proto=2),
    ipMode=f(enum("Proxy", "VIP"), "How traffic for the IP reaches the nodes.", proto=3, pointer=True),
    ports=f(list_of(PortStatus), "Per-port status.", list_type="atomic", proto=4),
)

LoadBalancerStatus = struct(
    CORE + "LoadBalancerStatus",
    "State of a load balancer.",
    ingress=f(
        list_of(LoadBalancerIngress), "Entry points of the load balancer.", list_type="atomic", proto=1
    ),
)

ServiceStatus = struct(
    CORE + "ServiceStatus",
    "Observed state of a service.",
    loadBalancer=f(LoadBalancerStatus, "The load balancer, when there is one.", proto=1),
    conditions=f(
        list_of(Condition),
        "Observations about the service.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=2,
    ),
)

Service = kind_struct(
    CORE + "Service",
    "A named, stable network endpoint for a set of pods.",
    "",
    "v1",
    "Service",
    spec=ServiceSpec,
    status=ServiceStatus,
)


# ---- helpers the apiserver's allocators call -------------------------------------------------
def needs_cluster_ip(svc: Obj) -> bool:
    return get(svc, "spec", "type") != "ExternalName"


def needs_node_ports(svc: Obj) -> bool:
    return get(svc, "spec", "type") in ("NodePort", "LoadBalancer")


def service_cluster_ips(svc: Obj) -> list[str]:
    """Allocated (or requested) virtual IPs: clusterIPs, else clusterIP; "None" and "" excluded."""
    spec = svc.get("spec") or {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [ip for ip in ips if ip and ip != "None"]


def service_node_ports(svc: Obj) -> list[int]:
    """Node ports the service holds: each port's nodePort and the healthCheckNodePort."""
    spec = svc.get("spec") or {}
    ports = [p["nodePort"] for p in spec.get("ports") or [] if p.get("nodePort")]
    if spec.get("healthCheckNodePort"):
        ports.append(spec["healthCheckNodePort"])
    return ports


def _port_node_ports(svc: Obj) -> set[int]:
    return {p["nodePort"] for p in get(svc, "spec", "ports") or [] if p.get("nodePort")}


def default_ip_families(svc: Obj, primary: str = "IPv4") -> None:
    """Fill ipFamilyPolicy and ipFamilies for a single-stack cluster of family `primary`."""
    spec = ensure(svc, "spec")
    if spec.get("type") == "ExternalName":
        return
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    if not spec.get("ipFamilies"):
        fams = [ip_family(ip) for ip in service_cluster_ips(svc)]
        spec["ipFamilies"] = [fam for fam in fams if fam][:1] or [primary]


def patch_allocated_values(new: Obj, old: Obj) -> None:
    """An update that omits allocated values (clusterIP, nodePorts, healthCheckNodePort) keeps the
    old ones, as Kubernetes does for `kubectl replace`/`apply` of a manifest without them."""
    ns, os_ = ensure(new, "spec"), old.get("spec") or {}
    if needs_cluster_ip(old) and needs_cluster_ip(new):
        if not ns.get("clusterIP") and os_.get("clusterIP"):
            ns["clusterIP"] = os_["clusterIP"]
        if not ns.get("clusterIPs") and os_.get("clusterIPs"):
            ns["clusterIPs"] = list(os_["clusterIPs"])
    if needs_node_ports(old) and needs_node_ports(new):
        used = _port_node_ports(old) & _port_node_ports(new)
        by_name = {p.get("name") or "": p.get("nodePort") or 0 for p in os_.get("ports") or []}
        for p in ns.get("ports") or []:
            if not p.get("nodePort"):
                prior = by_name.get(p.get("name") or "", 0)
                if prior and prior not in used:
                    p["nodePort"] = prior
    if needs_health_check(old) and needs_health_check(new) and not ns.get("healthCheckNodePort"):
        if os_.get("healthCheckNodePort"):
            ns["healthCheckNodePort"] = os_["healthCheckNodePort"]


def normalize_cluster_ips(new: Obj, old: Obj | None) -> None:
    """Keep clusterIP and clusterIPs in step for clients that only know one of them."""
    ns = ensure(new, "spec")
    if old is None:
        if ns.get("clusterIP") and not ns.get("clusterIPs"):
            ns["clusterIPs"] = [ns["clusterIP"]]
        return
    os_ = old.get("spec") or {}
    if os_.get("clusterIPs") and not ns.get("clusterIPs") and os_.get("clusterIP") == ns.get("clusterIP"):
        ns["clusterIPs"] = list(os_["clusterIPs"])
    if os_.get("clusterIP") != ns.get("clusterIP"):
        same = (os_.get("clusterIPs") or []) == (ns.get("clusterIPs") or [])
        if os_.get("clusterIP") and not ns.get("clusterIP") and same:
            ns.pop("clusterIPs", None)
        if ns.get("clusterIP") and same:
            ns["clusterIPs"] = [ns["clusterIP"]]


def drop_type_dependent_fields(new: Obj, old: Obj) -> None:
    """Switching type clears what the old type had allocated, when the user left it untouched."""
    ns, os_ = ensure(new, "spec"), old.get("spec") or {}

    def same(key: str) -> bool:
        return ns.get(key) == os_.get(key)

    if needs_cluster_ip(old) and not needs_cluster_ip(new):
        if same("clusterIP") and (ns.get("clusterIPs") or []) == (os_.get("clusterIPs") or []):
            ns.pop("clusterIP", None)
            ns.pop("clusterIPs", None)
        if same("ipFamilies"):
            ns.pop("ipFamilies", None)
        if same("ipFamilyPolicy"):
            ns.pop("ipFamilyPolicy", None)
    old_np = {p.get("nodePort") for p in os_.get("ports") or [] if p.get("nodePort")}
    new_np = {p.get("nodePort") for p in ns.get("ports") or [] if p.get("nodePort")}
    if needs_node_ports(old) and not needs_node_ports(new) and new_np <= old_np:
        for p in ns.get("ports") or []:
            p.pop("nodePort", None)
    if needs_health_check(old) and not needs_health_check(new) and same("healthCheckNodePort"):
        ns.pop("healthCheckNodePort", None)
    was_lb, is_lb = os_.get("type") == "LoadBalancer", ns.get("type") == "LoadBalancer"
    if was_lb and not is_lb:
        if ns.get("allocateLoadBalancerNodePorts") is not None and same("allocateLoadBalancerNodePorts"):
            ns.pop("allocateLoadBalancerNodePorts", None)
        if same("loadBalancerClass"):
            ns.pop("loadBalancerClass", None)
    if externally_accessible(old) and not externally_accessible(new) and same("externalTrafficPolicy"):
        ns.pop("externalTrafficPolicy", None)
    if not is_lb and "status" in new:
        new["status"] = {**new["status"], "loadBalancer": {}}


# ---- strategy ---------------------------------------------------------------------------------
def default_service(svc: Obj) -> None:
    """SetDefaults_Service."""
    spec = ensure(svc, "spec")
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        if get(spec, "sessionAffinityConfig", "clientIP", "timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {
                "clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_AFFINITY_SECONDS}
            }
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in spec.get("ports") or []:
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port", 0)
    if externally_accessible(svc) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in (
        "NodePort",
        "LoadBalancer",
        "ClusterIP",
    ):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        for ing in get(svc, "status", "loadBalancer", "ingress", default=[]):
            if ing.get("ip") and ing.get("ipMode") is None:
                ing["ipMode"] = "VIP"


class ServiceStrategy(Strategy):
    has_status = True
    allow_create_on_update = True
    return_deleted_object = True

    def default(self, obj: Obj) -> None:
        default_service(obj)

    def prepare_for_create(self, obj: Obj, ctx: Context) -> None:
        obj["status"] = {"loadBalancer": {}}
        normalize_cluster_ips(obj, None)

    def prepare_for_update(self, new: Obj, old: Obj, ctx: Context) -> None:
        new["status"] = old.get("status", {"loadBalancer": {}})
        patch_allocated_values(new, old)
        normalize_cluster_ips(new, old)
        drop_type_dependent_fields(new, old)

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_service(obj)

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return validate_service_update(new, old)

    def validate_status_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return validate_load_balancer_status(new)

    def warnings(self, obj: Obj, old: Obj | None) -> list[str]:
        spec = obj.get("spec") or {}
        out = []
        if spec.get("type") == "ExternalName" and spec.get("externalIPs"):
            out.append('spec.externalIPs is ignored when spec.type is "ExternalName"')
        if spec.get("type") != "ExternalName" and spec.get("externalName"):
            out.append('spec.externalName is ignored when spec.type is not "ExternalName"')
        return out


# ---- table ------------------------------------------------------------------------------------
def port_string(ports: list[Obj] | None) -> str:
    """makePortString: "80/TCP", "80:30001/TCP", joined by commas."""
    pieces = []
    for p in ports or []:
        proto = p.get("protocol", "")
        if p.get("nodePort"):
            pieces.append(f"{p.get('port', 0)}:{p['nodePort']}/{proto}")
        else:
            pieces.append(f"{p.get('port', 0)}/{proto}")
    return ",".join(pieces)


def load_balancer_string(svc: Obj, wide: bool = True) -> str:
    """loadBalancerStatusStringer: ingress IPs or hostnames joined by commas."""
    out = []
    for ing in get(svc, "status", "loadBalancer", "ingress", default=[]):
        if ing.get("ip"):
            out.append(ing["ip"])
        elif ing.get("hostname"):
            out.append(ing["hostname"])
    r = ",".join(out)
    if not wide and len(r) > 16:
        r = r[:13] + "..."
    return r


def external_ip(svc: Obj, wide: bool = True) -> str:
    """getServiceExternalIP: the EXTERNAL-IP cell."""
    spec = svc.get("spec") or {}
    ext = spec.get("externalIPs") or []
    t = spec.get("type")
    if t in ("ClusterIP", "NodePort"):
        return ",".join(ext) if ext else "<none>"
    if t == "LoadBalancer":
        lb = load_balancer_string(svc, wide)
        if ext:
            return ",".join(([*lb.split(",")] if lb else []) + ext)
        return lb or "<pending>"
    if t == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def _cluster_ip(o: Obj, now: datetime) -> str:
    ips = get(o, "spec", "clusterIPs", default=[]) or [get(o, "spec", "clusterIP", default="")]
    return ips[0] or "<none>"


def _ports(o: Obj, now: datetime) -> str:
    return port_string(get(o, "spec", "ports")) or "<none>"


def _cell(*path: str, default: Any = "") -> Any:
    return lambda o, now: get(o, *path, default=default)


COLUMNS = (
    NAME,
    Column("Type", "string", _cell("spec", "type"), "How the service is exposed."),
    Column("Cluster-IP", "string", _cluster_ip, "Virtual IP inside the cluster."),
    Column("External-IP", "string", lambda o, now: external_ip(o, True), "Addresses reachable from outside."),
    Column("Port(s)", "string", _ports, "Ports the service exposes (port[:nodePort]/protocol)."),
    AGE,
    Column(
        "Selector",
        "string",
        lambda o, now: format_labels(get(o, "spec", "selector")),
        "Labels of the pods the service routes to.",
        priority=1,
    ),
)

RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="Service",
        plural="services",
        namespaced=True,
        schema=Service,
        strategy=ServiceStrategy(),
        short_names=("svc",),
        categories=("all",),
        subresources=("status", "proxy"),
        field_selectors={
            "spec.clusterIP": lambda o: get(o, "spec", "clusterIP", default=""),
            "spec.type": lambda o: get(o, "spec", "type", default=""),
        },
        columns=COLUMNS,
        name_rule=name_is_dns1035_label,
    )
]
