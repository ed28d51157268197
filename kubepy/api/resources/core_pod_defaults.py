"""Defaults the server fills into pods and pod templates (Kubernetes' SetDefaults_* for core/v1).

Templates (PodTemplateSpec inside RCs, Deployments, Jobs...) get the PodSpec and Container
defaults; only Pods also get requests copied from limits and enableServiceLinks, as upstream.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from kubepy.api import quantity as q
from kubepy.api.remember import remember_in_place

Obj = dict[str, Any]

DEFAULT_MODE = 0o644  # 420, the mode of projected, secret, configMap and downwardAPI files
TERMINATION_MESSAGE_PATH = "/dev/termination-log"
DEFAULT_SCHEDULER = "default-scheduler"
DEFAULT_GRACE_PERIOD = 30

_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*(?::[0-9]+)?"
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_REFERENCE = re.compile(
    rf"^(?:{_DOMAIN}/)?{_PATH_PART}(?:/{_PATH_PART})*"
    r"(?::[\w][\w.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)


def image_tag(image: str) -> str:
    """The tag kubelet pulls: the explicit one, "latest" when neither tag nor digest is given,
    and "" for a digest-only or unparsable reference (parsers.ParseImageName)."""
    if not image or not _REFERENCE.match(image) or re.fullmatch(r"[a-f0-9]{64}", image):
        return ""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        path = rest
    else:
        path = image
        if first != first.lower():
            return ""
    name, _, digest = path.partition("@")
    _, colon, tag = name.rpartition(":")
    if colon:
        return tag
    return "" if digest else "latest"


def default_pull_policy(image: str) -> str:
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


def round_up_milli(value: Any) -> Any:
    """SetDefaults_ResourceList: quantities finer than milli units are rounded up to them."""
    try:
        parsed = q.quantity(value)
    except (ValueError, TypeError, AttributeError):
        return value  # left for validation/decoding to report
    scaled = parsed.value * 1000
    if scaled.denominator == 1:
        return value
    ceil = -(-scaled.numerator // scaled.denominator)
    return q.format_quantity(Fraction(ceil, 1000), parsed.format)


def default_resource_list(resources: Obj | None) -> None:
    for k, v in list((resources or {}).items()):
        resources[k] = round_up_milli(v)  # type: ignore[index]


def default_probe(probe: Obj | None) -> None:
    if not isinstance(probe, dict):
        return
    for key, val in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if not probe.get(key):
            probe[key] = val
    _default_handler(probe)


def _default_handler(handler: Obj | None) -> None:
    if not isinstance(handler, dict):
        return
    http = handler.get("httpGet")
    if isinstance(http, dict):
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"
    grpc = handler.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""


def default_container(c: Obj) -> None:
    """SetDefaults_Container plus the defaults of its parts (ports, env, probes, resources)."""
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = default_pull_policy(c.get("image") or "")
    if not c.get("terminationMessagePath"):
        c["terminationMessagePath"] = TERMINATION_MESSAGE_PATH
    if not c.get("terminationMessagePolicy"):
        c["terminationMessagePolicy"] = "File"
    c.setdefault("resources", {})
    res = c.get("resources")
    if isinstance(res, dict):
        default_resource_list(res.get("limits"))
        default_resource_list(res.get("requests"))
    for port in c.get("ports") or []:
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for env in c.get("env") or []:
        source = (env or {}).get("valueFrom") or {}
        _default_field_ref(source.get("fieldRef"))
        file_ref = source.get("fileKeyRef")
        if isinstance(file_ref, dict) and file_ref.get("optional") is None:
            file_ref["optional"] = False
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        default_probe(c.get(probe))
    lifecycle = c.get("lifecycle") or {}
    for hook in ("postStart", "preStop"):
        _default_handler(lifecycle.get(hook))


_VOLUME_SOURCES = (
    "hostPath emptyDir gcePersistentDisk awsElasticBlockStore gitRepo secret nfs iscsi glusterfs "
    "persistentVolumeClaim rbd flexVolume cinder cephfs flocker downwardAPI fc azureFile configMap "
    "vsphereVolume quobyte azureDisk photonPersistentDisk projected portworxVolume scaleIO storageos "
    "csi ephemeral image"
).split()


def _mode_default(src: Obj | None) -> None:
    if isinstance(src, dict) and src.get("defaultMode") is None:
        src["defaultMode"] = DEFAULT_MODE


def default_volume_source(v: Obj) -> None:
    """Defaults of the volume plugins (shared with PersistentVolume sources)."""
    if isinstance(v.get("hostPath"), dict) and v["hostPath"].get("type") is None:
        v["hostPath"]["type"] = ""
    for key in ("iscsi",):
        if isinstance(v.get(key), dict) and not v[key].get("iscsiInterface"):
            v[key]["iscsiInterface"] = "default"
    rbd = v.get("rbd")
    if isinstance(rbd, dict):
        for key, val in (("pool", "rbd"), ("user", "admin"), ("keyring", "/etc/ceph/keyring")):
            if not rbd.get(key):
                rbd[key] = val
    disk = v.get("azureDisk")
    if isinstance(disk, dict):
        for key, val in (("cachingMode", "ReadWrite"), ("kind", "Shared"), ("fsType", "ext4")):
            if disk.get(key) is None:
                disk[key] = val
        disk.setdefault("readOnly", False)
    scale = v.get("scaleIO")
    if isinstance(scale, dict):
        for key, val in (("storageMode", "ThinProvisioned"), ("fsType", "xfs")):
            if not scale.get(key):
                scale[key] = val
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        _mode_default(v.get(key))
    for field in (v.get("downwardAPI") or {}).get("items") or []:
        _default_field_ref((field or {}).get("fieldRef"))
    for src in (v.get("projected") or {}).get("sources") or []:
        if not isinstance(src, dict):
            continue
        token = src.get("serviceAccountToken")
        if isinstance(token, dict) and token.get("expirationSeconds") is None:
            token["expirationSeconds"] = 3600
        for field in (src.get("downwardAPI") or {}).get("items") or []:
            _default_field_ref((field or {}).get("fieldRef"))
    eph = ((v.get("ephemeral") or {}).get("volumeClaimTemplate") or {}).get("spec")
    if isinstance(eph, dict):
        default_pvc_spec(eph)


def _default_field_ref(ref: Any) -> None:
    if isinstance(ref, dict) and not ref.get("apiVersion"):
        ref["apiVersion"] = "v1"


def default_pvc_spec(spec: Obj) -> None:
    if spec.get("volumeMode") is None:
        spec["volumeMode"] = "Filesystem"
    res = spec.setdefault("resources", {})
    if isinstance(res, dict):
        default_resource_list(res.get("limits"))
        default_resource_list(res.get("requests"))


def default_volume(v: Obj) -> None:
    """SetDefaults_Volume: a volume with no source at all is an emptyDir."""
    if not any(v.get(k) is not None for k in _VOLUME_SOURCES):
        v["emptyDir"] = {}
    image = v.get("image")
    if isinstance(image, dict) and not image.get("pullPolicy"):
        image["pullPolicy"] = default_pull_policy(image.get("reference") or "")
    default_volume_source(v)


def _host_network_ports(containers: list[Obj]) -> None:
    for c in containers:
        for port in c.get("ports") or []:
            if isinstance(port, dict) and not port.get("hostPort"):
                port["hostPort"] = port.get("containerPort")


def default_pod_spec(spec: Obj) -> None:
    """SetDefaults_PodSpec and the defaults of every container and volume in it."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_GRACE_PERIOD
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                default_container(c)
    for v in spec.get("volumes") or []:
        if isinstance(v, dict):
            default_volume(v)
    default_resource_list(spec.get("overhead"))


def default_template(template: Obj | None) -> None:
    """A PodTemplateSpec inside a workload: PodSpec defaults only."""
    if isinstance(template, dict):
        spec = template.setdefault("spec", {})
        if isinstance(spec, dict):
            default_pod_spec(spec)


def default_pod(pod: Obj) -> None:
    """SetDefaults_Pod: PodSpec defaults, requests from limits, enableServiceLinks, host ports
    (all of them in the spec, and read from it alone: remembered per spec)."""
    spec = pod.setdefault("spec", {})
    if isinstance(spec, dict):
        _default_pod_spec(spec)


def _default_pod_spec_once(spec: Obj) -> None:
    default_pod_spec(spec)
    for key in ("initContainers", "containers"):
        for c in spec.get(key) or []:
            if not isinstance(c, dict):
                continue
            res = c.get("resources") or {}
            limits = res.get("limits")
            if limits:
                requests = res.setdefault("requests", {})
                for name, value in limits.items():
                    requests.setdefault(name, value)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        _host_network_ports(spec.get("containers") or [])
        _host_network_ports(spec.get("initContainers") or [])


_default_pod_spec = remember_in_place(_default_pod_spec_once, 2048)
