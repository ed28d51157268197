"""How long opening a kept LMDB store takes (open + the full check), warm and cold.

    .venv/bin/python benchmarks/storage_open.py DIR [--rounds 2]

DIR is a store directory (the `storage` folder of a `kubepy up --data-dir`, e.g. one kept by
`benchmarks/at_rest.py --keep`). "cold" drops the data file from the page cache first
(posix_fadvise DONTNEED), as after a reboot; "warm" opens it right after. The store is only read
(the check's write transaction commits nothing). Not a test: it prints the figures.
"""

from __future__ import annotations

import argparse
import os
import time

from clusterbench import drop_from_page_cache

from kubepy.storage import lmdb_files


def open_once(store: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    opened = lmdb_files.open_store(store, 64 << 30, verify=True, keep=True)
    took = time.perf_counter() - t0
    try:
        return took, len(opened.loaded or ())
    finally:
        opened.env.close()
        os.close(opened.lock_fd)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("store")
    p.add_argument("--rounds", type=int, default=2)
    ns = p.parse_args()
    data = os.path.join(ns.store, "data.mdb")
    size = os.path.getsize(data)
    print(f"store {ns.store}: {size / 2**30:.2f} GiB")
    for _ in range(ns.rounds):
        drop_from_page_cache(data)
        cold, n = open_once(ns.store)
        warm, _ = open_once(ns.store)
        print(f"  {n} objects: open + check cold {cold:.2f} s, warm {warm:.2f} s")


if __name__ == "__main__":
    main()
