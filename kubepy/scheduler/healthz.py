"""The scheduler's own HTTP endpoints (§6.4.1, SCHED-026): /healthz (also /livez, /readyz) and
/metrics in Prometheus text, on --address/--port (the book's 127.0.0.1:10251). A plain ASGI app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def metrics_text(counters: dict[str, dict[str, float]]) -> str:
    """`name{label="v"} value` lines; counters maps metric name -> {label text: value}."""
    lines = []
    for name, series in counters.items():
        lines.append(f"# TYPE {name} {'counter' if name.endswith('_total') else 'gauge'}")
        for labels, value in series.items():
            lines.append(f"{name}{{{labels}}} {value:g}" if labels else f"{name} {value:g}")
    return "\n".join(lines) + "\n"


class HealthApp:
    def __init__(
        self, healthy: Callable[[], tuple[bool, str]], metrics: Callable[[], dict[str, dict[str, float]]]
    ) -> None:
        self.healthy = healthy
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        path = scope.get("path", "")
        if path in ("/healthz", "/livez", "/readyz"):
            ok, why = self.healthy()
            status, body = (200, "ok") if ok else (500, f"[-]scheduler failed: {why}\nhealthz check failed")
        elif path == "/metrics":
            status, body = 200, metrics_text(self.metrics())
        else:
            status, body = 404, "404 page not found\n"
        data = body.encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(data)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})
