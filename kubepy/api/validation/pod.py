"""PodSpec validation with Kubernetes' field paths and messages (ValidatePodSpec and friends).

Every function takes the JSON object and the path it sits at ("spec", "spec.template.spec"...)
and returns field errors, so workloads reuse them for their pod templates.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from kubepy.api import quantity as q
from kubepy.api.errors import (
    FieldError,
    duplicate,
    forbidden,
    invalid,
    not_found,
    not_supported,
    required,
)
from kubepy.api.validation.common import (
    is_config_key,
    validate_dns1123_label,
    validate_label_name,
    validate_port_num_or_name,
)
from kubepy.api.validation.ip import ip_family, validate_ip
from kubepy.api.validation.meta import validate_annotations, validate_labels
from kubepy.api.validation.names import (
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    is_valid_port_name,
    is_valid_port_num,
    name_is_dns_subdomain,
)
from kubepy.api.validation.resources import (
    overcommit_allowed,
    validate_container_resource_name,
    validate_quantity_value,
)

Obj = dict[str, Any]

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
PROTOCOLS = ("SCTP", "TCP", "UDP")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
HOST_PATH_TYPES = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)
NONNEGATIVE = "must be greater than or equal to 0"
FILE_MODE_MSG = "must be a number between 0 and 0777 (octal), both inclusive"
MAX_INT32 = 2**31 - 1
RELAXED_ENV_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters other than '='"
)
ENV_FIELD_PATHS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
VOLUME_FIELD_PATHS = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
)
VOLUME_SOURCES = (  # in the order Kubernetes checks them
    "emptyDir hostPath gitRepo gcePersistentDisk awsElasticBlockStore secret nfs iscsi glusterfs flocker "
    "persistentVolumeClaim rbd cinder cephfs quobyte downwardAPI fc flexVolume configMap azureFile "
    "vsphereVolume photonPersistentDisk portworxVolume azureDisk storageos projected scaleIO csi ephemeral image"
).split()
_ENV_NAME = re.compile(r"^[ -<>-~]+$")  # printable ASCII except '='
_HTTP_HEADER = re.compile(r"^[-A-Za-z0-9]+$")


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


def _dict(v: Any) -> Obj:
    return v if isinstance(v, dict) else {}


def nonnegative(path: str, value: Any) -> list[FieldError]:
    """ValidateNonnegativeField."""
    if isinstance(value, int) and value < 0:
        return [invalid(path, value, NONNEGATIVE)]
    return []


def _file_mode(path: str, mode: Any) -> list[FieldError]:
    if isinstance(mode, int) and not 0 <= mode <= 0o777:
        return [invalid(path, mode, FILE_MODE_MSG)]
    return []


# ---- paths -----------------------------------------------------------------------------------
def _no_backsteps(path: str, target: str) -> list[FieldError]:
    if ".." in target.split("/"):
        return [invalid(path, target, "must not contain '..'")]
    return []


def local_descending_path(path: str, target: str) -> list[FieldError]:
    """validateLocalDescendingPath: relative and without '..'."""
    errs = []
    if posixpath.isabs(target):
        errs.append(invalid(path, target, "must be a relative path"))
    return errs + _no_backsteps(path, target)


def local_non_reserved_path(path: str, target: str) -> list[FieldError]:
    errs = local_descending_path(path, target)
    if target.startswith(".."):
        errs.append(invalid(path, target, "must not start with '..'"))
    return errs


# ---- volumes ---------------------------------------------------------------------------------
def _key_to_paths(path: str, items: Any) -> list[FieldError]:
    """validateKeyToPath for each item."""
    errs: list[FieldError] = []
    for i, item in enumerate(_list(items)):
        p = f"{path}[{i}]"
        item = _dict(item)
        if not item.get("key"):
            errs.append(required(f"{p}.key", ""))
        if not item.get("path"):
            errs.append(required(f"{p}.path", ""))
        errs += local_non_reserved_path(f"{p}.path", item.get("path") or "")
        errs += _file_mode(f"{p}.mode", item.get("mode"))
    return errs


def _downward_items(path: str, items: Any) -> list[FieldError]:
    """validateDownwardAPIVolumeFile: Kubernetes reports these at the volume's path, not the item's."""
    errs: list[FieldError] = []
    for item in _list(items):
        item = _dict(item)
        if not item.get("path"):
            errs.append(required(f"{path}.path", ""))
        errs += local_non_reserved_path(f"{path}.path", item.get("path") or "")
        ref = item.get("fieldRef")
        if isinstance(ref, dict):
            errs += object_field_selector(f"{path}.fieldRef", ref, VOLUME_FIELD_PATHS)
            if item.get("resourceFieldRef") is not None:
                errs.append(
                    invalid(
                        path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"
                    )
                )
        elif item.get("resourceFieldRef") is None:
            errs.append(required(path, "one of fieldRef and resourceFieldRef is required"))
        errs += _file_mode(f"{path}.mode", item.get("mode"))
    return errs


_REQUIRED = {
    "gcePersistentDisk": ("pdName",),
    "awsElasticBlockStore": ("volumeID",),
    "secret": ("secretName",),
    "nfs": ("server", "path"),
    "iscsi": ("targetPortal", "iqn"),
    "glusterfs": ("endpoints", "path"),
    "persistentVolumeClaim": ("claimName",),
    "rbd": ("monitors", "image"),
    "cinder": ("volumeID",),
    "cephfs": ("monitors",),
    "flexVolume": ("driver",),
    "configMap": ("name",),
    "azureFile": ("secretName", "shareName"),
    "azureDisk": ("diskName", "diskURI"),
    "csi": ("driver",),
    "gitRepo": ("repository",),
    "local": ("path",),
    "quobyte": ("volume",),
}
# Where Kubernetes reports a second source, and where it reports a source's own errors, when
# these differ from the field name (upstream quirks kept for identical messages).
_FORBIDDEN_AT = {"cephfs": "cephFS", "downwardAPI": "downwarAPI"}
_CHECKED_AT = {"gcePersistentDisk": "persistentDisk"}


def _source_checks(name: str, src: Obj, path: str) -> list[FieldError]:
    """The rules of one volume plugin, at `path` (the plugin's own path)."""
    errs: list[FieldError] = []
    if name == "hostPath":
        if not src.get("path"):
            return [required(f"{path}.path", "")]
        errs += _no_backsteps(f"{path}.path", src["path"])
        if src.get("type") is not None and src["type"] not in HOST_PATH_TYPES:
            errs.append(not_supported(f"{path}.type", src["type"], HOST_PATH_TYPES))
        return errs
    for key in _REQUIRED.get(name, ()):
        if not src.get(key):
            errs.append(required(f"{path}.{key}", ""))
    if name == "nfs":
        if not posixpath.isabs(src.get("path") or ""):
            errs.append(invalid(f"{path}.path", src.get("path") or "", "must be an absolute path"))
    elif name in ("gcePersistentDisk", "awsElasticBlockStore"):
        part = src.get("partition")
        if isinstance(part, int) and not 0 <= part <= 255:
            errs.append(invalid(f"{path}.partition", part, "must be between 1 and 255, inclusive"))
    elif name in ("secret", "configMap"):
        errs += _file_mode(f"{path}.defaultMode", src.get("defaultMode"))
        errs += _key_to_paths(f"{path}.items", src.get("items"))
    elif name == "downwardAPI":
        errs += _file_mode(f"{path}.defaultMode", src.get("defaultMode"))
        errs += _downward_items(path, src.get("items"))
    elif name == "projected":
        errs += _file_mode(f"{path}.defaultMode", src.get("defaultMode"))
        errs += _projected(path, src)
    elif name == "emptyDir":
        limit = src.get("sizeLimit")
        if limit is not None and q.is_valid(limit) and q.parse_quantity(limit) < 0:
            errs.append(forbidden(f"{path}.sizeLimit", "SizeLimit field must be a valid resource quantity"))
    elif name == "gitRepo":
        errs += local_descending_path(f"{path}.directory", src.get("directory") or "")
    elif name == "iscsi":
        lun = src.get("lun", 0)
        if isinstance(lun, int) and not 0 <= lun <= 255:
            errs.append(invalid(f"{path}.lun", lun, "must be between 0 and 255, inclusive"))
    return errs


def _projected(path: str, src: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, source in enumerate(_list(src.get("sources"))):
        p = f"{path}.sources[{i}]"
        kinds = [k for k, v in _dict(source).items() if v is not None]
        for kind in kinds:
            body = _dict(source[kind])
            if kind in ("secret", "configMap"):
                if not body.get("name"):
                    errs.append(required(f"{p}.{kind}.name", ""))
                errs += _key_to_paths(f"{p}.{kind}.items", body.get("items"))
            elif kind == "downwardAPI":
                errs += _downward_items(f"{p}.downwardAPI", body.get("items"))
            elif kind == "serviceAccountToken":
                tp = f"{p}.serviceAccountToken"
                exp = body.get("expirationSeconds")
                if isinstance(exp, int) and exp < 600:
                    errs.append(
                        invalid(
                            f"{tp}.expirationSeconds", exp, "may not specify a duration less than 10 minutes"
                        )
                    )
                elif isinstance(exp, int) and exp > 2**32:
                    errs.append(
                        invalid(
                            f"{tp}.expirationSeconds",
                            exp,
                            "may not specify a duration larger than 2^32 seconds",
                        )
                    )
                if not body.get("path"):
                    errs.append(required(f"{path}.path", ""))
                else:
                    errs += local_non_reserved_path(f"{path}.path", body["path"])
        if len(kinds) > 1:
            errs.append(forbidden(p, "may not specify more than 1 volume type per source"))
    return errs


def validate_volume_source(
    src: Obj, path: str, sources: tuple[str, ...] | list[str] = VOLUME_SOURCES
) -> list[FieldError]:
    """validateVolumeSource: the first source set is checked, each further one is Forbidden."""
    errs: list[FieldError] = []
    first = None
    for key in sources:
        if src.get(key) is None:
            continue
        if first is None:
            first = key
            errs += _source_checks(key, _dict(src[key]), f"{path}.{_CHECKED_AT.get(key, key)}")
        else:
            errs.append(
                forbidden(f"{path}.{_FORBIDDEN_AT.get(key, key)}", "may not specify more than 1 volume type")
            )
    if first is None:
        errs.append(required(path, "must specify a volume type"))
    return errs


def validate_volumes(volumes: Any, path: str) -> tuple[dict[str, Obj], list[FieldError]]:
    """ValidateVolumes: the valid volumes by name, and the errors (source first, then name)."""
    errs: list[FieldError] = []
    by_name: dict[str, Obj] = {}
    for i, vol in enumerate(_list(volumes)):
        p = f"{path}[{i}]"
        vol = _dict(vol)
        name = vol.get("name") or ""
        el = validate_volume_source(vol, p)
        if not name:
            el.append(required(f"{p}.name", ""))
        else:
            el += validate_dns1123_label(f"{p}.name", name)
        if name in by_name:
            el.append(duplicate(f"{p}.name", name))
        if el:
            errs += el
        else:
            by_name[name] = vol
    return by_name, errs


# ---- containers ------------------------------------------------------------------------------
def validate_ports(ports: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(_list(ports)):
        p = f"{path}[{i}]"
        port = _dict(port)
        name = port.get("name") or ""
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(f"{p}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(duplicate(f"{p}.name", name))
            else:
                names.add(name)
        cp = port.get("containerPort") or 0
        if cp == 0:
            errs.append(required(f"{p}.containerPort", ""))
        else:
            errs += [invalid(f"{p}.containerPort", cp, m) for m in is_valid_port_num(cp)]
        hp = port.get("hostPort") or 0
        if hp:
            errs += [invalid(f"{p}.hostPort", hp, m) for m in is_valid_port_num(hp)]
        proto = port.get("protocol") or ""
        if not proto:
            errs.append(required(f"{p}.protocol", ""))
        elif proto not in PROTOCOLS:
            errs.append(not_supported(f"{p}.protocol", proto, PROTOCOLS))
    return errs


def object_field_selector(path: str, ref: Obj, allowed: tuple[str, ...]) -> list[FieldError]:
    """validateObjectFieldSelector: apiVersion, fieldPath, subscripts of labels/annotations."""
    if not ref.get("apiVersion"):
        return [required(f"{path}.apiVersion", "")]
    fp = ref.get("fieldPath") or ""
    if not fp:
        return [required(f"{path}.fieldPath", "")]
    m = re.fullmatch(r"([^\[]+)\['(.*)'\]", fp)
    if m:
        base, subscript = m.groups()
        if base == "metadata.annotations":
            return [invalid(path, subscript.lower(), msg) for msg in is_qualified_name(subscript.lower())]
        if base == "metadata.labels":
            return [invalid(path, subscript, msg) for msg in is_qualified_name(subscript)]
        return [invalid(path, base, "does not support subscript")]
    if fp not in allowed:
        return [not_supported(f"{path}.fieldPath", fp, sorted(allowed))]
    return []


RESOURCE_FIELD_PATHS = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)


def _resource_field_ref(ref: Obj, path: str, volume: bool) -> list[FieldError]:
    if volume and not ref.get("containerName"):
        return [required(f"{path}.containerName", "")]
    resource = ref.get("resource") or ""
    if not resource:
        return [required(f"{path}.resource", "")]
    if resource not in RESOURCE_FIELD_PATHS and not resource.startswith(
        ("limits.hugepages-", "requests.hugepages-")
    ):
        return [not_supported(f"{path}.resource", resource, RESOURCE_FIELD_PATHS)]
    return []


def _key_selector(ref: Obj, path: str) -> list[FieldError]:
    errs = [
        invalid(f"{path}.name", ref.get("name", ""), m) for m in is_dns1123_subdomain(ref.get("name") or "")
    ]
    key = ref.get("key") or ""
    if not key:
        errs.append(required(f"{path}.key", ""))
    else:
        errs += [invalid(f"{path}.key", key, m) for m in is_config_key(key)]
    return errs


def validate_env(env: Any, path: str) -> list[FieldError]:
    """ValidateEnv with the relaxed (printable ASCII) variable names of today's Kubernetes."""
    errs: list[FieldError] = []
    for i, ev in enumerate(_list(env)):
        p = f"{path}[{i}]"
        ev = _dict(ev)
        name = ev.get("name") or ""
        if not name:
            errs.append(required(f"{p}.name", ""))
        elif not _ENV_NAME.match(name):
            errs.append(invalid(f"{p}.name", name, RELAXED_ENV_MSG))
        errs += _env_value_from(ev, f"{p}.valueFrom")
    return errs


def _env_value_from(ev: Obj, path: str) -> list[FieldError]:
    src = ev.get("valueFrom")
    if src is None:
        return []
    src = _dict(src)
    errs: list[FieldError] = []
    count = 0
    if src.get("fieldRef") is not None:
        count += 1
        errs += object_field_selector(f"{path}.fieldRef", _dict(src["fieldRef"]), ENV_FIELD_PATHS)
    if src.get("resourceFieldRef") is not None:
        count += 1
        errs += _resource_field_ref(_dict(src["resourceFieldRef"]), f"{path}.resourceFieldRef", False)
    for kind in ("configMapKeyRef", "secretKeyRef"):
        if src.get(kind) is not None:
            count += 1
            errs += _key_selector(_dict(src[kind]), f"{path}.{kind}")
    if src.get("fileKeyRef") is not None:
        count += 1
    if count == 0:
        errs.append(
            invalid(
                path,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            )
        )
    elif ev.get("value"):
        errs.append(invalid(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def validate_env_from(sources: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, ev in enumerate(_list(sources)):
        p = f"{path}[{i}]"
        ev = _dict(ev)
        prefix = ev.get("prefix") or ""
        if prefix and not _ENV_NAME.match(prefix):
            errs.append(invalid(f"{p}.prefix", prefix, RELAXED_ENV_MSG))
        count = 0
        for kind in ("configMapRef", "secretRef"):
            if ev.get(kind) is not None:
                count += 1
                name = _dict(ev[kind]).get("name") or ""
                if not name:
                    errs.append(required(f"{p}.{kind}.name", ""))
                else:
                    errs += [invalid(f"{p}.{kind}.name", name, m) for m in name_is_dns_subdomain(name, True)]
        if count == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def validate_volume_mounts(
    mounts: Any, volumes: dict[str, Obj], path: str, privileged: bool = False
) -> list[FieldError]:
    """ValidateVolumeMounts; like Kubernetes, some errors name the list path, not the item."""
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, mnt in enumerate(_list(mounts)):
        p = f"{path}[{i}]"
        mnt = _dict(mnt)
        name = mnt.get("name") or ""
        if not name:
            errs.append(required(f"{p}.name", ""))
        if name not in volumes:
            errs.append(not_found(f"{p}.name", name))
        mount_path = mnt.get("mountPath") or ""
        if not mount_path:
            errs.append(required(f"{p}.mountPath", ""))
        if mount_path in seen:
            errs.append(invalid(f"{p}.mountPath", mount_path, "must be unique"))
        seen.add(mount_path)
        if mnt.get("subPath"):
            errs += local_descending_path(f"{path}.subPath", mnt["subPath"])
        if mnt.get("subPathExpr"):
            if mnt.get("subPath"):
                msg = "subPathExpr and subPath are mutually exclusive"
                errs.append(invalid(f"{p}.subPathExpr", mnt["subPathExpr"], msg))
            errs += local_descending_path(f"{path}.subPathExpr", mnt["subPathExpr"])
        prop = mnt.get("mountPropagation")
        if prop is not None:
            modes = ("Bidirectional", "HostToContainer", "None")
            if prop not in modes:
                errs.append(not_supported(f"{path}.mountPropagation", prop, modes))
            if prop == "Bidirectional" and not privileged:
                msg = "Bidirectional mount propagation is available only to privileged containers"
                errs.append(forbidden(f"{path}.mountPropagation", msg))
    return errs


def validate_resource_requirements(res: Any, path: str) -> list[FieldError]:
    """ValidateContainerResourceRequirements: names, values, and requests within limits."""
    res = _dict(res)
    limits = _dict(res.get("limits"))
    requests = _dict(res.get("requests"))
    errs: list[FieldError] = []
    for name in sorted(limits):
        p = f"{path}.limits[{name}]"
        errs += validate_container_resource_name(p, name)
        errs += validate_quantity_value(p, name, limits[name])
    for name in sorted(requests):
        p = f"{path}.requests[{name}]"
        errs += validate_container_resource_name(p, name)
        errs += validate_quantity_value(p, name, requests[name])
        if not (q.is_valid(requests[name]) and (name not in limits or q.is_valid(limits[name]))):
            continue
        if name in limits:
            req, lim = q.canonical(requests[name]), q.canonical(limits[name])
            cmp = q.compare(requests[name], limits[name])
            if cmp != 0 and not overcommit_allowed(name):
                errs.append(invalid(f"{path}.requests", req, f"must be equal to {name} limit of {lim}"))
            elif cmp > 0:
                errs.append(
                    invalid(f"{path}.requests", req, f"must be less than or equal to {name} limit of {lim}")
                )
        elif not overcommit_allowed(name):
            errs.append(required(f"{path}.limits", "Limit must be set for non overcommitable resources"))
    return errs


def _validate_handler(h: Obj, path: str, kinds: tuple[str, ...], grace: Any = None) -> list[FieldError]:
    present = [k for k in kinds if h.get(k) is not None]
    if not present:
        return [required(path, "must specify a handler type")]
    errs = [forbidden(f"{path}.{k}", "may not specify more than 1 handler type") for k in present[1:]]
    kind = present[0]
    body = _dict(h[kind])
    p = f"{path}.{kind}"
    if kind == "exec":
        if not body.get("command"):
            errs.append(required(f"{p}.command", ""))
    elif kind == "httpGet":
        if not body.get("path"):
            errs.append(required(f"{p}.path", ""))
        errs += validate_port_num_or_name(f"{p}.port", body.get("port", 0))
        scheme = body.get("scheme") or ""
        if scheme not in ("HTTP", "HTTPS"):
            errs.append(not_supported(f"{p}.scheme", scheme, ("HTTP", "HTTPS")))
        for header in _list(body.get("httpHeaders")):
            hname = _dict(header).get("name") or ""
            if not _HTTP_HEADER.match(hname):
                errs.append(
                    invalid(
                        f"{p}.httpHeaders",
                        hname,
                        "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
                    )
                )
    elif kind == "tcpSocket":
        errs += validate_port_num_or_name(f"{p}.port", body.get("port", 0))
    elif kind == "grpc":
        errs += validate_port_num_or_name(f"{p}.port", body.get("port", 0))
    elif kind == "sleep":
        secs = body.get("seconds", 0)
        if isinstance(grace, int) and isinstance(secs, int) and not 0 <= secs <= grace:
            msg = f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"
            errs.append(invalid(p, secs, msg))
    return errs


def validate_probe(probe: Any, path: str, kind: str) -> list[FieldError]:
    """validateProbe plus the liveness/startup "must be 1" and readiness grace-period rules."""
    if probe is None:
        return []
    probe = _dict(probe)
    errs = _validate_handler(probe, path, ("exec", "httpGet", "tcpSocket", "grpc"))
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        errs += nonnegative(f"{path}.{key}", probe.get(key, 0))
    grace = probe.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and grace <= 0:
        errs.append(invalid(f"{path}.terminationGracePeriodSeconds", grace, "must be greater than 0"))
    if kind in ("liveness", "startup") and probe.get("successThreshold", 1) != 1:
        errs.append(invalid(f"{path}.successThreshold", probe.get("successThreshold"), "must be 1"))
    if kind == "readiness" and grace is not None:
        errs.append(
            invalid(f"{path}.terminationGracePeriodSeconds", grace, "must not be set for readinessProbes")
        )
    return errs


def _validate_lifecycle(lc: Any, path: str, grace: Any = None) -> list[FieldError]:
    errs: list[FieldError] = []
    for hook in ("postStart", "preStop"):
        h = _dict(lc).get(hook)
        if h is not None:
            errs += _validate_handler(
                _dict(h), f"{path}.{hook}", ("exec", "httpGet", "tcpSocket", "sleep"), grace
            )
    return errs


def _container_common(c: Obj, p: str, volumes: dict[str, Obj]) -> list[FieldError]:
    """validateContainerCommon: what every kind of container must satisfy, in Kubernetes' order."""
    errs: list[FieldError] = []
    name = c.get("name") or ""
    if not name:
        errs.append(required(f"{p}.name", ""))
    else:
        errs += validate_dns1123_label(f"{p}.name", name)
    if not c.get("image"):
        errs.append(required(f"{p}.image", ""))
    tmp = c.get("terminationMessagePolicy") or ""
    if not tmp:
        errs.append(required(f"{p}.terminationMessagePolicy", ""))
    elif tmp not in ("File", "FallbackToLogsOnError"):
        errs.append(not_supported(f"{p}.terminationMessagePolicy", tmp, ("File", "FallbackToLogsOnError")))
    errs += validate_ports(c.get("ports"), f"{p}.ports")
    errs += validate_env(c.get("env"), f"{p}.env")
    errs += validate_env_from(c.get("envFrom"), f"{p}.envFrom")
    privileged = _dict(c.get("securityContext")).get("privileged") is True
    errs += validate_volume_mounts(c.get("volumeMounts"), volumes, f"{p}.volumeMounts", privileged)
    policy = c.get("imagePullPolicy") or ""
    if not policy:
        errs.append(required(f"{p}.imagePullPolicy", ""))
    elif policy not in PULL_POLICIES:
        errs.append(not_supported(f"{p}.imagePullPolicy", policy, PULL_POLICIES))
    errs += validate_resource_requirements(c.get("resources"), f"{p}.resources")
    return errs


def _lifecycle_and_probes(c: Obj, p: str, grace: Any) -> list[FieldError]:
    errs: list[FieldError] = []
    if c.get("lifecycle") is not None:
        errs += _validate_lifecycle(c["lifecycle"], f"{p}.lifecycle", grace)
    for probe, kind in (
        ("livenessProbe", "liveness"),
        ("readinessProbe", "readiness"),
        ("startupProbe", "startup"),
    ):
        errs += validate_probe(c.get(probe), f"{p}.{probe}", kind)
    return errs


def host_port_conflicts(containers: list, path: str, offset: int = 0) -> list[FieldError]:
    """checkHostPortConflicts: the same protocol/hostIP/hostPort twice in the given containers."""
    errs: list[FieldError] = []
    seen: set[str] = set()
    for ci, c in enumerate(containers, offset):
        for pi, port in enumerate(_list(_dict(c).get("ports"))):
            port = _dict(port)
            hp = port.get("hostPort") or 0
            if not hp:
                continue
            tag = f"{port.get('protocol', '')}/{port.get('hostIP', '')}/{hp}"
            if tag in seen:
                errs.append(duplicate(f"{path}[{ci}].ports[{pi}].hostPort", tag))
            seen.add(tag)
    return errs


def validate_containers(
    containers: Any, volumes: dict[str, Obj], path: str, grace: Any = None
) -> list[FieldError]:
    """validateContainers: app containers, their unique names, probes and host ports."""
    items = _list(containers)
    if not items:
        return [required(path, "")]
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, c in enumerate(items):
        p = f"{path}[{i}]"
        c = _dict(c)
        errs += _container_common(c, p, volumes)
        if c.get("name", "") in names:
            errs.append(duplicate(f"{p}.name", c.get("name", "")))
        names.add(c.get("name", ""))
        errs += _lifecycle_and_probes(c, p, grace)
        if c.get("restartPolicy") is not None:
            errs.append(forbidden(f"{p}.restartPolicy", "may not be set for non-init containers"))
    return errs + host_port_conflicts(items, path)


_INIT_FORBIDDEN = "may not be set for init containers without restartPolicy=Always"


def validate_init_containers(
    containers: Any, regular: Any, volumes: dict[str, Obj], path: str, grace: Any = None
) -> list[FieldError]:
    """validateInitContainers: sidecars (restartPolicy Always) may have probes, others may not."""
    errs: list[FieldError] = []
    names = {_dict(c).get("name", "") for c in _list(regular)}
    for i, c in enumerate(_list(containers)):
        p = f"{path}[{i}]"
        c = _dict(c)
        errs += _container_common(c, p, volumes)
        policy = c.get("restartPolicy")
        if policy is not None and policy != "Always":
            errs.append(not_supported(f"{p}.restartPolicy", policy, ("Always",)))
        name = c.get("name", "")
        if name in names:
            errs.append(duplicate(f"{p}.name", name))
        elif name:
            names.add(name)
        errs += host_port_conflicts([c], path, i)
        if policy == "Always":
            errs += _lifecycle_and_probes(c, p, grace)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(key) is not None:
                    errs.append(forbidden(f"{p}.{key}", _INIT_FORBIDDEN))
    return errs


# ---- pod-level fields ------------------------------------------------------------------------
def validate_tolerations(tolerations: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, t in enumerate(_list(tolerations)):
        p = f"{path}[{i}]"
        t = _dict(t)
        key, op, value, effect = (
            t.get("key") or "",
            t.get("operator") or "",
            t.get("value") or "",
            t.get("effect") or "",
        )
        if key:
            errs += validate_label_name(f"{p}.key", key)
        if not key and op != "Exists":
            errs.append(
                invalid(
                    f"{p}.operator",
                    op,
                    'operator must be Exists when `key` is empty, which means "match all values and all keys"',
                )
            )
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(f"{p}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set")
            )
        if op in ("Equal", ""):
            errs += [invalid(f"{p}.operator", value, m) for m in is_valid_label_value(value)]
        elif op == "Exists":
            if value:
                errs.append(invalid(f"{p}.operator", t, "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(not_supported(f"{p}.operator", op, ("Equal", "Exists")))
        if effect and effect not in TAINT_EFFECTS:
            errs.append(not_supported(f"{p}.effect", effect, TAINT_EFFECTS))
    return errs


def _validate_policy(path: str, value: Any, allowed: tuple[str, ...]) -> list[FieldError]:
    if not value:
        return [required(path, "")]
    if value not in allowed:
        return [not_supported(path, value, allowed)]
    return []


def _subdomain(path: str, value: Any) -> list[FieldError]:
    return [invalid(path, value, m) for m in is_dns1123_subdomain(value)] if value else []


def _node_selector_terms(sel: Any, path: str) -> list[FieldError]:
    terms = _list(_dict(sel).get("nodeSelectorTerms"))
    if not terms:
        return [required(f"{path}.nodeSelectorTerms", "must have at least one node selector term")]
    errs: list[FieldError] = []
    for i, term in enumerate(terms):
        for j, req in enumerate(_list(_dict(term).get("matchExpressions"))):
            errs += _node_requirement(_dict(req), f"{path}.nodeSelectorTerms[{i}].matchExpressions[{j}]")
    return errs


def _node_requirement(req: Obj, path: str) -> list[FieldError]:
    op = req.get("operator") or ""
    values = _list(req.get("values"))
    errs: list[FieldError] = []
    if op in ("In", "NotIn"):
        if not values:
            errs.append(required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(
                forbidden(
                    f"{path}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                )
            )
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(
                required(f"{path}.values", "must be specified single value when `operator` is 'Lt' or 'Gt'")
            )
    else:
        errs.append(invalid(f"{path}.operator", op, "not a valid selector operator"))
    errs += validate_label_name(f"{path}.key", req.get("key") or "")
    return errs


def validate_affinity(aff: Any, path: str) -> list[FieldError]:
    aff = _dict(aff)
    errs: list[FieldError] = []
    node = _dict(aff.get("nodeAffinity"))
    req = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if req is not None:
        errs += _node_selector_terms(
            req, f"{path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        )
    for i, pref in enumerate(_list(node.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        p = f"{path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
        w = _dict(pref).get("weight", 0)
        if not (isinstance(w, int) and 1 <= w <= 100):
            errs.append(invalid(f"{p}.weight", w, "must be in the range 1-100"))
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = _dict(aff.get(kind))
        for i, term in enumerate(_list(pa.get("requiredDuringSchedulingIgnoredDuringExecution"))):
            p = f"{path}.{kind}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"
            if not _dict(term).get("topologyKey"):
                errs.append(required(f"{p}.topologyKey", "can not be empty"))
        for i, wt in enumerate(_list(pa.get("preferredDuringSchedulingIgnoredDuringExecution"))):
            p = f"{path}.{kind}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            w = _dict(wt).get("weight", 0)
            if not (isinstance(w, int) and 1 <= w <= 100):
                errs.append(invalid(f"{p}.weight", w, "must be in the range 1-100"))
            if not _dict(_dict(wt).get("podAffinityTerm")).get("topologyKey"):
                errs.append(required(f"{p}.podAffinityTerm.topologyKey", "can not be empty"))
    return errs


def validate_dns_config(spec: Obj, path: str) -> list[FieldError]:
    """validatePodDNSConfig: policy None needs nameservers; at most 3 of them; named options."""
    cfg = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if cfg is None:
            return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not _dict(cfg).get("nameservers"):
            return [
                required(
                    f"{path}.nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None"
                )
            ]
    if cfg is None:
        return []
    cfg = _dict(cfg)
    errs: list[FieldError] = []
    servers = _list(cfg.get("nameservers"))
    if len(servers) > 3:
        errs.append(invalid(f"{path}.nameservers", servers, "must not have more than 3 nameservers"))
    searches = _list(cfg.get("searches"))
    if len(searches) > 32:
        errs.append(invalid(f"{path}.searches", searches, "must not have more than 32 search paths"))
    for i, search in enumerate(searches):
        name = search[:-1] if isinstance(search, str) and search.endswith(".") else search
        errs += [invalid(f"{path}.searches[{i}]", search, m) for m in is_dns1123_subdomain(name or "")]
    for i, option in enumerate(_list(cfg.get("options"))):
        if not _dict(option).get("name"):
            errs.append(required(f"{path}.options[{i}]", "must not be empty"))
    return errs


def validate_topology_spread(constraints: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    items = [_dict(c) for c in _list(constraints)]
    for i, c in enumerate(items):
        p = f"{path}[{i}]"
        skew = c.get("maxSkew", 0)
        if not isinstance(skew, int) or skew <= 0:
            errs.append(invalid(f"{p}.maxSkew", skew, "must be greater than zero"))
        key = c.get("topologyKey") or ""
        if not key:
            errs.append(required(f"{p}.topologyKey", "can not be empty"))
        else:
            errs += validate_label_name(f"{p}.topologyKey", key)
        action = c.get("whenUnsatisfiable") or ""
        if action not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(not_supported(f"{p}.whenUnsatisfiable", action, ("DoNotSchedule", "ScheduleAnyway")))
        for other in items[i + 1 :]:
            if (other.get("topologyKey"), other.get("whenUnsatisfiable")) == (key, action):
                errs.append(duplicate(f"{p}.{{topologyKey, whenUnsatisfiable}}", f"{{{key}, {action}}}"))
                break
        md = c.get("minDomains")
        if md is not None:
            if not isinstance(md, int) or md <= 0:
                errs.append(invalid(f"{p}.minDomains", md, "must be greater than zero"))
            elif action != "DoNotSchedule":
                errs.append(
                    invalid(
                        f"{p}.minDomains",
                        md,
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
                    )
                )
    return errs


def _id_range(path: str, value: Any) -> list[FieldError]:
    if isinstance(value, int) and not 0 <= value <= MAX_INT32:
        return [invalid(path, value, f"must be between 0 and {MAX_INT32}, inclusive")]
    return []


def validate_security_contexts(spec: Obj, path: str) -> list[FieldError]:
    """User and group ids in range; host ports equal container ports with hostNetwork."""
    errs: list[FieldError] = []
    psc = _dict(spec.get("securityContext"))
    for key in ("runAsUser", "runAsGroup", "fsGroup"):
        errs += _id_range(f"{path}.securityContext.{key}", psc.get(key))
    for i, gid in enumerate(_list(psc.get("supplementalGroups"))):
        errs += _id_range(f"{path}.securityContext.supplementalGroups[{i}]", gid)
    if spec.get("hostNetwork"):
        for ci, c in enumerate(_list(spec.get("containers"))):
            for pi, port in enumerate(_list(_dict(c).get("ports"))):
                port = _dict(port)
                hp = port.get("hostPort") or 0
                if hp and hp != port.get("containerPort"):
                    errs.append(
                        invalid(
                            f"{path}.containers[{ci}].ports[{pi}].hostPort",
                            hp,
                            "must match `containerPort` when `hostNetwork` is true",
                        )
                    )
    for key in ("initContainers", "containers"):
        for ci, c in enumerate(_list(spec.get(key))):
            csc = _dict(_dict(c).get("securityContext"))
            for field in ("runAsUser", "runAsGroup"):
                errs += _id_range(f"{path}.{key}[{ci}].securityContext.{field}", csc.get(field))
    return errs


def _ephemeral_containers(spec: Obj, volumes: dict[str, Obj], path: str) -> list[FieldError]:
    """validateEphemeralContainers: names unique across all containers, an existing target, and
    none of the fields reserved for regular containers."""
    errs: list[FieldError] = []
    others = {_dict(c).get("name", "") for k in ("containers", "initContainers") for c in _list(spec.get(k))}
    names = set(others)
    for i, c in enumerate(_list(spec.get("ephemeralContainers"))):
        p = f"{path}[{i}]"
        c = _dict(c)
        errs += _container_common(c, p, volumes)
        if c.get("name", "") in names:
            errs.append(duplicate(f"{p}.name", c.get("name", "")))
        names.add(c.get("name", ""))
        target = c.get("targetContainerName") or ""
        if target and target not in others:
            errs.append(not_found(f"{p}.targetContainerName", target))
        for key in ("ports", "resources", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"):
            if c.get(key) and not (key == "resources" and c[key] == {}):
                errs.append(forbidden(f"{p}.{key}", "cannot be set for an Ephemeral Container"))
        for j, vm in enumerate(_list(c.get("volumeMounts"))):
            for key in ("subPath", "subPathExpr"):
                if _dict(vm).get(key):
                    errs.append(
                        forbidden(f"{p}.volumeMounts[{j}].{key}", "cannot be set for an Ephemeral Container")
                    )
    return errs


def _host_aliases(aliases: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, alias in enumerate(_list(aliases)):
        alias = _dict(alias)
        errs += validate_ip(f"{path}[{i}].ip", alias.get("ip", ""))
        for j, host in enumerate(_list(alias.get("hostnames"))):
            errs += [invalid(f"{path}[{i}].hostnames[{j}]", host, m) for m in is_dns1123_subdomain(host)]
    return errs


def _scheduling_gates(gates: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, gate in enumerate(_list(gates)):
        name = _dict(gate).get("name") or ""
        errs += [invalid(f"{path}[{i}]", name, m) for m in is_qualified_name(name)]
        if name in seen:
            errs.append(duplicate(f"{path}[{i}]", name))
        seen.add(name)
    return errs


def validate_pod_spec(spec: Any, path: str = "spec") -> list[FieldError]:
    """ValidatePodSpec for the fields kubepy checks, in Kubernetes' order."""
    spec = _dict(spec)
    errs: list[FieldError] = []
    grace = spec.get("terminationGracePeriodSeconds")
    if grace is None:  # defaulting fills it; negative values are accepted (and treated as 1)
        errs.append(required(f"{path}.terminationGracePeriodSeconds", ""))
    volumes, volume_errs = validate_volumes(spec.get("volumes"), f"{path}.volumes")
    errs += volume_errs
    errs += validate_containers(spec.get("containers"), volumes, f"{path}.containers", grace)
    errs += validate_init_containers(
        spec.get("initContainers"), spec.get("containers"), volumes, f"{path}.initContainers", grace
    )
    errs += _ephemeral_containers(spec, volumes, f"{path}.ephemeralContainers")
    errs += _validate_policy(f"{path}.restartPolicy", spec.get("restartPolicy"), RESTART_POLICIES)
    errs += _validate_policy(f"{path}.dnsPolicy", spec.get("dnsPolicy"), DNS_POLICIES)
    errs += validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector")
    errs += validate_security_contexts(spec, path)
    for i, ref in enumerate(_list(spec.get("imagePullSecrets"))):
        if not _dict(ref).get("name"):
            errs.append(required(f"{path}.imagePullSecrets[{i}].name", ""))
    if spec.get("affinity") is not None:
        errs += validate_affinity(spec["affinity"], f"{path}.affinity")
    errs += validate_dns_config(spec, f"{path}.dnsConfig")
    for i, gate in enumerate(_list(spec.get("readinessGates"))):
        ct = _dict(gate).get("conditionType") or ""
        errs += [invalid(f"{path}.readinessGates[{i}].conditionType", ct, m) for m in is_qualified_name(ct)]
    errs += _scheduling_gates(spec.get("schedulingGates"), f"{path}.schedulingGates")
    errs += validate_topology_spread(
        spec.get("topologySpreadConstraints"), f"{path}.topologySpreadConstraints"
    )
    errs += _subdomain(f"{path}.serviceAccountName", spec.get("serviceAccountName"))
    errs += _subdomain(f"{path}.nodeName", spec.get("nodeName"))
    ads = spec.get("activeDeadlineSeconds")
    if isinstance(ads, int) and not 1 <= ads <= MAX_INT32:
        errs.append(
            invalid(f"{path}.activeDeadlineSeconds", ads, f"must be between 1 and {MAX_INT32}, inclusive")
        )
    if spec.get("hostname"):
        errs += validate_dns1123_label(f"{path}.hostname", spec["hostname"])
    if spec.get("subdomain"):
        errs += validate_dns1123_label(f"{path}.subdomain", spec["subdomain"])
    errs += validate_tolerations(spec.get("tolerations"), f"{path}.tolerations")
    errs += _host_aliases(spec.get("hostAliases"), f"{path}.hostAliases")
    errs += _subdomain(f"{path}.priorityClassName", spec.get("priorityClassName"))
    if spec.get("runtimeClassName") is not None:
        rc = spec["runtimeClassName"]
        errs += [invalid(f"{path}.runtimeClassName", rc, m) for m in is_dns1123_subdomain(rc)]
    pp = spec.get("preemptionPolicy")
    if pp is not None and pp not in ("Never", "PreemptLowerPriority"):
        errs.append(not_supported(f"{path}.preemptionPolicy", pp, ("PreemptLowerPriority", "Never")))
    os_name = _dict(spec.get("os")).get("name")
    if spec.get("os") is not None and os_name not in ("linux", "windows"):
        errs.append(not_supported(f"{path}.os.name", os_name or "", ("linux", "windows")))
    return errs


def validate_pod_template_spec(template: Any, path: str) -> list[FieldError]:
    """ValidatePodTemplateSpec: labels and annotations of the template, then its spec."""
    if template is None:
        return [required(path, "")]
    template = _dict(template)
    meta = _dict(template.get("metadata"))
    # Kubernetes reports template labels at <path>.labels (ObjectMeta is embedded in Go).
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_pod_spec(template.get("spec"), f"{path}.spec")
    if template.get("spec", {}).get("ephemeralContainers"):
        errs.append(
            forbidden(f"{path}.spec.ephemeralContainers", "ephemeral containers not allowed in pod template")
        )
    return errs


# ---- status updates --------------------------------------------------------------------------
def _pod_ips(ips: Any, path: str) -> list[FieldError]:
    """validatePodIPs/validateHostIPs: valid addresses, at most one per IP family."""
    items = [_dict(x).get("ip", "") for x in _list(ips)]
    errs: list[FieldError] = []
    for i, ip in enumerate(items):
        errs += validate_ip(f"{path}[{i}].ip", ip)
    if len(items) > 1 and not errs:
        families = [ip_family(ip) for ip in items]
        if len(items) > 2 or families[0] == families[1]:
            errs.append(invalid(path, _list(ips), "may specify no more than one IP for each IP family"))
    return errs


def _state_transitions(new: list, old: list, path: str, policy: Any) -> list[FieldError]:
    """ValidateContainerStateTransition: a pod that does not restart keeps exited containers exited
    (OnFailure lets failed ones restart). Errors are indexed by the old status list."""
    if policy == "Always":
        return []
    errs: list[FieldError] = []
    for i, was in enumerate(old):
        term = _dict(_dict(_dict(was).get("state")).get("terminated"))
        if not term or (term.get("exitCode", 0) != 0 and policy == "OnFailure"):
            continue
        for cs in new:
            cs = _dict(cs)
            if cs.get("name") == _dict(was).get("name") and _dict(cs.get("state")).get("terminated") is None:
                errs.append(
                    forbidden(f"{path}[{i}].state", "may not be transitioned to non-terminated state")
                )
    return errs


def validate_pod_status_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidatePodStatusUpdate, main rules: qosClass frozen, exited containers of pods that do not
    restart stay exited, valid nominated node and IPs."""
    status, old_status = _dict(new.get("status")), _dict(old.get("status"))
    errs: list[FieldError] = []
    nominated = status.get("nominatedNodeName") or ""
    if nominated and nominated != old_status.get("nominatedNodeName"):
        errs += [invalid("status.nominatedNodeName", nominated, m) for m in is_dns1123_subdomain(nominated)]
    policy = _dict(old.get("spec")).get("restartPolicy")
    for key in ("containerStatuses", "initContainerStatuses"):
        errs += _state_transitions(
            _list(status.get(key)), _list(old_status.get(key)), f"status.{key}", policy
        )
    errs += _pod_ips(status.get("podIPs"), "status.podIPs")
    errs += _pod_ips(status.get("hostIPs"), "status.hostIPs")
    if old_status.get("qosClass") and status.get("qosClass") != old_status.get("qosClass"):
        errs.append(invalid("status.qosClass", status.get("qosClass", ""), "field is immutable"))
    return errs


# ---- updates ---------------------------------------------------------------------------------
UPDATABLE = ",".join(
    (
        "`spec.containers[*].image`",
        "`spec.initContainers[*].image`",
        "`spec.activeDeadlineSeconds`",
        "`spec.tolerations` (only additions to existing tolerations)",
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    )
)


def spec_diff(old: Any, new: Any, path: str) -> list[str]:
    """Paths that differ, as a short stand-in for Go's cmp.Diff."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in sorted(set(old) | set(new)):
            out += spec_diff(old.get(k), new.get(k), f"{path}.{k}")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += spec_diff(a, b, f"{path}[{i}]")
        return out
    if old == new:
        return []
    return [f"- {path}: {old!r}\n+ {path}: {new!r}"]


def validate_only_added_tolerations(new: Any, old: Any, path: str) -> list[FieldError]:
    """Every old toleration must still be there; only its tolerationSeconds may change."""
    for o in _list(old):
        if not any(
            _strip_none({**_dict(o), "tolerationSeconds": _dict(n).get("tolerationSeconds")})
            == _strip_none(_dict(n))
            for n in _list(new)
        ):
            return [forbidden(path, "existing toleration can not be modified except its tolerationSeconds")]
    return []


def _strip_none(d: Obj) -> Obj:
    return {k: v for k, v in d.items() if v is not None}


def validate_pod_spec_update(new: Any, old: Any, path: str = "spec") -> list[FieldError]:
    """ValidatePodUpdate's spec rules: only images, activeDeadlineSeconds, added tolerations and
    a negative grace period turned to 1 may change; anything else is Forbidden on `spec`."""
    new, old = _dict(new), _dict(old)
    errs: list[FieldError] = []
    for key in ("containers", "initContainers"):
        if len(_list(new.get(key))) != len(_list(old.get(key))):
            return [forbidden(f"{path}.{key}", "pod updates may not add or remove containers")]
    nads, oads = new.get("activeDeadlineSeconds"), old.get("activeDeadlineSeconds")
    if nads is not None:
        if not 0 <= nads <= MAX_INT32:
            return errs + [
                invalid(
                    f"{path}.activeDeadlineSeconds", nads, f"must be between 0 and {MAX_INT32}, inclusive"
                )
            ]
        if oads is not None and oads < nads:
            return errs + [
                invalid(f"{path}.activeDeadlineSeconds", nads, "must be less than or equal to previous value")
            ]
    elif oads is not None:
        errs.append(
            invalid(
                f"{path}.activeDeadlineSeconds", None, "must not update from a positive integer to nil value"
            )
        )
    errs += validate_only_added_tolerations(
        new.get("tolerations"), old.get("tolerations"), f"{path}.tolerations"
    )
    if new == old:
        return errs
    munged = dict(new)
    for key in ("containers", "initContainers"):
        if key in new:
            munged[key] = [
                {**_dict(c), "image": _dict(o).get("image")}
                if "image" in _dict(o)
                else {k: v for k, v in _dict(c).items() if k != "image"}
                for c, o in zip(_list(new[key]), _list(old.get(key)), strict=True)
            ]
    for key in ("activeDeadlineSeconds", "tolerations", "ephemeralContainers"):
        munged.pop(key, None)
        if key in old:
            munged[key] = old[key]
    og, ng = old.get("terminationGracePeriodSeconds"), new.get("terminationGracePeriodSeconds")
    if isinstance(og, int) and og < 0 and ng == 1:
        munged["terminationGracePeriodSeconds"] = og
    if munged != old:
        diff = "\n".join(spec_diff(old, munged, path))
        errs.append(forbidden(path, f"pod updates may not change fields other than {UPDATABLE}\n{diff}"))
    return errs


__all__ = [
    "validate_pod_spec",
    "validate_pod_template_spec",
    "validate_pod_spec_update",
    "validate_volume_source",
    "validate_resource_requirements",
    "validate_tolerations",
]
