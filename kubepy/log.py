"""klog-style logging: one verbosity (-v N) for the process, glog headers, request lines at -v 2.

Kubernetes components log with klog: `I1126 00:45:47.123456   12345 file.py:12] message`, and
gate chatty lines behind `klog.V(n)`. kubepy keeps both so operators read the same logs.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TextIO

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Verbosity at which every HTTP request is logged (kube-apiserver's httplog).
REQUEST_LOG_LEVEL = 2

_verbosity = 0
_SEVERITY = {
    logging.DEBUG: "I",
    logging.INFO: "I",
    logging.WARNING: "W",
    logging.ERROR: "E",
    logging.CRITICAL: "F",
}


def verbosity() -> int:
    return _verbosity


def set_verbosity(v: int) -> None:
    global _verbosity
    _verbosity = v


class Verbose:
    """What `V(n)` returns: true when enabled; `.info()` logs only then (klog.V(n).Info)."""

    __slots__ = ("enabled", "logger")

    def __init__(self, enabled: bool, logger: logging.Logger) -> None:
        self.enabled = enabled
        self.logger = logger

    def __bool__(self) -> bool:
        return self.enabled

    def info(self, msg: str, *args: object) -> None:
        if self.enabled:
            self.logger.info(msg, *args, stacklevel=2)


def V(level: int, logger: logging.Logger | None = None) -> Verbose:  # noqa: N802 - klog's name
    return Verbose(_verbosity >= level, logger or logging.getLogger("kubepy"))


class KlogFormatter(logging.Formatter):
    """`Lmmdd hh:mm:ss.uuuuuu pid file:line] msg`, L one of I W E F."""

    def __init__(self, *, pid: int | None = None) -> None:
        super().__init__()
        self.pid = os.getpid() if pid is None else pid

    def format(self, record: logging.LogRecord) -> str:
        t = time.localtime(record.created)
        usec = int((record.created % 1) * 1_000_000)
        head = (
            f"{_SEVERITY.get(record.levelno, 'I')}{t.tm_mon:02d}{t.tm_mday:02d} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{usec:06d} {self.pid:>7d} "
            f"{record.filename}:{record.lineno}] "
        )
        text = head + record.getMessage()
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def setup(v: int = 0, stream: TextIO | None = None) -> None:
    """Send every log record (ours, uvicorn's) to stderr in klog format, at verbosity v."""
    set_verbosity(v)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(KlogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # uvicorn's access log would duplicate RequestLog
    logging.getLogger("uvicorn.access").disabled = True
    # components' own client requests (httpx logs each at INFO) only from -v 6, as client-go's
    # round-trip logging
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.INFO if v >= 6 else logging.WARNING)


def go_duration(seconds: float) -> str:
    """Roughly Go's time.Duration.String() for a latency: "812µs", "1.204ms", "2.5s"."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f}µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3f}".rstrip("0").rstrip(".") + "ms"
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


def is_watch(scope: Scope) -> bool:
    """A long-running request: ?watch=true/1 or a /watch/ path (the legacy form)."""
    qs = scope.get("query_string", b"")
    if b"watch=" in qs:
        for part in qs.split(b"&"):
            if part.startswith(b"watch="):
                return part[6:].lower() not in (b"", b"0", b"false")
    return "/watch/" in scope.get("path", "")


class RequestLog:
    """Pure ASGI middleware logging one line per request at -v 2 (kube-apiserver's httplog).

    Long-running responses (watch) are logged when they start, and again when they end, since
    their end can be hours away; everything else once, when the response is finished.
    """

    def __init__(
        self,
        app: ASGIApp,
        logger: logging.Logger | None = None,
        *,
        clock: Callable[[], float] = time.perf_counter,
        long_running: Callable[[Scope], bool] = is_watch,
        level: int = REQUEST_LOG_LEVEL,
    ) -> None:
        self.app = app
        self.logger = logger or logging.getLogger("kubepy.httplog")
        self.clock = clock
        self.long_running = long_running
        self.level = level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _verbosity < self.level:
            await self.app(scope, receive, send)
            return
        start = self.clock()
        status = 0
        stream = self.long_running(scope)

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if stream:
                    self.log(scope, status, self.clock() - start, "open")
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except BaseException:
            status = status or 500
            raise
        finally:
            self.log(scope, status, self.clock() - start, "closed" if stream else "")

    def log(self, scope: Scope, status: int, seconds: float, stream: str) -> None:
        uri = scope.get("raw_path", b"").decode("latin-1") or scope.get("path", "")
        if scope.get("query_string"):
            uri += "?" + scope["query_string"].decode("latin-1")
        client = scope.get("client")
        src = f"{client[0]}:{client[1]}" if client else ""
        line = (
            f'"HTTP" verb="{scope.get("method", "")}" URI="{uri}" latency="{go_duration(seconds)}" '
            f'userAgent="{_header(scope, b"user-agent")}" srcIP="{src}" resp={status}'
        )
        if stream:
            line += f' stream="{stream}"'
        self.logger.info(line)
