"""Watch lines: split as bytes across chunks, decoded once per line however many watchers get it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from kubepy.client import watch
from kubepy.client.errors import ApiError
from kubepy.client.watch import WatchStream, decode_line, decode_shared, split_lines


def line(type_: str, name: str, rv: str = "1") -> bytes:
    obj = {"kind": "Pod", "metadata": {"name": name, "resourceVersion": rv}}
    return orjson.dumps({"type": type_, "object": obj}) + b"\n"


def test_split_lines_keeps_the_unfinished_tail() -> None:
    assert split_lines(b"", b"a\nb\nc") == ([b"a", b"b"], b"c")
    assert split_lines(b"c", b"d\n") == ([b"cd"], b"")
    assert split_lines(b"x", b"y") == ([], b"xy")


def test_equal_lines_share_one_decoded_event() -> None:
    raw = line("MODIFIED", "shared")
    first = decode_shared(raw[:-1])
    again = decode_shared(bytes(bytearray(raw[:-1])))  # another watcher: equal bytes, another object
    assert first is not None and again is first
    assert (first.type, first.object["metadata"]["name"]) == ("MODIFIED", "shared")
    other = decode_shared(line("MODIFIED", "shared", rv="2")[:-1])
    assert other is not None and other is not first and other.resource_version == "2"
    alone = decode_line(raw[:-1])  # a lone watcher decodes for itself
    assert alone == first and alone is not first
    assert decode_line(raw.decode()) == first  # text lines too


@pytest.mark.parametrize("decode", [decode_line, decode_shared])
def test_blank_torn_and_error_lines(decode) -> None:
    assert decode(b"") is None and decode(b"   ") is None
    assert decode(line("ADDED", "torn")[:20]) is None
    assert decode(b'{"type": "ADDED", "object": 3}') is None
    status = {"kind": "Status", "code": 410, "reason": "Expired", "message": "too old"}
    err = orjson.dumps({"type": "ERROR", "object": status})
    for _ in range(2):  # raised every time, never remembered as an event
        with pytest.raises(ApiError) as e:
            decode(err)
        assert e.value.code == 410


def test_the_memo_is_bounded_by_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    size = len(line("ADDED", "p0"))
    monkeypatch.setattr(watch, "RECENT_BYTES", 4 * size)
    monkeypatch.setattr(watch, "_recent", watch._Recent())
    first = decode_shared(line("ADDED", "p0"))
    for i in range(1, 12):
        decode_shared(line("ADDED", f"p{i}"))
    kept = [raw for gen in (watch._recent.new, watch._recent.old) for raw, _ in gen.values()]
    assert sum(map(len, kept)) <= 2 * 4 * size + 2 * size
    assert decode_shared(line("ADDED", "p11")) is not None and line("ADDED", "p11") in kept
    again = decode_shared(line("ADDED", "p0"))
    assert again is not first and again == first  # fell out: decoded anew, same content


def test_lines_alike_in_length_and_head_are_told_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch, "_recent", watch._Recent())
    monkeypatch.setattr(watch, "HEAD", 8)  # every line below shares its length and first 8 bytes
    a, b = line("ADDED", "xa"), line("ADDED", "xb")
    assert len(a) == len(b) and a[:8] == b[:8]
    ea, eb = decode_shared(a), decode_shared(b)
    assert ea is not None and eb is not None and eb.object["metadata"]["name"] == "xb"
    a2 = decode_shared(a)  # b took the slot: a is decoded anew, never answered with b's event
    assert a2 is not None and a2 is not ea and a2.object["metadata"]["name"] == "xa"
    b2 = decode_shared(b)
    assert b2 is not None and b2.object["metadata"]["name"] == "xb"


class Chunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for c in self.chunks:
            yield c


async def watch_events(chunks: list[bytes], shared: bool = False) -> list[watch.WatchEvent]:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, stream=Chunks(chunks)))
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
        async with WatchStream(http, http.build_request("GET", "/pods"), shared=shared) as stream:
            return [ev async for ev in stream]


async def events_of(chunks: list[bytes]) -> list[tuple[str, str]]:
    return [(ev.type, ev.object["metadata"]["name"]) for ev in await watch_events(chunks)]


async def test_lines_cut_across_chunks_and_a_last_line_without_newline() -> None:
    body = line("ADDED", "a") + line("MODIFIED", "b") + line("DELETED", "c")[:-1]
    cuts = [body[:7], body[7:40], body[40:41], body[41:]]
    assert await events_of(cuts) == [("ADDED", "a"), ("MODIFIED", "b"), ("DELETED", "c")]
    assert await events_of([body[:-5]]) == [("ADDED", "a"), ("MODIFIED", "b")]  # torn at the end


async def test_in_process_watchers_share_objects_lone_ones_do_not() -> None:
    body = line("ADDED", "s1") + line("MODIFIED", "s1", rv="2")
    a, b = await watch_events([body], shared=True), await watch_events([body[:9], body[9:]], shared=True)
    assert [x.object for x in a] == [y.object for y in b]
    assert all(x.object is y.object for x, y in zip(a, b, strict=True))
    c = await watch_events([body])
    assert [x.object for x in c] == [x.object for x in a] and c[0].object is not a[0].object


async def test_a_whole_chunk_seen_by_another_watcher_is_not_split_again(monkeypatch) -> None:
    monkeypatch.setattr(watch, "_chunks", watch._Recent())
    body = line("ADDED", "c1") + line("MODIFIED", "c1", rv="2") + b"\n"  # a blank line too
    looked_up: list[bytes] = []

    def counting(raw: bytes) -> watch.WatchEvent | None:
        looked_up.append(raw)
        return decode_shared(raw)

    monkeypatch.setitem(watch.DECODERS, (True, False), counting)
    first = await watch_events([body], shared=True)
    assert len(looked_up) == 3
    again = await watch_events([bytes(bytearray(body))], shared=True)  # equal bytes, another object
    assert len(looked_up) == 3  # not split, no line looked up
    assert [(e.type, e.resource_version) for e in again] == [("ADDED", "1"), ("MODIFIED", "2")]
    assert all(x is y for x, y in zip(first, again, strict=True))
    cut = await watch_events([body[:9], body[9:]], shared=True)  # cut elsewhere: the line memo serves
    assert len(looked_up) == 6 and all(x is y for x, y in zip(first, cut, strict=True))


async def test_a_chunk_ending_in_an_error_yields_its_events_then_raises_every_time(monkeypatch) -> None:
    monkeypatch.setattr(watch, "_chunks", watch._Recent())
    status = {"kind": "Status", "code": 410, "reason": "Expired", "message": "too old"}
    body = line("ADDED", "e1") + orjson.dumps({"type": "ERROR", "object": status}) + b"\n"
    for _ in range(2):  # never remembered: the second watcher gets the error too
        seen: list[str] = []
        transport = httpx.MockTransport(lambda r: httpx.Response(200, stream=Chunks([body])))
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
            async with WatchStream(http, http.build_request("GET", "/pods"), shared=True) as stream:
                with pytest.raises(ApiError) as e:
                    async for ev in stream:
                        seen.append(ev.object["metadata"]["name"])
        assert seen == ["e1"] and e.value.code == 410


async def watch_batches(
    chunks: list[bytes], shared: bool = False
) -> tuple[list[list[str]], Exception | None]:
    """The names of each batch, and what ended the stream."""
    transport = httpx.MockTransport(lambda r: httpx.Response(200, stream=Chunks(chunks)))
    out: list[list[str]] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
        async with WatchStream(http, http.build_request("GET", "/pods"), shared=shared) as stream:
            try:
                async for batch in stream.batches():
                    out.append([ev.object["metadata"]["name"] for ev in batch])
            except ApiError as e:
                return out, e
    return out, None


@pytest.mark.parametrize("shared", [False, True])
async def test_batches_hold_each_chunks_events_in_order(monkeypatch, shared: bool) -> None:
    monkeypatch.setattr(watch, "_chunks", watch._Recent())
    body = line("ADDED", "b1") + line("MODIFIED", "b2") + line("DELETED", "b3")
    cut = len(line("ADDED", "b1")) + 5
    assert await watch_batches([body], shared) == ([["b1", "b2", "b3"]], None)
    # a line cut across chunks joins the batch of the chunk that completes it; no empty batch
    parts = [body[:cut], body[cut : cut + 3], body[cut + 3 :]]
    assert await watch_batches(parts, shared) == ([["b1"], ["b2", "b3"]], None)
    assert await watch_batches([body[:-1]], shared) == ([["b1", "b2"], ["b3"]], None)  # no last newline


@pytest.mark.parametrize("shared", [False, True])
async def test_batches_before_an_error_are_handed_out_then_it_raises(monkeypatch, shared: bool) -> None:
    monkeypatch.setattr(watch, "_chunks", watch._Recent())
    status = {"kind": "Status", "code": 410, "reason": "Expired", "message": "too old"}
    error = orjson.dumps({"type": "ERROR", "object": status}) + b"\n"
    body = line("ADDED", "e1") + line("ADDED", "e2") + error + line("ADDED", "e3")
    got, e = await watch_batches([body], shared)
    assert got == [["e1", "e2"]] and isinstance(e, ApiError) and e.code == 410
    got, e = await watch_batches([line("ADDED", "e1")[:-3], line("ADDED", "e1")[-3:] + error], shared)
    assert got == [["e1"]] and isinstance(e, ApiError)
    got, e = await watch_batches([error], shared)
    assert got == [] and isinstance(e, ApiError)
