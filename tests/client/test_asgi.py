"""The in-process transport: the lean path (`call`) the RESTClient takes for non-streaming verbs
hands the app exactly what the httpx path hands it, and fails the way the httpx path fails."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kubepy.apiserver.server import APIServer
from kubepy.client.asgi import StreamingASGITransport
from kubepy.client.errors import ApiError
from kubepy.client.resources import CONFIGMAPS
from kubepy.client.rest import RESTClient, _DirectASGI, user_agent
from kubepy.client.watch import decode_line, decode_shared
from tests.client.conftest import InstantClock, configmap

NS = "default"


class ViaHttpx(httpx.AsyncBaseTransport):
    """The same transport, but not recognisably so: the RESTClient goes through httpx."""

    def __init__(self, inner: StreamingASGITransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)


def spy(app: Any, seen: list[dict[str, Any]]) -> Any:
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        msg = await receive()
        seen.append({**scope, "body": msg.get("body", b"")})
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return msg
            return await receive()

        await app(scope, replay, send)

    return wrapped


async def test_the_app_sees_the_same_requests_either_way(server: APIServer) -> None:
    direct_seen: list[dict[str, Any]] = []
    httpx_seen: list[dict[str, Any]] = []
    direct = RESTClient(
        "http://apiserver",
        transport=StreamingASGITransport(spy(server.app, direct_seen)),
        user_agent=user_agent("direct"),
        token="secret",
    )
    via = RESTClient(
        "http://apiserver",
        transport=ViaHttpx(StreamingASGITransport(spy(server.app, httpx_seen))),
        user_agent=user_agent("direct"),
        token="secret",
    )
    assert direct._direct is not None and via._direct is None
    # in-process watchers share decoded events; over another transport each decodes its own
    assert direct.watch(CONFIGMAPS)._decode is decode_shared and via.watch(CONFIGMAPS)._decode is decode_line
    answers = []
    for c, name in ((via, "cm-a"), (direct, "cm-b")):
        created = await c.create(CONFIGMAPS, configmap(name, labels={"app": "x"}), field_manager="m!")
        got = await c.get(CONFIGMAPS, name, NS)
        listed = await c.list(CONFIGMAPS, NS, label_selector="app in (x, y),b!=c", limit=5)
        await c.patch(CONFIGMAPS, name, {"data": {"k": "2"}}, NS, patch_type="merge")
        with pytest.raises(ApiError):  # no body at all
            await c.request("POST", f"/api/v1/namespaces/{NS}/configmaps")
        await c.delete(CONFIGMAPS, name, NS)
        with pytest.raises(ApiError):  # a name with a colon, as RBAC's system: names
            await c.request("GET", f"/apis/rbac.authorization.k8s.io/v1/clusterroles/system:{name}")
        answers.append(
            (created["metadata"]["name"], got["data"], [i["metadata"]["name"] for i in listed["items"]])
        )
    with pytest.raises(ApiError) as e1:
        await via.get(CONFIGMAPS, "missing", NS)
    with pytest.raises(ApiError) as e2:
        await direct.get(CONFIGMAPS, "missing", NS)
    assert (e1.value.code, e1.value.status["message"]) == (e2.value.code, e2.value.status["message"])
    assert answers[0] == ("cm-a", {"k": "v"}, ["cm-a"]) and answers[1] == ("cm-b", {"k": "v"}, ["cm-b"])

    def same(scope: dict[str, Any]) -> dict[str, Any]:  # the names differ by design, not their length
        def rename(v: Any) -> Any:
            if isinstance(v, bytes):
                return v.replace(b"cm-a", b"cm-b")
            return v.replace("cm-a", "cm-b") if isinstance(v, str) else v

        return {k: rename(v) for k, v in scope.items()}

    assert len(httpx_seen) == len(direct_seen) == 8
    for h, d in zip(httpx_seen, direct_seen, strict=True):
        assert same(h) == d
    await direct.aclose()
    await via.aclose()


async def _answer(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]] = ()) -> None:
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def test_failures_match_the_httpx_path() -> None:
    calls: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()
        calls.append(scope["method"])
        if len(calls) == 1:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise RuntimeError("died mid-answer")  # a broken connection: GET is retried
        if len(calls) == 2:
            await _answer(send, 429, b"{}", [(b"retry-after", b"3")])  # throttled: wait as told
            return
        if scope["method"] == "POST":
            raise ValueError("died before answering")
        await _answer(send, 200, b'{"kind": "Thing"}')
        assert await receive() == {"type": "http.disconnect"}  # the client has left

    clock = InstantClock()
    c = RESTClient("http://apiserver", transport=StreamingASGITransport(app), clock=clock)
    assert await c.get(CONFIGMAPS, "x", NS) == {"kind": "Thing"}
    assert calls == ["GET", "GET", "GET"] and clock.slept[1] == 3.0
    with pytest.raises(ValueError, match="died before answering"):
        await c.create(CONFIGMAPS, configmap("x"))


async def test_an_app_without_an_answer_is_an_error() -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()

    c = RESTClient("http://apiserver", transport=StreamingASGITransport(app))
    with pytest.raises(RuntimeError, match="without a response"):
        await c.get(CONFIGMAPS, "x", NS)


async def test_decode_false_skips_the_answer_not_the_errors(server: APIServer) -> None:
    c = RESTClient("http://apiserver", transport=StreamingASGITransport(server.app))
    url = f"/api/v1/namespaces/{NS}/configmaps"
    assert await c.request("POST", url, body=configmap("quiet"), decode=False) is None
    assert (await c.get(CONFIGMAPS, "quiet", NS))["data"] == {"k": "v"}  # the write happened
    with pytest.raises(ApiError) as e:
        await c.request("POST", url, body=configmap("quiet"), decode=False)
    assert e.value.code == 409 and e.value.reason == "AlreadyExists"


async def test_requests_sent_again_see_what_httpx_sends(server: APIServer) -> None:
    """The lean path remembers its header lists (per body type and length) and which paths are
    plain: a request sent again, or another with a body of the same length, still hands the app
    what httpx hands it."""
    direct_seen: list[dict[str, Any]] = []
    httpx_seen: list[dict[str, Any]] = []
    direct = RESTClient("http://apiserver", transport=StreamingASGITransport(spy(server.app, direct_seen)))
    via = RESTClient(
        "http://apiserver", transport=ViaHttpx(StreamingASGITransport(spy(server.app, httpx_seen)))
    )
    for c in (via, direct):
        for name in ("cm-1", "cm-2", "cm-10"):  # bodies of one length and of another
            await c.create(CONFIGMAPS, configmap(name), NS)
            await c.patch(CONFIGMAPS, name, {"data": {"k": "2"}}, NS, patch_type="merge")
            for _ in range(2):
                with pytest.raises(ApiError):  # no body at all
                    await c.request("POST", f"/api/v1/namespaces/{NS}/configmaps")
            await c.delete(CONFIGMAPS, name, NS)
    assert len(direct_seen) == len(httpx_seen) == 15
    assert direct_seen == httpx_seen
    await direct.aclose()
    await via.aclose()


@pytest.mark.parametrize(
    ("url", "plain"),
    [
        ("/api/v1/namespaces/default/pods/p-1.x", True),
        ("/apis/rbac.authorization.k8s.io/v1/clusterroles/system:x", True),
        ("/api/v1/namespaces/default/events", True),
        ("/api/v1/../pods", False),
        ("/api/v1/./pods", False),
        ("/api/v1/pods/.", False),
        ("/api/v1/pods/a b", False),
        ("/api/v1/pods?watch=1", False),
        ("/api/v1/pods/%41", False),
        ("api/v1/pods", False),
    ],
)
def test_only_paths_httpx_sends_as_they_are_skip_it(url: str, plain: bool) -> None:
    assert [_DirectASGI.serves(url) for _ in range(2)] == [plain, plain]  # the second one remembered
