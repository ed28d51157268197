"""Remembered creates (registry/create_memo) answer exactly as the full create pipeline.

Two apiservers get the same requests: one remembers creates, the other does not. Their uids,
generated name suffixes and clocks come from the same deterministic sequences, so every answer
(status, body bytes, Warning headers) and every stored object must be the same bytes.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest

from kubepy.apiserver.admission.limitranger import LimitRanger
from kubepy.apiserver.config import ServerConfig, StorageConfig
from kubepy.apiserver.registry import create_memo
from kubepy.apiserver.server import APIServer

PODS = "/api/v1/namespaces/{ns}/pods"


def _template(**meta: Any) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"generateName": "web-", "labels": {"app": "web"}, **meta},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.7.9"}]},
    }


def named(name: str, **meta: Any) -> dict:
    body = _template(**meta)
    del body["metadata"]["generateName"]
    body["metadata"]["name"] = name
    return body


LIMITS = {
    "apiVersion": "v1",
    "kind": "LimitRange",
    "metadata": {"name": "limits"},
    "spec": {
        "limits": [
            {
                "type": "Container",
                "min": {"cpu": "100m"},
                "default": {"cpu": "250m", "memory": "64Mi"},
            }
        ]
    },
}


@dataclass
class Side:
    """One apiserver with deterministic uids, suffixes and clock, and a client to it."""

    server: APIServer
    client: httpx.AsyncClient
    #: suffixes handed out next (then counted ones); a callable entry is run, then skipped
    suffixes: list[Any] = field(default_factory=list)
    hits: int = 0
    limit_ranges: list[dict] | None = None  # when set, what the LimitRanger reads instead


class FixedClock:
    def __init__(self) -> None:
        self.t = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.t += timedelta(milliseconds=700)  # every reading differs: a stale time would show
        return self.t


def _counter(fmt: str) -> Callable[[], str]:
    n = iter(range(10**9))
    return lambda: fmt % next(n)


async def _side(memo: bool) -> Side:
    srv = APIServer(ServerConfig(storage=StorageConfig(engine="memory")), now=FixedClock())
    await srv.start()
    side = Side(srv, httpx.AsyncClient(transport=httpx.ASGITransport(app=srv.app), base_url="http://kubepy"))
    env = srv.registry.env
    env.create_memo = memo
    env.uid = _counter("00000000-0000-4000-8000-%012d")
    counted = _counter("s%04d")

    def suffix() -> str:
        while side.suffixes:
            nxt = side.suffixes.pop(0)
            if not callable(nxt):
                return nxt
            nxt()
        return counted()

    env.suffix = suffix
    for p in env.admission:
        if isinstance(p, LimitRanger):
            p.limit_ranges = lambda ns, real=p.limit_ranges: (
                real(ns) if side.limit_ranges is None else side.limit_ranges
            )
    store = srv.registry.store("", "pods")
    remembered = store._create_remembered

    async def counting(*a: Any, **k: Any) -> Any:
        side.hits += 1
        return await remembered(*a, **k)

    store._create_remembered = counting  # type: ignore[method-assign]
    return side


@dataclass
class Twin:
    on: Side
    off: Side

    def sides(self) -> Iterator[Side]:
        yield self.on
        yield self.off

    async def send(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        """The same request to both; their answers must be the same bytes."""
        content = None if body is None else orjson.dumps(body)
        got = []
        for side in self.sides():
            got.append(
                await side.client.request(
                    method,
                    path,
                    content=content,
                    params=params,
                    headers={"content-type": "application/json"},
                )
            )
        a, b = got
        assert (a.status_code, a.content) == (b.status_code, b.content), (a.text, b.text)
        assert a.headers.get_list("warning") == b.headers.get_list("warning")
        return a

    async def create(self, body: dict, ns: str = "default", **params: Any) -> httpx.Response:
        return await self.send("POST", PODS.format(ns=ns), body, **params)

    async def same_storage(self) -> None:
        for path in ("/api/v1/pods", "/api/v1/limitranges"):
            await self.send("GET", path)


@pytest.fixture
async def twin() -> AsyncIterator[Twin]:
    t = Twin(await _side(True), await _side(False))
    await t.send(
        "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}}
    )
    yield t
    for side in t.sides():
        await side.client.aclose()
        await side.server.stop()


async def test_repeated_bodies_are_answered_as_the_full_pipeline(twin: Twin) -> None:
    for _ in range(4):
        r = await twin.create(_template())
        assert r.status_code == 201
    assert twin.on.hits == 2  # seen once, then kept, then answered from memory
    body = r.json()
    assert body["metadata"]["name"].startswith("web-")
    assert body["metadata"]["managedFields"][0]["time"] == body["metadata"]["creationTimestamp"]
    for _ in range(3):
        await twin.create(_template(), ns="other")  # another namespace: its own memo entries
        await twin.create(_template(), fieldManager="other-manager")
    for name in ("n1", "n2", "n3", "a.b", "Bad_Name", "n1", "x" * 64):
        await twin.create(named(name))  # 'a.b' warns, 'Bad_Name' and 64 letters are invalid, n1 exists
    assert twin.on.hits > 6
    await twin.same_storage()


async def test_bodies_that_differ_in_what_the_pipeline_reads(twin: Twin) -> None:
    unknown = _template()
    unknown["metadata"]["bogus"] = 1
    unknown["spec"]["containers"][0]["extra"] = "x"
    account = _template()
    account["spec"]["serviceAccountName"] = "builder"
    tolerant = _template()
    tolerant["spec"]["tolerations"] = [{"key": "node.kubernetes.io/not-ready", "operator": "Exists"}]
    sized = _template()
    sized["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "0.5"}, "claims": None}
    status = _template()
    status["status"] = {"phase": "Running"}
    bad_spec = _template()
    del bad_spec["spec"]["containers"][0]["image"]
    same_label = named("same", labels={"app": "same"})
    for _ in range(4):
        for body in (unknown, account, tolerant, sized, status, bad_spec, same_label):
            await twin.create(body)
        await twin.create(unknown, fieldValidation="Strict")
        await twin.create(unknown, fieldValidation="Ignore")
        await twin.create(_template(), dryRun="All")
        await twin.create(named("dry"), dryRun="All")
    r = await twin.create(unknown)
    assert r.headers.get_list("warning")  # the decoding's warnings, replayed from memory
    assert twin.on.hits == 13  # twice for each body that succeeds (same_label is never kept), once more
    await twin.same_storage()


async def test_a_limit_range_created_between_identical_creates(twin: Twin) -> None:
    for _ in range(3):
        await twin.create(_template())
    await twin.send("POST", "/api/v1/namespaces/default/limitranges", LIMITS)
    hits = twin.on.hits
    for _ in range(3):
        r = await twin.create(_template())
        assert r.json()["spec"]["containers"][0]["resources"]["limits"] == {"cpu": "250m", "memory": "64Mi"}
    assert twin.on.hits == hits  # admission reads a LimitRange: no answer from memory
    await twin.send("DELETE", "/api/v1/namespaces/default/limitranges/limits")
    for _ in range(3):
        r = await twin.create(_template())
        assert r.json()["spec"]["containers"][0]["resources"] == {}
    assert twin.on.hits > hits
    await twin.same_storage()


async def test_generate_name_retry_on_a_remembered_body(twin: Twin) -> None:
    for _ in range(3):
        await twin.create(_template())
    taken = (await twin.send("GET", PODS.format(ns="default"))).json()["items"][0]["metadata"]["name"]
    for side in twin.sides():
        side.suffixes = [taken[len("web-") :]]  # the first attempt collides, the retry succeeds
    hits = twin.on.hits
    r = await twin.create(_template())
    assert r.status_code == 201 and r.json()["metadata"]["name"] != taken
    assert twin.on.hits == hits + 1

    # a LimitRange appears while the first attempt waited on storage: the retry's validating
    # admission sees it (the pod asks for no cpu, the range's min refuses it)
    def appear(side: Side) -> Callable[[], None]:
        return lambda: setattr(side, "limit_ranges", [LIMITS])

    for side in twin.sides():
        side.suffixes = [taken[len("web-") :], appear(side)]
    r = await twin.create(_template())
    assert r.status_code == 403, r.text
    assert "minimum cpu usage per Container is 100m" in r.json()["message"]
    assert twin.on.hits == hits + 2
    await twin.same_storage()


# ---- the memo's pure parts ----------------------------------------------------------------------
def test_body_key_ignores_the_name_only() -> None:
    a, b = named("a"), named("b")
    assert create_memo.body_key(a) == create_memo.body_key(b)
    assert a == named("a") and list(a["metadata"]) == ["labels", "name"]  # restored in place
    assert create_memo.body_key(named("")) != create_memo.body_key(a)  # no name: generated or refused
    assert create_memo.body_key(_template()) != create_memo.body_key(named("a"))
    odd = named("a")
    odd["metadata"]["name"] = 5  # refused by decoding: never merged with a string name
    assert create_memo.body_key(odd) != create_memo.body_key(a)
    assert create_memo.body_key({"metadata": {"name": "a"}, "x": float("nan")}) is None


def _stored(name: str, uid: str, now: str, **labels: str) -> dict:
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "uid": uid,
            "creationTimestamp": now,
            "labels": labels,
            "managedFields": [{"manager": "m", "time": now, "fieldsV1": {"f:metadata": {}}}],
        },
        "spec": {"containers": [{"name": "c"}]},
    }


def test_remembered_objects_are_rebuilt_exactly() -> None:
    obj = _stored("p1", "u1", "2026-01-01T00:00:00Z", app="web")
    kept = copy.deepcopy(obj)
    rem = create_memo.remembered(
        obj,
        obj["metadata"].copy(),
        ["w"],
        None,
        name="p1",
        uid="u1",
        now=obj["metadata"]["creationTimestamp"],
    )
    assert rem is not None
    out = create_memo.build(rem, "p2", "u2", "2026-01-01T00:00:09Z")
    assert orjson.dumps(out) == orjson.dumps(_stored("p2", "u2", "2026-01-01T00:00:09Z", app="web"))
    assert obj == kept  # the remembered object is not changed by building another


def test_values_found_elsewhere_are_not_remembered() -> None:
    now = "2026-01-01T00:00:00Z"
    args = {"name": "p1", "uid": "u1", "now": now}
    for obj in (
        _stored("p1", "u1", now, app="p1"),  # the name copied into a label
        _stored("p1", "u1", now, owner="u1"),
        _stored("p1", "u1", now, at=now),
    ):
        assert create_memo.remembered(obj, {}, [], None, **args) is None
    two = _stored("p1", "u1", now)
    two["metadata"]["managedFields"].append({"manager": "n", "time": now})
    assert create_memo.remembered(two, {}, [], None, **args) is None
    assert create_memo.remembered(_stored("p1", "u1", now), {}, [], None, **{**args, "uid": "u2"}) is None


def test_the_memo_is_bounded() -> None:
    memo = create_memo.CreateMemo()
    rem = create_memo.Remembered({}, {}, (), None)
    for i in range(create_memo.REMEMBERED + 10):
        assert not memo.worth_keeping(i)
        assert memo.worth_keeping(i)
        memo.keep(i, rem)
    assert memo.get(0) is None and memo.get(create_memo.REMEMBERED + 9) is rem
    for i in range(create_memo.SEEN + 10):
        memo.worth_keeping(("seen", i))
    assert not memo.worth_keeping(("seen", 0))  # forgotten: seen once again


def test_kinds_take_part_only_when_their_strategy_says_so() -> None:
    from kubepy.api.catalog import all_resources

    takes_part = {r.plural for r in all_resources() if r.strategy.create_memo}
    assert takes_part == {"pods"}


def test_admission_tells_what_its_answers_depend_on() -> None:
    from kubepy.apiserver import admission
    from kubepy.apiserver.admission.serviceaccount import ServiceAccount
    from kubepy.apiserver.admission.tolerationseconds import DefaultTolerationSeconds

    def attrs() -> admission.Attributes:
        return admission.Attributes(admission.CREATE, "pods", "", "default", _template())

    ranges: list[dict] = []
    chain = [LimitRanger(lambda ns: ranges), ServiceAccount(), DefaultTolerationSeconds(30, 60)]
    assert admission.memo_state(chain, attrs()) == ((chain[0], ()), (chain[1], ()), (chain[2], (30, 60)))
    other = [LimitRanger(lambda ns: ranges), *chain[1:]]  # another plugin: another state
    assert admission.memo_state(other, attrs()) != admission.memo_state(chain, attrs())
    ranges.append(LIMITS)
    assert admission.memo_state(chain, attrs()) is None  # a LimitRange: nothing from memory
    assert admission.memo_state(chain[1:] + [object()], attrs()) is None  # a plugin that cannot tell


async def test_repeated_request_bytes_are_answered_without_decoding(twin: Twin) -> None:
    store = twin.on.server.registry.store("", "pods")
    full = store.create
    calls: list[str] = []

    async def counting(*a: Any, **k: Any) -> Any:
        calls.append(a[0])
        return await full(*a, **k)

    store.create = counting  # type: ignore[method-assign]
    for _ in range(6):
        assert (await twin.create(_template())).status_code == 201
    # seen, kept, answered from memory (its bytes noted), then found by its bytes alone
    assert len(calls) == 3 and twin.on.hits == 4
    for _ in range(2):  # the same bytes under another manager or namespace: their own keys
        await twin.create(_template(), fieldManager="other-manager")
        await twin.create(_template(), ns="other")
    assert len(calls) == 7
    await twin.same_storage()
