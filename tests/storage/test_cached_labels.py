"""CachedObject.labels reads metadata.labels from the stored bytes when they show it plainly
(cached.labels_in) and decodes the object otherwise: either way the answer is the full decode's."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kubepy.storage.cached import _UNKNOWN, CachedObject, labels_in

# text that may hold the characters the reader looks for: quotes, brackets, escapes, key names
_TEXT = st.lists(st.sampled_from([*'ab{}[]":,\\/é\u2028', "labels", "metadata"]), max_size=6).map("".join)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), _TEXT)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=8,
)
_LABELS = st.one_of(st.none(), _VALUES, st.dictionaries(_TEXT, _TEXT, max_size=3))


@st.composite
def objects(draw: Any) -> dict[str, Any]:
    """Objects whose metadata is a dict (or not) holding labels (or not), among other members
    placed before or after it, keys drawn to collide with the ones the reader looks for."""
    before = _SCALARS if draw(st.booleans()) else _VALUES  # scalars only: the layout it reads
    meta: dict[str, Any] = draw(st.dictionaries(_TEXT, before, max_size=3))
    if draw(st.booleans()):
        meta["labels"] = draw(_LABELS)
    meta.update(draw(st.dictionaries(_TEXT, _VALUES, max_size=2)))
    obj: dict[str, Any] = draw(st.dictionaries(_TEXT, _SCALARS, max_size=2))
    obj["metadata"] = meta if draw(st.integers(0, 5)) else draw(_VALUES)
    obj.update(draw(st.dictionaries(_TEXT, _VALUES, max_size=2)))
    return obj


def _full(value: bytes) -> Any:
    meta = orjson.loads(value).get("metadata")
    return meta.get("labels") if isinstance(meta, dict) else None


@settings(max_examples=1500, deadline=None)
@given(objects())
@example({"kind": "Pod", "metadata": {"name": 'a"labels":{', "labels": {"x": "y"}}})
@example({"kind": "Pod", "metadata": {"name": "a", "annotations": {"labels": "b"}, "labels": {"x": "y"}}})
@example({"spec": {"labels": {"a": "b"}}, "metadata": {"labels": {"a": "c"}}})
@example({"metadata": {"name": "{", "labels": {"a": "}"}}})
@example({"metadata": {"labels": {"a": 1, "b": None}}})
@example({"metadata": {"a": {"labels": {"x": "1"}}, "labels": {"x": "2"}}})
@example({"metadata": {"a": ["labels", {"labels": {"x": "1"}}], "labels": {"x": "2"}}})
def test_labels_in_answers_as_the_full_decode_or_not_at_all(obj: dict[str, Any]) -> None:
    value = orjson.dumps(obj)
    found = labels_in(value)
    assert found is _UNKNOWN or found == _full(value)
    want = _full(value)
    if isinstance(obj["metadata"], dict) and (want is None or isinstance(want, dict)):
        # as stored objects are: CachedObject.labels answers the same whichever way it takes
        assert CachedObject("/k", 1, value).labels == (want or {})


def test_labels_in_reads_the_codecs_layout() -> None:
    """The layout the store writes (scalars before metadata's labels) is read without decoding;
    an object without labels is told from its bytes too."""
    pod = {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "name": "p",
            "namespace": "default",
            "uid": "u",
            "resourceVersion": "7",
            "generation": 1,
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app": "web", "tier": "front"},
            "managedFields": [{"manager": "m", "fieldsV1": {"f:metadata": {"f:labels": {}}}}],
        },
        "spec": {"template": {"metadata": {"labels": {"app": "other"}}}},
    }
    assert labels_in(orjson.dumps(pod)) == {"app": "web", "tier": "front"}
    del pod["metadata"]["labels"], pod["spec"]
    assert labels_in(orjson.dumps(pod)) is None
    # what it cannot tell from the bytes alone it leaves to the decode
    pod["metadata"]["annotations"] = {"a": "b"}
    pod["metadata"]["labels"] = {"app": "web"}
    assert labels_in(orjson.dumps(pod)) is _UNKNOWN
    assert CachedObject("/k", 1, orjson.dumps(pod)).labels == {"app": "web"}
