"""The request body as the App reads it from ASGI messages: joined, bounded, 413 beyond the limit."""

from __future__ import annotations

import pytest

from kubepy.api.errors import StatusError
from kubepy.apiserver.app import _read_body


def _receiver(*messages: dict):
    queue = list(messages)

    async def receive() -> dict:
        return queue.pop(0)

    return receive


def _part(body: bytes, more: bool) -> dict:
    return {"type": "http.request", "body": body, "more_body": more}


async def test_one_message_is_the_body_as_bytes():
    assert await _read_body(_receiver(_part(b'{"a":1}', False)), {}, 100) == b'{"a":1}'
    got = await _read_body(_receiver(_part(bytearray(b"xy"), False)), {}, 100)
    assert got == b"xy" and type(got) is bytes


async def test_parts_are_joined_until_the_last():
    got = await _read_body(_receiver(_part(b"ab", True), _part(b"", True), _part(b"cd", False)), {}, 100)
    assert got == b"abcd"


async def test_a_client_gone_before_or_during_the_body():
    assert await _read_body(_receiver({"type": "http.disconnect"}), {}, 100) == b""
    got = await _read_body(_receiver(_part(b"ab", True), {"type": "http.disconnect"}), {}, 100)
    assert got == b"ab"


@pytest.mark.parametrize(
    ("headers", "messages"),
    [
        ({"content-length": "101"}, ()),  # refused before reading
        ({}, (_part(b"x" * 101, False),)),
        ({}, (_part(b"x" * 60, True), _part(b"x" * 41, False))),
        ({"content-length": "10"}, (_part(b"x" * 101, False),)),  # a length that lies
    ],
)
async def test_beyond_the_limit_is_413(headers, messages):
    with pytest.raises(StatusError) as info:
        await _read_body(_receiver(*messages), headers, 100)
    assert (info.value.code, info.value.reason) == (413, "RequestEntityTooLarge")
    assert info.value.message == "Request entity too large: limit is 100"


async def test_exactly_the_limit_passes():
    assert await _read_body(_receiver(_part(b"x" * 60, True), _part(b"x" * 40, False)), {}, 100) == b"x" * 100
