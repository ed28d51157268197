"""Service validation (ValidateService / ValidateServiceUpdate) with Kubernetes' paths and messages.

Works on the v1 JSON form after defaulting and after clusterIPs were normalised from clusterIP.
Range checks of clusterIP and nodePort against the apiserver flags belong to the allocators.
"""

from __future__ import annotations

from typing import Any

from kubepy.api.errors import FieldError, GoValue, duplicate, forbidden, invalid, not_supported, required
from kubepy.api.validation.common import validate_dns1123_label, validate_port_num_or_name
from kubepy.api.validation.ip import is_ipv6, validate_cidr, validate_ip, validate_non_special_ip
from kubepy.api.validation.meta import validate_labels
from kubepy.api.validation.names import is_dns1123_subdomain, is_qualified_name, is_valid_port_num

Obj = dict[str, Any]

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
SESSION_AFFINITIES = ("ClientIP", "None")
PROTOCOLS = ("SCTP", "TCP", "UDP")
TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
MAX_CLIENT_IP_AFFINITY_SECONDS = 86400
ONLY_LB = "may only be used when `type` is 'LoadBalancer'"


def spec_of(svc: Obj) -> Obj:
    return svc.get("spec") or {}


def is_headless(svc: Obj) -> bool:
    ips = spec_of(svc).get("clusterIPs") or []
    return len(ips) == 1 and ips[0] == "None"


def externally_accessible(svc: Obj) -> bool:
    """apiservice.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with externalIPs."""
    spec = spec_of(svc)
    t = spec.get("type")
    return t in ("LoadBalancer", "NodePort") or (t == "ClusterIP" and bool(spec.get("externalIPs")))


def needs_health_check(svc: Obj) -> bool:
    spec = spec_of(svc)
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _go_service_port(protocol: str, port: int) -> GoValue:
    return GoValue(
        f'core.ServicePort{{Name:"", Protocol:"{protocol}", AppProtocol:(*string)(nil), Port:{port}, '
        'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'
    )


def validate_service_port(sp: Obj, require_name: bool, names: set[str], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    name = sp.get("name") or ""
    if require_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs += validate_dns1123_label(f"{path}.name", name)
        if name in names:
            errs.append(duplicate(f"{path}.name", name))
        names.add(name)
    port = sp.get("port") or 0
    errs += [invalid(f"{path}.port", port, m) for m in is_valid_port_num(port)]
    protocol = sp.get("protocol") or ""
    if not protocol:
        errs.append(required(f"{path}.protocol"))
    elif protocol not in PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
    errs += validate_port_num_or_name(f"{path}.targetPort", sp.get("targetPort", 0))
    if sp.get("appProtocol") is not None:
        app = sp["appProtocol"]
        errs += [invalid(f"{path}.appProtocol", app, m) for m in is_qualified_name(app)]
    return errs


def _validate_client_ip_affinity(cfg: Obj | None, path: str) -> list[FieldError]:
    why = "when session affinity type is ClientIP"
    if cfg is None:
        return [required(path, why)]
    if cfg.get("clientIP") is None:
        return [required(f"{path}.clientIP", why)]
    timeout = cfg["clientIP"].get("timeoutSeconds")
    if timeout is None:
        return [required(f"{path}.clientIP.timeoutSeconds", why)]
    if timeout <= 0 or timeout > MAX_CLIENT_IP_AFFINITY_SECONDS:
        return [
            invalid(
                f"{path}.clientIP.timeoutSeconds",
                timeout,
                f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}",
            )
        ]
    return []


def validate_cluster_ips_related(svc: Obj) -> list[FieldError]:
    """ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs/ipFamilies/ipFamilyPolicy."""
    spec = spec_of(svc)
    if spec.get("type") == "ExternalName":
        return []
    errs: list[FieldError] = []
    cluster_ip = spec.get("clusterIP") or ""
    ips: list[str] = spec.get("clusterIPs") or []
    if cluster_ip:
        if not ips:
            errs.append(required("spec.clusterIPs"))
        elif ips[0] != cluster_ip:
            errs.append(invalid("spec.clusterIPs", ips, "first value must match `clusterIP`"))
    elif ips:
        errs.append(invalid("spec.clusterIPs", ips, "must be empty when `clusterIP` is not specified"))
    seen: set[str] = set()
    for i, fam in enumerate(spec.get("ipFamilies") or []):
        if fam not in IP_FAMILIES:
            errs.append(not_supported(f"spec.ipFamilies[{i}]", fam, IP_FAMILIES))
        if fam in seen:
            errs.append(duplicate(f"spec.ipFamilies[{i}]", fam))
        seen.add(fam)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.append(not_supported("spec.ipFamilyPolicy", policy, IP_FAMILY_POLICIES))
    bad = False
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                bad = True
                errs.append(invalid("spec.clusterIPs", ips, "'None' must be the first and only value"))
            continue
        ip_errs = validate_ip(f"spec.clusterIPs[{i}]", ip)
        bad = bad or bool(ip_errs)
        errs += ip_errs
    if len(ips) > 2:
        errs.append(invalid("spec.clusterIPs", ips, "may only hold up to 2 values"))
    if bad:
        return errs
    if len(ips) > 1 and is_ipv6(ips[0]) == is_ipv6(ips[1]):
        errs.append(invalid("spec.clusterIPs", ips, "may specify no more than one IP for each IP family"))
    families = spec.get("ipFamilies") or []
    if not is_headless(svc):
        for i, ip in enumerate(ips[: len(families)]):
            if families[i] == "IPv4" and is_ipv6(ip):
                errs.append(
                    invalid(
                        f"spec.clusterIPs[{i}]",
                        ip,
                        f"expected an IPv4 value as indicated by `ipFamilies[{i}]`",
                    )
                )
            if families[i] == "IPv6" and not is_ipv6(ip):
                errs.append(
                    invalid(
                        f"spec.clusterIPs[{i}]",
                        ip,
                        f"expected an IPv6 value as indicated by `ipFamilies[{i}]`",
                    )
                )
    return errs


def validate_service(svc: Obj) -> list[FieldError]:
    """ValidateService without ObjectMeta (the generic store validates that)."""
    spec = spec_of(svc)
    stype = spec.get("type") or ""
    ports: list[Obj] = spec.get("ports") or []
    headless = is_headless(svc)
    errs: list[FieldError] = []
    if not ports and not headless and stype != "ExternalName":
        errs.append(required("spec.ports"))
    if stype == "LoadBalancer" and headless:
        errs.append(
            invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for LoadBalancer services")
        )
    elif stype == "NodePort" and headless:
        errs.append(invalid("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services"))
    elif stype == "ExternalName":
        errs += _validate_external_name(spec)
    names: set[str] = set()
    for i, sp in enumerate(ports):
        errs += validate_service_port(sp, len(ports) > 1, names, f"spec.ports[{i}]")
    if spec.get("selector") is not None:
        errs += validate_labels(spec["selector"], "spec.selector")
    affinity = spec.get("sessionAffinity") or ""
    if not affinity:
        errs.append(required("spec.sessionAffinity"))
    elif affinity not in SESSION_AFFINITIES:
        errs.append(not_supported("spec.sessionAffinity", affinity, SESSION_AFFINITIES))
    if affinity == "ClientIP":
        errs += _validate_client_ip_affinity(spec.get("sessionAffinityConfig"), "spec.sessionAffinityConfig")
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    errs += validate_cluster_ips_related(svc)
    for i, ip in enumerate(spec.get("externalIPs") or []):
        ip_errs = validate_ip(f"spec.externalIPs[{i}]", ip)
        errs += ip_errs or validate_non_special_ip(f"spec.externalIPs[{i}]", ip)
    if not stype:
        errs.append(required("spec.type"))
    elif stype not in SERVICE_TYPES:
        errs.append(not_supported("spec.type", stype, SERVICE_TYPES))
    if stype == "ClusterIP":
        for i, sp in enumerate(ports):
            if sp.get("nodePort"):
                errs.append(
                    forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'")
                )
    errs += _validate_duplicate_ports(ports)
    errs += _validate_source_ranges(svc)
    if spec.get("allocateLoadBalancerNodePorts") is not None and stype != "LoadBalancer":
        errs.append(forbidden("spec.allocateLoadBalancerNodePorts", ONLY_LB))
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(required("allocateLoadBalancerNodePorts"))  # Kubernetes' own path
    errs += _validate_load_balancer_class(svc, None)
    errs += _validate_external_traffic(svc)
    errs += _validate_internal_traffic(spec)
    td = spec.get("trafficDistribution")
    if td is not None and td != "PreferClose":
        errs.append(not_supported("spec.trafficDistribution", td, ("PreferClose",)))
    return errs


def _validate_external_name(spec: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    if spec.get("clusterIPs"):
        errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
    if spec.get("ipFamilies"):
        errs.append(forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
    if spec.get("ipFamilyPolicy") is not None:
        errs.append(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
    cname = (spec.get("externalName") or "").removesuffix(".")
    if cname:
        errs += [invalid("spec.externalName", cname, m) for m in is_dns1123_subdomain(cname)]
    else:
        errs.append(required("spec.externalName"))
    return errs


def _validate_duplicate_ports(ports: list[Obj]) -> list[FieldError]:
    errs: list[FieldError] = []
    node_ports: set[tuple[str, int]] = set()
    for i, sp in enumerate(ports):
        np = sp.get("nodePort") or 0
        if not np:
            continue
        key = (sp.get("protocol") or "", np)
        if key in node_ports:
            errs.append(duplicate(f"spec.ports[{i}].nodePort", np))
        node_ports.add(key)
    seen: set[tuple[str, int]] = set()
    for i, sp in enumerate(ports):
        key = (sp.get("protocol") or "", sp.get("port") or 0)
        if key in seen:
            errs.append(duplicate(f"spec.ports[{i}]", _go_service_port(*key)))
        seen.add(key)
    return errs


def _validate_source_ranges(svc: Obj) -> list[FieldError]:
    spec = spec_of(svc)
    errs: list[FieldError] = []
    ranges = spec.get("loadBalancerSourceRanges") or []
    annotation = "service.beta.kubernetes.io/load-balancer-source-ranges"
    annotations = (svc.get("metadata") or {}).get("annotations") or {}
    if ranges:
        path = "spec.LoadBalancerSourceRanges"  # sic: Kubernetes' path
        if spec.get("type") != "LoadBalancer":
            errs.append(forbidden(path, ONLY_LB))
        for i, value in enumerate(ranges):
            errs += validate_cidr(f"{path}[{i}]", value.strip())
    elif annotation in annotations:
        path = f"metadata.annotations[{annotation}]"
        if spec.get("type") != "LoadBalancer":
            errs.append(forbidden(path, ONLY_LB))
        val = annotations[annotation].strip()
        if val:
            for value in val.split(","):
                errs += validate_cidr(path, value.strip())
    return errs


def _validate_load_balancer_class(svc: Obj, old: Obj | None) -> list[FieldError]:
    spec = spec_of(svc)
    errs: list[FieldError] = []
    cls = spec.get("loadBalancerClass")
    is_lb = spec.get("type") == "LoadBalancer"
    if old is not None and is_lb and spec_of(old).get("type") == "LoadBalancer":
        if spec_of(old).get("loadBalancerClass") != cls:
            errs.append(invalid("spec.loadBalancerClass", cls, "may not change once set"))
    if is_lb:
        if cls is not None:
            errs += [invalid("spec.loadBalancerClass", cls, m) for m in is_qualified_name(cls)]
    elif cls is not None:
        errs.append(forbidden("spec.loadBalancerClass", ONLY_LB))
    return errs


def _validate_external_traffic(svc: Obj) -> list[FieldError]:
    spec = spec_of(svc)
    errs: list[FieldError] = []
    etp = spec.get("externalTrafficPolicy") or ""
    if not externally_accessible(svc):
        if etp:
            errs.append(
                invalid(
                    "spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"
                )
            )
    elif not etp:
        errs.append(required("spec.externalTrafficPolicy"))
    elif etp not in TRAFFIC_POLICIES:
        errs.append(not_supported("spec.externalTrafficPolicy", etp, TRAFFIC_POLICIES))
    hc = spec.get("healthCheckNodePort") or 0
    if not needs_health_check(svc):
        if hc:
            errs.append(
                invalid(
                    "spec.healthCheckNodePort",
                    hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
                )
            )
    elif not hc:
        errs.append(required("spec.healthCheckNodePort"))
    else:
        errs += [invalid("spec.healthCheckNodePort", hc, m) for m in is_valid_port_num(hc)]
    return errs


def _validate_internal_traffic(spec: Obj) -> list[FieldError]:
    itp = spec.get("internalTrafficPolicy")
    if itp is None:
        if spec.get("type") in ("NodePort", "LoadBalancer", "ClusterIP"):
            return [required("spec.internalTrafficPolicy")]
        return []
    if itp not in TRAFFIC_POLICIES:
        return [not_supported("spec.internalTrafficPolicy", itp, TRAFFIC_POLICIES)]
    return []


def validate_service_update(new: Obj, old: Obj) -> list[FieldError]:
    """ValidateServiceUpdate: clusterIPs/ipFamilies may not change; then the full validation."""
    errs = _validate_cluster_ips_update(old, new)
    errs += _validate_ip_families_update(old, new)
    errs += _validate_load_balancer_class(new, old)
    if needs_health_check(old) and needs_health_check(new):
        if spec_of(new).get("healthCheckNodePort") != spec_of(old).get("healthCheckNodePort"):
            errs.append(forbidden("spec.healthCheckNodePort", "field is immutable"))
    return errs + validate_service(new)


def _validate_cluster_ips_update(old: Obj, new: Obj) -> list[FieldError]:
    if "ExternalName" in (spec_of(new).get("type"), spec_of(old).get("type")):
        return []
    if is_headless(old) and is_headless(new):
        return []
    olds: list[str] = spec_of(old).get("clusterIPs") or []
    news: list[str] = spec_of(new).get("clusterIPs") or []
    errs: list[FieldError] = []
    if len(olds) == len(news):
        for i, ip in enumerate(olds):
            if ip != news[i]:
                errs.append(invalid(f"spec.clusterIPs[{i}]", news, "may not change once set"))
    elif len(olds) > len(news):
        if not news:
            errs.append(invalid("spec.clusterIPs[0]", news, "primary clusterIP can not be unset"))
        if olds and news and news[0] != olds[0]:
            errs.append(invalid("spec.clusterIPs[0]", news, "may not change once set"))
        if len(news) == 1 and spec_of(new).get("ipFamilyPolicy") != "SingleStack":
            errs.append(
                invalid(
                    "spec.ipFamilyPolicy",
                    spec_of(new).get("ipFamilyPolicy"),
                    "must be set to 'SingleStack' when releasing the secondary clusterIP",
                )
            )
    elif olds and news[0] != olds[0]:
        errs.append(invalid("spec.clusterIPs[0]", news, "may not change once set"))
    return errs


def _validate_ip_families_update(old: Obj, new: Obj) -> list[FieldError]:
    if "ExternalName" in (spec_of(new).get("type"), spec_of(old).get("type")):
        return []
    if is_headless(old) or is_headless(new):
        return []
    olds: list[str] = spec_of(old).get("ipFamilies") or []
    news: list[str] = spec_of(new).get("ipFamilies") or []
    ips = spec_of(new).get("clusterIPs") or []
    errs: list[FieldError] = []
    if len(olds) == len(news):
        for i, fam in enumerate(olds):
            if fam != news[i]:
                errs.append(invalid("spec.ipFamilies[0]", news, "may not change once set"))
    elif len(olds) > len(news):
        if not ips:
            errs.append(invalid("spec.ipFamilies[0]", news, "primary ipFamily can not be unset"))
        if news and news[0] != olds[0]:
            errs.append(invalid("spec.ipFamilies[0]", ips, "may not change once set"))
        if len(news) == 1 and spec_of(new).get("ipFamilyPolicy") != "SingleStack":
            errs.append(
                invalid(
                    "spec.ipFamilyPolicy",
                    spec_of(new).get("ipFamilyPolicy"),
                    "must be set to 'SingleStack' when releasing the secondary ipFamily",
                )
            )
    elif olds and news and news[0] != olds[0]:
        errs.append(invalid("spec.ipFamilies[0]", ips, "may not change once set"))
    return errs


def validate_load_balancer_status(svc: Obj) -> list[FieldError]:
    """ValidateLoadBalancerStatus (status writes)."""
    ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    path = "status.loadBalancer.ingress"
    if spec_of(svc).get("type") != "LoadBalancer" and ingress:
        return [forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")]
    errs: list[FieldError] = []
    for i, ing in enumerate(ingress):
        p = f"{path}[{i}]"
        ip, mode, host = ing.get("ip") or "", ing.get("ipMode"), ing.get("hostname") or ""
        if ip:
            errs += validate_ip(f"{p}.ip", ip)
        if mode is None:
            if ip:
                errs.append(required(f"{p}.ipMode", "must be specified when `ip` is set"))
        elif not ip:
            errs.append(forbidden(f"{p}.ipMode", "may not be specified when `ip` is not set"))
        elif mode not in ("Proxy", "VIP"):
            errs.append(not_supported(f"{p}.ipMode", mode, ("Proxy", "VIP")))
        if host:
            errs += [invalid(f"{p}.hostname", host, m) for m in is_dns1123_subdomain(host)]
            if validate_ip("", host) == []:
                errs.append(invalid(f"{p}.hostname", host, "must be a DNS name, not an IP address"))
    return errs
