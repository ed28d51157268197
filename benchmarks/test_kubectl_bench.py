"""`kubectl get pods` against kubepy, with a warm discovery cache, next to `kubectl version --client`
(kubectl's own start-up, no server at all). The goal is a ratio within 1.10: the server adds less
than kubectl's start-up costs. Reported, not asserted (the machine is shared).

Run: .venv/bin/pytest benchmarks/test_kubectl_bench.py --benchmark-only -s
  or .venv/bin/python benchmarks/test_kubectl_bench.py   (prints the ratio)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from conformance import LiveServer, start_apiserver  # noqa: E402

VERSION = "1.37"
PODS = 20
ROUNDS = 15


def kubectl_runner(binary: Path, home: Path, server: str) -> Callable[..., str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
    env |= {"HOME": str(home), "KUBECONFIG": str(home / "config")}

    def run(*args: str, stdin: str | None = None) -> str:
        return subprocess.run(
            [str(binary), *args], input=stdin, env=env, capture_output=True, text=True, check=True
        ).stdout

    run("config", "set-cluster", "kubepy", f"--server={server}")
    run("config", "set-context", "kubepy", "--cluster=kubepy")
    run("config", "use-context", "kubepy")
    return run


def median_seconds(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def prepare(run: Callable[..., str]) -> None:
    """PODS pods in default, and a discovery cache already filled by one `get pods`."""
    for i in range(PODS):
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"bench-{i}"},
            "spec": {"containers": [{"name": "c", "image": "redis"}]},
        }
        run("create", "-f", "-", stdin=json.dumps(pod))
    assert len(run("get", "pods", "-o", "name").splitlines()) == PODS


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Callable[..., str], LiveServer]]:
    from kubepy import kubectl

    try:
        binary = kubectl.fetch(VERSION)
    except kubectl.KubectlUnavailable as e:
        pytest.skip(f"kubectl {VERSION} cannot be fetched: {e}")
    srv = start_apiserver(tmp_path_factory.mktemp("bench-apiserver"))
    try:
        run = kubectl_runner(binary, tmp_path_factory.mktemp("bench-home"), srv.url)
        prepare(run)
        yield run, srv
    finally:
        srv.stop()


def test_get_pods_vs_client_start(benchmark, setup) -> None:
    run, _ = setup
    baseline = median_seconds(lambda: run("version", "--client"))
    out = benchmark.pedantic(run, args=("get", "pods"), rounds=ROUNDS, iterations=1, warmup_rounds=1)
    assert len(out.splitlines()) == PODS + 1  # header + one row per pod
    get_pods = benchmark.stats.stats.median
    ratio = get_pods / baseline
    benchmark.extra_info.update(
        {"version_client_median_s": baseline, "get_pods_median_s": get_pods, "ratio": ratio, "goal": 1.10}
    )
    print(
        f"\nkubectl get pods {get_pods * 1000:.1f} ms / version --client {baseline * 1000:.1f} ms = {ratio:.2f} (goal <= 1.10)"
    )


def main() -> int:
    from kubepy import kubectl

    binary = kubectl.fetch(VERSION)
    with tempfile.TemporaryDirectory() as tmp:
        srv = start_apiserver(Path(tmp) / "apiserver")
        try:
            run = kubectl_runner(binary, Path(tmp), srv.url)
            prepare(run)
            baseline = median_seconds(lambda: run("version", "--client"))
            get_pods = median_seconds(lambda: run("get", "pods"))
        finally:
            srv.stop()
    print(
        f"kubectl get pods {get_pods * 1000:.1f} ms / version --client {baseline * 1000:.1f} ms "
        f"= {get_pods / baseline:.2f} (goal <= 1.10)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
