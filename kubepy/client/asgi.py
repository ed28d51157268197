"""An httpx transport that runs an ASGI app in-process and streams its response.

httpx's own ASGITransport waits for the app to finish before returning, so a watch (which never
finishes) would hang. Here the response returns as soon as headers are sent and the body arrives
chunk by chunk; closing it tells the app the client went away (http.disconnect), as a socket would.
Used by tests and by `kubepy up` to talk to an apiserver living in the same process.

`call` is the lean path for a request known not to stream (every verb but watch): the app runs in
the caller's task and the answer is collected in a list — no httpx Request/Response, no task,
queue or event per request. The app sees the same scope, headers and body either way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

_END = object()
_DISCONNECT = {"type": "http.disconnect"}


class Reply:
    """A complete in-process answer: what RESTClient reads of an httpx.Response."""

    __slots__ = ("status_code", "headers", "content")

    def __init__(self, status_code: int, headers: list[tuple[bytes, bytes]], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def header(self, name: str) -> str | None:
        """The first value of header `name` (lower case), as httpx's headers.get."""
        key = name.encode()
        return next((v.decode("latin-1") for k, v in self.headers if k.lower() == key), None)


class _Body(httpx.AsyncByteStream):
    def __init__(self, chunks: asyncio.Queue[Any], gone: asyncio.Event, task: asyncio.Task[None]) -> None:
        self._chunks = chunks
        self._gone = gone
        self._task = task

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            chunk = await self._chunks.get()
            if chunk is _END:
                return
            if isinstance(chunk, BaseException):
                raise httpx.ReadError(str(chunk)) from chunk
            yield chunk

    async def aclose(self) -> None:
        self._gone.set()
        if not self._task.done():
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 2)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
                with contextlib.suppress(BaseException):
                    await self._task


class _Exchange:
    """Both ends of one inline request: what the app's receive hands it and what its send
    collects (slots, not a closure's cells: made once per request)."""

    __slots__ = ("body", "request_sent", "status", "headers", "parts", "done", "finished")

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.request_sent = False
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.parts: list[bytes] = []
        self.done = False
        self.finished: asyncio.Future[None] | None = None

    async def receive(self) -> dict[str, Any]:
        if not self.request_sent:
            self.request_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        if not self.done:  # as a socket: the client "leaves" once it has the whole answer
            if self.finished is None:
                self.finished = asyncio.get_running_loop().create_future()
            await self.finished
        return _DISCONNECT

    async def send(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if not self.status:
                self.status = message["status"]
                self.headers = list(message.get("headers") or [])
        elif kind == "http.response.body":
            if self.done:
                raise OSError("client disconnected")
            chunk = message.get("body")
            if chunk:
                self.parts.append(chunk)
            if not message.get("more_body"):
                self.done = True
                finished = self.finished
                if finished is not None and not finished.done():
                    finished.set_result(None)


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(
        self, app: Any, client: tuple[str, int] = ("127.0.0.1", 1), user: dict[str, Any] | None = None
    ) -> None:
        """`user`: the identity the app finds in the scope's "user" (as an authentication
        middleware would leave it), e.g. the apiserver's loopback user; none by default."""
        self.app = app
        self.client = client
        self.user = user
        #: what every inline request's scope holds besides its own method, path, query, headers
        #: and server (copied: cheaper than building the dict)
        self._base = self._scope("GET", "/", b"/", b"", [], "", 0)

    def _scope(
        self,
        method: str,
        path: str,
        raw_path: bytes,
        query: bytes,
        headers: Sequence[tuple[bytes, bytes]],
        host: str,
        port: int,
    ) -> dict[str, Any]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "headers": headers,
            "scheme": "http",
            "path": path,
            "raw_path": raw_path,
            "query_string": query,
            "server": (host, port),
            "client": self.client,
            "root_path": "",
        }
        if self.user is not None:
            scope["user"] = self.user
        return scope

    async def call(
        self,
        method: str,
        path: str,
        raw_path: bytes,
        query: bytes,
        headers: Sequence[tuple[bytes, bytes]],
        body: bytes,
        server: tuple[str, int],
    ) -> Reply:
        """One non-streaming request, the app run inline; `headers` lower-cased as ASGI has them.
        Fails as handle_async_request would: the app's own error before it answered, ReadError after."""
        scope = self._base.copy()  # (its "asgi" dict shared: an app reads it, never changes it)
        scope["method"] = method
        scope["path"] = path
        scope["raw_path"] = raw_path
        scope["query_string"] = query
        scope["headers"] = headers
        scope["server"] = server
        # the request "travels": the loop runs other tasks first, as it would while a socket sends,
        # so a caller issuing requests back to back never starves the watch streams and informers
        await asyncio.sleep(0)
        ex = _Exchange(body)
        try:
            await self.app(scope, ex.receive, ex.send)
        except Exception as exc:
            if not ex.status:
                raise
            raise httpx.ReadError(str(exc)) from exc
        if not ex.status:
            raise RuntimeError("the app returned without a response")
        parts = ex.parts
        return Reply(ex.status, ex.headers, parts[0] if len(parts) == 1 else b"".join(parts))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        url = request.url
        scope = self._scope(
            request.method,
            url.path,
            url.raw_path.split(b"?")[0],
            url.query,
            [(k.lower(), v) for k, v in request.headers.raw],
            url.host,
            url.port or 80,
        )
        scope["scheme"] = url.scheme
        chunks: asyncio.Queue[Any] = asyncio.Queue()
        started: asyncio.Future[tuple[int, list[tuple[bytes, bytes]]]] = (
            asyncio.get_running_loop().create_future()
        )
        gone = asyncio.Event()
        request_sent = False

        async def receive() -> dict[str, Any]:
            nonlocal request_sent
            if not request_sent:
                request_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                if not started.done():
                    started.set_result((message["status"], list(message.get("headers") or [])))
            elif message["type"] == "http.response.body":
                if gone.is_set():
                    raise OSError("client disconnected")
                if message.get("body"):
                    chunks.put_nowait(message["body"])
                if not message.get("more_body"):
                    chunks.put_nowait(_END)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except BaseException as exc:  # the app died: fail the request or the body being read
                if not started.done():
                    started.set_exception(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
                chunks.put_nowait(exc)
                if not isinstance(exc, Exception):
                    raise
            else:
                if not started.done():
                    started.set_exception(RuntimeError("the app returned without a response"))
                chunks.put_nowait(_END)

        task = asyncio.ensure_future(run())
        try:
            status, headers = await started
        except BaseException:
            gone.set()
            task.cancel()
            raise
        return httpx.Response(status, headers=headers, stream=_Body(chunks, gone, task), request=request)
