"""Wire primitives against bytes worked out by hand from the protobuf encoding rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubepy.api.protobuf import wire


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00"),
        (1, b"\x01"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (300, b"\xac\x02"),  # the protobuf guide's own example
        (1767323045, b"\xa5\xeb\xdc\xca\x06"),  # 2026-01-02T03:04:05Z as seconds
        (-1, b"\xff" * 9 + b"\x01"),  # Go's uint64(int64(-1)): ten bytes
        (-2, b"\xfe" + b"\xff" * 8 + b"\x01"),
    ],
)
def test_varint_golden(value: int, encoded: bytes) -> None:
    assert wire.encode_varint(value) == encoded
    raw, end = wire.decode_varint(encoded, 0)
    assert end == len(encoded)
    assert wire.to_signed(raw) == value


def test_int32_negative_reads_back_through_low_bits() -> None:
    raw, _ = wire.decode_varint(wire.encode_varint(-5), 0)
    assert wire.to_signed(raw, 32) == -5
    assert wire.to_signed(raw) == -5


@pytest.mark.parametrize(("value", "zz"), [(0, 0), (-1, 1), (1, 2), (-2, 3), (2147483647, 4294967294)])
def test_zigzag(value: int, zz: int) -> None:
    assert wire.zigzag_encode(value) == zz
    assert wire.zigzag_decode(zz) == value


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_varint_round_trip(value: int) -> None:
    raw, _ = wire.decode_varint(wire.encode_varint(value), 0)
    assert wire.to_signed(raw) == value
    assert wire.zigzag_decode(wire.zigzag_encode(value)) == value


def test_field_builders() -> None:
    assert wire.tag(1, wire.LEN) == b"\x0a"
    assert wire.varint_field(6, 409) == b"\x30\x99\x03"
    assert wire.bytes_field(2, b"v1") == b"\x12\x02v1"
    assert wire.double_field(1, 1.0) == b"\x09" + b"\x00" * 6 + b"\xf0\x3f"


def test_iter_fields_reads_each_wire_type() -> None:
    data = wire.varint_field(1, 150) + wire.bytes_field(2, b"testing") + wire.double_field(3, 2.5)
    fields = list(wire.iter_fields(data))
    assert fields[0] == (1, wire.VARINT, 150)
    assert fields[1] == (2, wire.LEN, b"testing")
    num, wt, raw = fields[2]
    assert (num, wt, wire.unpack_double(raw)) == (3, wire.FIXED64, 2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [
        b"\x08",  # varint field without its value
        b"\x12\x05abc",  # length runs past the end
        b"\x08\xff\xff",  # truncated varint
        b"\x0b",  # wire type 3 (start group)
        b"\x00\x01",  # field number 0
        b"\x08" + b"\xff" * 11,  # longer than 64 bits
    ],
)
def test_malformed_bytes_are_refused(bad: bytes) -> None:
    with pytest.raises(wire.WireError):
        list(wire.iter_fields(bad))
