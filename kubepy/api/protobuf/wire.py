"""Protocol Buffers wire primitives: varints, tags, length-delimited fields, fixed64, zigzag.

Kubernetes' generated.proto files are proto2 compiled by gogo; they use only wire types 0 (varint),
1 (fixed64, for doubles) and 2 (length-delimited). No field is `sint*`, so zigzag is here for
completeness of the wire language, not because any Kubernetes message needs it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

VARINT = 0
FIXED64 = 1
LEN = 2
FIXED32 = 5

_MASK64 = (1 << 64) - 1


class WireError(ValueError):
    """Malformed protobuf bytes (truncated varint or field, unknown wire type)."""


def encode_varint(value: int) -> bytes:
    """Base-128 varint; negative numbers are their 64-bit two's complement (10 bytes), as Go's
    `encodeVarintGenerated(uint64(v))` writes int32 and int64 fields."""
    v = value & _MASK64
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def decode_varint(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    """The unsigned varint at `pos` and the position after it."""
    result = 0
    shift = 0
    end = len(data)
    while True:
        if pos >= end:
            raise WireError("unexpected EOF inside a varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result & _MASK64, pos
        shift += 7
        if shift >= 70:
            raise WireError("varint overflows 64 bits")


def to_signed(value: int, bits: int = 64) -> int:
    """Reinterpret an unsigned varint as a two's complement int of `bits` bits (int32 truncates
    to its low 32 bits, as Go's `int32(uint64)` conversion does)."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def zigzag_encode(value: int) -> int:
    """sint64 mapping: 0→0, -1→1, 1→2, -2→3..."""
    return ((value << 1) ^ (value >> 63)) & _MASK64


def zigzag_decode(value: int) -> int:
    return (value >> 1) ^ -(value & 1)


def tag(field: int, wire_type: int) -> bytes:
    return encode_varint((field << 3) | wire_type)


def varint_field(field: int, value: int) -> bytes:
    return tag(field, VARINT) + encode_varint(value)


def bytes_field(field: int, payload: bytes) -> bytes:
    return tag(field, LEN) + encode_varint(len(payload)) + payload


def double_field(field: int, value: float) -> bytes:
    return tag(field, FIXED64) + struct.pack("<d", value)


def unpack_double(raw: int) -> float:
    """A fixed64 field's integer as the IEEE 754 double it carries."""
    return struct.unpack("<d", raw.to_bytes(8, "little"))[0]


def iter_fields(data: bytes | memoryview) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) for each field in order: varints and fixed numbers as
    ints, length-delimited payloads as bytes. Deprecated groups are refused."""
    pos = 0
    end = len(data)
    while pos < end:
        key, pos = decode_varint(data, pos)
        field, wt = key >> 3, key & 7
        if field == 0:
            raise WireError("field number 0 is invalid")
        if wt == VARINT:
            value, pos = decode_varint(data, pos)
            yield field, wt, value
        elif wt == LEN:
            n, pos = decode_varint(data, pos)
            if pos + n > end:
                raise WireError(f"field {field}: length {n} runs past the end of the message")
            yield field, wt, bytes(data[pos : pos + n])
            pos += n
        elif wt in (FIXED64, FIXED32):
            size = 8 if wt == FIXED64 else 4
            if pos + size > end:
                raise WireError(f"field {field}: truncated fixed{size * 8}")
            yield field, wt, int.from_bytes(data[pos : pos + size], "little")
            pos += size
        else:
            raise WireError(f"field {field}: unsupported wire type {wt}")
