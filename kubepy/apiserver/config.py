"""Settings of one apiserver, filled from the command line (a tree of dataclasses, as kopf does)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubepy.api.resource import Settings


@dataclass(frozen=True, slots=True)
class StorageConfig:
    data_dir: str = ".kubepy"
    engine: str = "lmdb"  # "lmdb" | "memory"
    retention_seconds: float = 300.0  # history a watch may resume from
    retention_events: int = 10_000


@dataclass(frozen=True, slots=True)
class ServerConfig:
    bind_address: str = "127.0.0.1"
    port: int = 8080
    storage: StorageConfig = field(default_factory=StorageConfig)
    settings: Settings = field(default_factory=Settings)
    #: Requests served at once before new ones get 429 (kube-apiserver --max-requests-inflight).
    max_requests_inflight: int = 400
    #: Largest accepted request body (Kubernetes: 3 MiB).
    max_body_bytes: int = 3 * 1024 * 1024
    verbosity: int = 0
    #: Seconds an Event lives after its last write (kube-apiserver --event-ttl); 0: forever.
    event_ttl: float = 3600.0
