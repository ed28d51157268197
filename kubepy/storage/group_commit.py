"""Group commit: one writer thread turns every write pending at once into one durable transaction.

Writers enqueue and await a future. The writer task hands everything pending to `apply_batch` in a
single dedicated thread (one batch at a time); while that batch is being fsynced the next writers
queue up and become the next batch, so throughput grows with concurrency instead of collapsing to
one fsync per write. `apply_batch` returns one result or exception per operation (an operation
whose check failed fails alone); back in the loop `on_committed` runs before any future resolves,
which is what lets listeners see a batch before its writers are answered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Op = TypeVar("Op")
Res = TypeVar("Res")


class GroupCommitter(Generic[Op, Res]):
    def __init__(
        self,
        apply_batch: Callable[[list[Op]], list[Res | BaseException]],
        on_committed: Callable[[list[Res | BaseException]], None],
        max_batch: int = 4096,
    ) -> None:
        self._apply_batch = apply_batch
        self._on_committed = on_committed
        self._max_batch = max_batch
        self._pending: list[tuple[Op, asyncio.Future[Res]]] = []
        self._wake = asyncio.Event()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="kubepy-storage-writer")
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="kubepy-storage-group-commit")

    async def submit(self, op: Op) -> Res:
        if self._stopping:
            raise RuntimeError("storage writer is stopped")
        fut: asyncio.Future[Res] = asyncio.get_running_loop().create_future()
        self._pending.append((op, fut))
        self._wake.set()
        return await fut

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._pending:
                if self._stopping:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            ops = [op for op, _ in batch]
            try:
                results = await loop.run_in_executor(self._executor, self._apply_batch, ops)
            except BaseException as exc:  # the whole transaction failed: nothing was written
                log.error("storage batch of %d writes failed: %s", len(ops), exc)
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc if isinstance(exc, Exception) else RuntimeError(exc))
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            try:
                self._on_committed(results)
            except Exception:
                log.exception("storage commit callback failed")
            for (_, fut), res in zip(batch, results, strict=True):
                if fut.done():
                    continue
                if isinstance(res, BaseException):
                    fut.set_exception(res)
                else:
                    fut.set_result(res)

    async def stop(self) -> None:
        """Finish every queued write, then stop the thread."""
        self._stopping = True
        self._wake.set()
        await self._task
        self._executor.shutdown(wait=True)
