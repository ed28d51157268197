"""The indexed store (pure)."""

from __future__ import annotations

import pytest

from kubepy.client.cache import (
    NAMESPACE_INDEX,
    NODE_NAME_INDEX,
    OWNER_UID_INDEX,
    STANDARD_INDEXERS,
    DeletedFinalStateUnknown,
    Store,
    key_of,
    split_key,
)


def pod(name: str, ns: str = "default", node: str = "", owner: str = "") -> dict:
    meta: dict = {"name": name, "namespace": ns}
    if owner:
        meta["ownerReferences"] = [{"uid": owner, "kind": "ReplicationController", "name": "rc"}]
    return {"metadata": meta, "spec": {"nodeName": node} if node else {}}


def test_keys() -> None:
    assert key_of(pod("p", "ns")) == "ns/p"
    assert key_of({"metadata": {"name": "n1"}}) == "n1"
    assert key_of(DeletedFinalStateUnknown("ns/gone", {})) == "ns/gone"
    assert split_key("ns/p") == ("ns", "p") and split_key("n1") == ("", "n1")


def test_indexes_follow_updates_and_deletes() -> None:
    s = Store(STANDARD_INDEXERS)
    s.add(pod("a", node="n1", owner="u1"))
    s.add(pod("b", node="n1"))
    s.add(pod("c", ns="other", node="n2", owner="u1"))
    assert [o["metadata"]["name"] for o in s.by_index(NODE_NAME_INDEX, "n1")] == ["a", "b"]
    assert s.index_keys(OWNER_UID_INDEX, "u1") == ["default/a", "other/c"]
    assert s.index_keys(NAMESPACE_INDEX, "other") == ["other/c"]

    old = s.update(pod("b", node="n2"))  # moved
    assert old["spec"]["nodeName"] == "n1"
    assert s.index_keys(NODE_NAME_INDEX, "n1") == ["default/a"]
    assert s.index_keys(NODE_NAME_INDEX, "n2") == ["default/b", "other/c"]

    s.delete("default/a")
    assert s.by_index(NODE_NAME_INDEX, "n1") == []
    assert "n1" not in s.index_values(NODE_NAME_INDEX)
    assert s.index_keys(OWNER_UID_INDEX, "u1") == ["other/c"]
    assert len(s) == 2 and "default/b" in s and s.get("default/a") is None


def test_unscheduled_pods_are_not_indexed_by_node() -> None:
    s = Store(STANDARD_INDEXERS)
    s.add(pod("pending"))
    assert s.index_values(NODE_NAME_INDEX) == []


def test_replace_and_late_indexers() -> None:
    s = Store()
    s.add(pod("x", node="n1"))
    s.replace([pod("y", node="n2"), pod("z", node="n2")])
    assert sorted(s.keys()) == ["default/y", "default/z"]
    s.add_indexers({NODE_NAME_INDEX: STANDARD_INDEXERS[NODE_NAME_INDEX]})
    assert s.index_keys(NODE_NAME_INDEX, "n2") == ["default/y", "default/z"]
    with pytest.raises(ValueError):
        s.add_indexers({NODE_NAME_INDEX: STANDARD_INDEXERS[NODE_NAME_INDEX]})
    with pytest.raises(KeyError):
        s.by_index("nope", "v")


def test_index_order_follows_every_change() -> None:
    """The sorted key order of an index entry is reused between reads, and redone when a key
    joins or leaves it (by a new object, a move to another value, a delete or a replace)."""
    s = Store(STANDARD_INDEXERS)
    for name in ("c", "a", "b"):
        s.add(pod(name, node="n1"))
    assert s.index_keys(NODE_NAME_INDEX, "n1") == ["default/a", "default/b", "default/c"]
    s.index_keys(NODE_NAME_INDEX, "n1").append("not/ours")  # callers get a copy
    s.add(pod("b", node="n1"))  # an update under the same value
    s.add(pod("aa", node="n1"))
    assert [p["metadata"]["name"] for p in s.by_index(NODE_NAME_INDEX, "n1")] == ["a", "aa", "b", "c"]
    s.add(pod("a", node="n2"))  # moved
    s.delete("default/c")
    assert s.index_keys(NODE_NAME_INDEX, "n1") == ["default/aa", "default/b"]
    assert s.index_keys(NODE_NAME_INDEX, "n2") == ["default/a"]
    s.replace([pod("z", node="n1")])
    assert s.index_keys(NODE_NAME_INDEX, "n1") == ["default/z"] and s.index_keys(NODE_NAME_INDEX, "n2") == []
    assert s.index_values(NODE_NAME_INDEX) == ["n1"]
    with pytest.raises(KeyError):
        s.by_index("no-such-index", "x")
