"""Nodes and the pods on them, as the flat arrays the scoring kernel reads (kubepy/_fast/scoring).

One row per node, node-major: `alloc[i * nres + r]` is node i's allocatable of resource r,
`requested` the sum of its pods' requests, `nonzero_requested` the same with the scoring defaults
for containers that request nothing (NodeInfo.Requested / NonZeroRequested). Removing a node moves
the last row into its place, so rows stay dense; the order of rows is the order nodes are visited.
Extended resources get a column the first time a node or pod names one.

Pods bound to a node not (yet) known are kept and counted once the node arrives, as the
scheduler cache's NodeInfo without a Node does.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

from kubepy.scheduler import resources as rs
from kubepy.scheduler.plugins.imagelocality import node_images

Obj = dict[str, Any]


@dataclass(slots=True)
class PodEntry:
    key: str
    pod: Obj
    node: str
    req: dict[str, int]
    nonzero: dict[str, int]


@dataclass(slots=True)
class NodeRow:
    node: Obj
    pods: dict[str, Obj] = field(default_factory=dict)
    #: Normalised image name -> size, from status.images (ImageLocality).
    images: dict[str, int] = field(default_factory=dict)


def _zeros(n: int) -> array:
    return array("q", bytes(8 * n))


def node_flagged(node: Obj) -> bool:
    """A node a filter must look at for every pod: cordoned or tainted."""
    spec = node.get("spec") or {}
    return bool(spec.get("unschedulable") or spec.get("taints"))


class NodeTable:
    def __init__(self) -> None:
        self.resources: list[str] = list(rs.BASE_RESOURCES)
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.rows: list[NodeRow] = []
        self.alloc = _zeros(0)
        self.requested = _zeros(0)
        self.nonzero_requested = _zeros(0)
        self.pod_count = _zeros(0)
        self.max_pods = _zeros(0)
        #: Rows of cordoned or tainted nodes (NodeUnschedulable and TaintToleration look only here).
        self.flagged: set[int] = set()
        self.pods: dict[str, PodEntry] = {}
        self._homeless: dict[str, dict[str, PodEntry]] = {}
        #: Image name -> names of the nodes holding it (ImageLocality's spread).
        self.image_nodes: dict[str, set[str]] = {}
        #: Pods with pod (anti-)affinity terms: InterPodAffinity must look at them for every pod.
        self.affinity_pods: dict[str, PodEntry] = {}
        #: Bumped on every change, so per-pod computations can tell a stale snapshot.
        self.generation = 0

    @property
    def nres(self) -> int:
        return len(self.resources)

    def __len__(self) -> int:
        return len(self.names)

    # ---- resources -----------------------------------------------------------------------------
    def _ensure_resources(self, names: object) -> None:
        new = [n for n in names if n not in self.resources and n != rs.PODS]  # type: ignore[attr-defined]
        if not new:
            return
        old_n = self.nres
        self.resources.extend(sorted(new))
        for attr in ("alloc", "requested", "nonzero_requested"):
            old = getattr(self, attr)
            grown = _zeros(len(self.names) * self.nres)
            for i in range(len(self.names)):
                grown[i * self.nres : i * self.nres + old_n] = old[i * old_n : (i + 1) * old_n]
            setattr(self, attr, grown)

    def pod_vector(self, amounts: dict[str, int]) -> array:
        self._ensure_resources(amounts)
        return array("q", rs.vector(amounts, self.resources))

    # ---- nodes ---------------------------------------------------------------------------------
    def set_node(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        alloc = rs.node_allocatable(node)
        self._ensure_resources(alloc)
        i = self.index.get(name)
        if i is None:
            i = len(self.names)
            self.index[name] = i
            self.names.append(name)
            self.rows.append(NodeRow(node))
            for attr in ("alloc", "requested", "nonzero_requested"):
                getattr(self, attr).extend(_zeros(self.nres))
            self.pod_count.append(0)
            self.max_pods.append(0)
            for entry in self._homeless.pop(name, {}).values():
                self._count(i, entry, 1)
        else:
            self.rows[i].node = node
        self._set_images(name, self.rows[i], node_images(node))
        base = i * self.nres
        for r, res in enumerate(self.resources):
            self.alloc[base + r] = alloc.get(res, 0)
        self.max_pods[i] = alloc.get(rs.PODS, 0)
        if node_flagged(node):
            self.flagged.add(i)
        else:
            self.flagged.discard(i)
        self.generation += 1

    def remove_node(self, name: str) -> None:
        i = self.index.pop(name, None)
        if i is None:
            return
        row = self.rows[i]
        self._homeless[name] = {k: self.pods[k] for k in row.pods}
        self._set_images(name, row, {})
        last = len(self.names) - 1
        nres = self.nres
        if i != last:
            moved = self.names[last]
            self.names[i] = moved
            self.rows[i] = self.rows[last]
            self.index[moved] = i
            for attr in ("alloc", "requested", "nonzero_requested"):
                a = getattr(self, attr)
                a[i * nres : (i + 1) * nres] = a[last * nres : (last + 1) * nres]
            self.pod_count[i] = self.pod_count[last]
            self.max_pods[i] = self.max_pods[last]
            was_flagged = last in self.flagged
            self.flagged.discard(last)
            if was_flagged:
                self.flagged.add(i)
            else:
                self.flagged.discard(i)
        else:
            self.flagged.discard(i)
        self.names.pop()
        self.rows.pop()
        for attr in ("alloc", "requested", "nonzero_requested"):
            del getattr(self, attr)[last * nres :]
        self.pod_count.pop()
        self.max_pods.pop()
        self.generation += 1

    def _set_images(self, name: str, row: NodeRow, images: dict[str, int]) -> None:
        if images == row.images:
            return
        for img in row.images:
            holders = self.image_nodes.get(img)
            if holders is not None:
                holders.discard(name)
                if not holders:
                    del self.image_nodes[img]
        for img in images:
            self.image_nodes.setdefault(img, set()).add(name)
        row.images = images

    def node(self, i: int) -> Obj:
        return self.rows[i].node

    # ---- pods ----------------------------------------------------------------------------------
    def add_pod(
        self,
        key: str,
        pod: Obj,
        node: str,
        requests: tuple[dict[str, int], dict[str, int]] | None = None,
    ) -> None:
        """Count a pod on a node (replacing what was counted for the same key). `requests`: its
        requests and non-zero requests when the caller has them (the scheduling cycle did).

        A pod already counted on the same node with an equal spec (its status reports, the
        confirmation of an assumed pod) only has its object replaced: its requests, which come
        from the spec alone, stay as they were counted."""
        old = self.pods.get(key)
        if old is not None and old.node == node and old.pod.get("spec") == pod.get("spec"):
            self._replace(old, pod)
            return
        self.remove_pod(key)
        if requests is None:
            requests = rs.pod_requests(pod), rs.pod_requests(pod, non_zero=True)
        req, nonzero = requests
        self._ensure_resources(req)
        entry = PodEntry(key, pod, node, req, nonzero)
        self.pods[key] = entry
        affinity = (pod.get("spec") or {}).get("affinity") or {}
        if affinity.get("podAffinity") or affinity.get("podAntiAffinity"):
            self.affinity_pods[key] = entry
        i = self.index.get(node)
        if i is None:
            self._homeless.setdefault(node, {})[key] = entry
        else:
            self._count(i, entry, 1)
        self.generation += 1

    def _replace(self, entry: PodEntry, pod: Obj) -> None:
        entry.pod = pod  # the homeless keep the entry itself
        i = self.index.get(entry.node)
        if i is not None:
            self.rows[i].pods[entry.key] = pod
        self.generation += 1

    def remove_pod(self, key: str) -> PodEntry | None:
        entry = self.pods.pop(key, None)
        if entry is None:
            return None
        self.affinity_pods.pop(key, None)
        i = self.index.get(entry.node)
        if i is None:
            self._homeless.get(entry.node, {}).pop(key, None)
        else:
            self._count(i, entry, -1)
        self.generation += 1
        return entry

    def _count(self, i: int, entry: PodEntry, sign: int) -> None:
        base = i * self.nres
        for r, res in enumerate(self.resources):
            self.requested[base + r] += sign * entry.req.get(res, 0)
            self.nonzero_requested[base + r] += sign * entry.nonzero.get(res, 0)
        self.pod_count[i] += sign
        if sign > 0:
            self.rows[i].pods[entry.key] = entry.pod
        else:
            self.rows[i].pods.pop(entry.key, None)

    def node_of(self, entry: PodEntry) -> Obj | None:
        i = self.index.get(entry.node)
        return None if i is None else self.rows[i].node

    def pods_on(self, i: int) -> list[Obj]:
        return list(self.rows[i].pods.values())

    def all_pods(self) -> list[Obj]:
        return [e.pod for e in self.pods.values()]
