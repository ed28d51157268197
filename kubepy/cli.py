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
        help="changes kept for watches and paged lists to resume from; older ones answer 410 Gone "
        "(default %(default)s)",
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


def server_config(ns: argparse.Namespace) -> ServerConfig:
    pr: PortRange = ns.service_node_port_range
    return ServerConfig(
        bind_address=ns.address,
        port=ns.port,
        storage=StorageConfig(
            data_dir=ns.data_dir, engine=ns.storage_backend, retention_events=max(ns.default_watch_cache_size, 1)
        ),
        settings=Settings(
            service_cluster_ip_range=ns.service_cluster_ip_range,
            service_node_port_range=(pr.base, pr.last),
        ),
        max_requests_inflight=ns.max_requests_inflight,
        verbosity=ns.v,
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
    ns = parse(sys.argv[1:] if argv is None else argv)
    from kubepy import kubeconfig, log, run

    log.setup(ns.v)
    cfg = run.RunConfig(server=server_config(ns))
    kubeconfig_path = Path(ns.data_dir).resolve() / "kubeconfig" if ns.command == "up" else None

    def on_started(port: int) -> None:
        url = server_url(ns.address, port)
        if kubeconfig_path is not None:
            kubeconfig.write(kubeconfig_path, kubeconfig.build(url))
            print(usage_hint(kubeconfig_path, url), flush=True)

    def components() -> list[run.Component]:
        # `up` will add the controller-manager, scheduler and kubelets here, in start order.
        return [run.apiserver_component(cfg, on_started)]

    return run.run(components)


if __name__ == "__main__":
    sys.exit(main())
