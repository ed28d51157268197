"""The load benchmark's own logic: which parts run, and how watch stamps are read off the wire."""

from __future__ import annotations

import argparse
import random

import pytest

from benchmarks.load.run import PARTS, WatchClient, parse_only


def test_only_selects_parts_and_refuses_unknown_ones() -> None:
    assert parse_only(None) == frozenset(PARTS)
    assert parse_only("list, watch") == {"list", "watch"}
    with pytest.raises(argparse.ArgumentTypeError, match="lsit"):
        parse_only("lsit")


class FakeTransport:
    def __init__(self) -> None:
        self.closed = False

    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        self.closed = True


async def test_watch_client_reads_every_stamp_however_the_stream_is_cut() -> None:
    head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    events = b"".join(
        b'{"type":"ADDED","object":{"metadata":{"annotations":{"bench/t":"%d.5"}}}}\n' % i for i in range(300)
    )
    wire = head + events
    rng = random.Random(7)
    for _ in range(50):
        lat: list[float] = []
        c = WatchClient("/p", 300, lat)
        c.connection_made(FakeTransport())  # type: ignore[arg-type]
        pos = 0
        while pos < len(wire):
            n = rng.randint(1, 200)
            c.data_received(wire[pos : pos + n])
            pos += n
        assert c.ready.done() and c.done.result() == 300
        assert len(lat) == 300
        # receive time minus stamp, so later stamps give smaller latencies, in order
        assert all(a > b for a, b in zip(lat, lat[1:], strict=False))


async def test_watch_client_fails_a_refused_watch() -> None:
    c = WatchClient("/p", 1, [])
    c.connection_made(FakeTransport())  # type: ignore[arg-type]
    c.data_received(b"HTTP/1.1 410 Gone\r\ncontent-length: 0\r\n\r\n")
    with pytest.raises(RuntimeError, match="refused"):
        await c.ready
    with pytest.raises(RuntimeError):
        await c.done
