"""`kubepy controller-manager` as a component of kubepy.run: the factory the CLI and `kubepy up`
call. `client_factory("controller-manager")` makes the REST client (User-Agent
kubepy-controller-manager/v0.1), over sockets or in-process alike."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from kubepy.client.rest import RESTClient
from kubepy.controllers.manager import ControllerManager, enabled_controllers
from kubepy.controllers.options import ControllerManagerOptions
from kubepy.run import Component

ClientFactory = Callable[[str], RESTClient]


def component(client_factory: ClientFactory, options: ControllerManagerOptions | None = None) -> Component:
    options = options or ControllerManagerOptions()
    enabled_controllers(options.controllers)  # a bad --controllers fails at startup
    tasks: list[asyncio.Task[None]] = []
    managers: list[ControllerManager] = []

    async def run() -> None:
        client = client_factory("controller-manager")
        manager = ControllerManager(client, options)
        managers.append(manager)
        task = asyncio.ensure_future(manager.run())
        tasks.append(task)
        try:
            await task
        except asyncio.CancelledError:
            if not manager._stopping.is_set():
                raise
        finally:
            await client.aclose()

    def stop() -> None:
        for m in managers:
            m.stop()
        for t in tasks:
            t.cancel()

    return Component("controller-manager", run, stop)
