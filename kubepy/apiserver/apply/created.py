"""The fields a create sets: track_update's fast path when nothing is live and nothing is owned.

The general path compares the Go view of an empty object with the Go view of the new one
(`compare(with_zero_structs({}), with_zero_structs(new))`) and keeps what was added or modified
outside the reset fields. With an empty left side that comparison has a closed form, walked once
over the raw object (kubepy._fast.fieldset): no zero-filled copies, no comparison sets, no prefix
filtering afterwards. tests/apply/test_fast_paths.py checks it equals the general path on random
objects of several real schemas.
"""

from __future__ import annotations

from kubepy._fast import fieldset
from kubepy.apiserver.apply.compare import info_of
from kubepy.apiserver.apply.fieldpath import FieldSet, to_trie
from kubepy.apiserver.apply.typed import Node


def created_fields(obj: dict, node: Node, reset: FieldSet) -> FieldSet:
    """What `compare(zero, new).added | .modified` would be for `obj` under the struct `node`,
    minus every path at or under one of `reset`."""
    return frozenset(fieldset.created_fields(obj, info_of(node), to_trie(reset) if reset else None))
