"""The controller-manager's settings (kube-controller-manager flags of the same names)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ControllerManagerOptions:
    #: --controllers: "*" (every controller on by default), "name" to add, "-name" to leave out.
    controllers: tuple[str, ...] = ("*",)
    #: --leader-elect: only the replica holding the Lease runs controllers.
    leader_elect: bool = True
    leader_elect_lease_duration: float = 15.0
    leader_elect_renew_deadline: float = 10.0
    leader_elect_retry_period: float = 2.0
    leader_elect_resource_namespace: str = "kube-system"
    leader_elect_resource_name: str = "kube-controller-manager"
    #: This replica's name in the Lease; hostname_<uuid> when empty.
    identity: str = ""
    #: --min-resync-period: informers hand every object to the controllers again this often (0: never).
    resync_period: float = 0.0
    concurrent_rc_syncs: int = 5
    concurrent_replicaset_syncs: int = 5
    concurrent_deployment_syncs: int = 5
    concurrent_endpoint_syncs: int = 5
    concurrent_service_endpoint_syncs: int = 5
    concurrent_namespace_syncs: int = 10
    concurrent_serviceaccount_token_syncs: int = 5
    concurrent_gc_syncs: int = 20
    concurrent_resource_quota_syncs: int = 5
    #: --resource-quota-sync-period: every quota is recomputed this often besides on changes.
    resource_quota_sync_period: float = 300.0
    #: The book's (Kubernetes 1.0) quota accounting: "cpu"/"memory" count limits, not requests.
    legacy_quota_compute_from_limits: bool = False
    #: --root-ca-file: PEM written as ca.crt into service-account token Secrets.
    root_ca_file: str = ""
    #: The book's (and Kubernetes < 1.24) token Secret made for every service account.
    legacy_service_account_token_secrets: bool = False
    #: --node-monitor-period, --node-monitor-grace-period, --node-startup-grace-period
    node_monitor_period: float = 5.0
    node_monitor_grace_period: float = 40.0
    node_startup_grace_period: float = 60.0
    #: --terminated-pod-gc-threshold: terminated pods kept before the oldest are deleted (0: all kept).
    terminated_pod_gc_threshold: int = 12500
    #: --max-endpoints-per-slice
    max_endpoints_per_slice: int = 100
    #: --endpoint-updates-batch-period, --endpointslice-updates-batch-period: a pod change syncs its
    #: services this much later, so the pod changes meanwhile share one write (0: at once).
    endpoint_updates_batch_period: float = 0.0
    endpointslice_updates_batch_period: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)
