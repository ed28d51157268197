"""LIST answers decoded once per process: items seen before come back as the same objects."""

from __future__ import annotations

import orjson
import pytest

from kubepy.apiserver.server import APIServer
from kubepy.client import shared
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.informer import IN_PROCESS_PAGE, Informer
from kubepy.client.resources import CONFIGMAPS
from kubepy.client.rest import RESTClient, user_agent
from kubepy.client.shared import SharedDecoder
from tests.client.conftest import Wire, configmap


def pod(name: str, rv: str = "5", **extra) -> dict:
    meta = {"name": name, "namespace": "ns", "resourceVersion": rv}
    return {"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": {"n": name}, **extra}


def body(items: list, cont: str = "") -> bytes:
    """A list answer laid out as the apiserver writes it."""
    meta = {"resourceVersion": "9", **({"continue": cont} if cont else {})}
    return orjson.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": meta, "items": items})


def test_answers_decode_as_orjson_does() -> None:
    memo = SharedDecoder()
    for items in ([], [pod("a")], [pod("a"), pod("b"), pod("c")], [pod("a"), pod("a")]):
        raw = body(items, "tok")
        assert memo.decode_list(raw) == orjson.loads(raw)


def test_items_seen_before_are_the_same_objects() -> None:
    memo = SharedDecoder()
    first = memo.decode_list(body([pod("a"), pod("b"), pod("c")]))["items"]
    # another page layout: what was first is now in the middle, what was last is first
    again = memo.decode_list(body([pod("c"), pod("a"), pod("d")]))["items"]
    assert again[0] is first[2] and again[1] is first[0]
    assert again[2] == pod("d")
    changed = memo.decode_list(body([pod("a", rv="6")]))["items"][0]
    assert changed is not first[0] and changed["metadata"]["resourceVersion"] == "6"


@pytest.mark.parametrize(
    "raw",
    [
        # an item embedding objects that look like the items' start: the split cuts inside it
        body([pod("a", inner=[{"x": 1}, pod("b")]), pod("c")]),
        body([pod("a", inner=[pod("b"), pod("c")])]),
        # items of different kinds, whitespace, other keys after the items, not a list at all
        orjson.dumps({"kind": "List", "metadata": {}, "items": [pod("a"), {"kind": "Svc", "metadata": {}}]}),
        b'{"kind":"PodList","metadata":{},"items":[ ' + orjson.dumps(pod("a")) + b" ]}",
        orjson.dumps({"kind": "PodList", "items": [pod("a")], "extra": [pod("b")]}),
        orjson.dumps({"kind": "Status", "details": {"items": [1]}}),
        b'{"items":[1,2]}',
        b"[1]",
    ],
)
def test_other_shapes_decode_whole(raw: bytes) -> None:
    memo = SharedDecoder()
    memo.decode_list(body([pod("a"), pod("b"), pod("c")]))  # make the memo know some items
    assert memo.decode_list(raw) == orjson.loads(raw)


def test_not_json_decodes_to_none_as_other_answers() -> None:
    assert SharedDecoder().decode_list(b'{"items":[{"kind":') is None


def test_a_sweep_drops_what_nobody_else_holds() -> None:
    memo = SharedDecoder()
    kept = memo.decode_list(body([pod("a"), pod("b")]))["items"][0]
    assert memo.sweep() == 1  # "b" was only in the memo
    assert len(memo) == 1
    assert memo.decode_list(body([pod("a")]))["items"][0] is kept


def test_the_memo_sweeps_itself_as_it_grows() -> None:
    memo = SharedDecoder()
    for i in range(3 * shared.MIN_SWEEP):
        memo.decode_list(body([pod(f"p{i}")]))  # nobody keeps them
    assert len(memo) < shared.MIN_SWEEP


async def test_in_process_informers_share_listed_objects(server: APIServer) -> None:
    """Two components' informers over the in-process transport list the same ConfigMaps: their
    stores hold the same objects. Over another transport (a socket, here the test's Wire) each
    decodes its own; and a plain list() hands out objects of its own even in process."""
    seed = RESTClient("http://kubepy", transport=Wire(server.app), user_agent=user_agent("seed"))
    for i in range(3):
        await seed.create(CONFIGMAPS, configmap(f"cm-{i}"), "default")

    def client(transport) -> RESTClient:
        return RESTClient("http://apiserver", transport=transport, user_agent=user_agent("c"))

    direct = [client(StreamingASGITransport(server.app)) for _ in range(2)]
    wired = [client(Wire(server.app)) for _ in range(2)]
    assert all(c.in_process for c in direct) and not any(c.in_process for c in wired)
    informers = [Informer(c, CONFIGMAPS, "default", page_size=2) for c in (*direct, *wired)]
    for inf in informers:
        inf.start()
    try:
        for inf in informers:
            await inf.wait_for_sync()
        stores = [{o["metadata"]["name"]: o for o in inf.store.list()} for inf in informers]
        assert sorted(stores[0]) == ["cm-0", "cm-1", "cm-2"]
        assert all(s == stores[0] for s in stores)
        assert all(stores[0][n] is stores[1][n] for n in stores[0])
        assert not any(stores[2][n] is stores[3][n] for n in stores[2])
        plain = (await direct[0].list(CONFIGMAPS, "default"))["items"]
        assert plain == [stores[0][n] for n in sorted(stores[0])]
        assert not any(o is stores[0][o["metadata"]["name"]] for o in plain)
    finally:
        for inf in informers:
            await inf.stop()
        for c in (seed, *direct, *wired):
            await c.aclose()


async def test_a_timer_sweeps_what_the_informers_let_go(monkeypatch) -> None:
    """No list comes after the last one; what the stores dropped since still leaves the memo."""
    import asyncio

    monkeypatch.setattr(shared, "SWEEP_PERIOD", 0.01)
    memo = SharedDecoder()
    held = memo.decode_list(body([pod("a"), pod("b")]))["items"]
    assert len(memo) == 2
    del held[1]  # the store replaced "b"
    for _ in range(100):
        if len(memo) == 1:
            break
        await asyncio.sleep(0.01)
    assert len(memo) == 1
    del held[0]
    for _ in range(100):
        if not len(memo):
            break
        await asyncio.sleep(0.01)
    assert len(memo) == 0


async def test_calls_with_one_key_in_flight_share_the_first_answer() -> None:
    import asyncio

    lists = shared.SharedLists()
    calls: list[str] = []
    gate = asyncio.Event()

    async def fetch(tag: str) -> list[str]:
        calls.append(tag)
        await gate.wait()
        return [tag]

    first = asyncio.ensure_future(lists.share("k", lambda: fetch("a")))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(lists.share("k", lambda: fetch("b")))
    other = asyncio.ensure_future(lists.share("other", lambda: fetch("c")))
    unshared = asyncio.ensure_future(lists.share(None, lambda: fetch("d")))
    await asyncio.sleep(0)
    gate.set()
    a, b, c, d = await asyncio.gather(first, second, other, unshared)
    assert calls == ["a", "c", "d"]
    assert a is b and a == ["a"] and c == ["c"] and d == ["d"]
    assert len(lists) == 0  # nothing kept once answered: a later call fetches anew
    assert await lists.share("k", lambda: fetch("e")) == ["e"]


async def test_a_failure_reaches_every_waiter() -> None:
    import asyncio

    lists = shared.SharedLists()
    gate = asyncio.Event()

    async def fail() -> None:
        await gate.wait()
        raise ValueError("boom")

    calls = [asyncio.ensure_future(lists.share("k", fail)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert [type(r) for r in results] == [ValueError] * 3
    assert len(lists) == 0


async def test_a_cancelled_flight_sends_its_waiters_to_fetch_and_a_cancelled_waiter_leaves_it() -> None:
    import asyncio

    lists = shared.SharedLists()
    gate = asyncio.Event()
    calls: list[str] = []

    async def fetch(tag: str) -> str:
        calls.append(tag)
        await gate.wait()
        return tag

    leader = asyncio.ensure_future(lists.share("k", lambda: fetch("leader")))
    await asyncio.sleep(0)
    waiter = asyncio.ensure_future(lists.share("k", lambda: fetch("waiter")))
    quitter = asyncio.ensure_future(lists.share("k", lambda: fetch("quitter")))
    await asyncio.sleep(0)
    quitter.cancel()
    await asyncio.sleep(0)
    leader.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    gate.set()
    assert await waiter == "waiter"  # it fetched for itself
    assert leader.cancelled() and quitter.cancelled()
    assert calls == ["leader", "waiter"]


async def test_in_process_informers_starting_together_make_one_list(server: APIServer) -> None:
    """Three informers of the same ConfigMaps over one in-process apiserver, started at once:
    one LIST request serves all three; over another transport each lists for itself."""
    seed = RESTClient("http://kubepy", transport=Wire(server.app), user_agent=user_agent("seed"))
    for i in range(3):
        await seed.create(CONFIGMAPS, configmap(f"cm-{i}"), "default")
    lists: list[str] = []
    limits: list[bytes] = []

    async def app(scope, receive, send):  # the apiserver, counting LISTs (not watches)
        if scope["type"] == "http" and scope["method"] == "GET" and b"watch" not in scope["query_string"]:
            lists.append(scope["path"])
            limits.append(scope["query_string"])
        await server.app(scope, receive, send)

    def client(transport, who: str) -> RESTClient:
        return RESTClient("http://apiserver", transport=transport, user_agent=user_agent(who))

    direct = [client(StreamingASGITransport(app), f"c{i}") for i in range(3)]
    wired = [client(Wire(app), f"w{i}") for i in range(2)]
    informers = [Informer(c, CONFIGMAPS, "default") for c in direct]
    for inf in informers:
        inf.start()
    try:
        for inf in informers:
            await inf.wait_for_sync()
        assert lists == ["/api/v1/namespaces/default/configmaps"]
        assert limits == [f"limit={IN_PROCESS_PAGE}".encode()]  # in process: bigger pages
        stores = [{o["metadata"]["name"]: o for o in inf.store.list()} for inf in informers]
        assert sorted(stores[0]) == ["cm-0", "cm-1", "cm-2"]
        assert all(s[n] is stores[0][n] for s in stores for n in stores[0])
        late = Informer(direct[0], CONFIGMAPS, "default")  # after the flight: a list of its own
        late.start()
        await late.wait_for_sync()
        await late.stop()
        assert len(lists) == 2
        over_wire = [Informer(c, CONFIGMAPS, "default") for c in wired]
        for inf in over_wire:
            inf.start()
        for inf in over_wire:
            await inf.wait_for_sync()
            await inf.stop()
        assert len(lists) == 4
    finally:
        for inf in informers:
            await inf.stop()
        for c in (seed, *direct, *wired):
            await c.aclose()
