"""Watch cache micro benchmarks: listing 10,000 pods, and fanning 1,000 events out to 100 watchers.

Run: .venv/bin/pytest benchmarks/test_cacher_bench.py --benchmark-only
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from kubepy.api.catalog import all_resources
from kubepy.apiserver.registry.predicate import build as build_predicate
from kubepy.storage.cacher import Cacher
from kubepy.storage.interface import Event, ListResult, Record
from kubepy.storage.watcher import Watcher

PODS = "/registry/core/pods/"
POD_RESOURCE = next(r for r in all_resources() if r.kind == "Pod" and r.group == "")
N = 10_000
WATCHERS = 100
EVENTS = 1_000


def pod_json(i: int, rev: int) -> bytes:
    return orjson.dumps(
        {
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": {
                "name": f"pod-{i:05d}",
                "namespace": f"ns-{i % 10}",
                "labels": {"app": "rare" if i % 100 == 0 else "common", "tier": "web"},
                "resourceVersion": str(rev),
            },
            "spec": {"nodeName": f"node-{i % 50}", "containers": [{"name": "c", "image": "nginx:1.27"}]},
            "status": {"phase": "Running", "podIP": f"10.0.{i // 250}.{i % 250}"},
        }
    )


class Preloaded:
    """Just enough Storage for Cacher.start(): a fixed list and a listener slot."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.listeners: list[Any] = []

    async def list(self, prefix: str, revision: int = 0, limit: int = 0, start_key: str = "") -> ListResult:
        return ListResult(self.records, len(self.records), False)

    async def load(self, prefix: str, make: Any) -> tuple[list[Any], int]:
        return [make(r.key, r.revision, r.value) for r in self.records], len(self.records)

    def add_listener(self, fn: Any) -> None:
        self.listeners.append(fn)


def make_cacher(**kw: Any) -> Cacher:
    records = [Record(f"{PODS}ns-{i % 10}/pod-{i:05d}", pod_json(i, i + 1), i + 1) for i in range(N)]
    records.sort(key=lambda r: r.key)
    c = Cacher(Preloaded(records), tick_period=None, **kw)  # type: ignore[arg-type]
    asyncio.run(c.start())
    return c


@pytest.fixture(scope="module")
def cacher() -> Cacher:
    return make_cacher()


def rare(o: dict[str, Any]) -> bool:
    return o["metadata"]["labels"]["app"] == "rare"


def test_list_10k(benchmark: Any, cacher: Cacher) -> None:
    res = benchmark(cacher.list, PODS)
    assert len(res.items) == N


def test_list_10k_predicate_1pct(benchmark: Any, cacher: Cacher) -> None:
    cacher.list(PODS, predicate=rare)  # objects are decoded once, on first use; measure after
    res = benchmark(cacher.list, PODS, predicate=rare)
    assert len(res.items) == N // 100


def test_list_10k_label_selector_1pct(benchmark: Any, cacher: Cacher) -> None:
    """The apiserver's label-selector predicate: matched on pre-extracted labels, in bulk."""
    pred, _ = build_predicate(POD_RESOURCE, "app=rare", "")
    cacher.list(PODS, predicate=pred)  # labels are extracted once, on first use; measure after
    res = benchmark(cacher.list, PODS, predicate=pred)
    assert len(res.items) == N // 100


def test_list_10k_page_500(benchmark: Any, cacher: Cacher) -> None:
    res = benchmark(cacher.list, PODS, limit=500, start_key=f"{PODS}ns-5/")
    assert len(res.items) == 500 and res.more


def modified_events(c: Cacher) -> list[Event]:
    rev = c.revision()
    out = []
    for j in range(EVENTS):
        i = (j * 7) % N
        rev += 1
        k = f"{PODS}ns-{i % 10}/pod-{i:05d}"
        out.append(Event("MODIFIED", k, pod_json(i, rev), rev, c.get(k).value))
    return out


def dispatch_setup(c: Cacher, predicate: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    for w in list(getattr(c, "_bench_watchers", [])):
        w.close()
    c._bench_watchers = [c.watch(PODS, c.revision(), predicate=predicate) for _ in range(WATCHERS)]  # type: ignore[attr-defined]
    return (modified_events(c),), {}


@pytest.mark.parametrize("predicate", [None, rare], ids=["all", "predicate"])
def test_dispatch_1000_events_to_100_watchers(benchmark: Any, predicate: Any) -> None:
    c = make_cacher(watcher_queue=EVENTS, capacity=EVENTS * 20)

    def run(events: list[Event]) -> None:
        for ev in events:
            c._on_events([ev])

    benchmark.pedantic(run, setup=lambda: dispatch_setup(c, predicate), rounds=8)
    ws: list[Watcher] = c._bench_watchers  # type: ignore[attr-defined]
    assert all(w.closed_reason is None for w in ws)
    if predicate is None:
        assert all(w.pending() == EVENTS for w in ws)


@pytest.mark.parametrize("read", ["per_event", "take"])
def test_read_1000_events_x100_watchers(benchmark: Any, read: str) -> None:
    """A reader's cost once woken: one await per event (before) or one take() per wake-up."""
    c = make_cacher(watcher_queue=EVENTS, capacity=EVENTS * 20)

    async def consume(ws: list[Watcher]) -> int:
        total = 0
        for w in ws:
            while w.pending():
                first = await anext(w)
                if read == "take":
                    more = w.take(255)
                    chunk = b"".join([first.json_line(), *[m.json_line() for m in more]])
                else:
                    parts = [first.json_line()]
                    for _ in range(min(w.pending(), 256)):
                        parts.append((await anext(w)).json_line())
                    chunk = b"".join(parts)
                total += len(chunk)
        return total

    def run(events: list[Event]) -> int:
        for ev in events:
            c._on_events([ev])
        return asyncio.run(consume(c._bench_watchers))  # type: ignore[attr-defined]

    total = benchmark.pedantic(run, setup=lambda: dispatch_setup(c, None), rounds=8)
    assert total > 0


def test_dispatch_and_stream_lines(benchmark: Any) -> None:
    """Dispatch plus every watcher reading its events and their wire lines (all shared)."""
    c = make_cacher(watcher_queue=EVENTS, capacity=EVENTS * 20)

    async def consume(ws: list[Watcher]) -> int:
        total = 0
        for w in ws:
            for _ in range(w.pending()):
                total += len((await anext(w)).json_line())
        return total

    def run(events: list[Event]) -> int:
        for ev in events:
            c._on_events([ev])
        return asyncio.run(consume(c._bench_watchers))  # type: ignore[attr-defined]

    total = benchmark.pedantic(run, setup=lambda: dispatch_setup(c, None), rounds=8)
    assert total > 0
