"""Manifests and small helpers shared by the python_client suites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance import REPO

#: The book's example files (shared/ sits beside the repository, in CI as here).
BOOK: Path = REPO.parent / "shared" / "book"


def book(rel: str) -> Any:
    """One manifest of the book (a dict), or a list when the file holds several documents."""
    path = BOOK / rel
    if not path.exists():
        pytest.skip(f"the book's files are not here: {path}")
    text = path.read_text()
    if path.suffix == ".json":
        return json.loads(text)
    docs = [d for d in yaml.safe_load_all(text) if d]
    return docs[0] if len(docs) == 1 else docs


def status_of(exc: Any) -> dict[str, Any]:
    """The decoded Status body of an ApiException."""
    return json.loads(exc.body)


def pod(name: str, labels: dict[str, str] | None = None, image: str = "redis") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": image}]},
    }


def configmap(name: str, data: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> dict:
    meta: dict[str, Any] = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {"k": "v"}}
