"""The `kubepy` command: `kubepy up` runs the cluster in one process, `kubepy apiserver` one apiserver.

Flags follow kube-apiserver's, with the book's spellings: `_` and `-` are interchangeable in
flag names (--insecure_bind_address), and 1.0's --address/--port name the insecure port.
Unknown flags and bad values are errors (exit status 2), never ignored.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kubepy.api.resource import Settings
from kubepy.apiserver.allocators import PortRange, parse_service_cidr
from kubepy.apiserver.config import ServerConfig, StorageConfig

DEFAULT_DATA_DIR = ".kubepy"


def normalize_flags(argv: Sequence[str]) -> list[str]:
    """`--insecure_port=8080` → `--insecure-port=8080`: only flag names change, never values."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + list(argv[i:])
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            arg = name.replace("_", "-") + eq + value
        out.append(arg)
    return out


def _cidr(value: str) -> str:
    try:
        return str(parse_service_cidr(value))
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _port_range(value: str) -> PortRange:
    try:
        pr = PortRange.parse(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    if pr.size == 0 or pr.base < 1:
        raise argparse.ArgumentTypeError(f"invalid port range: {value}")
    return pr


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f'invalid port "{value}"') from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} must be between 0 and 65535 (0: any free port)")
    return port


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f'failed to parse IP: "{value}"') from None


def _non_negative(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f'invalid integer "{value}"') from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {n}")
    return n


def _bool(value: str) -> bool:
    v = value.lower()
    if v in ("true", "1", "t", "yes"):
        return True
    if v in ("false", "0", "f", "no"):
        return False
    raise argparse.ArgumentTypeError(f'invalid boolean "{value}"')


_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _duration(value: str) -> float:
    """Go's time.ParseDuration for the forms flags use: "40s", "5m", "1m30s", "500ms"."""
    import re

    if value == "0":  # Go accepts a bare zero
        return 0.0
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise argparse.ArgumentTypeError(f'time: invalid duration "{value}"')
    return sum(float(n) * _UNITS[u] for n, u in parts)


def _labels(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in filter(None, value.split(",")):
        k, sep, v = item.partition("=")
        if not sep:
            raise ValueError(f"invalid label {item!r}: want key=value")
        out[k] = v
    return out


def _common_flags() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    p.add_argument(
        "--data-dir", default=DEFAULT_DATA_DIR, help="where the cluster keeps its data (default %(default)s)"
    )
    p.add_argument(
        "--storage-backend",
        choices=("lmdb", "memory"),
        default="lmdb",
        help="lmdb: durable, in DATA_DIR; memory: lost on exit (default %(default)s)",
    )
    p.add_argument(
        "--service-cluster-ip-range",
        type=_cidr,
        default="10.254.0.0/16",
        metavar="CIDR",
        help="Service cluster IPs are taken from this range (default %(default)s)",
    )
    p.add_argument(
        "--service-node-port-range",
        type=_port_range,
        default=PortRange(30000, 2768),
        metavar="RANGE",
        help="NodePort services get ports in this inclusive range (default 30000-32767)",
    )
    p.add_argument(
        "--max-requests-inflight",
        type=_non_negative,
        default=400,
        metavar="N",
        help="requests served at once before 429 TooManyRequests; 0: no limit (default %(default)s)",
    )
    p.add_argument(
        "--default-watch-cache-size",
        type=_non_negative,
        default=10_000,
        metavar="N",
        help="changes kept per resource for watches and paged lists to resume from; older ones "
        "answer 410 Gone (default %(default)s)",
    )
    p.add_argument(
        "--event-ttl",
        type=_duration,
        default=3600.0,
        metavar="DURATION",
        help="how long an Event is kept after its last write, e.g. 1h0m0s; 0: forever (default 1h0m0s)",
    )
    p.add_argument(
        "-v", "--v", dest="v", type=_non_negative, default=0, metavar="N", help="log verbosity (klog -v)"
    )
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kubepy", description="Kubernetes, rebuilt in Python.", allow_abbrev=False
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_flags()

    up = sub.add_parser(
        "up", parents=[common], allow_abbrev=False, help="run the whole cluster in this process"
    )
    up.add_argument(
        "--address", type=_ip, default="127.0.0.1", help="apiserver address (default %(default)s)"
    )
    up.add_argument("--port", type=_port, default=8080, help="apiserver insecure port (default %(default)s)")
    up.add_argument(
        "--nodes",
        type=_non_negative,
        default=1,
        help="simulated nodes (kubelets) to run (default %(default)s)",
    )

    remote = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    remote.add_argument("--master", default="", help="the apiserver's URL, e.g. http://127.0.0.1:8080")
    remote.add_argument("--kubeconfig", default="", help="kubeconfig naming the apiserver (if no --master)")
    remote.add_argument(
        "-v", "--v", dest="v", type=_non_negative, default=0, metavar="N", help="log verbosity (klog -v)"
    )

    cm = sub.add_parser(
        "controller-manager", parents=[remote], allow_abbrev=False, help="run kube-controller-manager"
    )
    cm.add_argument("--controllers", default="*", help="controllers to run: *, name, -name (default *)")
    cm.add_argument(
        "--leader-elect", type=_bool, default=True, help="elect a leader on a Lease (default true)"
    )
    cm.add_argument("--node-monitor-grace-period", type=_duration, default=40.0, metavar="DURATION")
    cm.add_argument("--node-startup-grace-period", type=_duration, default=60.0, metavar="DURATION")
    cm.add_argument("--terminated-pod-gc-threshold", type=_non_negative, default=12500, metavar="N")

    sc = sub.add_parser("scheduler", parents=[remote], allow_abbrev=False, help="run kube-scheduler")
    sc.add_argument("--scheduler-name", default="default-scheduler")
    sc.add_argument(
        "--algorithm-provider", choices=("DefaultProvider", "BookProvider"), default="DefaultProvider"
    )
    sc.add_argument("--policy-config-file", default="", help="a legacy Policy file (the book's §6.4.2)")
    sc.add_argument("--percentage-of-nodes-to-score", type=_non_negative, default=0, metavar="N")
    sc.add_argument("--address", type=_ip, default="127.0.0.1", help="/healthz and /metrics address")
    sc.add_argument("--port", type=_non_negative, default=10251, help="/healthz and /metrics port; 0: off")
    sc.add_argument(
        "--leader-elect", type=_bool, default=True, help="elect a leader on a Lease (default true)"
    )

    kl = sub.add_parser("kubelet", parents=[remote], allow_abbrev=False, help="run one kubelet")
    kl.add_argument("--runtime", choices=("simulated",), default="simulated", help="container runtime")
    kl.add_argument("--node-name", required=True, help="name the node registers under")
    kl.add_argument("--pod-cidr", default="10.244.1.0/24", help="pod IPs come from this range")
    kl.add_argument("--node-ip", type=_ip, default="172.18.0.2", help="the node's InternalIP")
    kl.add_argument("--cpu", default="4", help="cpu capacity (default %(default)s)")
    kl.add_argument("--memory", default="16Gi", help="memory capacity (default %(default)s)")
    kl.add_argument("--max-pods", type=_non_negative, default=110, help="pods capacity (default %(default)s)")
    kl.add_argument("--node-labels", default="", help="extra node labels: k=v,k2=v2")
    kl.add_argument(
        "--register-node", type=_bool, default=True, help="register the Node object (default true)"
    )

    kc = sub.add_parser(
        "kubectl",
        add_help=False,
        help="run the real kubectl (fetched once, cached) against this cluster's kubeconfig",
        description="kubepy kubectl [--kubectl-version V] ARGS...: KUBECONFIG is ./.kubepy/kubeconfig "
        "unless KUBECONFIG or --kubeconfig is given.",
    )
    kc.add_argument("args", nargs=argparse.REMAINDER)

    api = sub.add_parser("apiserver", parents=[common], allow_abbrev=False, help="run one kube-apiserver")
    api.add_argument(
        "--insecure-bind-address",
        "--address",
        dest="address",
        type=_ip,
        default="127.0.0.1",
        help="address of the insecure port; 0.0.0.0 for all interfaces (default %(default)s)",
    )
    api.add_argument(
        "--insecure-port",
        "--port",
        dest="port",
        type=_port,
        default=8080,
        help="the insecure, unauthenticated port (default %(default)s)",
    )
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    return build_parser().parse_args(normalize_flags(argv))


def kubectl_invocation(
    argv: Sequence[str], environ: dict[str, str], data_dir: str = DEFAULT_DATA_DIR
) -> tuple[str, list[str], dict[str, str]]:
    """(kubectl version, its arguments, its environment) for `kubepy kubectl ARGS...`.

    Only a leading --kubectl-version V (or =V) is ours; everything else is kubectl's, untouched.
    KUBECONFIG points at the cluster `kubepy up` started here unless the caller chose one."""
    from kubepy.kubectl import DEFAULT_VERSION

    args = list(argv)
    version = DEFAULT_VERSION
    if args and args[0].startswith("--kubectl-version"):
        flag = args.pop(0)
        if "=" in flag:
            version = flag.split("=", 1)[1]
        elif args:
            version = args.pop(0)
        else:
            raise ValueError("--kubectl-version needs a value, e.g. 1.28")
    env = dict(environ)
    chose = any(a == "--kubeconfig" or a.startswith("--kubeconfig=") for a in args)
    if not chose and not env.get("KUBECONFIG"):
        env["KUBECONFIG"] = str(Path(data_dir).resolve() / "kubeconfig")
    return version, args, env


def run_kubectl(argv: Sequence[str]) -> int:
    """Replace this process with the real kubectl (its exit status is the command's)."""
    import os

    from kubepy import kubectl

    try:
        version, args, env = kubectl_invocation(argv, dict(os.environ))
        binary = kubectl.fetch(version)
    except (ValueError, kubectl.KubectlUnavailable) as e:
        print(f"kubepy kubectl: {e}", file=sys.stderr)
        return 2 if isinstance(e, ValueError) else 1
    os.execve(binary, [str(binary), *args], env)
    return 127  # not reached


def server_config(ns: argparse.Namespace) -> ServerConfig:
    pr: PortRange = ns.service_node_port_range
    return ServerConfig(
        bind_address=ns.address,
        port=ns.port,
        storage=StorageConfig(
            data_dir=ns.data_dir,
            engine=ns.storage_backend,
            retention_events=max(ns.default_watch_cache_size, 1),
        ),
        settings=Settings(
            service_cluster_ip_range=ns.service_cluster_ip_range,
            service_node_port_range=(pr.base, pr.last),
        ),
        max_requests_inflight=ns.max_requests_inflight,
        verbosity=ns.v,
        event_ttl=ns.event_ttl,
    )


def server_url(address: str, port: int) -> str:
    """How a client on this machine reaches the apiserver (a wildcard address means loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(address, address)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def usage_hint(kubeconfig_path: Path, server: str) -> str:
    return (
        f"kubepy is running; the apiserver is at {server}\n"
        "To use it:\n"
        f"  export KUBECONFIG={kubeconfig_path}\n"
        "  kubectl get nodes\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["kubectl"]:  # kubectl's flags are its own: no parsing, no renaming
        return run_kubectl(argv[1:])
    ns = parse(argv)
    from kubepy import kubeconfig, log, run

    log.setup(ns.v)
    if ns.command in ("controller-manager", "scheduler", "kubelet"):
        return run.run(lambda: [remote_component(ns)])
    cfg = run.RunConfig(server=server_config(ns))
    kubeconfig_path = Path(ns.data_dir).resolve() / "kubeconfig" if ns.command == "up" else None

    def on_started(port: int) -> None:
        url = server_url(ns.address, port)
        if kubeconfig_path is not None:
            kubeconfig.write(kubeconfig_path, kubeconfig.build(url))
            print(usage_hint(kubeconfig_path, url), flush=True)

    def components() -> list[run.Component]:
        if ns.command != "up":
            return [run.apiserver_component(cfg, on_started)]
        return up_components(ns, cfg, on_started)

    return run.run(components)


def controller_manager_options(ns: argparse.Namespace) -> Any:
    from kubepy.controllers.options import ControllerManagerOptions

    return ControllerManagerOptions(
        controllers=tuple(c.strip() for c in ns.controllers.split(",") if c.strip()),
        leader_elect=ns.leader_elect,
        node_monitor_grace_period=ns.node_monitor_grace_period,
        node_startup_grace_period=ns.node_startup_grace_period,
        terminated_pod_gc_threshold=ns.terminated_pod_gc_threshold,
    )


def remote_component(ns: argparse.Namespace) -> Any:
    """`kubepy controller-manager|scheduler|kubelet --master URL`: one component talking to a remote
    apiserver."""
    from kubepy import cluster

    if not ns.master and not ns.kubeconfig:
        raise SystemExit("kubepy: --master or --kubeconfig is required")
    clients = cluster.remote_clients(ns.master, ns.kubeconfig)
    if ns.command == "controller-manager":
        from kubepy.controllers.component import component

        return component(clients, controller_manager_options(ns))
    if ns.command == "scheduler":
        from kubepy.scheduler.component import component as scheduler
        from kubepy.scheduler.options import SchedulerOptions

        return scheduler(
            clients,
            SchedulerOptions(
                scheduler_name=ns.scheduler_name,
                algorithm_provider=ns.algorithm_provider,
                policy_config_file=ns.policy_config_file,
                percentage_of_nodes_to_score=ns.percentage_of_nodes_to_score,
                address=ns.address,
                port=ns.port,
                leader_elect=ns.leader_elect,
            ),
        )
    from kubepy.kubelet import component as kubelet

    node = kubelet.single_node(
        ns.node_name,
        pod_cidr=ns.pod_cidr,
        node_ip=ns.node_ip,
        cpu=ns.cpu,
        memory=ns.memory,
        max_pods=ns.max_pods,
        labels=_labels(ns.node_labels),
    )
    return kubelet.component(
        clients, kubelet.options([node], register_node=ns.register_node), runtime=ns.runtime
    )


def up_components(ns: argparse.Namespace, cfg: Any, on_started: Any) -> list[Any]:
    """`kubepy up`: the apiserver, then the controller-manager and the simulated kubelets, all in
    this process and all talking to the apiserver through its API."""
    from kubepy import cluster, run
    from kubepy.apiserver.server import APIServer
    from kubepy.controllers.component import component as controller_manager
    from kubepy.controllers.options import ControllerManagerOptions
    from kubepy.kubelet import component as kubelet
    from kubepy.scheduler.component import scheduler_component
    from kubepy.scheduler.options import SchedulerOptions

    api = APIServer(cfg.server)
    clients = cluster.in_process_clients(api)
    parts = [run.apiserver_component(cfg, on_started, api=api)]
    parts.append(cluster.after_ready(controller_manager(clients, ControllerManagerOptions()), api))
    api.component_checks["controller-manager"] = lambda: (True, "ok")
    scheduler, scheduler_health = scheduler_component(clients, SchedulerOptions())
    parts.append(cluster.after_ready(scheduler, api))
    api.component_checks["scheduler"] = scheduler_health
    if ns.nodes:
        nodes = kubelet.node_configs(ns.nodes)
        parts.append(cluster.after_ready(kubelet.component(clients, kubelet.options(nodes)), api))
    return parts


if __name__ == "__main__":
    sys.exit(main())
