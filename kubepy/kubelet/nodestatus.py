"""The Node a kubelet registers and the status and Lease it heartbeats with, as pure builders.

Today's kubelet: the Lease in kube-node-lease is renewed every 10 s (a quarter of its 40 s
duration); the status is computed every 10 s (nodeStatusUpdateFrequency) but written only when it
changed or nodeStatusReportFrequency (5 min) passed. The book's 1.0 kubelet wrote it every 10 s.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kubepy.util import duration

Obj = dict[str, Any]

NODE_LEASE_NAMESPACE = "kube-node-lease"
KUBELET_VERSION = "v1.31.0"
KUBELET_PORT = 10250

#: The pressure conditions the kubelet reports, with their healthy reason and message.
PRESSURE_CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
)


@dataclass(frozen=True, slots=True)
class NodeConfig:
    """One simulated node."""

    name: str
    pod_cidr: str = "10.244.0.0/24"
    internal_ip: str = "172.18.0.2"
    cpu: str = "4"
    memory: str = "16Gi"
    pods: int = 110
    ephemeral_storage: str = "100Gi"
    labels: Mapping[str, str] = field(default_factory=dict)
    taints: tuple[Obj, ...] = ()
    runtime_version: str = "simulated://0.1.0"
    kubelet_version: str = KUBELET_VERSION


def micro_time(t: datetime) -> str:
    """RFC 3339 with microseconds (Lease renewTime is a MicroTime)."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rfc3339(t: datetime) -> str:
    """A whole second in Kubernetes' wire form (the util's, which remembers the last second
    formatted: a pod sync asks for the same second several times)."""
    return duration.rfc3339(t)


def nth_node(index: int, prefix: str = "node") -> tuple[str, str, str]:
    """(name, pod CIDR, internal IP) of simulated node `index` (1-based): node-1 gets
    10.244.1.0/24 and 172.18.0.3; past 10.255.255.0/24 the CIDRs go on from 10.128.0.0/24."""
    blocks = index // 256
    second = 244 + blocks if blocks < 12 else 128 + blocks - 12
    cidr = f"10.{second}.{index % 256}.0/24"
    ip = f"172.18.{(index + 1) // 254}.{(index + 1) % 254 + 1}"
    return f"{prefix}-{index}", cidr, ip


def _stable_id(name: str, salt: str) -> str:
    return hashlib.md5(f"{salt}:{name}".encode()).hexdigest()  # noqa: S324 - an id, not a secret


def capacity(cfg: NodeConfig) -> Obj:
    return {
        "cpu": cfg.cpu,
        "ephemeral-storage": cfg.ephemeral_storage,
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": cfg.memory,
        "pods": str(cfg.pods),
    }


def node_info(cfg: NodeConfig) -> Obj:
    """A fresh dict each call (callers may change it); the hashing behind it is done once per node:
    the status is recomputed every 10 s for every node."""
    return dict(_node_info(cfg.name, cfg.runtime_version, cfg.kubelet_version))


@functools.lru_cache(maxsize=65536)
def _node_info(name: str, runtime_version: str, kubelet_version: str) -> Mapping[str, str]:
    return {
        "machineID": _stable_id(name, "machine"),
        "systemUUID": str(uuid.UUID(_stable_id(name, "system"))),
        "bootID": str(uuid.UUID(_stable_id(name, "boot"))),
        "kernelVersion": "6.1.0-kubepy",
        "osImage": "kubepy simulated node",
        "containerRuntimeVersion": runtime_version,
        "kubeletVersion": kubelet_version,
        "kubeProxyVersion": kubelet_version,
        "operatingSystem": "linux",
        "architecture": "amd64",
    }


def conditions(old: list[Obj] | None, ready: bool, now: str) -> list[Obj]:
    """The kubelet's conditions; lastTransitionTime kept while a condition's status holds."""
    prev = {c.get("type"): c for c in old or ()}

    def cond(type_: str, status: str, reason: str, message: str) -> Obj:
        p = prev.get(type_)
        since = p.get("lastTransitionTime") if p and p.get("status") == status else now
        return {
            "type": type_,
            "status": status,
            "lastHeartbeatTime": now,
            "lastTransitionTime": since,
            "reason": reason,
            "message": message,
        }

    out = [cond(t, "False", r, m) for t, r, m in PRESSURE_CONDITIONS]
    if ready:
        out.append(cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"))
    else:
        out.append(cond("Ready", "False", "KubeletNotReady", "container runtime is down"))
    return out


def node_status(cfg: NodeConfig, old_conditions: list[Obj] | None, now: str, ready: bool = True) -> Obj:
    cap = capacity(cfg)
    return {
        "capacity": cap,
        "allocatable": dict(cap),
        "conditions": conditions(old_conditions, ready, now),
        "addresses": [
            {"type": "InternalIP", "address": cfg.internal_ip},
            {"type": "Hostname", "address": cfg.name},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": KUBELET_PORT}},
        "nodeInfo": node_info(cfg),
    }


def node_object(cfg: NodeConfig, now: str) -> Obj:
    """What the kubelet POSTs to register (initialNode)."""
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": cfg.name,
        "kubernetes.io/os": "linux",
        "type": "kubepy-simulated",
        **cfg.labels,
    }
    spec: Obj = {"podCIDR": cfg.pod_cidr, "podCIDRs": [cfg.pod_cidr]}
    if cfg.taints:
        spec["taints"] = [dict(t) for t in cfg.taints]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": cfg.name,
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": node_status(cfg, None, now),
    }


#: (condition, status) → the reason of the Event the kubelet records when it changes to it.
CONDITION_EVENTS: Mapping[tuple[str, str], str] = {
    ("MemoryPressure", "False"): "NodeHasSufficientMemory",
    ("MemoryPressure", "True"): "NodeHasInsufficientMemory",
    ("DiskPressure", "False"): "NodeHasNoDiskPressure",
    ("DiskPressure", "True"): "NodeHasDiskPressure",
    ("PIDPressure", "False"): "NodeHasSufficientPID",
    ("PIDPressure", "True"): "NodeHasInsufficientPID",
    ("Ready", "True"): "NodeReady",
    ("Ready", "False"): "NodeNotReady",
}


def condition_events(old: list[Obj] | None, new: list[Obj]) -> list[str]:
    """recordNodeStatusEvent: the reasons of the conditions whose status changed (all at first)."""
    before = {c.get("type"): c.get("status") for c in old or ()}
    out = []
    for c in new:
        t, st = c.get("type", ""), c.get("status", "")
        if before.get(t) != st and (t, st) in CONDITION_EVENTS:
            out.append(CONDITION_EVENTS[(t, st)])
    return out


def strip_heartbeats(status: Obj) -> Obj:
    """The status without lastHeartbeatTime: what "changed" is judged on."""
    out = dict(status)
    out["conditions"] = [
        {k: v for k, v in c.items() if k != "lastHeartbeatTime"} for c in status.get("conditions") or ()
    ]
    return out


def lease_object(node: str, node_uid: str, renew: datetime, duration: int = 40) -> Obj:
    meta: Obj = {"name": node, "namespace": NODE_LEASE_NAMESPACE}
    if node_uid:
        meta["ownerReferences"] = [{"apiVersion": "v1", "kind": "Node", "name": node, "uid": node_uid}]
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": meta,
        "spec": {"holderIdentity": node, "leaseDurationSeconds": duration, "renewTime": micro_time(renew)},
    }
