"""How the components find the apiserver: over HTTP (`--master URL`), or in-process for
`kubepy up`, where every component still talks to it only through its API (an ASGI transport
instead of a socket), and waits until it serves requests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from kubepy.apiserver import loopback
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.rest import RESTClient, user_agent
from kubepy.run import Component

ClientFactory = Callable[[str], RESTClient]


def remote_clients(master: str, kubeconfig: str = "") -> ClientFactory:
    """--master URL (or a kubeconfig's current server)."""

    def make(component: str) -> RESTClient:
        if kubeconfig and not master:
            return RESTClient.from_kubeconfig(kubeconfig, user_agent=user_agent(component))
        return RESTClient(master, user_agent=user_agent(component))

    return make


def in_process_clients(api: Any) -> ClientFactory:
    """Clients on the apiserver's loopback connection: its in-flight limit always answers them."""

    def make(component: str) -> RESTClient:
        transport = StreamingASGITransport(api.app, user=loopback.USER)
        return RESTClient("http://apiserver", transport=transport, user_agent=user_agent(component))

    return make


def after_ready(component: Component, api: Any, poll: float = 0.05) -> Component:
    """Start `component` only once the in-process apiserver serves requests."""
    inner = component.run

    async def run() -> None:
        while not api.ready:
            await asyncio.sleep(poll)
        await inner()

    return Component(component.name, run, component.stop, component.grace)
