"""VolumeRestrictions (the book's NoDiskConflict): a GCE PD, AWS EBS volume or Ceph RBD image
already mounted by a pod on the node conflicts, unless (GCE PD, RBD) both mount it read-only."""

from __future__ import annotations

from collections.abc import Iterable

from kubepy.scheduler.plugins.base import POST, Cluster, CycleState, FilterPlugin, Obj, Reasons, each_node

REASON = "node(s) had no available disk"


def _volumes(pod: Obj) -> list[Obj]:
    return (pod.get("spec") or {}).get("volumes") or []


def volume_conflict(v: Obj, other: Obj) -> bool:
    gce, ogce = v.get("gcePersistentDisk"), other.get("gcePersistentDisk")
    if gce and ogce:
        return gce.get("pdName") == ogce.get("pdName") and not (gce.get("readOnly") and ogce.get("readOnly"))
    ebs, oebs = v.get("awsElasticBlockStore"), other.get("awsElasticBlockStore")
    if ebs and oebs:
        return ebs.get("volumeID") == oebs.get("volumeID")
    rbd, orbd = v.get("rbd"), other.get("rbd")
    if rbd and orbd:
        same = (
            set(rbd.get("monitors") or ()) & set(orbd.get("monitors") or ())
            and (rbd.get("pool") or "rbd") == (orbd.get("pool") or "rbd")
            and rbd.get("image") == orbd.get("image")
        )
        return bool(same) and not (rbd.get("readOnly") and orbd.get("readOnly"))
    return False


def fits(pod: Obj, pods_on_node: Iterable[Obj]) -> bool:
    mine = [v for v in _volumes(pod) if {"gcePersistentDisk", "awsElasticBlockStore", "rbd"} & v.keys()]
    if not mine:
        return True
    return not any(volume_conflict(v, o) for p in pods_on_node for o in _volumes(p) for v in mine)


class VolumeRestrictions(FilterPlugin):
    name = "VolumeRestrictions"
    stage = POST

    def should_filter(self, state: CycleState, cluster: Cluster) -> bool:
        return any(
            {"gcePersistentDisk", "awsElasticBlockStore", "rbd"} & v.keys() for v in _volumes(state.pod)
        )

    def failures(self, state: CycleState, cluster: Cluster) -> Iterable[tuple[int, Reasons]]:
        table = cluster.table
        return each_node(
            table,
            range(len(table)),
            lambda _, i: None if fits(state.pod, table.rows[i].pods.values()) else (REASON,),
        )
