"""YAML as Kubernetes reads it: timestamps stay strings (sigs.k8s.io/yaml converts to JSON first)."""

from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(data: bytes | str) -> Any:
    return yaml.load(data, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def load_all(data: bytes | str) -> list[Any]:
    return list(yaml.load_all(data, Loader=_Loader))  # noqa: S506


def dump(obj: Any) -> bytes:
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True).encode()
