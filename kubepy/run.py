"""Run kubepy components in one process: named, guarded tasks that start in order and stop in reverse.

`kubepy up` runs the whole cluster this way (today the apiserver; controller-manager, scheduler
and kubelets join the list). A component that returns or raises while the cluster should be
running is a failure: it is logged and the whole process stops with exit status 1, so nothing
dies silently. SIGTERM or SIGINT stop everything cleanly (exit status 0); a second SIGINT
stops without waiting for open connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubepy import gcsteady, gcwarmup
from kubepy.apiserver.config import ServerConfig
from kubepy.log import REQUEST_LOG_LEVEL, RequestLog
from kubepy.util.tasks import cancel_and_wait

log = logging.getLogger("kubepy.run")


@dataclass(frozen=True, slots=True)
class RunConfig:
    """How one process runs (from the command line)."""

    server: ServerConfig = field(default_factory=ServerConfig)
    #: Open connections (watches) get this long to end on shutdown before they are cut.
    graceful_shutdown_seconds: int = 3


@dataclass(frozen=True, slots=True)
class Component:
    """A long-running part of the cluster."""

    name: str
    #: Runs until cancelled or asked to stop; returning early or raising is a failure.
    run: Callable[[], Awaitable[None]]
    #: Asks run() to finish on its own (e.g. let open requests drain); it is cancelled otherwise.
    stop: Callable[[], None] | None = None
    #: Seconds run() gets to finish after stop() before it is cancelled.
    grace: float = 5.0


class ComponentFailed(Exception):
    """A component cannot go on; the message says why (no traceback is logged)."""


async def supervise(components: Sequence[Component], stop: asyncio.Event) -> int:
    """Run every component until `stop` is set (→ 0) or one of them ends (→ 1); then stop the
    rest in reverse order."""
    tasks = {asyncio.create_task(c.run(), name=c.name): c for c in components}
    stopper = asyncio.create_task(stop.wait(), name="stop-signal")
    done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    status = 0
    for task in done:
        if task is stopper:
            continue
        status = 1
        exc = None if task.cancelled() else task.exception()
        if exc is not None:
            log.error(
                "component %s failed: %s",
                task.get_name(),
                exc,
                exc_info=None if isinstance(exc, ComponentFailed) else exc,
            )
        else:
            log.error("component %s exited while the cluster was running", task.get_name())
    stopper.cancel()
    for task, component in reversed(list(tasks.items())):
        if not await _stop_one(task, component):
            status = 1
    return status


async def _stop_one(task: asyncio.Task[None], component: Component) -> bool:
    """Stop a component still running; False when it fails while stopping."""
    if task.done():
        return True
    if component.stop is not None:
        component.stop()
        await asyncio.wait({task}, timeout=component.grace)
    if not task.done():
        log.warning("component %s did not stop within %ss; cancelling it", component.name, component.grace)
        task.cancel()
        await asyncio.wait({task})
    exc = None if task.cancelled() else task.exception()
    if exc is not None:
        log.error("component %s failed while stopping: %s", component.name, exc, exc_info=exc)
        return False
    return True


def _uvicorn_server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, minus its signal handling (the process owns signals) and with a
        hook once it listens."""

        on_started: Callable[[Server], None] | None = None

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and self.on_started is not None:
                self.on_started(self)

    return Server


def bound_port(server: Any) -> int:
    """The port a started uvicorn server listens on (the real one when asked for port 0)."""
    for srv in getattr(server, "servers", ()):
        for sock in srv.sockets:
            return sock.getsockname()[1]
    return server.config.port


def uvicorn_config(app: Any, host: str, port: int, *, graceful_shutdown_seconds: int = 3) -> Any:
    """How kubepy serves HTTP (also used by the load benchmark's hello-world baseline): our own
    logging, no access log (RequestLog does that), no Server header, httptools when installed."""
    import uvicorn

    from kubepy.httpproto import HttpToolsNoH2C

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=HttpToolsNoH2C,
        lifespan="on",
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=graceful_shutdown_seconds,
    )


def http_component(
    name: str,
    app: Any,
    host: str,
    port: int,
    *,
    graceful_shutdown_seconds: int = 3,
    on_started: Callable[[int], None] | None = None,
    before: Callable[[], Awaitable[None]] | None = None,
    after: Callable[[], Awaitable[None]] | None = None,
    on_stop: Callable[[], None] | None = None,
) -> Component:
    """Serve an ASGI app with uvicorn until stopped; `before`/`after` run around serving
    (`after` even when serving fails). on_started gets the bound port."""
    server = _uvicorn_server_class()(
        uvicorn_config(app, host, port, graceful_shutdown_seconds=graceful_shutdown_seconds)
    )
    if on_started is not None:
        server.on_started = lambda s: on_started(bound_port(s))

    async def run() -> None:
        if before is not None:
            await before()
        try:
            await server.serve()
        except SystemExit as e:  # uvicorn exits when it cannot bind or lifespan startup fails
            raise ComponentFailed(f"cannot serve on {host}:{port} (exit {e.code})") from None
        finally:
            if after is not None:
                await after()
        if not server.should_exit:
            raise ComponentFailed("the HTTP server stopped on its own")

    def stop() -> None:
        if on_stop is not None:
            on_stop()  # e.g. end long-running streams so graceful shutdown need not wait on them
        if server.should_exit:
            server.force_exit = True  # asked twice: do not wait for open connections
        server.should_exit = True

    return Component(name, run, stop, grace=graceful_shutdown_seconds + 2.0)


def apiserver_component(
    cfg: RunConfig, on_started: Callable[[int], None] | None = None, api: Any = None
) -> Component:
    """The apiserver: open storage, serve HTTP on the insecure port, close storage. `api` lets
    `kubepy up` keep a handle on the APIServer for its in-process components."""
    from kubepy.apiserver.server import APIServer

    conf = cfg.server
    api = api or APIServer(conf)
    app = api.app
    if conf.verbosity >= REQUEST_LOG_LEVEL:  # decided once: below -v 2 requests pay nothing for it
        app = RequestLog(app)

    async def start() -> None:
        with gcwarmup.loading():  # the storage open and the watch cache's load
            await api.start()

    return http_component(
        "apiserver",
        app,
        conf.bind_address,
        conf.port,
        graceful_shutdown_seconds=cfg.graceful_shutdown_seconds,
        on_started=on_started,
        before=start,
        after=api.stop,
        on_stop=api.end_watches,
    )


def _install_signals(stop: asyncio.Event, components: Sequence[Component]) -> None:
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        if stop.is_set() and sig == signal.SIGINT:
            log.warning("second interrupt: not waiting for open connections")
            for c in components:
                if c.stop is not None:
                    c.stop()  # a second stop() means: now
            return
        log.info("received %s, shutting down", sig.name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


#: The collector's thresholds (CPython's default: 700, 10, 10) until the steady mode (gcsteady)
#: takes over. A component keeps large caches of small dicts (every pod, several times over in
#: `kubepy up`) and refcounting frees almost all of its garbage, so a young collection mostly walks
#: objects that survive it. Collecting the young generation every 200,000 net allocations, and the
#: middle one after every second of those, cost ~40 % less collector time than (50,000, 10, 10) in
#: the 20,000-pod end-to-end run.
GC_THRESHOLDS = (200_000, 1, 10)


def tune_gc() -> None:
    """Long-running server settings: what exists at start (modules, declarations) is frozen out of
    the collector's walks, and young collections come less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def run(components_for: Callable[[], Sequence[Component]]) -> int:
    """Build the components inside the event loop, run them until a signal, return the exit
    status. The collector is in its start-up mode (gcwarmup) until the components settle, then in
    its steady mode (gcsteady)."""
    tune_gc()

    async def collector() -> None:
        await gcwarmup.warm_up()
        await gcsteady.steady()

    async def main() -> int:
        collecting = asyncio.create_task(collector(), name="gc-modes")
        try:
            components = components_for()
            stop = asyncio.Event()
            _install_signals(stop, components)
            return await supervise(components, stop)
        finally:
            await cancel_and_wait(collecting)

    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(main())
