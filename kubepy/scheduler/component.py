"""`kubepy scheduler` as a component of kubepy.run: the factory the CLI and `kubepy up` call."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import Callable

from kubepy.client.leaderelection import LeaderElectionConfig, LeaderElector
from kubepy.client.rest import RESTClient
from kubepy.run import Component, ComponentFailed, http_component
from kubepy.scheduler.healthz import HealthApp
from kubepy.scheduler.options import SchedulerOptions
from kubepy.scheduler.scheduler import Scheduler, build_profile

#: Makes the REST client the scheduler talks through, given the component name for its
#: User-Agent ("scheduler" → kubepy-scheduler/v0.1); socket or in-process transport alike.
ClientFactory = Callable[[str], RESTClient]
Health = Callable[[], tuple[bool, str]]


def scheduler_component(
    client_factory: ClientFactory, options: SchedulerOptions | None = None
) -> tuple[Component, Health]:
    """The component and its health probe (for the apiserver's ComponentStatus in `kubepy up`:
    `api.component_checks["scheduler"] = health`)."""
    options = options or SchedulerOptions()
    build_profile(options)  # a bad policy file or provider fails at startup, not later
    running: list[Scheduler] = []
    http: list[Component] = []

    def health() -> tuple[bool, str]:
        return running[-1].health() if running else (False, "the scheduler has not started")

    def metrics() -> dict[str, dict[str, float]]:
        return running[-1].metrics() if running else {}

    if options.port:
        http.append(
            http_component("scheduler-healthz", HealthApp(health, metrics), options.address, options.port)
        )

    async def run() -> None:
        client = client_factory("scheduler")
        scheduler = Scheduler(client, options)
        running.append(scheduler)
        main = _elected(client, scheduler, options) if options.leader_elect else scheduler.run()
        tasks = [asyncio.ensure_future(main)] + [asyncio.ensure_future(h.run()) for h in http]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for t in done:
                t.result()  # a failure of either ends the component with its error
        finally:
            scheduler.stop()
            for h in http:
                if h.stop is not None:
                    h.stop()
            await asyncio.gather(*tasks, return_exceptions=True)
            await client.aclose()

    def stop() -> None:
        for s in running:
            s.stop()

    return Component("scheduler", run, stop), health


async def _elected(client: RESTClient, scheduler: Scheduler, options: SchedulerOptions) -> None:
    """Schedule only while leading; losing the lease ends the component (kube-scheduler exits
    with "leaderelection lost" so a fresh process campaigns again)."""
    config = LeaderElectionConfig(
        options.lock_namespace,
        options.lock_name,
        f"{socket.gethostname()}_{uuid.uuid4()}",
        options.lease_duration_seconds,
        options.renew_deadline_seconds,
        options.retry_period_seconds,
    )
    asked_to_stop = asyncio.ensure_future(scheduler.stopped())
    lost: list[bool] = []

    def on_stopped_leading() -> None:
        if not asked_to_stop.done():
            lost.append(True)
        scheduler.stop()

    elector = LeaderElector(
        client, config, on_started_leading=scheduler.run, on_stopped_leading=on_stopped_leading
    )
    task = elector.start()
    try:
        await asyncio.wait({task, asked_to_stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        asked_to_stop.cancel()
        await elector.stop()
    if lost:
        raise ComponentFailed("leaderelection lost")
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]


def component(client_factory: ClientFactory, options: SchedulerOptions | None = None) -> Component:
    return scheduler_component(client_factory, options)[0]
