"""cancel_and_wait: every task cancelled and ended; a task's own error still reaches the caller.
TaskStarter: tasks start on the loop running them, a later loop too."""

from __future__ import annotations

import asyncio

import pytest

from kubepy.util.tasks import TaskStarter, cancel_and_wait, repeat


async def test_cancels_and_waits_for_every_task() -> None:
    ended: list[str] = []

    async def forever(name: str) -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0)  # clean-up that itself awaits
            ended.append(name)

    a, b = asyncio.create_task(forever("a")), asyncio.create_task(forever("b"))
    await asyncio.sleep(0)
    await cancel_and_wait(a, None, b)
    assert sorted(ended) == ["a", "b"] and a.cancelled() and b.cancelled()
    await cancel_and_wait()  # nothing to stop


async def test_an_error_the_task_ended_with_is_raised() -> None:
    async def broken() -> None:
        raise ValueError("boom")

    t = asyncio.create_task(broken())
    await asyncio.sleep(0)
    with pytest.raises(ValueError, match="boom"):
        await cancel_and_wait(t)


async def test_the_callers_own_cancellation_propagates() -> None:
    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                await asyncio.sleep(3600)  # takes its time to stop

    t = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    stopper = asyncio.create_task(cancel_and_wait(t))
    await asyncio.sleep(0.01)
    stopper.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stopper


async def test_repeat_runs_sync_and_async_actions_and_survives_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []

    def flaky() -> None:
        calls.append("sync")
        if len(calls) == 1:
            raise RuntimeError("first round fails")

    async def sweep() -> None:
        calls.append("async")

    tasks = [
        asyncio.create_task(repeat(0.001, flaky, "flaky tick")),
        asyncio.create_task(repeat(0.001, sweep, "sweep")),
    ]
    while calls.count("sync") < 3 or calls.count("async") < 3:
        await asyncio.sleep(0.001)
    await cancel_and_wait(*tasks)
    assert "flaky tick failed" in caplog.text  # logged, and the rounds went on


def test_task_starter_starts_on_the_running_loop_each_loop_in_turn() -> None:
    start = TaskStarter()

    async def where() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    async def main() -> tuple[asyncio.AbstractEventLoop, ...]:
        first, second = start(where()), start(where())
        return asyncio.get_running_loop(), await first, await second

    for _ in range(2):  # a second loop, after the first one ended: its tasks run on it
        loop = asyncio.new_event_loop()
        try:
            running, a, b = loop.run_until_complete(main())
        finally:
            loop.close()
        assert running is loop and a is loop and b is loop


def test_task_starter_needs_a_running_loop() -> None:
    start = TaskStarter()

    async def nothing() -> None:
        pass

    coro = nothing()
    with pytest.raises(RuntimeError):
        start(coro)
    coro.close()
