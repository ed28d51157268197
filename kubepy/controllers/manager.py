"""The controller-manager: the controllers of this package in one process, sharing informers,
running only while this replica holds the kube-system/kube-controller-manager Lease
(cmd/kube-controller-manager). Losing the lease ends the process, as in Kubernetes, so a
replica never acts on caches from a time it was not leading.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from kubepy.client.clock import REAL, Clock
from kubepy.client.leaderelection import LeaderElectionConfig, LeaderElector
from kubepy.client.rest import RESTClient
from kubepy.controllers.base import Controller
from kubepy.controllers.deployment import DeploymentController
from kubepy.controllers.endpoints import EndpointsController
from kubepy.controllers.endpointslice import EndpointSliceController
from kubepy.controllers.endpointslicemirroring import EndpointSliceMirroringController
from kubepy.controllers.garbagecollector import GarbageCollector
from kubepy.controllers.informers import SharedInformers
from kubepy.controllers.namespace import NamespaceController
from kubepy.controllers.options import ControllerManagerOptions
from kubepy.controllers.podgc import PodGCController
from kubepy.controllers.replication import RC_KIND, RS_KIND, ReplicationManager
from kubepy.controllers.resourcequota import ResourceQuotaController
from kubepy.controllers.rootcapublisher import RootCAPublisher
from kubepy.controllers.serviceaccount import ServiceAccountsController
from kubepy.controllers.tokens import TokensController

log = logging.getLogger(__name__)

#: Every controller kubepy has, by its --controllers name; all on by default.
KNOWN = (
    "replicationcontroller",
    "replicaset",
    "deployment",
    "endpoint",
    "endpointslice",
    "endpointslicemirroring",
    "namespace",
    "serviceaccount",
    "serviceaccount-token",
    "garbagecollector",
    "resourcequota",
    "nodelifecycle",
    "podgc",
    "root-ca-cert-publisher",
)
DISABLED_BY_DEFAULT: frozenset[str] = frozenset()


class LeaderElectionLost(Exception):
    """This replica stopped leading; the process must end (klog.Fatalf in Kubernetes)."""


def enabled_controllers(spec: Iterable[str], known: Iterable[str] = KNOWN) -> list[str]:
    """--controllers: "*" turns on the defaults, "foo" turns foo on, "-foo" turns it off; an
    explicit name wins over "*". Unknown names are an error."""
    names = list(known)
    spec = list(spec)
    for item in spec:
        if item != "*" and item.lstrip("-") not in names:
            raise ValueError(f'"{item.lstrip("-")}" is not in the list of known controllers')
    star = "*" in spec
    out = []
    for name in names:
        if name in spec:
            out.append(name)
        elif f"-{name}" in spec:
            continue
        elif star and name not in DISABLED_BY_DEFAULT:
            out.append(name)
    return out


def default_identity() -> str:
    return f"{socket.gethostname()}_{uuid.uuid4()}"


def _node_lifecycle(
    client: RESTClient, informers: SharedInformers, clock: Clock, o: ControllerManagerOptions
) -> Controller:
    from kubepy.controllers.nodelifecycle import NodeLifecycleController, NodeLifecycleOptions

    options = NodeLifecycleOptions(
        node_monitor_period=o.node_monitor_period,
        node_monitor_grace_period=o.node_monitor_grace_period,
        node_startup_grace_period=o.node_startup_grace_period,
    )
    return NodeLifecycleController(client, informers, clock, options)


class ControllerManager:
    def __init__(self, client: RESTClient, options: ControllerManagerOptions, clock: Clock = REAL) -> None:
        self.client = client
        self.options = options
        self.clock = clock
        self.enabled = enabled_controllers(options.controllers)
        self.informers: SharedInformers | None = None
        self.controllers: dict[str, Controller] = {}
        self._stopping = asyncio.Event()

    async def build(self, informers: SharedInformers) -> dict[str, Controller]:
        o, c, k = self.options, self.client, self.clock
        root_ca = Path(o.root_ca_file).read_bytes() if o.root_ca_file else b""
        makers: dict[str, Callable[[], Controller]] = {
            "replicationcontroller": lambda: ReplicationManager(c, informers, k, RC_KIND),
            "replicaset": lambda: ReplicationManager(c, informers, k, RS_KIND),
            "deployment": lambda: DeploymentController(c, informers, k),
            "endpoint": lambda: EndpointsController(
                c, informers, k, batch_period=o.endpoint_updates_batch_period
            ),
            "endpointslice": lambda: EndpointSliceController(
                c,
                informers,
                k,
                max_per_slice=o.max_endpoints_per_slice,
                batch_period=o.endpointslice_updates_batch_period,
            ),
            "endpointslicemirroring": lambda: EndpointSliceMirroringController(c, informers, k),
            "namespace": lambda: NamespaceController(c, informers, k),
            "serviceaccount": lambda: ServiceAccountsController(c, informers, k),
            "serviceaccount-token": lambda: TokensController(
                c, informers, k, root_ca=root_ca, auto_create=o.legacy_service_account_token_secrets
            ),
            "resourcequota": lambda: ResourceQuotaController(
                c,
                informers,
                k,
                resync_period=o.resource_quota_sync_period,
                compute_from_limits=o.legacy_quota_compute_from_limits,
            ),
            "nodelifecycle": lambda: _node_lifecycle(c, informers, k, o),
            "root-ca-cert-publisher": lambda: RootCAPublisher(c, informers, k, root_ca.decode()),
            "podgc": lambda: PodGCController(
                c, informers, k, terminated_threshold=o.terminated_pod_gc_threshold
            ),
        }
        workers = {
            "replicationcontroller": o.concurrent_rc_syncs,
            "replicaset": o.concurrent_replicaset_syncs,
            "deployment": o.concurrent_deployment_syncs,
            "endpoint": o.concurrent_endpoint_syncs,
            "endpointslice": o.concurrent_service_endpoint_syncs,
            "endpointslicemirroring": o.concurrent_service_endpoint_syncs,
            "namespace": o.concurrent_namespace_syncs,
            "serviceaccount-token": o.concurrent_serviceaccount_token_syncs,
            "garbagecollector": o.concurrent_gc_syncs,
            "resourcequota": o.concurrent_resource_quota_syncs,
        }
        out: dict[str, Controller] = {}
        for name in self.enabled:
            if name == "root-ca-cert-publisher" and not root_ca:
                continue  # nothing to publish without --root-ca-file
            if name == "garbagecollector":
                ctrl: Controller = await GarbageCollector.discover(c, informers, k)
            else:
                ctrl = makers[name]()
            if name in workers:
                ctrl.workers = workers[name]
            out[name] = ctrl
        return out

    async def run_controllers(self) -> None:
        """Start the informers and every enabled controller; runs until cancelled."""
        informers = SharedInformers(self.client, self.clock, resync_period=self.options.resync_period)
        self.informers = informers
        try:
            self.controllers = await self.build(informers)
            informers.start()
            log.info("controller-manager: running %s", ", ".join(self.controllers))
            await asyncio.gather(*(ctrl.run() for ctrl in self.controllers.values()))
        finally:
            for ctrl in self.controllers.values():
                ctrl.queue.shutdown()
            await informers.stop()

    async def run(self) -> None:
        if not self.options.leader_elect:
            await self.run_controllers()
            return
        o = self.options
        config = LeaderElectionConfig(
            namespace=o.leader_elect_resource_namespace,
            name=o.leader_elect_resource_name,
            identity=o.identity or default_identity(),
            lease_duration=o.leader_elect_lease_duration,
            renew_deadline=o.leader_elect_renew_deadline,
            retry_period=o.leader_elect_retry_period,
        )
        started = asyncio.Event()
        elector = LeaderElector(
            self.client,
            config,
            on_started_leading=started.set,
            on_stopped_leading=lambda: log.info("controller-manager: stopped leading"),
            on_new_leader=lambda who: log.info("controller-manager: the leader is now %s", who),
            clock=self.clock,
        )
        electing = asyncio.ensure_future(elector.run())
        controllers: asyncio.Future[None] | None = None
        try:
            leading = asyncio.ensure_future(started.wait())
            await asyncio.wait({electing, leading}, return_when=asyncio.FIRST_COMPLETED)
            leading.cancel()
            if not electing.done():
                controllers = asyncio.ensure_future(self.run_controllers())
                await asyncio.wait({electing, controllers}, return_when=asyncio.FIRST_COMPLETED)
            if electing.done() and not electing.cancelled() and electing.exception() is not None:
                raise electing.exception()  # type: ignore[misc]
            if controllers is not None and controllers.done():
                controllers.result()  # a controller failed: that is the error to report
                raise RuntimeError("the controllers stopped on their own")
        finally:
            for task in (controllers, electing):
                if task is not None and not task.done():
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
        if not self._stopping.is_set():
            raise LeaderElectionLost("leaderelection lost")

    def stop(self) -> None:
        self._stopping.set()
