"""The scheduler's settings (flags of `kubepy scheduler`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SchedulerOptions:
    #: Pods whose spec.schedulerName is this are ours (the profile's schedulerName).
    scheduler_name: str = "default-scheduler"
    #: DefaultProvider (today's plugins and weights) or BookProvider (Kubernetes 1.0's set, §2.2.7).
    algorithm_provider: str = "DefaultProvider"
    #: A legacy Policy file (the book's misc/scheduler-policy.json) replacing the provider's plugins.
    policy_config_file: str = ""
    #: percentageOfNodesToScore: 0 adaptive (50% - nodes/125, at least 5%), else 1-100.
    percentage_of_nodes_to_score: int = 0
    #: Score weights by plugin name, e.g. {"NodeResourcesFit": 1, "SelectorSpread": 1}.
    weights: Mapping[str, int] = field(default_factory=dict)
    pod_initial_backoff_seconds: float = 1.0
    pod_max_backoff_seconds: float = 10.0
    #: podMaxInUnschedulablePodsDuration: an unschedulable pod is retried after this anyway.
    max_unschedulable_seconds: float = 300.0
    #: Bindings in flight at once (the binding cycle runs beside the next scheduling cycle; in
    #: kube-scheduler a goroutine each). At 1,000 nodes 16 was the scheduler's bottleneck: pods
    #: waited ~10 s for a slot while a bind's round trip lasted ~0.15 s. Once the kubelets kept
    #: up, 64 was: with a bind's round trip ~0.2 s on the busy loop the scheduler waited 54 s on
    #: slots in a 30,000-pod run (queue up to 2,000 pods); with 1,024 slots, 160-230 binding
    #: tasks were alive at once and no slot was waited for. 256: startup p99 7.8 -> 2.3 s.
    parallel_binds: int = 256
    #: Seed of the tie-breaking RNG (None: random).
    seed: int | None = None
    #: Where /healthz and /metrics are served (the book's 127.0.0.1:10251); port 0: not served.
    address: str = "127.0.0.1"
    port: int = 0
    #: Run only while holding the Lease lock_namespace/lock_name (several replicas, one active).
    leader_elect: bool = False
    lock_namespace: str = "kube-system"
    lock_name: str = "kube-scheduler"
    lease_duration_seconds: float = 15.0
    renew_deadline_seconds: float = 10.0
    retry_period_seconds: float = 2.0
