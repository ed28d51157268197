"""In-process A/B of watch delivery: the watch cache fanning a paced stream of changes out to
HTTP-like readers (the apiserver's own `stream()`, chunk framing, one write(2) per chunk).

For each pace (seconds; 0 wakes every reader on every change, as before pacing) it prints the CPU
spent per 1,000 changes, writes per change and reader, and dispatch-to-write latency (the oldest
event of each chunk). Same process, same machine moment: compare the lines with each other.

    python benchmarks/load/watch_pace.py [--watchers 100] [--rate 1000] [--seconds 2] 0 0.005
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from benchmarks.test_cacher_bench import PODS, make_cacher, pod_json  # noqa: E402
from kubepy.apiserver.handlers.watch import stream  # noqa: E402
from kubepy.storage.cacher import Cacher  # noqa: E402
from kubepy.storage.interface import Event  # noqa: E402

_RV = b'"resourceVersion":"'


async def run(c: Cacher, pace: float, watchers: int, rate: int, seconds: float) -> str:
    c._fanout.pace = pace
    sink = os.open(os.devnull, os.O_WRONLY)
    stamps: dict[int, float] = {}
    lat: list[float] = []
    writes = 0

    async def read(w) -> None:  # noqa: ANN001
        nonlocal writes
        async for chunk in stream(w, 3600):
            os.write(sink, b"".join([b"%x\r\n" % len(chunk), chunk, b"\r\n"]))  # uvicorn's framing
            writes += 1
            now = time.perf_counter()
            i = chunk.find(_RV) + len(_RV)
            lat.extend([now - stamps[int(chunk[i : chunk.index(b'"', i)])]] * chunk.count(b"\n"))

    tasks = [asyncio.create_task(read(c.watch(PODS, c.revision()))) for _ in range(watchers)]
    await asyncio.sleep(0.05)
    total = int(rate * seconds)
    n = c.count(PODS)
    rev = c.revision()
    cpu0, t0 = time.process_time(), time.perf_counter()
    for j in range(total):
        delay = t0 + j / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        i = (j * 7) % n
        rev += 1
        key = f"{PODS}ns-{i % 10}/pod-{i:05d}"
        stamps[rev] = time.perf_counter()
        c._on_events([Event("MODIFIED", key, pod_json(i, rev), rev, c.get(key).value)])
    while len(lat) < total * watchers and time.perf_counter() - t0 < seconds + 10:
        await asyncio.sleep(0.01)
    cpu = time.process_time() - cpu0
    c.close_watchers()
    await asyncio.gather(*tasks, return_exceptions=True)
    os.close(sink)
    lat.sort()
    q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] * 1e3  # noqa: E731
    return (
        f"pace {pace * 1e3:5.1f} ms: delivered {len(lat) / (total * watchers):.0%}, "
        f"CPU {cpu / total * 1e6:.0f} ms per 1,000 changes, {writes / total / watchers:.2f} writes "
        f"per change and reader, latency p50 {q(0.5):.1f} ms p99 {q(0.99):.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paces", nargs="*", type=float, default=[0.0, 0.005])
    ap.add_argument("--watchers", type=int, default=100)
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    for pace in args.paces:
        c = make_cacher(watcher_queue=1000, capacity=20_000)
        print(asyncio.run(run(c, pace, args.watchers, args.rate, args.seconds)), flush=True)


if __name__ == "__main__":
    main()
