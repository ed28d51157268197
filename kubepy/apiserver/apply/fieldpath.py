"""Field sets and their FieldsV1 wire form (sigs.k8s.io/structured-merge-diff fieldpath).

A path element is kept as the exact string FieldsV1 uses for it: "f:name" (struct field or map
key), "k:{...}" (associative-list item by its keys), "v:..." (set item by value), "i:3" (index).
A path is a tuple of those and a field set is a frozenset of the paths it owns ("members"). Set
algebra is then Python's, and the trie that FieldsV1 spells out is only built to encode.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import orjson

from kubepy._fast import fieldset
from kubepy.util.fifo import put_bounded

Path = tuple[str, ...]
FieldSet = frozenset[Path]
EMPTY: FieldSet = frozenset()


# ---- JSON as Go writes it ---------------------------------------------------------------------
def go_json(value: Any, *, sort_keys: bool = True) -> str:
    """Compact JSON with Go's HTML-safe escaping, so strings built from it compare like Go's."""
    opt = orjson.OPT_SORT_KEYS if sort_keys else 0
    try:
        s = orjson.dumps(value, option=opt).decode()
    except TypeError:  # integers beyond 64 bits
        s = json.dumps(value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False)
    if "<" in s or ">" in s or "&" in s or (not s.isascii() and ("\u2028" in s or "\u2029" in s)):
        s = (
            s.replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
            .replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
        )
    return s


# ---- path elements ----------------------------------------------------------------------------
# "f:" + name: one string per name, shared by every walk (kubepy._fast.fieldset keeps them)
FIELD_PES = fieldset.FIELD_PES
field_pe = fieldset.field_pe


def value_pe(value: Any) -> str:
    return "v:" + go_json(value)


def key_pe(keys: Mapping[str, Any]) -> str:
    """Key fields are written sorted by name, as value.FieldList.Sort() leaves them."""
    return "k:" + go_json({k: keys[k] for k in sorted(keys)})


def index_pe(i: int) -> str:
    return "i:" + str(i)


def canonical_pe(pe: str) -> str | None:
    """The canonical spelling of a decoded element; None for prefixes we do not know (ignored)."""
    prefix, body = pe[:2], pe[2:]
    if prefix == "f:":
        return pe
    if prefix == "k:":
        keys = orjson.loads(body)
        if not isinstance(keys, dict):
            raise ValueError(f"parsing key as path element: expected an object, got {body}")
        return key_pe(keys)
    if prefix == "v:":
        return value_pe(orjson.loads(body))
    if prefix == "i:":
        return index_pe(int(body))
    return None


def _value_key(v: Any) -> tuple:
    """value.Compare's total order: numbers < strings < booleans < lists < maps < null."""
    if isinstance(v, bool):
        return (2, v)
    if isinstance(v, (int, float)):
        return (0, v)
    if isinstance(v, str):
        return (1, v)
    if isinstance(v, list):
        return (3, tuple(_value_key(x) for x in v))
    if isinstance(v, dict):
        return (4, tuple((k, _value_key(v[k])) for k in sorted(v)))
    return (5,)


@lru_cache(maxsize=65536)
def pe_order(pe: str) -> tuple:
    """PathElement.Compare: field names < keys < values < indexes, each in its own order."""
    prefix, body = pe[:2], pe[2:]
    if prefix == "f:":
        return (0, body)
    if prefix == "k:":
        keys = orjson.loads(body)
        return (1, tuple((k, _value_key(keys[k])) for k in keys))
    if prefix == "v:":
        return (2, _value_key(orjson.loads(body)))
    return (3, int(body))


# ---- human form -------------------------------------------------------------------------------
def _value_string(v: Any) -> str:
    """value.ToString: strings quoted, everything else bare."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return orjson.dumps(v).decode()
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value_string(x) for x in v) + "]"
    return "{" + ", ".join(f"{k}={_value_string(v[k])}" for k in sorted(v)) + "}"


def pe_string(pe: str) -> str:
    """PathElement.String(): `.name`, `[name="nginx"]`, `[="x"]`, `[0]`."""
    prefix, body = pe[:2], pe[2:]
    if prefix == "f:":
        return "." + body
    if prefix == "k:":
        keys = orjson.loads(body)
        return "[" + ",".join(f"{k}={_value_string(keys[k])}" for k in keys) + "]"
    if prefix == "v:":
        return "[=" + _value_string(orjson.loads(body)) + "]"
    return "[" + body + "]"


def path_string(path: Path) -> str:
    return "".join(pe_string(pe) for pe in path)


# ---- trie views ------------------------------------------------------------------------------
Trie = dict  # pe -> Trie; the key "." inside a node marks that node's path as a member


def to_trie(fs: FieldSet) -> Trie:
    root: Trie = {}
    for path in fs:
        node = root
        for pe in path:
            node = node.setdefault(pe, {})
        node["."] = {}
    return root


def _sorted_keys(node: Trie) -> list[str]:
    """A node's children in PathElement order. Field names alone (the usual case) sort as their
    strings do, since they share the "f:" prefix: no key function then."""
    keys = [pe for pe in node if pe != "."]
    if len(keys) > 1:
        if all(pe[:2] == "f:" for pe in keys):
            keys.sort()
        else:
            keys.sort(key=pe_order)
    return keys


def _sorted_items(node: Trie) -> list[tuple[str, Trie]]:
    return [(pe, node[pe]) for pe in _sorted_keys(node)]


def iterate(fs: FieldSet) -> Iterator[Path]:
    """Set.Iterate order: at each level the members first, then the children, each sorted."""
    return _iterate(to_trie(fs), ())


def _iterate(node: Trie, prefix: Path) -> Iterator[Path]:
    # module level, as every recursive walk here: a recursive inner function is a reference
    # cycle (it holds the cell naming itself), garbage the collector has to find after each call
    items = _sorted_items(node)
    for pe, sub in items:
        if "." in sub:
            yield prefix + (pe,)
    for pe, sub in items:
        if len(sub) > ("." in sub):
            yield from _iterate(sub, prefix + (pe,))


def recursive_difference(fs: FieldSet, prefixes: FieldSet) -> FieldSet:
    """Set.RecursiveDifference: drop every path lying at or under one of `prefixes`."""
    if not prefixes:
        return fs
    lengths = sorted({len(p) for p in prefixes if p})  # only prefixes this long can match
    return frozenset(p for p in fs if not any(p[:i] in prefixes for i in lengths if i <= len(p)))


# ---- FieldsV1 --------------------------------------------------------------------------------
def encode_fields(fs: FieldSet) -> dict:
    """The FieldsV1 object for `fs`, keys ordered as Kubernetes writes them (a fresh object)."""
    return orjson.loads(orjson.dumps(shared_fields(fs)))


class SecondSight:
    """A bounded memo that keeps a value from the second time its key is offered: the first time
    only the key's hash is noted. A kubelet's first status write of each pod owns a set no other
    write will have (the pod's IP is a list key); keeping its FieldsV1 held some forty dicts per
    pod alive for nothing, which the garbage collector then carried through its generations.
    Oldest out first past `limit` (the noted hashes: four times as many)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: dict[Any, Any] = {}
        self.seen: dict[int, None] = {}

    def get(self, key: Any) -> Any:
        return self.kept.get(key)

    def offer(self, key: Any, value: Any) -> None:
        h = hash(key)
        if h in self.seen:  # a hash collision only keeps a value early: it is still the key's own
            put_bounded(self.kept, key, value, self.limit)
        else:
            put_bounded(self.seen, h, None, 4 * self.limit)


#: shared_fields' memo, sized for one set per node's Lease and more
_SHARED = SecondSight(16384)


def shared_fields(fs: FieldSet) -> dict:
    """encode_fields(fs) shared by every caller, who must not change it: every write encodes
    every manager's set again, and most sets are the ones the last write of the object (or the
    last object made from the same template) had."""
    out = _SHARED.get(fs)
    if out is None:
        out = _encode_grouped(fs) if len(fs) >= _GROUPED_MIN else _encode(fs)
        _SHARED.offer(fs, out)
    return out


def _emit(node: Trie, root: bool = False) -> dict:
    """A trie node's FieldsV1 object: "." first when the node is a member with children (never
    at the root), then its children in PathElement order."""
    return fieldset.emit(node, pe_order, root)


def _encode(fs: FieldSet) -> dict:
    """The FieldsV1 trie of `fs`: members marked with ".", children in PathElement order."""
    return fieldset.emit(fieldset.trie_of(fs, 0), pe_order, True)


#: sets this large are encoded per subtree two levels down (`_encode_grouped`)
_GROUPED_MIN = 8


def _encode_grouped(fs: FieldSet) -> dict:
    """_encode(fs), with each subtree two levels down (`status.conditions`, `status.podIPs`)
    encoded once per distinct content: a kubelet's status set differs from pod to pod only under
    podIPs (the pod's own IP as a list key) and hostIPs, so the rest is shared, not rebuilt."""
    return fieldset.encode_grouped(fs, _subtree, pe_order)


_SUBTREES = SecondSight(16384)


def _subtree(paths: FieldSet, member: bool) -> dict:
    """The FieldsV1 object of the node two levels down that all of `paths` (longer than two) lie
    under; `member`: whether that node's own path is in the set too. Shared (never change it)."""
    key = (paths, member)
    out = _SUBTREES.get(key)
    if out is None:
        node = fieldset.trie_of(paths, 2)
        if member:
            node["."] = {}
        out = fieldset.emit(node, pe_order, False)
        _SUBTREES.offer(key, out)
    return out


def decode_fields(obj: Any) -> FieldSet:
    """Parse FieldsV1; raises ValueError on malformed input. Unknown element kinds are dropped."""
    if not isinstance(obj, dict):
        raise ValueError("FieldsV1 must be a JSON object")
    try:
        raw = orjson.dumps(obj)
    except TypeError:  # not plain JSON (integers beyond 64 bits): parse it as it is
        return _decode(obj)
    return _decoded(raw)


@lru_cache(maxsize=1024)
def _decoded(raw: bytes) -> FieldSet:
    """Every write decodes every manager's entry again, mostly unchanged since the last write: parse
    each distinct FieldsV1 once (a FieldSet is immutable, so it can be shared)."""
    return _decode(orjson.loads(raw))


def _decode(obj: dict) -> FieldSet:
    """The parse behind decode_fields."""
    out: set[Path] = set()
    _decode_into(obj, (), out)
    return frozenset(out)


def _decode_into(node: dict, prefix: Path, out: set[Path]) -> bool:
    """Adds the paths below `node` to `out`; whether any child path was found."""
    found = False
    for key, sub in node.items():
        if key == ".":
            continue
        if not isinstance(sub, dict):
            raise ValueError(f"FieldsV1 entry {key!r} must be an object")
        try:
            pe = canonical_pe(key)
        except (ValueError, orjson.JSONDecodeError) as e:
            raise ValueError(f"parsing key as path element: {e}") from None
        if pe is None:
            continue
        path = prefix + (pe,)
        has_children = _decode_into(sub, path, out)
        if "." in sub or not has_children:
            out.add(path)
        found = True
    return found
