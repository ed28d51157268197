"""Child process of test_crash.py: a sustained concurrent write load on an LmdbStorage.

Prints `op key revision` for every write once it is acknowledged, flushed at once, until it is
killed. Usage: python -m tests.storage.crash_writer DIR [TASKS]
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from kubepy.storage.lmdb_engine import LmdbStorage


async def worker(store: LmdbStorage, task: int) -> None:
    out = sys.stdout
    n = 0
    while True:
        key = f"/crash/t{task}/o{n}"
        rec = await store.create(
            key, {"kind": "ConfigMap", "metadata": {"name": f"o{n}"}, "data": {"n": "0"}}
        )
        out.write(f"create {key} {rec.revision}\n")
        out.flush()
        for i in range(1, 4):

            def bump(obj: dict[str, Any], i: int = i) -> dict[str, Any]:
                obj["data"] = {"n": str(i), "pad": "p" * (64 * i)}
                return obj

            rec = await store.guaranteed_update(key, bump)
            out.write(f"update {key} {rec.revision}\n")
            out.flush()
        n += 1


async def main(path: str, tasks: int) -> None:
    store = await LmdbStorage.open(path, retention_events=500, compact_interval=0.2)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    await asyncio.gather(*(worker(store, t) for t in range(tasks)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 32))
