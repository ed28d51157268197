"""The envelope around every protobuf body: the magic "k8s\\x00" then a runtime.Unknown message.

runtime.Unknown is {typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4};
`raw` holds the object's own message, which does not repeat apiVersion and kind. Go writes
typeMeta, contentEncoding and contentType even when empty, so the bytes here match its bytes.
Watch streams frame each envelope with a 4-byte big-endian length (the length-delimited framer).
"""

from __future__ import annotations

from dataclasses import dataclass

from kubepy.api.protobuf import wire

MAGIC = b"k8s\x00"
CONTENT_TYPE = "application/vnd.kubernetes.protobuf"
WATCH_CONTENT_TYPE = CONTENT_TYPE + ";stream=watch"


@dataclass(frozen=True, slots=True)
class Unknown:
    api_version: str
    kind: str
    raw: bytes
    content_encoding: str = ""
    content_type: str = ""


def wrap(api_version: str, kind: str, raw: bytes) -> bytes:
    """MAGIC + runtime.Unknown carrying `raw` as an object of `kind` in `api_version`."""
    type_meta = wire.bytes_field(1, api_version.encode()) + wire.bytes_field(2, kind.encode())
    return (
        MAGIC
        + wire.bytes_field(1, type_meta)
        + wire.bytes_field(2, raw)
        + wire.bytes_field(3, b"")
        + wire.bytes_field(4, b"")
    )


def unwrap(data: bytes) -> Unknown:
    """The runtime.Unknown inside an enveloped body; WireError when it is not one."""
    if not data.startswith(MAGIC):
        raise wire.WireError(
            f"provided data does not appear to be a protobuf message, expected prefix {list(MAGIC)}"
        )
    api_version = kind = encoding = ctype = ""
    raw = b""
    for num, _, val in wire.iter_fields(memoryview(data)[len(MAGIC) :]):
        if not isinstance(val, bytes):
            continue
        if num == 1:
            for n, _, v in wire.iter_fields(val):
                if n == 1 and isinstance(v, bytes):
                    api_version = v.decode()
                elif n == 2 and isinstance(v, bytes):
                    kind = v.decode()
        elif num == 2:
            raw = val
        elif num == 3:
            encoding = val.decode()
        elif num == 4:
            ctype = val.decode()
    return Unknown(api_version, kind, raw, encoding, ctype)


def frame(envelope: bytes) -> bytes:
    """One watch frame: the envelope's length as 4 big-endian bytes, then the envelope."""
    return len(envelope).to_bytes(4, "big") + envelope
