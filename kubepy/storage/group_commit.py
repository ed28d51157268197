"""Group commit: one writer thread turns every write pending at once into one durable transaction.

Writers enqueue and await a future. The thread takes everything queued when it gets to it (the
writes that arrived while the previous batch was being fsynced) and hands it to `apply_batch` as
one batch, so throughput grows with concurrency instead of collapsing to one fsync per write. It never waits for
the loop between batches: a batch's answers are posted back with one `call_soon_threadsafe` and
the thread goes straight on to the next. `apply_batch` returns one result or exception per
operation (an operation whose check failed fails alone); back in the loop `on_committed` runs
before any future of its batch resolves and before the next batch's `on_committed` (the loop runs
thread-safe callbacks in the order they were posted), which is what lets listeners see a batch
before its writers are answered.

While the writer is busy, a write goes straight to its queue, so it is in the next batch whatever
the loop is doing when the fsync ends; an idle writer gets each turn's writes at once.

`while_waiting` is for the writer's wait on the disk (the engine puts its commit in it): a thread
that wants the GIL back waits up to the switch interval before asking a busy loop for it, and
with the default 5 ms those hand-offs, not the fsync, bounded the batches per second. The interval
is lowered only for that wait, so the loop is not preempted more often at any other time.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from queue import Empty, SimpleQueue
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

Op = TypeVar("Op")
Res = TypeVar("Res")

#: The switch interval while the writer thread waits on the disk (seconds): how long it lets a busy
#: loop keep the GIL once the fsync is over.
WAIT_SWITCH_INTERVAL = 0.0002

_Pairs = list[tuple[Any, "asyncio.Future[Any]"]]


_waiting_lock = threading.Lock()
_waiting = 0  # threads inside while_waiting()
_saved_interval = 0.0  # the process's own switch interval, restored when the last one leaves


@contextmanager
def while_waiting() -> Iterator[None]:
    """Around a call that releases the GIL to wait (I/O, a queue): take it back promptly. Several
    threads (one writer per store) may wait at once: the first lowers the interval, the last
    restores it."""
    global _waiting, _saved_interval
    with _waiting_lock:
        if _waiting == 0:
            _saved_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_saved_interval, WAIT_SWITCH_INTERVAL))
        _waiting += 1
    try:
        yield
    finally:
        with _waiting_lock:
            _waiting -= 1
            if _waiting == 0:
                sys.setswitchinterval(_saved_interval)


class GroupCommitter(Generic[Op, Res]):
    def __init__(
        self,
        apply_batch: Callable[[list[Op]], list[Res | BaseException]],
        on_committed: Callable[[list[Res | BaseException]], None],
        max_batch: int = 4096,
    ) -> None:
        """Needs a running loop: answers come back to it."""
        self._apply_batch = apply_batch
        self._on_committed = on_committed
        self._max_batch = max_batch
        self._loop = asyncio.get_running_loop()
        self._pending: _Pairs = []  # submitted in this turn of the loop
        self._busy = False  # the thread has a batch (set and cleared by the thread)
        self._stopping = False
        self._stopped: asyncio.Future[None] | None = None  # what stop() waits on
        self._queue: SimpleQueue[_Pairs | None] = SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="kubepy-storage-writer", daemon=True)
        self._thread.start()

    async def submit(self, op: Op) -> Res:
        if self._stopping:
            raise RuntimeError("storage writer is stopped")
        fut: asyncio.Future[Res] = self._loop.create_future()
        if self._busy and not self._pending:
            # the thread takes it as soon as its commit is done, whatever the loop is doing then
            self._queue.put([(op, fut)])
        else:
            if not self._pending:
                # an idle thread gets every write submitted in this turn of the loop at once
                self._loop.call_soon(self._dispatch)
            self._pending.append((op, fut))
        return await fut

    # ---- in the loop ------------------------------------------------------------------------
    def _dispatch(self) -> None:
        """Hand this turn's writes to the thread (which may still be busy with earlier ones)."""
        pending, self._pending = self._pending, []
        step = self._max_batch
        for i in range(0, len(pending), step):
            self._queue.put(pending[i : i + step])

    def _finish(self, batch: _Pairs, results: list[Res | BaseException] | BaseException) -> None:
        """A batch is back from the thread: listeners first, then its writers."""
        if isinstance(results, BaseException):  # the whole transaction failed: nothing was written
            log.error("storage batch of %d writes failed: %s", len(batch), results)
            exc = results if isinstance(results, Exception) else RuntimeError(results)
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
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

    # ---- in the writer thread ---------------------------------------------------------------
    def _serve(self) -> None:
        answer = self._loop.call_soon_threadsafe
        while True:
            batch, stop = self._take()
            if batch:
                out: Any
                try:
                    out = self._apply_batch([op for op, _ in batch])
                except BaseException as exc:  # noqa: BLE001 - handed to the writers, never lost
                    out = exc
                try:
                    answer(self._finish, batch, out)
                except RuntimeError:  # the loop is closed: nobody is waiting any more
                    return
            if stop:
                try:
                    answer(self._done)
                except RuntimeError:
                    pass
                return

    def _take(self) -> tuple[_Pairs, bool]:
        """Everything queued (waiting for the first; taking no more once max_batch writes are in);
        True when the end (stop's None) was reached."""
        queue = self._queue
        try:
            first = queue.get_nowait()
        except Empty:
            self._busy = False
            first = queue.get()
            self._busy = True
        if first is None:
            return [], True
        batch = first  # the thread's own list: _dispatch gave it away
        while len(batch) < self._max_batch:
            try:
                more = queue.get_nowait()
            except Empty:
                break
            if more is None:
                return batch, True
            batch.extend(more)
        return batch, False

    def _done(self) -> None:
        if self._stopped is not None and not self._stopped.done():
            self._stopped.set_result(None)

    async def stop(self) -> None:
        """Finish every queued write, then stop the thread."""
        self._stopping = True
        if self._stopped is None:
            self._stopped = self._loop.create_future()
            self._dispatch()
            self._queue.put(None)
        await asyncio.shield(self._stopped)  # several stop() calls wait on one future
        self._thread.join()
