"""RFC 6902 JSON patch, applied the way gopkg.in/evanphx/json-patch.v4 does inside Kubernetes.

Clients notice the library's quirks, so we keep them: `replace` of a missing object key adds it,
`copy` from a missing object key copies null, a path without a leading "/" ignores its first
segment, negative array indices count from the end, and `test` tells 1 from 1.0. Failures carry
evanphx's error text as `cause`; the client only sees Kubernetes' generic 422.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson

from kubepy.apiserver.patch.errors import (
    MAX_JSON_PATCH_OPERATIONS,
    bad_request,
    too_many_operations,
    unprocessable,
)
from kubepy.apiserver.patch.golang import copy_tree, go_equal, go_quote, json_kind

COPY_SIZE_LIMIT = 3 * 1024 * 1024  # the apiserver's default JSONPatchMaxCopyBytes
_MISSING = "missing value"
_INT = re.compile(r"[+-]?[0-9]+\Z")

Container = dict[str, Any] | list[Any]


class _OpError(Exception):
    """An operation that does not apply; the text is evanphx's error string."""


def apply_json_patch(doc: Any, patch: Any) -> Any:
    """Apply a decoded JSON patch document to `doc`; neither input is modified."""
    ops = _decode(patch)
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        raise too_many_operations(len(ops))
    if not isinstance(doc, (dict, list)):
        raise unprocessable(
            f"json: cannot unmarshal {json_kind(doc)} into Go value of type jsonpatch.partialDoc"
        )
    root: Any = copy_tree(doc)
    copied = 0
    try:
        for op in ops:
            kind = op.get("op")
            if kind == "copy":
                root, size = _op_copy(root, op, copied)
                copied += size
                continue
            apply = _OPS.get(kind) if isinstance(kind, str) else None
            if apply is None:
                raise _OpError(f"Unexpected kind: {kind if isinstance(kind, str) else 'unknown'}")
            root = apply(root, op)
    except _OpError as e:
        raise unprocessable(str(e)) from None
    return root


def _decode(patch: Any) -> list[dict[str, Any]]:
    """jsonpatch.DecodePatch: a list of objects (null stands for an empty list or operation)."""
    if patch is None:
        return []
    if not isinstance(patch, list):
        raise bad_request(f"json: cannot unmarshal {json_kind(patch)} into Go value of type jsonpatch.Patch")
    ops: list[dict[str, Any]] = []
    for item in patch:
        if item is not None and not isinstance(item, dict):
            raise bad_request(
                f"json: cannot unmarshal {json_kind(item)} into Go value of type jsonpatch.Operation"
            )
        ops.append(item or {})
    return ops


# ---- operation fields ----------------------------------------------------------------------
def _string_field(op: dict[str, Any], name: str, missing: str) -> str:
    value = op.get(name)
    if value is None:
        raise _OpError(missing)
    if not isinstance(value, str):
        raise _OpError(f"json: cannot unmarshal {json_kind(value)} into Go value of type string")
    return value


def _path(op: dict[str, Any]) -> str:
    return _string_field(op, "path", f"operation missing path field: {_MISSING}")


def _from(op: dict[str, Any]) -> str:
    return _string_field(op, "from", f"operation, missing from field: {_MISSING}")


# ---- JSON pointers and containers ----------------------------------------------------------
def _unescape(token: str) -> str:
    """RFC 6901: "~1" is "/", then "~0" is "~"."""
    return token.replace("~1", "/").replace("~0", "~")


def _atoi(s: str) -> int:
    """strconv.Atoi, with its error text."""
    if not _INT.match(s):
        raise _OpError(f"strconv.Atoi: parsing {go_quote(s)}: invalid syntax")
    n = int(s)
    if not -(2**63) <= n < 2**63:
        raise _OpError(f"strconv.Atoi: parsing {go_quote(s)}: value out of range")
    return n


def _bad_index(idx: int) -> _OpError:
    return _OpError(f"Unable to access invalid index: {idx}: invalid index referenced")


def _find(root: Container, path: str) -> tuple[Container, str] | None:
    """The container holding the last token of `path` and that token; None when unreachable."""
    tokens = path.split("/")
    if len(tokens) < 2:
        return None
    node: Any = root
    for token in tokens[1:-1]:
        try:
            node = _get(node, _unescape(token))
        except _OpError:
            return None
        if not isinstance(node, (dict, list)):
            return None
    return node, _unescape(tokens[-1])


def _get(con: Container, key: str) -> Any:
    """A member (None when an object lacks it) or an element (errors when out of range)."""
    if isinstance(con, dict):
        return con.get(key)
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(con):
            raise _bad_index(idx)
        idx += len(con)
    if idx >= len(con):
        raise _bad_index(idx)
    return con[idx]


def _add(con: Container, key: str, value: Any) -> None:
    if isinstance(con, dict):
        con[key] = value
        return
    if key == "-":
        con.append(value)
        return
    try:
        idx = _atoi(key)
    except _OpError as e:
        raise _OpError(f"value was not a proper array index: '{key}': {e}") from None
    size = len(con) + 1
    if idx >= size:
        raise _bad_index(idx)
    if idx < 0:
        if idx < -size:
            raise _bad_index(idx)
        idx += size
    con.insert(idx, value)


def _remove(con: Container, key: str) -> None:
    if isinstance(con, dict):
        if key not in con:
            raise _OpError(f"Unable to remove nonexistent key: {key}: {_MISSING}")
        del con[key]
        return
    idx = _atoi(key)
    if idx >= len(con):
        raise _bad_index(idx)
    if idx < 0:
        if idx < -len(con):
            raise _bad_index(idx)
        idx += len(con)
    del con[idx]


def _set(con: Container, key: str, value: Any) -> None:
    if isinstance(con, dict):
        con[key] = value
        return
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(con):
            raise _bad_index(idx)
        idx += len(con)
    con[idx] = value


def _equal(a: Any, b: Any) -> bool:
    """lazyNode.equal: structural, with numbers equal only when written alike (1 is not 1.0)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_equal, a, b))
    return go_equal(a, b)


# ---- operations ----------------------------------------------------------------------------
def _op_add(root: Container, op: dict[str, Any]) -> Container:
    try:
        path = _path(op)
    except _OpError:
        raise _OpError(f"add operation failed to decode path: {_MISSING}") from None
    found = _find(root, path)
    if found is None:
        raise _OpError(f'add operation does not apply: doc is missing path: "{path}": {_MISSING}')
    try:
        _add(*found, copy_tree(op.get("value")))
    except _OpError as e:
        raise _OpError(f"error in add for path: '{path}': {e}") from None
    return root


def _op_remove(root: Container, op: dict[str, Any]) -> Container:
    try:
        path = _path(op)
    except _OpError:
        raise _OpError(f"remove operation failed to decode path: {_MISSING}") from None
    found = _find(root, path)
    if found is None:
        raise _OpError(f'remove operation does not apply: doc is missing path: "{path}": {_MISSING}')
    try:
        _remove(*found)
    except _OpError as e:
        raise _OpError(f"error in remove for path: '{path}': {e}") from None
    return root


def _op_replace(root: Container, op: dict[str, Any]) -> Container:
    try:
        path = _path(op)
    except _OpError as e:
        raise _OpError(f"replace operation failed to decode path: {e}") from None
    if path == "":
        value = op.get("value")
        if isinstance(value, (dict, list)):
            return copy_tree(value)
        raise _OpError("replace operation value must be object or array: %!w(<nil>)")
    found = _find(root, path)
    if found is None:
        raise _OpError(f"replace operation does not apply: doc is missing path: {path}: {_MISSING}")
    con, key = found
    try:
        _get(con, key)
    except _OpError:
        raise _OpError(f"replace operation does not apply: doc is missing key: {path}: {_MISSING}") from None
    _set(con, key, copy_tree(op.get("value")))
    return root


def _op_move(root: Container, op: dict[str, Any]) -> Container:
    try:
        source = _from(op)
    except _OpError as e:
        raise _OpError(f"move operation failed to decode from: {e}") from None
    found = _find(root, source)
    if found is None:
        raise _OpError(f"move operation does not apply: doc is missing from path: {source}: {_MISSING}")
    con, key = found
    try:
        value = _get(con, key)
        _remove(con, key)
    except _OpError as e:
        raise _OpError(f"error in move for path: '{key}': {e}") from None
    try:
        path = _path(op)
    except _OpError as e:
        raise _OpError(f"move operation failed to decode path: {e}") from None
    found = _find(root, path)
    if found is None:
        raise _OpError(f"move operation does not apply: doc is missing destination path: {path}: {_MISSING}")
    try:
        _add(*found, value)
    except _OpError as e:
        raise _OpError(f"error in move for path: '{path}': {e}") from None
    return root


def _op_test(root: Container, op: dict[str, Any]) -> Container:
    try:
        path = _path(op)
    except _OpError as e:
        raise _OpError(f"test operation failed to decode path: {e}") from None
    failed = _OpError(f"testing value {path} failed: test failed")
    expected = op.get("value")
    if path == "":
        if _equal(root, expected):
            return root
        raise failed
    found = _find(root, path)
    if found is None:
        raise _OpError(f"test operation does not apply: is missing path: {path}: {_MISSING}")
    try:
        actual = _get(*found)
    except _OpError as e:
        raise _OpError(f"error in test for path: '{path}': {e}") from None
    if actual is None:
        if expected is None:  # absent or null matches an absent or null member
            return root
        raise failed
    if "value" in op and _equal(actual, expected):
        return root
    raise failed


def _op_copy(root: Container, op: dict[str, Any], copied: int) -> tuple[Container, int]:
    """Returns the document and the bytes this copy added, bounded across the whole patch."""
    try:
        source = _from(op)
    except _OpError as e:
        raise _OpError(f"copy operation failed to decode from: {e}") from None
    found = _find(root, source)
    if found is None:
        raise _OpError(f"copy operation does not apply: doc is missing from path: {source}: {_MISSING}")
    try:
        value = _get(*found)
    except _OpError as e:
        raise _OpError(f"error in copy for from: '{source}': {e}") from None
    try:
        path = _path(op)
    except _OpError:
        raise _OpError(f"copy operation failed to decode path: {_MISSING}") from None
    found = _find(root, path)
    if found is None:
        raise _OpError(f"copy operation does not apply: doc is missing destination path: {path}: {_MISSING}")
    size = 0 if value is None else len(orjson.dumps(value))
    if copied + size > COPY_SIZE_LIMIT:
        raise _OpError(
            "Unable to complete the copy, the accumulated size increase of copy is "
            f"{copied + size}, exceeding the limit {COPY_SIZE_LIMIT}"
        )
    try:
        _add(*found, copy_tree(value))
    except _OpError as e:
        raise _OpError(f"error while adding value during copy: {e}") from None
    return root, size


_OPS: dict[str, Callable[[Container, dict[str, Any]], Container]] = {
    "add": _op_add,
    "remove": _op_remove,
    "replace": _op_replace,
    "move": _op_move,
    "test": _op_test,
}
