"""An httpx transport that runs an ASGI app in-process and streams its response.

httpx's own ASGITransport waits for the app to finish before returning, so a watch (which never
finishes) would hang. Here the response returns as soon as headers are sent and the body arrives
chunk by chunk; closing it tells the app the client went away (http.disconnect), as a socket would.
Used by tests and by `kubepy up` to talk to an apiserver living in the same process.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

_END = object()


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


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: Any, client: tuple[str, int] = ("127.0.0.1", 1)) -> None:
        self.app = app
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "server": (request.url.host, request.url.port or 80),
            "client": self.client,
            "root_path": "",
        }
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
