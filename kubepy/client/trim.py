"""Informer objects without metadata.managedFields, as kube-controller-manager and kube-scheduler
keep them (their informers' transform drops the field "to improve memory usage").

No component reads managedFields from its cache, and an update that omits them keeps the server's
(only an explicit `[]` clears them). On a running pod they are about 60 % of its JSON containers:
kept, the informers' pods cost twice the decoding held alive, and every young collection walks
them. Trimming happens right after decoding, on the fresh object, before anyone else sees it.
"""

from __future__ import annotations

from typing import Any


def trim_managed_fields(obj: Any) -> Any:
    """`obj` (a freshly decoded object) without metadata.managedFields; changed in place."""
    if type(obj) is dict:  # noqa: E721 - decoded JSON: exactly dict
        meta = obj.get("metadata")
        if type(meta) is dict and "managedFields" in meta:  # noqa: E721
            del meta["managedFields"]
    return obj


def trim_items(answer: Any) -> Any:
    """A freshly decoded LIST answer whose items lost metadata.managedFields; changed in place."""
    items = answer.get("items") if type(answer) is dict else None  # noqa: E721
    for item in items if type(items) is list else ():  # noqa: E721
        trim_managed_fields(item)
    return answer
