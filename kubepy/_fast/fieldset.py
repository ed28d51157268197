"""managedFields walk facade: the compiled module when built, else the pure-Python twin.

`IMPLEMENTATION` says which one was loaded ("c" or "py"); kubepy.apiserver.apply uses it through
its compare, created and fieldpath modules.
"""

from __future__ import annotations

from kubepy._fast import load

_impl, IMPLEMENTATION = load("fieldset")

FIELD_PES: dict[str, str] = _impl.FIELD_PES
KIND_CODES: dict[str, int] = _impl.KIND_CODES
Info = _impl.Info
added = _impl.added
compare_views = _impl.compare_views
created_fields = _impl.created_fields
emit = _impl.emit
encode_grouped = _impl.encode_grouped
field_pe = _impl.field_pe
json_equal = _impl.json_equal
same_json = _impl.same_json
shape_key = _impl.shape_key
sorted_keys = _impl.sorted_keys
trie_of = _impl.trie_of

__all__ = [
    "FIELD_PES",
    "IMPLEMENTATION",
    "KIND_CODES",
    "Info",
    "added",
    "compare_views",
    "created_fields",
    "emit",
    "encode_grouped",
    "field_pe",
    "json_equal",
    "same_json",
    "shape_key",
    "sorted_keys",
    "trie_of",
]
