"""peek.name_of: the name read from an answer's head is the name its full decode gives."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from kubepy.client.peek import head_name, name_of

POD_HEAD = b'{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-x7k2p","generateName":"web-"}}'


def test_the_name_is_read_from_the_head_the_apiserver_writes() -> None:
    assert head_name(POD_HEAD, "Pod", "v1") == "web-x7k2p"


def test_another_kind_or_order_or_an_escape_is_left_to_the_decode() -> None:
    assert head_name(POD_HEAD, "Service", "v1") is None
    assert head_name(b'{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}', "Pod", "v1") is None
    assert (
        head_name(b'{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"a-"}}', "Pod", "v1") is None
    )
    escaped = orjson.dumps({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": 'a"b\\c'}})
    assert head_name(escaped, "Pod", "v1") is None
    assert name_of(escaped, "Pod", "v1") == 'a"b\\c'
    assert head_name(b'{"kind":"Pod","apiVersion":"v1","metadata":{"name":"torn', "Pod", "v1") is None


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_meta_keys = st.sampled_from(["name", "generateName", "namespace", "uid", "labels"])


@given(
    kind=st.sampled_from(["Pod", "Service"]),
    api_version=st.sampled_from(["v1", "apps/v1"]),
    meta=st.dictionaries(_meta_keys, _text | st.dictionaries(_text, _text, max_size=2), max_size=4),
    order=st.permutations(["kind", "apiVersion", "metadata", "spec"]),
    spec=st.dictionaries(_text, _text, max_size=2),
)
def test_name_of_agrees_with_the_full_decode(kind, api_version, meta, order, spec) -> None:
    obj = {"kind": kind, "apiVersion": api_version, "metadata": meta, "spec": spec}
    raw = orjson.dumps({k: obj[k] for k in order})
    want = meta.get("name") if isinstance(meta.get("name"), str) else ""
    assert name_of(raw, "Pod", "v1") == (want or "")
    got = head_name(raw, kind, api_version)
    assert got is None or got == want
