"""The kubelet as a component of `kubepy kubelet` and `kubepy up --nodes N`.

`component(client_factory, options)` returns a kubepy.run.Component running a KubeletHost: one
simulated node for `kubepy kubelet --runtime simulated --node-name X`, N of them in one host
(one pod informer, one queue, a few workers) for `kubepy up --nodes N`.
`client_factory(component_name)` gives the RESTClient to use (its user agent names the component).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kubepy.client.rest import RESTClient
from kubepy.kubelet.host import KubeletHost, KubeletOptions
from kubepy.kubelet.lifecycle import Defaults
from kubepy.kubelet.nodestatus import NodeConfig, nth_node
from kubepy.run import Component

RUNTIMES = ("simulated",)


def node_configs(
    count: int,
    *,
    prefix: str = "node",
    cpu: str = "4",
    memory: str = "16Gi",
    max_pods: int = 110,
    labels: Mapping[str, str] | None = None,
) -> list[NodeConfig]:
    """`kubepy up --nodes N`: node-1 … node-N, node i with pod CIDR 10.244.i.0/24."""
    out = []
    for i in range(1, count + 1):
        name, cidr, ip = nth_node(i, prefix)
        out.append(
            NodeConfig(name, cidr, ip, cpu=cpu, memory=memory, pods=max_pods, labels=dict(labels or {}))
        )
    return out


def single_node(
    name: str,
    *,
    pod_cidr: str = "10.244.1.0/24",
    node_ip: str = "172.18.0.2",
    cpu: str = "4",
    memory: str = "16Gi",
    max_pods: int = 110,
    labels: Mapping[str, str] | None = None,
) -> NodeConfig:
    """`kubepy kubelet --node-name X`."""
    return NodeConfig(
        name, pod_cidr, node_ip, cpu=cpu, memory=memory, pods=max_pods, labels=dict(labels or {})
    )


def options(
    nodes: Sequence[NodeConfig],
    *,
    startup_seconds: float = 0.0,
    stop_seconds: float = 0.0,
    node_status_update_seconds: float = 10.0,
    node_status_report_seconds: float = 300.0,
    lease_duration_seconds: int = 40,
    register_node: bool = True,
    record_events: bool = True,
    workers: int = 64,
) -> KubeletOptions:
    """`workers`: pods synced at once over all nodes (a kubelet runs one goroutine per pod; with
    8, 1,000 nodes' pods queued for tens of seconds behind their status writes)."""
    return KubeletOptions(
        nodes=tuple(nodes),
        defaults=Defaults(startup_seconds=startup_seconds, stop_seconds=stop_seconds),
        workers=workers,
        lease_duration_seconds=lease_duration_seconds,
        lease_renew_seconds=lease_duration_seconds / 4,
        node_status_update_seconds=node_status_update_seconds,
        node_status_report_seconds=node_status_report_seconds,
        register_node=register_node,
        record_events=record_events,
    )


def component(
    client_factory: Callable[[str], RESTClient], opts: KubeletOptions, *, runtime: str = "simulated"
) -> Component:
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown container runtime {runtime!r} (have: {', '.join(RUNTIMES)})")
    name = "kubelet" if len(opts.nodes) == 1 else f"kubelets[{len(opts.nodes)}]"
    state: dict[str, KubeletHost] = {}

    async def run() -> None:
        client = client_factory("kubelet")
        host = state["host"] = KubeletHost(client, opts)
        try:
            await host.run()
        finally:
            await client.aclose()

    def stop() -> None:
        if "host" in state:
            state["host"].stop()

    return Component(name, run, stop)
