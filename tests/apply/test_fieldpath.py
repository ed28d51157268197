"""FieldsV1 encoding, path elements and path strings, checked against Kubernetes' spelling."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubepy.apiserver.apply.fieldpath import (
    SecondSight,
    _encode,
    _encode_grouped,
    decode_fields,
    encode_fields,
    field_pe,
    index_pe,
    iterate,
    key_pe,
    path_string,
    recursive_difference,
    shared_fields,
    value_pe,
)


def dumps(obj: dict) -> str:
    return orjson.dumps(obj).decode()


def test_element_spellings() -> None:
    assert field_pe("replicas") == "f:replicas"
    assert key_pe({"name": "nginx"}) == 'k:{"name":"nginx"}'
    # key fields are written sorted by name whatever order the item had them in
    assert key_pe({"protocol": "TCP", "containerPort": 80}) == 'k:{"containerPort":80,"protocol":"TCP"}'
    assert value_pe("a") == 'v:"a"'
    assert value_pe(3) == "v:3"
    assert value_pe(True) == "v:true"
    assert index_pe(2) == "i:2"
    # Go's encoder escapes HTML characters inside JSON strings
    assert value_pe("<a&b>") == 'v:"\\u003ca\\u0026b\\u003e"'


def test_encode_golden_deployment() -> None:
    fs = frozenset(
        {
            ("f:metadata", "f:labels", "f:app"),
            ("f:spec", "f:replicas"),
            ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}'),
            ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:name"),
            ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image"),
        }
    )
    assert dumps(encode_fields(fs)) == (
        '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":'
        '{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}'
    )


def test_encode_orders_fields_keys_values_indexes() -> None:
    fs = frozenset(
        {
            ("i:1",),
            ('v:"b"',),
            ("v:true",),
            ("v:10",),
            ("v:9",),
            ('k:{"port":80,"protocol":"UDP"}',),
            ('k:{"port":80,"protocol":"TCP"}',),
            ('k:{"name":"z"}',),
            ("f:zz",),
            ("f:Zz",),
            ("f:a",),
        }
    )
    # field names (bytewise), then keys (by name, then value), then values (numbers < strings <
    # booleans), then indexes
    assert list(encode_fields(fs)) == [
        "f:Zz",
        "f:a",
        "f:zz",
        'k:{"name":"z"}',
        'k:{"port":80,"protocol":"TCP"}',
        'k:{"port":80,"protocol":"UDP"}',
        "v:9",
        "v:10",
        'v:"b"',
        "v:true",
        "i:1",
    ]


GOLDEN = [
    '{"f:data":{".":{},"f:key":{}},"f:metadata":{"f:annotations":{".":{},"f:note":{}},"f:labels":'
    '{".":{},"f:app":{},"f:tier":{}}}}',
    '{"f:spec":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"b\\"":{}},"f:ports":{"k:{\\"port\\":53,'
    '\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{},"f:protocol":{}},"k:{\\"port\\":53,'
    '\\"protocol\\":\\"UDP\\"}":{".":{},"f:port":{}}}}}',
    '{"f:status":{"f:conditions":{"k:{\\"type\\":\\"Ready\\"}":{".":{},"f:status":{},"f:type":{}}},'
    '"f:replicas":{}},"i:0":{"f:x":{}}}',
    '{"f:spec":{"f:apps":{"k:{\\"name\\":\\"app-🚀 ✅\\"}":{".":{},"f:name":{}}}}}',
]


@pytest.mark.parametrize("text", GOLDEN)
def test_golden_round_trip(text: str) -> None:
    assert dumps(encode_fields(decode_fields(orjson.loads(text)))) == text


def test_decode_normalizes_spacing_and_key_order() -> None:
    text = '{"v: 3":{}, "k:{ \\"protocol\\":\\"UDP\\",\\"port\\":53}":{}, "f:b":{}, "f:a":{}}'
    fs = decode_fields(orjson.loads(text))
    assert fs == {("v:3",), ('k:{"port":53,"protocol":"UDP"}',), ("f:b",), ("f:a",)}
    assert (
        dumps(encode_fields(fs))
        == '{"f:a":{},"f:b":{},"k:{\\"port\\":53,\\"protocol\\":\\"UDP\\"}":{},"v:3":{}}'
    )


def test_decode_membership_rules() -> None:
    fs = decode_fields({"f:a": {".": {}, "f:b": {}}, "f:c": {"f:d": {}}, "f:e": {".": {}}})
    # "." marks the node itself; a node with children only is not a member; {} is a leaf member
    assert fs == {("f:a",), ("f:a", "f:b"), ("f:c", "f:d"), ("f:e",)}


def test_decode_drops_unknown_element_kinds() -> None:
    fs = decode_fields({"r:future": {}, "f:a": {"x:y": {}}})
    # an unknown child leaves its parent with no children, so the parent counts as a member
    assert fs == {("f:a",)}


@pytest.mark.parametrize(
    "bad",
    [
        {"f:a": 1},
        {'k:{"name":invalid}': {}},
        {'v:{"a":"b"': {}},
        {"k:[1]": {}},
        {"i:x": {}},
        [],
    ],
)
def test_decode_rejects_malformed(bad: object) -> None:
    with pytest.raises(ValueError):
        decode_fields(bad)


def test_path_strings() -> None:
    assert path_string(("f:spec", "f:replicas")) == ".spec.replicas"
    assert (
        path_string(("f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image"))
        == '.spec.containers[name="nginx"].image'
    )
    assert (
        path_string(("f:ports", 'k:{"containerPort":80,"protocol":"TCP"}'))
        == '.ports[containerPort=80,protocol="TCP"]'
    )
    assert path_string(("f:finalizers", 'v:"x"')) == '.finalizers[="x"]'
    assert path_string(("f:args", "i:2")) == ".args[2]"


def test_iterate_members_before_children() -> None:
    fs = frozenset({("f:b", "f:c"), ("f:a",), ("f:b",), ("f:z",), ("f:b", "f:a", "f:x")})
    assert list(iterate(fs)) == [("f:a",), ("f:b",), ("f:z",), ("f:b", "f:c"), ("f:b", "f:a", "f:x")]


def test_recursive_difference_drops_subtrees() -> None:
    fs = frozenset({("f:status",), ("f:status", "f:replicas"), ("f:spec", "f:replicas")})
    assert recursive_difference(fs, frozenset({("f:status",)})) == {("f:spec", "f:replicas")}


names = st.sampled_from(["a", "b", "spec", "name", "Z", "ü"])
scalars = st.one_of(st.integers(-5, 5), st.text(max_size=3), st.booleans())
elements = st.one_of(
    names.map(field_pe),
    st.dictionaries(names, scalars, min_size=1, max_size=2).map(key_pe),
    scalars.map(value_pe),
    st.integers(0, 9).map(index_pe),
)
field_sets = st.frozensets(st.lists(elements, min_size=1, max_size=4).map(tuple), max_size=12)


@given(field_sets)
def test_round_trip_property(fs: frozenset) -> None:
    encoded = encode_fields(fs)
    assert decode_fields(encoded) == fs
    assert dumps(encode_fields(decode_fields(orjson.loads(dumps(encoded))))) == dumps(encoded)


def test_values_beyond_64_bits_still_encode() -> None:
    assert value_pe(2**70) == "v:1180591620717411303424"


@given(st.frozensets(st.lists(elements, min_size=1, max_size=5).map(tuple), max_size=40))
def test_grouped_encoding_equals_the_plain_trie(fs: frozenset) -> None:
    # large sets are encoded per subtree two levels down, shared between sets: same bytes, same
    # key order, with the subtrees already remembered from an earlier set or not
    assert dumps(_encode_grouped(fs)) == dumps(_encode(fs))
    assert dumps(_encode_grouped(fs)) == dumps(_encode(fs))


def test_sets_sharing_subtrees_encode_each_their_own() -> None:
    # two kubelet status sets that differ only under podIPs: the conditions subtree is shared,
    # each podIPs subtree is the set's own
    base = {
        ("f:status", "f:conditions"),
        ("f:status", "f:conditions", 'k:{"type":"Ready"}'),
        ("f:status", "f:conditions", 'k:{"type":"Ready"}', "f:status"),
        ("f:status", "f:phase"),
        ("f:status", "f:podIPs"),
    }
    one = frozenset(base | {("f:status", "f:podIPs", 'k:{"ip":"10.0.0.9"}', "f:ip")})
    two = frozenset(base | {("f:status", "f:podIPs", 'k:{"ip":"10.0.0.10"}', "f:ip")})
    three = frozenset(base | {("f:status", "f:podIPs", 'k:{"ip":"10.0.0.11"}', "f:ip")})
    a, b, c = _encode_grouped(one), _encode_grouped(two), _encode_grouped(three)
    # kept from its second encode on (fieldpath.SecondSight)
    assert a["f:status"]["f:conditions"] == b["f:status"]["f:conditions"]
    assert b["f:status"]["f:conditions"] is c["f:status"]["f:conditions"]
    assert list(a["f:status"]["f:podIPs"]) == [".", 'k:{"ip":"10.0.0.9"}']
    assert list(b["f:status"]["f:podIPs"]) == [".", 'k:{"ip":"10.0.0.10"}']
    assert decode_fields(a) == one and decode_fields(b) == two and decode_fields(c) == three


def test_second_sight_keeps_a_value_from_the_second_offer() -> None:
    memo = SecondSight(2)
    memo.offer("a", 1)
    assert memo.get("a") is None  # seen once: only its hash is noted
    memo.offer("a", 2)
    assert memo.get("a") == 2
    for k in ("b", "c"):  # past the limit the oldest kept value goes first
        memo.offer(k, k)
        memo.offer(k, k)
    assert memo.get("a") is None and memo.get("b") == "b" and memo.get("c") == "c"
    for k in range(20):  # the noted hashes are bounded too
        memo.offer(("x", k), k)
    assert len(memo.seen) <= 8 and len(memo.kept) <= 2


def test_shared_fields_of_a_set_seen_once_are_not_kept() -> None:
    fs = frozenset({("f:status", "f:podIP"), ("f:status", "f:podIPs", 'k:{"ip":"10.9.9.9"}')})
    first = shared_fields(fs)
    again = shared_fields(fs)
    assert first == again and first is not again  # encoded twice, kept from the second time
    assert shared_fields(fs) is again
