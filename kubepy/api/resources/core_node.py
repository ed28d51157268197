"""Node (core/v1): a machine pods run on, registered and kept up to date by its kubelet.

Unlike most kinds a Node is created with its status (the kubelet registers it that way), so
creation keeps status; later main-resource writes keep the stored one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kubepy.api.errors import FieldError, GoValue, duplicate, forbidden, invalid, not_supported, required
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, ensure, get
from kubepy.api.resources.core_refs import TAINT_EFFECTS, Taint
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import BOOL, INT32, INT64, QUANTITY, STRING, TIME, enum, f, list_of, map_of, struct
from kubepy.api.validation.common import is_config_key, validate_label_name
from kubepy.api.validation.ip import parse_cidr, validate_cidr
from kubepy.api.validation.names import is_dns1123_label, is_dns1123_subdomain, is_valid_label_value
from kubepy.api.validation.resources import validate_quantity_value

CORE = "io.k8s.api.core.v1."
ROLE_PREFIX = "node-role.kubernetes.io/"
ROLE_LABEL = "kubernetes.io/role"

ConfigMapNodeConfigSource = struct(
    CORE + "ConfigMapNodeConfigSource",
    "A ConfigMap holding kubelet configuration (a deprecated feature kept in the API).",
    namespace=f(STRING, "Namespace of the ConfigMap.", required=True, proto=1),
    name=f(STRING, "Name of the ConfigMap.", required=True, proto=2),
    uid=f(STRING, "UID of the ConfigMap; status only.", proto=3),
    resourceVersion=f(STRING, "resourceVersion of the ConfigMap; status only.", proto=4),
    kubeletConfigKey=f(STRING, "Key of the ConfigMap holding the configuration.", required=True, proto=5),
)

NodeConfigSource = struct(
    CORE + "NodeConfigSource",
    "Where a node's kubelet configuration comes from (deprecated).",
    configMap=f(ConfigMapNodeConfigSource, "The ConfigMap source.", proto=2),
)

NodePodPreemptionPolicy = struct(
    CORE + "NodePodPreemptionPolicy",
    "Node-level preemption settings for pods (alpha).",
    disableResizePreemption=f(
        list_of(STRING), "Owners that turned off preemption for in-place resizes.", list_type="set", proto=1
    ),
)

NodeSpec = struct(
    CORE + "NodeSpec",
    "How a node is set up and whether it takes new pods.",
    podCIDR=f(STRING, "Pod IP range of the node (first of podCIDRs).", proto=1),
    podCIDRs=f(
        list_of(STRING),
        "Pod IP ranges of the node, at most one per IP family.",
        strategy="merge",
        list_type="set",
        proto=7,
    ),
    providerID=f(STRING, "Cloud provider's ID for the machine.", proto=3),
    unschedulable=f(BOOL, "Keep new pods off the node (kubectl cordon).", proto=4),
    taints=f(list_of(Taint), "Taints repelling pods that do not tolerate them.", list_type="atomic", proto=5),
    configSource=f(NodeConfigSource, "Deprecated: dynamic kubelet configuration.", proto=6),
    externalID=f(STRING, "Deprecated: the machine's external ID.", proto=2),
    podPreemptionPolicy=f(
        NodePodPreemptionPolicy, "Preemption behaviour for pods on the node (alpha).", proto=8
    ),
)

NodeCondition = struct(
    CORE + "NodeCondition",
    "One observed aspect of a node (Ready, MemoryPressure, ...).",
    type=f(STRING, "Kind of condition.", required=True, proto=1),
    status=f(enum("False", "True", "Unknown"), "True, False or Unknown.", required=True, proto=2),
    lastHeartbeatTime=f(TIME, "When the kubelet last reported the condition.", proto=3),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=4),
    reason=f(STRING, "Machine-readable cause of the last transition.", proto=5),
    message=f(STRING, "Human-readable detail.", proto=6),
)

NodeAddress = struct(
    CORE + "NodeAddress",
    "One address of a node.",
    type=f(STRING, "Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.", required=True, proto=1),
    address=f(STRING, "The address.", required=True, proto=2),
)

DaemonEndpoint = struct(
    CORE + "DaemonEndpoint",
    "A port a node daemon listens on.",
    Port=f(INT32, "Port number.", required=True, proto=1),
)

NodeDaemonEndpoints = struct(
    CORE + "NodeDaemonEndpoints",
    "Ports of the daemons running on a node.",
    kubeletEndpoint=f(DaemonEndpoint, "Where the kubelet listens.", proto=1),
)

NodeSwapStatus = struct(
    CORE + "NodeSwapStatus",
    "Swap memory of a node.",
    capacity=f(INT64, "Swap size in bytes.", proto=1, pointer=True),
)

NodeSystemInfo = struct(
    CORE + "NodeSystemInfo",
    "Identity and software versions of a node.",
    machineID=f(STRING, "Machine ID (/etc/machine-id).", required=True, proto=1),
    systemUUID=f(STRING, "System UUID reported by the hardware.", required=True, proto=2),
    bootID=f(STRING, "ID of the current boot.", required=True, proto=3),
    kernelVersion=f(STRING, "Kernel version (uname -r).", required=True, proto=4),
    osImage=f(STRING, "Operating system image (from /etc/os-release).", required=True, proto=5),
    containerRuntimeVersion=f(
        STRING, "Container runtime and version, e.g. docker://1.6.2.", required=True, proto=6
    ),
    kubeletVersion=f(STRING, "Kubelet version.", required=True, proto=7),
    kubeProxyVersion=f(STRING, "Deprecated: kube-proxy version.", required=True, proto=8),
    operatingSystem=f(STRING, "Operating system, e.g. linux.", required=True, proto=9),
    architecture=f(STRING, "CPU architecture, e.g. amd64.", required=True, proto=10),
    swap=f(NodeSwapStatus, "Swap memory information.", proto=11),
)

ContainerImage = struct(
    CORE + "ContainerImage",
    "An image present on a node.",
    names=f(list_of(STRING), "Names the image is known by.", list_type="atomic", proto=1),
    sizeBytes=f(INT64, "Size of the image.", proto=2),
)

AttachedVolume = struct(
    CORE + "AttachedVolume",
    "A volume attached to a node.",
    name=f(STRING, "Name of the attached volume.", required=True, proto=1),
    devicePath=f(STRING, "Where the device is available on the node.", required=True, proto=2),
)

NodeConfigStatus = struct(
    CORE + "NodeConfigStatus",
    "Which dynamic configuration a node uses (deprecated).",
    assigned=f(NodeConfigSource, "Configuration the node was asked to use.", proto=1),
    active=f(NodeConfigSource, "Configuration the node runs with.", proto=2),
    lastKnownGood=f(NodeConfigSource, "Fallback configuration.", proto=3),
    error=f(STRING, "Problem applying the configuration.", proto=4),
)

NodeRuntimeHandlerFeatures = struct(
    CORE + "NodeRuntimeHandlerFeatures",
    "Features a runtime handler supports.",
    recursiveReadOnlyMounts=f(BOOL, "Recursive read-only mounts.", proto=1, pointer=True),
    userNamespaces=f(BOOL, "User namespaces.", proto=2, pointer=True),
)

NodeRuntimeHandler = struct(
    CORE + "NodeRuntimeHandler",
    "A runtime handler (RuntimeClass target) available on a node.",
    name=f(STRING, "Handler name; empty for the default one.", proto=1),
    features=f(NodeRuntimeHandlerFeatures, "Supported features.", proto=2),
)

NodeFeatures = struct(
    CORE + "NodeFeatures",
    "Features the node implements.",
    supplementalGroupsPolicy=f(
        BOOL, "Whether the supplementalGroupsPolicy field is honoured.", proto=1, pointer=True
    ),
)

NodeStatus = struct(
    CORE + "NodeStatus",
    "What the kubelet reports about its node.",
    capacity=f(map_of(QUANTITY), "Total resources of the node.", proto=1),
    allocatable=f(map_of(QUANTITY), "Resources available to pods; capacity by default.", proto=2),
    phase=f(enum("Pending", "Running", "Terminated"), "Deprecated lifecycle phase.", proto=3),
    conditions=f(
        list_of(NodeCondition),
        "Current conditions of the node.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=4,
    ),
    addresses=f(
        list_of(NodeAddress),
        "Addresses of the node.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=5,
    ),
    daemonEndpoints=f(NodeDaemonEndpoints, "Ports of the node's daemons.", proto=6),
    nodeInfo=f(NodeSystemInfo, "Identity and versions of the node.", proto=7),
    images=f(list_of(ContainerImage), "Images present on the node.", list_type="atomic", proto=8),
    volumesInUse=f(list_of(STRING), "Attachable volumes in use.", list_type="atomic", proto=9),
    volumesAttached=f(list_of(AttachedVolume), "Volumes attached to the node.", list_type="atomic", proto=10),
    config=f(NodeConfigStatus, "Dynamic configuration status (deprecated).", proto=11),
    runtimeHandlers=f(
        list_of(NodeRuntimeHandler), "Available runtime handlers.", list_type="atomic", proto=12
    ),
    features=f(NodeFeatures, "Implemented features.", proto=13),
    declaredFeatures=f(
        list_of(STRING), "Feature-gate features the node declares (alpha).", list_type="atomic", proto=14
    ),
)

Node = kind_struct(
    CORE + "Node",
    "A worker machine; pods are scheduled onto nodes.",
    "",
    "v1",
    "Node",
    spec=NodeSpec,
    status=NodeStatus,
)

_NODE_INFO_KEYS = (
    "machineID",
    "systemUUID",
    "bootID",
    "kernelVersion",
    "osImage",
    "containerRuntimeVersion",
    "kubeletVersion",
    "kubeProxyVersion",
    "operatingSystem",
    "architecture",
)


def default_node(node: Obj) -> None:
    """SetDefaults_NodeStatus (allocatable = capacity), podCIDR/podCIDRs in step, and the
    status fields Go always serialises (nodeInfo strings, kubelet port)."""
    spec = ensure(node, "spec")
    if spec.get("podCIDR") and not spec.get("podCIDRs"):
        spec["podCIDRs"] = [spec["podCIDR"]]
    elif spec.get("podCIDRs") and not spec.get("podCIDR"):
        spec["podCIDR"] = spec["podCIDRs"][0]
    status = node.get("status")
    if status is None:
        status = node["status"] = {}
    if status.get("capacity") is not None and status.get("allocatable") is None:
        status["allocatable"] = dict(status["capacity"])
    endpoint = status.setdefault("daemonEndpoints", {}).setdefault("kubeletEndpoint", {})
    endpoint.setdefault("Port", 0)
    info = status.setdefault("nodeInfo", {})
    for k in _NODE_INFO_KEYS:
        info.setdefault(k, "")


def validate_taint_effect(path: str, effect: str) -> list[FieldError]:
    if not effect:
        return [required(path)]
    if effect not in TAINT_EFFECTS:
        return [not_supported(path, effect, TAINT_EFFECTS)]
    return []


def validate_taints(taints: list[Obj], path: str) -> list[FieldError]:
    """validateNodeTaints: key, value, effect, and (key, effect) unique."""
    errs: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(taints):
        p = f"{path}[{i}]"
        key, value, effect = t.get("key") or "", t.get("value") or "", t.get("effect") or ""
        errs += validate_label_name(f"{p}.key", key)
        msgs = is_valid_label_value(value)
        if msgs:
            errs.append(invalid(f"{p}.value", value, ";".join(msgs)))
        errs += validate_taint_effect(f"{p}.effect", effect)
        if (key, effect) in seen:
            errs.append(
                FieldError("Duplicate", p, _go_taint(t), "taints must be unique by key and effect pair")
            )
            continue
        seen.add((key, effect))
    return errs


def _go_taint(t: Obj) -> GoValue:
    return GoValue(
        f'core.Taint{{Key:"{t.get("key", "")}", Value:"{t.get("value", "")}", '
        f'Effect:"{t.get("effect", "")}", TimeAdded:<nil>}}'
    )


def _validate_resources(node: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    for field in ("capacity", "allocatable"):
        for k, v in (get(node, "status", field) or {}).items():
            errs += validate_quantity_value(f"status.{field}.{k}", k, v)
    return errs


def _validate_config_source(src: Any, path: str, in_status: bool) -> list[FieldError]:
    errs: list[FieldError] = []
    cm = src.get("configMap") if isinstance(src, dict) else None
    if cm is not None:
        cp = f"{path}.configMap"
        if in_status:
            if not cm.get("uid"):
                errs.append(required(f"{cp}.uid", "uid must be set in status"))
            if not cm.get("resourceVersion"):
                errs.append(required(f"{cp}.resourceVersion", "resourceVersion must be set in status"))
        else:
            if cm.get("uid"):
                errs.append(forbidden(f"{cp}.uid", "uid must not be set in spec"))
            if cm.get("resourceVersion"):
                errs.append(forbidden(f"{cp}.resourceVersion", "resourceVersion must not be set in spec"))
        for key, check, what in (
            ("namespace", is_dns1123_label, "namespace must be set"),
            ("name", is_dns1123_subdomain, "name must be set"),
            ("kubeletConfigKey", is_config_key, "kubeletConfigKey must be set"),
        ):
            value = cm.get(key) or ""
            if not value:
                errs.append(required(f"{cp}.{key}", what))
            else:
                errs += [invalid(f"{cp}.{key}", value, m) for m in check(value)]
    else:
        errs.append(
            invalid(
                path,
                GoValue("&core.NodeConfigSource{ConfigMap:(*core.ConfigMapNodeConfigSource)(nil)}"),
                "exactly one reference subfield must be non-nil",
            )
        )
    return errs


def validate_node(node: Obj) -> list[FieldError]:
    """ValidateNode (without ObjectMeta)."""
    errs: list[FieldError] = []
    taints = get(node, "spec", "taints") or []
    if taints:
        errs += validate_taints(taints, "metadata.taints")  # sic: Kubernetes reports this path
    errs += _validate_resources(node)
    cidrs = get(node, "spec", "podCIDRs") or []
    for i, c in enumerate(cidrs):
        errs += validate_cidr(f"spec.podCIDRs[{i}]", c)
    if len(cidrs) > 1:
        nets = [parse_cidr(c) for c in cidrs]
        families = {n.version for n in nets if n is not None}
        if len(cidrs) > 2 or len(families) != 2:
            errs.append(
                invalid("spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family")
            )
        seen: set[str] = set()
        for i, c in enumerate(cidrs):
            if c in seen:
                errs.append(duplicate(f"spec.podCIDRs[{i}]", c))
            seen.add(c)
    return errs


def validate_node_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateNodeUpdate: podCIDRs, providerID and externalID are set once."""
    errs = _validate_resources(new)
    seen: set[tuple[str, str]] = set()
    for i, a in enumerate(get(new, "status", "addresses") or []):
        key = (a.get("type", ""), a.get("address", ""))
        if key in seen:
            errs.append(
                duplicate(
                    f"status.addresses[{i}]",
                    GoValue(f'core.NodeAddress{{Type:"{key[0]}", Address:"{key[1]}"}}'),
                )
            )
        seen.add(key)
    old_cidrs, new_cidrs = get(old, "spec", "podCIDRs") or [], get(new, "spec", "podCIDRs") or []
    msg = 'node updates may not change podCIDR except from "" to valid'
    if old_cidrs:
        if len(old_cidrs) != len(new_cidrs):
            errs.append(forbidden("spec.podCIDRs", msg))
        else:
            errs += [
                forbidden("spec.podCIDRs", msg) for a, b in zip(old_cidrs, new_cidrs, strict=True) if a != b
            ]
    old_pid = get(old, "spec", "providerID") or ""
    if old_pid and old_pid != (get(new, "spec", "providerID") or ""):
        errs.append(
            forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid')
        )
    if get(new, "spec", "configSource") is not None:
        errs += _validate_config_source(get(new, "spec", "configSource"), "spec.configSource", False)
    cfg = get(new, "status", "config")
    if cfg is not None:
        for k in ("assigned", "active", "lastKnownGood"):
            if cfg.get(k) is not None:
                errs += _validate_config_source(cfg[k], f"status.config.{k}", True)
    taints = get(new, "spec", "taints") or []
    if taints:
        errs += validate_taints(taints, "metadata.taints")
    if (get(new, "spec", "externalID") or "") != (get(old, "spec", "externalID") or ""):
        errs.append(forbidden("spec.externalID", "may not be updated"))
    return errs


class NodeStrategy(Strategy):
    has_status = True

    def default(self, obj: Obj) -> None:
        default_node(obj)

    def prepare_for_create(self, obj: Obj, ctx: Context) -> None:
        """Kubelets register nodes with their status, so it is kept."""

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_node(obj)

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return validate_node_update(new, old)

    def validate_status_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return validate_node_update(new, old)


# ---- table --------------------------------------------------------------------------------
def node_status(node: Obj) -> str:
    """ "Ready", "NotReady", "Unknown", plus ",SchedulingDisabled" when cordoned."""
    status = []
    for cond in get(node, "status", "conditions") or []:
        if cond.get("type") == "Ready":
            status = ["Ready" if cond.get("status") == "True" else "NotReady"]
    status = status or ["Unknown"]
    if get(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def node_roles(node: Obj) -> str:
    roles = set()
    for k, v in (get(node, "metadata", "labels") or {}).items():
        if k.startswith(ROLE_PREFIX) and k[len(ROLE_PREFIX) :]:
            roles.add(k[len(ROLE_PREFIX) :])
        elif k == ROLE_LABEL and v:
            roles.add(v)
    return ",".join(sorted(roles)) or "<none>"


def node_address(node: Obj, kind: str) -> str:
    for a in get(node, "status", "addresses") or []:
        if a.get("type") == kind:
            return a.get("address", "")
    return "<none>"


def _info(key: str):
    return lambda o, now: get(o, "status", "nodeInfo", key) or "<unknown>"


def _status_cell(o: Obj, now: datetime) -> str:
    return node_status(o)


COLUMNS = (
    NAME,
    Column("Status", "string", _status_cell, "Readiness of the node, and whether it is cordoned."),
    Column("Roles", "string", lambda o, now: node_roles(o), "Roles from node-role.kubernetes.io/* labels."),
    AGE,
    Column(
        "Version",
        "string",
        lambda o, now: get(o, "status", "nodeInfo", "kubeletVersion") or "",
        "Kubelet version reported by the node.",
    ),
    Column(
        "Internal-IP", "string", lambda o, now: node_address(o, "InternalIP"), "Internal address.", priority=1
    ),
    Column(
        "External-IP", "string", lambda o, now: node_address(o, "ExternalIP"), "External address.", priority=1
    ),
    Column("OS-Image", "string", _info("osImage"), "Operating system image.", priority=1),
    Column("Kernel-Version", "string", _info("kernelVersion"), "Kernel version.", priority=1),
    Column(
        "Container-Runtime",
        "string",
        _info("containerRuntimeVersion"),
        "Container runtime and version.",
        priority=1,
    ),
)

RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="Node",
        plural="nodes",
        namespaced=False,
        schema=Node,
        strategy=NodeStrategy(),
        short_names=("no",),
        subresources=("status", "proxy"),
        field_selectors={
            "spec.unschedulable": lambda o: "true" if get(o, "spec", "unschedulable") else "false"
        },
        columns=COLUMNS,
    )
]
