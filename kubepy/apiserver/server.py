"""One apiserver: storage + watch cache + registry + the ASGI app, started and stopped together."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any

import orjson

from kubepy.api import errors as fe
from kubepy.api.catalog import all_resources
from kubepy.api.resource import Context
from kubepy.apiserver import admission, eventttl, metrics, table
from kubepy.apiserver.allocators.ipallocator import IPAllocator
from kubepy.apiserver.allocators.portallocator import PortAllocator
from kubepy.apiserver.app import NOT_FOUND, App
from kubepy.apiserver.bootstrap import bootstrap
from kubepy.apiserver.config import ServerConfig
from kubepy.apiserver.discovery import AGGREGATED_TYPES, Discovery, wants_aggregated
from kubepy.apiserver.handlers import resource as rh
from kubepy.apiserver.http import Request, Response, decode_body, json_response
from kubepy.apiserver.openapi import OpenAPI
from kubepy.apiserver.registry.registry import Entry, Registry
from kubepy.apiserver.registry.service_alloc import ServiceAllocation
from kubepy.apiserver.registry.store import StoreEnv
from kubepy.storage.cacher import Cacher
from kubepy.storage.interface import Storage

VERSION = {
    "major": "1",
    "minor": "37",
    "emulationMajor": "1",
    "emulationMinor": "37",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "36",
    "gitVersion": "v1.37.0-kubepy",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-11-26T00:00:00Z",
    "goVersion": "go1.26.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def _normalize_quantity() -> Any:
    try:
        from kubepy.api import quantity
    except ImportError:  # pragma: no cover - quantity module is part of the package
        return None
    return quantity.canonical


_OPENAPI: dict[tuple[int, ...], OpenAPI] = {}


def _openapi(resources: list[Any]) -> OpenAPI:
    """Built once per process for a given set of declarations (they are immutable)."""
    key = tuple(id(r) for r in resources)
    if key not in _OPENAPI:
        _OPENAPI[key] = OpenAPI(resources, VERSION["gitVersion"])
    return _OPENAPI[key]


class APIServer:
    def __init__(self, config: ServerConfig, *, now: Any = None, storage: Storage | None = None) -> None:
        self.config = config
        self.app = App(self)
        self.ready = False
        self._now = now or (lambda: datetime.now(UTC))
        self._given_storage = storage
        self.storage: Storage | None = None
        self.cache: Cacher | None = None
        self.event_ttl: eventttl.EventTTL | None = None
        self.registry: Registry | None = None  # type: ignore[assignment]
        self.discovery: Discovery | None = None
        self.openapi: OpenAPI | None = None
        self.started_at = time.time()
        self.token_key = os.urandom(32)
        #: ComponentStatus probes by name; components running in this process (kubepy up)
        #: replace the scheduler and controller-manager entries with their own health.
        self.component_checks: dict[str, Any] = {
            "scheduler": lambda: (False, "the scheduler is not running in this cluster"),
            "controller-manager": lambda: (False, "the controller-manager is not running in this cluster"),
            "etcd-0": lambda: (self.ready, "ok (LMDB storage)" if self.ready else "storage is not open"),
        }

    async def start(self) -> None:
        cfg = self.config
        self.storage = self._given_storage or await self._open_storage()
        self.token_key = self._load_token_key()
        self.cache = Cacher(self.storage, capacity=cfg.storage.retention_events)
        await self.cache.start()
        ips = IPAllocator(cfg.settings.service_cluster_ip_range)
        lo, hi = cfg.settings.service_node_port_range
        services = ServiceAllocation(ips, PortAllocator(lo, hi))
        env = StoreEnv(
            self.storage, self.cache, cfg.settings, self._now, normalize_quantity=_normalize_quantity()
        )
        env.admission = admission.default_chain(self._limit_ranges)
        self.registry = Registry(all_resources(), env, {"/services": services})
        services.rebuild([o.obj for o in self.cache.list("/registry/core/services/").items])
        advertise = cfg.bind_address if cfg.bind_address not in ("0.0.0.0", "::") else "127.0.0.1"
        self.discovery = Discovery(self.registry.resources(), f"{advertise}:{cfg.port}")
        self.openapi = _openapi(self.registry.resources())
        await bootstrap(self.registry, cfg.settings.service_cluster_ip_range, advertise, cfg.port)
        if cfg.event_ttl > 0:
            self.event_ttl = eventttl.start_for_cache(self.storage, self.cache, cfg.event_ttl)
        self.ready = True

    def _limit_ranges(self, namespace: str) -> list[dict[str, Any]]:
        """A namespace's LimitRanges for the LimitRanger, from the watch cache; the usual answer,
        none (asked on every pod create), from the key count alone."""
        assert self.cache is not None
        prefix = f"/registry/core/limitranges/{namespace}/"
        if not self.cache.count(prefix):  # a bisect: no page built, no object touched
            return []
        return [i.obj for i in self.cache.list(prefix).items]

    def _load_token_key(self) -> bytes:
        """The key service-account tokens are signed with, kept beside the data so tokens outlive
        a restart (in memory for the memory engine)."""
        sc = self.config.storage
        if sc.engine == "memory":
            return self.token_key
        path = os.path.join(sc.data_dir, "service-account.key")
        if not os.path.exists(path):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(self.token_key)
        with open(path, "rb") as f:
            return f.read()

    async def _open_storage(self) -> Storage:
        sc = self.config.storage
        if sc.engine == "memory":
            from kubepy.storage.memory import MemoryStorage

            mem = MemoryStorage(sc.retention_seconds, sc.retention_events)
            await mem.start()
            return mem
        from kubepy.storage.lmdb_engine import LmdbStorage

        os.makedirs(sc.data_dir, exist_ok=True)
        return await LmdbStorage.open(
            os.path.join(sc.data_dir, "storage"),
            retention_seconds=sc.retention_seconds,
            retention_events=sc.retention_events,
            preload=True,  # the watch cache's start takes what the open check read
        )

    def end_watches(self) -> None:
        """Shutdown begins: close watch streams so the HTTP server need not wait for them."""
        if self.cache is not None:
            self.cache.close_watchers()

    async def stop(self) -> None:
        self.ready = False
        if self.event_ttl is not None:
            await self.event_ttl.stop()
        if self.cache is not None:
            await self.cache.stop()
        if self.storage is not None:
            await self.storage.close()

    # ---- non-resource paths ----------------------------------------------------------------
    async def nonresource(self, req: Request) -> Response:
        path = req.path.rstrip("/") or "/"
        d = self.discovery
        assert d is not None
        if path == "/version":
            return json_response(200, VERSION)
        if path in ("/healthz", "/livez", "/readyz") or path.startswith(("/healthz/", "/livez/", "/readyz/")):
            return self._health(path, req)
        if path == "/metrics":
            return Response(200, metrics.DEFAULT.render(), "text/plain; version=0.0.4; charset=utf-8")
        if path.startswith("/openapi/") and self.openapi is not None:
            served = self.openapi.serve(req, path)
            if served is not None:
                return served
        if path in ("/api", "/apis"):
            agg = wants_aggregated(req.headers.get("accept", ""))
            if agg:
                headers = [("Vary", "Accept")]
                return Response(200, d.aggregated[(path == "/api", agg)], AGGREGATED_TYPES[agg], headers)
            return Response(200, d.api if path == "/api" else d.apis, headers=[("Vary", "Accept")])
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) == 2 and ("", parts[1]) in d.resource_lists:
            return Response(200, d.resource_lists[("", parts[1])])
        if parts[0] == "apis" and len(parts) == 2 and parts[1] in d.groups:
            return Response(200, d.groups[parts[1]])
        if parts[0] == "apis" and len(parts) == 3 and (parts[1], parts[2]) in d.resource_lists:
            return Response(200, d.resource_lists[(parts[1], parts[2])])
        if path == "/":
            paths = sorted(
                {
                    "/api",
                    "/api/v1",
                    "/apis",
                    "/healthz",
                    "/livez",
                    "/readyz",
                    "/metrics",
                    "/version",
                    "/openapi/v2",
                    "/openapi/v3",
                }
                | {f"/apis/{g}" for g in d.groups}
                | {f"/apis/{g}/{v}" for (g, v) in d.resource_lists if g}
            )
            return json_response(200, {"paths": paths})
        raise NOT_FOUND

    def _health(self, path: str, req: Request) -> Response:
        kind = path.strip("/").split("/")[0]
        checks = ["ping", "log", "storage"] + (["informer-sync"] if kind == "readyz" else [])
        ok = self.ready or kind == "livez"
        if "verbose" in req.query:
            lines = [f"[+]{c} ok" for c in checks]
            if not ok:
                lines[-1] = f"[-]{checks[-1]} failed: reason withheld"
            lines.append(f"{kind} check {'passed' if ok else 'failed'}")
            return Response(
                200 if ok else 500, ("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8"
            )
        if not ok:
            return Response(
                500,
                f"[-]informer-sync failed: reason withheld\n{kind} check failed\n".encode(),
                "text/plain; charset=utf-8",
            )
        return Response(200, b"ok", "text/plain; charset=utf-8")

    # ---- computed resources ----------------------------------------------------------------
    async def virtual(self, entry: Entry, req: Request) -> Response:
        """Create-only kinds (SelfSubjectAccessReview...): answer computed, nothing stored."""
        body = rh.check_body_type(entry, decode_body(req))
        assert entry.res.virtual is not None
        out = entry.res.virtual(body, Context(namespace=req.info.namespace, now=self._now()))
        return json_response(201, out, req)

    async def computed(self, entry: Entry, req: Request) -> Response | None:
        """Kinds computed on request rather than stored (ComponentStatus): get and list."""
        if entry.res.kind != "ComponentStatus":
            return None
        body = self._component_statuses(entry)
        items = body["items"]
        if req.info.name:
            items = [i for i in items if i["metadata"]["name"] == req.info.name]
            if not items:
                raise fe.not_found_error(entry.res.plural, req.info.name)
        tv = table.wants_table(req.headers.get("accept", ""))
        if tv:
            return rh.table_response(entry, req, items, tv)
        return json_response(200, items[0] if req.info.name else body, req)

    def _component_statuses(self, entry: Entry) -> dict[str, Any]:
        from kubepy.api.resources import core_componentstatus as cs

        items = cs.component_statuses({name: probe() for name, probe in self.component_checks.items()})
        return {"kind": "ComponentStatusList", "apiVersion": "v1", "metadata": {}, "items": items}


def encode(obj: Any) -> bytes:
    return orjson.dumps(obj)


__all__ = ["APIServer", "VERSION", "fe"]
