"""The kubeconfig file kubectl and client libraries read to find the cluster.

`kubepy up` writes one pointing at its insecure port, so `KUBECONFIG=... kubectl get nodes`
works at once. Keys are written in the order `kubectl config view` prints them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

Config = dict[str, Any]


def build(server: str, name: str = "kubepy", *, namespace: str = "") -> Config:
    """A Config with one cluster, one user and one context, all named `name`, current."""
    context: dict[str, str] = {"cluster": name, "user": name}
    if namespace:
        context["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "clusters": [{"cluster": {"server": server}, "name": name}],
        "contexts": [{"context": context, "name": name}],
        "current-context": name,
        "kind": "Config",
        "preferences": {},
        "users": [{"name": name, "user": {}}],
    }


def dumps(config: Config) -> str:
    return yaml.safe_dump(config, default_flow_style=False, sort_keys=False)


def loads(text: str) -> Config:
    config = yaml.safe_load(text) or {}
    if not isinstance(config, dict):
        raise ValueError("kubeconfig is not a mapping")
    return config


def write(path: str | os.PathLike[str], config: Config) -> Path:
    """Write atomically (a reader never sees half a file), readable by the owner only."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(dumps(config))
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise
    return target


def read(path: str | os.PathLike[str]) -> Config:
    return loads(Path(path).read_text())


def _named(items: list[dict[str, Any]] | None, name: str, what: str) -> dict[str, Any]:
    for item in items or ():
        if item.get("name") == name:
            return item
    raise KeyError(f'{what} "{name}" not found')


def server_of(config: Config, context: str | None = None) -> str:
    """The server URL of a context (default: current-context)."""
    ctx_name = context or config.get("current-context") or ""
    ctx = _named(config.get("contexts"), ctx_name, "context")["context"]
    return _named(config.get("clusters"), ctx["cluster"], "cluster")["cluster"]["server"]
