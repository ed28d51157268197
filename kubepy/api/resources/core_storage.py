"""PersistentVolume (cluster-scoped) and PersistentVolumeClaim (namespaced), core/v1.

A volume is a piece of storage with a reclaim policy; a claim asks for storage and is bound to
one volume. Both start Pending; volumeMode defaults to Filesystem.
"""

from __future__ import annotations

import copy
import posixpath
from typing import Any

from kubepy.api import quantity as q
from kubepy.api.errors import FieldError, forbidden, invalid, not_supported, required
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME, get
from kubepy.api.resources.core_pod_defaults import (
    default_pvc_spec,
    default_resource_list,
    default_volume_source,
)
from kubepy.api.resources.core_volumes import (
    PersistentVolumeClaimSpec,
    PersistentVolumeClaimStatus,
    PersistentVolumeSpec,
    PersistentVolumeStatus,
)
from kubepy.api.resources.meta import kind_struct
from kubepy.api.validation.names import is_dns1123_subdomain
from kubepy.api.validation.pod import spec_diff, validate_volume_source
from kubepy.api.validation.resources import validate_quantity_value
from kubepy.api.validation.workloads import validate_label_selector

CORE = "io.k8s.api.core.v1."
ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
RECLAIM_POLICIES = ("Delete", "Recycle", "Retain")
VOLUME_MODES = ("Block", "Filesystem")
CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
PV_SOURCES = (  # in the order Kubernetes checks them
    "hostPath gcePersistentDisk awsElasticBlockStore glusterfs flocker nfs rbd quobyte cephfs iscsi cinder fc "
    "flexVolume azureFile vsphereVolume photonPersistentDisk portworxVolume azureDisk scaleIO local storageos csi"
).split()

PersistentVolume = kind_struct(
    CORE + "PersistentVolume",
    "A piece of storage in the cluster, provisioned by an administrator or dynamically.",
    "",
    "v1",
    "PersistentVolume",
    spec=PersistentVolumeSpec,
    status=PersistentVolumeStatus,
)

PersistentVolumeClaim = kind_struct(
    CORE + "PersistentVolumeClaim",
    "A user's request for storage, bound to a persistent volume.",
    "",
    "v1",
    "PersistentVolumeClaim",
    spec=PersistentVolumeClaimSpec,
    status=PersistentVolumeClaimStatus,
)


# ---- defaults --------------------------------------------------------------------------------
def default_pv(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    if not spec.get("persistentVolumeReclaimPolicy"):
        spec["persistentVolumeReclaimPolicy"] = "Retain"
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    default_resource_list(spec.get("capacity"))
    default_volume_source(spec)
    status = obj.setdefault("status", {})
    if not status.get("phase"):
        status["phase"] = "Pending"


def default_pvc(obj: Obj) -> None:
    """SetDefaults_PersistentVolumeClaim and its spec; also used for StatefulSet claim templates."""
    default_pvc_spec(obj.setdefault("spec", {}))
    status = obj.setdefault("status", {})
    if not status.get("phase"):
        status["phase"] = "Pending"


# ---- validation ------------------------------------------------------------------------------
def _access_modes(modes: Any, path: str, empty_detail: str = "") -> list[FieldError]:
    modes = modes or []
    errs = [] if modes else [required(path, empty_detail)]
    errs += [not_supported(path, m, ACCESS_MODES) for m in modes if m not in ACCESS_MODES]
    others = [m for m in modes if m in ACCESS_MODES and m != "ReadWriteOncePod"]
    if "ReadWriteOncePod" in modes and others:
        errs.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def _volume_mode(spec: Obj, path: str) -> list[FieldError]:
    mode = spec.get("volumeMode")
    if mode is not None and mode not in VOLUME_MODES:
        return [not_supported(f"{path}.volumeMode", mode, VOLUME_MODES)]
    return []


def validate_pv_spec(spec: Obj, path: str = "spec") -> list[FieldError]:
    """ValidatePersistentVolumeSpec for a stand-alone volume."""
    errs = _access_modes(spec.get("accessModes"), f"{path}.accessModes")
    capacity = spec.get("capacity") or {}
    if not capacity:
        errs.append(required(f"{path}.capacity", ""))
    if "storage" not in capacity or len(capacity) > 1:
        errs.append(not_supported(f"{path}.capacity", capacity, ("storage",)))
    for name, value in capacity.items():
        p = f"{path}.capacity[{name}]"
        if not q.is_valid(value):
            continue
        if q.parse_quantity(value) <= 0:
            errs.append(invalid(p, q.canonical(value), "must be greater than zero"))
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy and policy not in RECLAIM_POLICIES:
        errs.append(not_supported(f"{path}.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES))
    errs += validate_volume_source(spec, path, PV_SOURCES)
    if spec.get("local") is not None and not get(spec, "nodeAffinity", "required"):
        errs.append(required(f"{path}.nodeAffinity", "Local volume requires node affinity"))
    host = get(spec, "hostPath", "path")
    if host and posixpath.normpath(host) == "/" and policy == "Recycle":
        errs.append(
            forbidden(
                f"{path}.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount of '/'"
            )
        )
    cls = spec.get("storageClassName")
    if cls:
        errs += [invalid(f"{path}.storageClassName", cls, m) for m in is_dns1123_subdomain(cls)]
    return errs + _volume_mode(spec, path)


def validate_pvc_spec(spec: Obj, path: str = "spec") -> list[FieldError]:
    """ValidatePersistentVolumeClaimSpec."""
    errs = _access_modes(spec.get("accessModes"), f"{path}.accessModes", "at least 1 access mode is required")
    if spec.get("selector") is not None:
        errs += validate_label_selector(spec["selector"], f"{path}.selector")
    requests = get(spec, "resources", "requests") or {}
    storage = requests.get("storage")
    spath = f"{path}.resources[storage]"
    if storage is None:
        errs.append(required(spath, ""))
    elif q.is_valid(storage) and q.parse_quantity(storage) <= 0:
        errs.append(invalid(spath, q.canonical(storage), "must be greater than zero"))
    else:
        errs += validate_quantity_value(spath, "storage", storage)
    cls = spec.get("storageClassName")
    if cls:
        errs += [invalid(f"{path}.storageClassName", cls, m) for m in is_dns1123_subdomain(cls)]
    return errs + _volume_mode(spec, path)


def validate_pvc_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidatePersistentVolumeClaimUpdate: the spec is frozen except the volume name while unbound,
    and storage requests and the attributes class while bound; storage may not shrink."""
    ns, os_ = copy.deepcopy(new.get("spec") or {}), copy.deepcopy(old.get("spec") or {})
    if not os_.get("volumeName"):
        if "volumeName" in ns:
            os_["volumeName"] = ns["volumeName"]
        else:
            os_.pop("volumeName", None)
    bound = get(new, "status", "phase") == "Bound"
    if bound and get(ns, "resources", "requests") is not None:
        old_storage = get(os_, "resources", "requests", "storage")
        if old_storage is None:
            ns["resources"]["requests"].pop("storage", None)
        else:
            ns["resources"]["requests"]["storage"] = old_storage
    if bound and ns.get("volumeAttributesClassName") is not None:
        if "volumeAttributesClassName" in os_:
            ns["volumeAttributesClassName"] = os_["volumeAttributesClassName"]
        else:
            ns.pop("volumeAttributesClassName")
    errs: list[FieldError] = []
    if ns != os_:
        msg = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
        errs.append(forbidden("spec", msg + "\n" + "\n".join(spec_diff(os_, ns, "spec"))))
    new_size = get(new, "spec", "resources", "requests", "storage")
    old_size = get(old, "spec", "resources", "requests", "storage")
    status_size = get(old, "status", "capacity", "storage")
    if all(q.is_valid(v) for v in (new_size, old_size)) and q.compare(new_size, old_size) < 0:
        if status_size is None or (q.is_valid(status_size) and q.compare(new_size, status_size) <= 0):
            errs.append(
                forbidden("spec.resources.requests.storage", "field can not be less than status.capacity")
            )
    if get(new, "spec", "volumeMode") != get(old, "spec", "volumeMode"):
        errs.append(invalid("volumeMode", get(new, "spec", "volumeMode"), "field is immutable"))
    return errs


# ---- strategies ------------------------------------------------------------------------------
class PersistentVolumeStrategy(Strategy):
    has_status = True
    return_deleted_object = True

    def default(self, obj: Obj) -> None:
        default_pv(obj)

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Pending"}

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_pv_spec(obj.get("spec") or {})

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs = self.validate(new, ctx)
        ns, os_ = new.get("spec") or {}, old.get("spec") or {}
        new_src = {k: ns.get(k) for k in PV_SOURCES if ns.get(k) is not None}
        old_src = {k: os_.get(k) for k in PV_SOURCES if os_.get(k) is not None}
        if new_src != old_src:
            diff = "\n".join(spec_diff(old_src, new_src, "spec"))
            msg = "spec.persistentvolumesource is immutable after creation"
            errs.append(forbidden("spec.persistentvolumesource", f"{msg}\n{diff}"))
        if ns.get("volumeMode") != os_.get("volumeMode"):
            errs.append(invalid("volumeMode", ns.get("volumeMode"), "field is immutable"))
        return errs


class PersistentVolumeClaimStrategy(Strategy):
    has_status = True
    return_deleted_object = True

    def default(self, obj: Obj) -> None:
        default_pvc(obj)

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Pending"}

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_pvc_spec(obj.get("spec") or {})

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return self.validate(new, ctx) + validate_pvc_update(new, old)


# ---- tables ----------------------------------------------------------------------------------
def access_modes_string(modes: list[str] | None) -> str:
    """GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order."""
    modes = modes or []
    short = (
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    )
    return ",".join(s for m, s in short if m in modes)


def _storage(resources: Obj | None) -> str:
    value = (resources or {}).get("storage")
    return q.canonical(value) if value is not None and q.is_valid(value) else "0"


def _class(o: Obj) -> str:
    ann = get(o, "metadata", "annotations") or {}
    return (
        ann[CLASS_ANNOTATION] if CLASS_ANNOTATION in ann else get(o, "spec", "storageClassName", default="")
    )


def _phase(o: Obj) -> str:
    return "Terminating" if get(o, "metadata", "deletionTimestamp") else get(o, "status", "phase", default="")


def _claim(o: Obj) -> str:
    ref = get(o, "spec", "claimRef")
    return f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""


def _vac(o: Obj) -> str:
    return get(o, "spec", "volumeAttributesClassName") or "<unset>"


def _mode(o: Obj) -> str:
    return get(o, "spec", "volumeMode") or "<unset>"


def _pvc_bound(o: Obj, value: str) -> str:
    return value if get(o, "spec", "volumeName") else ""


PV_COLUMNS = (
    NAME,
    Column("Capacity", "string", lambda o, now: _storage(get(o, "spec", "capacity")), "Size of the volume."),
    Column(
        "Access Modes",
        "string",
        lambda o, now: access_modes_string(get(o, "spec", "accessModes")),
        "Ways the volume can be mounted.",
    ),
    Column(
        "Reclaim Policy",
        "string",
        lambda o, now: get(o, "spec", "persistentVolumeReclaimPolicy", default=""),
        "What happens when the claim is released.",
    ),
    Column("Status", "string", lambda o, now: _phase(o), "Phase of the volume."),
    Column("Claim", "string", lambda o, now: _claim(o), "Claim bound to the volume, as namespace/name."),
    Column("StorageClass", "string", lambda o, now: _class(o), "StorageClass of the volume."),
    Column("VolumeAttributesClass", "string", lambda o, now: _vac(o), "VolumeAttributesClass of the volume."),
    Column(
        "Reason",
        "string",
        lambda o, now: get(o, "status", "reason", default=""),
        "Why the volume is in this phase.",
    ),
    AGE,
    Column("VolumeMode", "string", lambda o, now: _mode(o), "Filesystem or Block.", priority=1),
)

PVC_COLUMNS = (
    NAME,
    Column("Status", "string", lambda o, now: _phase(o), "Phase of the claim."),
    Column(
        "Volume",
        "string",
        lambda o, now: get(o, "spec", "volumeName", default=""),
        "Volume the claim is bound to.",
    ),
    Column(
        "Capacity",
        "string",
        lambda o, now: _pvc_bound(o, _storage(get(o, "status", "capacity"))),
        "Size of the bound volume.",
    ),
    Column(
        "Access Modes",
        "string",
        lambda o, now: _pvc_bound(o, access_modes_string(get(o, "status", "accessModes"))),
        "Ways the bound volume can be mounted.",
    ),
    Column("StorageClass", "string", lambda o, now: _class(o), "StorageClass the claim asks for."),
    Column("VolumeAttributesClass", "string", lambda o, now: _vac(o), "VolumeAttributesClass of the claim."),
    AGE,
    Column("VolumeMode", "string", lambda o, now: _mode(o), "Filesystem or Block.", priority=1),
)

RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="PersistentVolume",
        plural="persistentvolumes",
        namespaced=False,
        schema=PersistentVolume,
        strategy=PersistentVolumeStrategy(),
        short_names=("pv",),
        subresources=("status",),
        field_selectors={"name": lambda o: get(o, "metadata", "name", default="")},
        columns=PV_COLUMNS,
    ),
    Resource(
        group="",
        version="v1",
        kind="PersistentVolumeClaim",
        plural="persistentvolumeclaims",
        namespaced=True,
        schema=PersistentVolumeClaim,
        strategy=PersistentVolumeClaimStrategy(),
        short_names=("pvc",),
        subresources=("status",),
        field_selectors={"name": lambda o: get(o, "metadata", "name", default="")},
        columns=PVC_COLUMNS,
    ),
]

__all__ = [
    "RESOURCES",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "default_pvc",
    "validate_pvc_spec",
    "validate_pv_spec",
]
