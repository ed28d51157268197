"""Service cluster IPs and node ports: allocated on create, kept on update, freed on delete.

The allocators live in memory and are rebuilt from the stored Services at startup (Kubernetes'
repair controllers do the same from etcd), so a crash never leaks or double-books an address.
"""

from __future__ import annotations

from typing import Any

from kubepy.api import errors as fe
from kubepy.api.resources.core_service import (
    needs_cluster_ip,
    needs_node_ports,
    service_cluster_ips,
    service_node_ports,
)
from kubepy.apiserver.allocators.bitmap import AllocationError
from kubepy.apiserver.allocators.ipallocator import IPAllocator
from kubepy.apiserver.allocators.portallocator import PortAllocator
from kubepy.apiserver.registry.hooks import Hooks, Rollback

Obj = dict[str, Any]
_needs_ip = needs_cluster_ip
_needs_node_ports = needs_node_ports
_ips = service_cluster_ips


def _node_ports(svc: Obj) -> list[int]:
    return service_node_ports(svc) if needs_node_ports(svc) else []


class ServiceAllocation(Hooks):
    def __init__(self, ips: IPAllocator, ports: PortAllocator) -> None:
        self.ips = ips
        self.ports = ports

    def rebuild(self, services: list[Obj]) -> None:
        for svc in services:
            for ip in _ips(svc):
                try:
                    self.ips.allocate(ip)
                except AllocationError:
                    pass
            for port in set(_node_ports(svc)):
                try:
                    self.ports.allocate(port)
                except AllocationError:
                    pass

    def _invalid(self, svc: Obj, errs: list[fe.FieldError]) -> fe.StatusError:
        return fe.invalid_error("Service", (svc.get("metadata") or {}).get("name", ""), errs)

    def _allocate(self, svc: Obj, old: Obj | None) -> tuple[list[str], list[int]]:
        """Allocate what `svc` needs that `old` did not hold; returns what was taken."""
        spec = svc.setdefault("spec", {})
        taken_ips: list[str] = []
        taken_ports: list[int] = []
        try:
            if _needs_ip(svc):
                old_ips = _ips(old) if old else []
                ip = spec.get("clusterIP") or ""
                if ip != "None":
                    if not ip:
                        try:
                            ip = self.ips.allocate_next()
                        except AllocationError as e:
                            raise self._invalid(
                                svc, [fe.invalid("spec.clusterIPs", [], f"failed to allocate IP: {e}")]
                            ) from None
                        taken_ips.append(ip)
                    elif ip not in old_ips:
                        try:
                            self.ips.allocate(ip)
                        except AllocationError as e:
                            raise self._invalid(
                                svc, [fe.invalid("spec.clusterIPs", [ip], f"failed to allocate IP {ip}: {e}")]
                            ) from None
                        taken_ips.append(ip)
                    spec["clusterIP"] = ip
                    spec["clusterIPs"] = [ip]
                else:
                    spec["clusterIPs"] = ["None"]
                spec.setdefault("ipFamilies", ["IPv6" if ":" in ip else "IPv4"])
                spec.setdefault("ipFamilyPolicy", "SingleStack")
            if _needs_node_ports(svc):
                held = set(_node_ports(old)) if old else set()
                seen: dict[int, int] = {}
                for i, p in enumerate(spec.get("ports") or []):
                    np = p.get("nodePort") or 0
                    if np and (np in held or np in seen):
                        continue
                    if not np:
                        try:
                            np = self.ports.allocate_next()
                        except AllocationError as e:
                            raise self._invalid(
                                svc, [fe.invalid(f"spec.ports[{i}].nodePort", 0, str(e))]
                            ) from None
                        p["nodePort"] = np
                    else:
                        try:
                            self.ports.allocate(np)
                        except AllocationError as e:
                            raise self._invalid(
                                svc, [fe.invalid(f"spec.ports[{i}].nodePort", np, str(e))]
                            ) from None
                    taken_ports.append(np)
                    seen[np] = i
        except BaseException:
            self._free(taken_ips, taken_ports)
            raise
        return taken_ips, taken_ports

    def _free(self, ips: list[str], ports: list[int]) -> None:
        for ip in ips:
            self.ips.release(ip)
        for port in ports:
            self.ports.release(port)

    def before_create(self, obj: Obj, dry_run: bool) -> Rollback:
        ips, ports = self._allocate(obj, None)
        if dry_run:
            self._free(ips, ports)
            return lambda: None
        return lambda: self._free(ips, ports)

    def before_update(self, new: Obj, old: Obj, dry_run: bool) -> Rollback:
        ips, ports = self._allocate(new, old)
        freed_ips = [ip for ip in _ips(old) if ip not in _ips(new)]
        freed_ports = [p for p in set(_node_ports(old)) if p not in set(_node_ports(new))]
        if dry_run:
            self._free(ips, ports)
            return lambda: None
        # Freed values are released now; the rollback takes them back if the write fails.
        self._free(freed_ips, freed_ports)

        def rollback() -> None:
            self._free(ips, ports)
            for ip in freed_ips:
                try:
                    self.ips.allocate(ip)
                except AllocationError:
                    pass
            for port in freed_ports:
                try:
                    self.ports.allocate(port)
                except AllocationError:
                    pass

        return rollback

    def after_delete(self, obj: Obj) -> None:
        self._free(_ips(obj), list(set(_node_ports(obj))))
