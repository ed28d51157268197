"""The informer's local copy of the cluster: objects by "ns/name" key plus secondary indexes.

As client-go's thread-safe store/Indexer, minus the threads: everything runs on one event loop, so
no locks. Index functions map an object to the values it is filed under ("by-node" → nodeName);
`by_index("by-node", "n1")` is then a dict lookup, not a scan. An update that files an object under
the same values as before leaves the indexes alone, and each index entry's key order is sorted
once and reused until its members change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]
IndexFunc = Callable[[Obj], list[str]]

NAMESPACE_INDEX = "namespace"
NODE_NAME_INDEX = "by-node"
OWNER_UID_INDEX = "by-owner-uid"


def key_of(obj: Obj) -> str:
    """MetaNamespaceKeyFunc: "ns/name", or "name" for cluster-scoped objects."""
    if isinstance(obj, DeletedFinalStateUnknown):
        return obj.key
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace") or ""
    return f"{ns}/{meta.get('name', '')}" if ns else meta.get("name", "")


def split_key(key: str) -> tuple[str, str]:
    """("ns", "name") from "ns/name"; ("", "name") for a cluster-scoped key."""
    ns, _, name = key.rpartition("/")
    return ns, name


@dataclass(frozen=True, slots=True)
class DeletedFinalStateUnknown:
    """A delete the informer missed (it happened while relisting): the last state it knew."""

    key: str
    obj: Obj


def by_namespace(obj: Obj) -> list[str]:
    return [(obj.get("metadata") or {}).get("namespace") or ""]


def by_node_name(obj: Obj) -> list[str]:
    node = (obj.get("spec") or {}).get("nodeName")
    return [node] if node else []


def by_owner_uid(obj: Obj) -> list[str]:
    return [r["uid"] for r in (obj.get("metadata") or {}).get("ownerReferences") or () if r.get("uid")]


STANDARD_INDEXERS: Mapping[str, IndexFunc] = {
    NAMESPACE_INDEX: by_namespace,
    NODE_NAME_INDEX: by_node_name,
    OWNER_UID_INDEX: by_owner_uid,
}


class Store:
    def __init__(self, indexers: Mapping[str, IndexFunc] | None = None) -> None:
        self._items: dict[str, Obj] = {}
        self._indexers: dict[str, IndexFunc] = dict(indexers or {})
        self._indices: dict[str, dict[str, set[str]]] = {n: {} for n in self._indexers}
        #: (index, value) → its keys in order, until a key joins or leaves.
        self._sorted: dict[tuple[str, str], list[str]] = {}

    # ---- writes ------------------------------------------------------------------------------
    def add_indexers(self, indexers: Mapping[str, IndexFunc]) -> None:
        for name, fn in indexers.items():
            if name in self._indexers:
                raise ValueError(f"indexer {name!r} already exists")
            self._indexers[name] = fn
            self._indices[name] = {}
            for key, obj in self._items.items():
                self._file(name, key, fn(obj))

    def add(self, obj: Obj) -> Obj | None:
        """Store (or replace) the object; the previous version, if any."""
        return self.put(key_of(obj), obj)

    update = add

    def put(self, key: str, obj: Obj) -> Obj | None:
        old = self._items.get(key)
        self._items[key] = obj
        for name, fn in self._indexers.items():
            values = fn(obj)
            if old is not None:
                before = fn(old)
                if before == values:
                    continue
                self._unfile(name, key, before)
            self._file(name, key, values)
        return old

    def delete(self, obj_or_key: Obj | str) -> Obj | None:
        key = obj_or_key if isinstance(obj_or_key, str) else key_of(obj_or_key)
        old = self._items.pop(key, None)
        if old is not None:
            for name, fn in self._indexers.items():
                self._unfile(name, key, fn(old))
        return old

    def replace(self, objs: Iterable[Obj]) -> None:
        self._items = {}
        self._indices = {n: {} for n in self._indexers}
        self._sorted = {}
        for obj in objs:
            self.add(obj)

    # ---- reads -------------------------------------------------------------------------------
    def get(self, key: str) -> Obj | None:
        return self._items.get(key)

    def get_object(self, obj: Obj) -> Obj | None:
        return self._items.get(key_of(obj))

    def list(self) -> list[Obj]:
        return list(self._items.values())

    def keys(self) -> list[str]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def index_keys(self, index: str, value: str) -> list[str]:
        return list(self._ordered(index, value))

    def by_index(self, index: str, value: str) -> list[Obj]:
        """Objects filed under `value` in `index` (e.g. every pod of one node), in key order."""
        items = self._items
        return [items[k] for k in self._ordered(index, value)]

    def index_values(self, index: str) -> list[str]:
        return sorted(self._index(index))

    # ---- index bookkeeping -------------------------------------------------------------------
    def _index(self, name: str) -> dict[str, set[str]]:
        try:
            return self._indices[name]
        except KeyError:
            raise KeyError(f"no indexer {name!r}") from None

    def _ordered(self, index: str, value: str) -> list[str]:
        """The keys under `value`, sorted; shared, so callers copy before handing it out."""
        ordered = self._sorted.get((index, value))
        if ordered is None:
            keys = self._index(index).get(value)
            if not keys:
                return []
            ordered = self._sorted[(index, value)] = sorted(keys)
        return ordered

    def _file(self, name: str, key: str, values: list[str]) -> None:
        idx = self._indices[name]
        for value in values:
            keys = idx.get(value)
            if keys is None:
                keys = idx[value] = set()
            if key not in keys:
                keys.add(key)
                self._sorted.pop((name, value), None)

    def _unfile(self, name: str, key: str, values: list[str]) -> None:
        idx = self._indices[name]
        for value in values:
            keys = idx.get(value)
            if keys is not None and key in keys:
                keys.discard(key)
                self._sorted.pop((name, value), None)
                if not keys:
                    del idx[value]
