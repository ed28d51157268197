"""Property: whatever the history, every revision a resource's ring covers lists as the state it
was then, and a watch from it, filtered or not, replays exactly into the current state; each
resource keeps its own `capacity` changes whatever the other resources do."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from kubepy.storage.cacher import Cacher
from kubepy.storage.interface import KeyExists, KeyNotFound
from tests.storage.fake_storage import FakeStorage

KEYS = [f"/registry/core/pods/{ns}/p{i}" for ns in "ab" for i in range(3)] + ["/registry/core/nodes/n"]
PREFIXES = ("/registry/", "/registry/core/pods/", "/registry/core/pods/a/", "/registry/core/nodes/")
RESOURCES = ("/registry/core/pods/", "/registry/core/nodes/")
histories = st.lists(
    st.tuples(st.sampled_from(["create", "update", "delete"]), st.sampled_from(KEYS), st.sampled_from("xyz")),
    max_size=30,
)


def red(o: dict[str, Any]) -> bool:
    return o["color"] == "x"


async def write(s: FakeStorage, op: str, key: str, color: str) -> bool:
    try:
        if op == "create":
            # the name is the key, so a watch event tells which key it is about
            await s.create(key, {"kind": "Pod", "metadata": {"name": key}, "color": color})
        elif op == "update":
            await s.guaranteed_update(key, lambda o: {**o, "color": color})
        else:
            await s.delete(key)
    except (KeyExists, KeyNotFound):
        return False
    return True


def only(state: dict[str, bytes], prefix: str, predicate: Any) -> dict[str, bytes]:
    return {
        k: v
        for k, v in state.items()
        if k.startswith(prefix) and (predicate is None or predicate(orjson.loads(v)))
    }


async def scenario(history: list[tuple[str, str, str]], capacity: int) -> None:
    s = FakeStorage()
    c = Cacher(s, capacity=capacity, tick_period=None)
    await c.start()
    snapshots: dict[int, dict[str, bytes]] = {}
    changed: dict[str, list[int]] = {r: [] for r in RESOURCES}  # revisions that changed each resource
    for op, key, color in history:
        if await write(s, op, key, color):
            snapshots[c.revision()] = {o.key: o.value for o in c.list("/registry/").items}
            changed[next(r for r in RESOURCES if key.startswith(r))].append(c.revision())
    current = {r.key: r.value for r in (await s.list("/registry/")).records}
    assert {o.key: o.value for o in c.list("/registry/").items} == current
    for resource, revs in changed.items():
        # exactly the newest `capacity` changes of the resource are kept, whatever the others did
        kept = revs[-capacity:]
        floor = c.oldest_revision(resource)
        assert [r for r in revs if r > floor] == kept
        assert floor == (kept[0] - 1 if len(revs) > capacity else 0)
    assert c.oldest_revision("/registry/") == max(c.oldest_revision(r) for r in RESOURCES)
    for rev, state in snapshots.items():
        for prefix in PREFIXES:
            if rev < c.oldest_revision(prefix):
                continue
            listed = c.list(prefix, revision=rev)
            assert {o.key: o.value for o in listed.items} == only(state, prefix, None)
            for predicate in (None, red):
                seen = only(state, prefix, predicate)
                w = c.watch(prefix, rev, predicate=predicate)
                for _ in range(w.pending()):
                    ev = await anext(w)
                    obj = orjson.loads(ev.value)
                    k = obj["metadata"]["name"]
                    assert obj["metadata"]["resourceVersion"] == str(ev.revision) and ev.revision > rev
                    assert (k in seen) == (ev.type != "ADDED")
                    if ev.type == "DELETED":
                        del seen[k]
                    else:
                        seen[k] = ev.value
                assert seen == only(current, prefix, predicate)
                w.close()
    await c.stop()


@settings(max_examples=60, deadline=None)
@given(history=histories, capacity=st.integers(1, 12))
def test_every_covered_revision_lists_and_replays(history: list[tuple[str, str, str]], capacity: int) -> None:
    asyncio.run(scenario(history, capacity))
