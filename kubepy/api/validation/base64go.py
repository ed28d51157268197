"""Where Go's base64.StdEncoding.Decode fails, so decode errors read as Kubernetes' do.

Secret data and ConfigMap binaryData are []byte in Go; the JSON decoder reports
"illegal base64 data at input byte N" for the first bad byte (line breaks are skipped).
"""

from __future__ import annotations

import base64

_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_NEWLINES = (0x0A, 0x0D)
_PAD = 0x3D


def _quantum(src: bytes, si: int) -> tuple[int, int | None, bool]:
    """decodeQuantum: (next index, error offset or None, finished)."""
    j = 0
    while j < 4:
        if si == len(src):
            if j == 0:
                return si, None, True
            return si, si - j, True  # padding is required by StdEncoding
        c = src[si]
        si += 1
        if c in _ALPHABET:
            j += 1
            continue
        if c in _NEWLINES:
            continue
        if c != _PAD or j < 2:
            return si, si - 1, True
        if j == 2:
            while si < len(src) and src[si] in _NEWLINES:
                si += 1
            if si == len(src):
                return si, len(src), True
            if src[si] != _PAD:
                return si, si - 1, True
            si += 1
        while si < len(src) and src[si] in _NEWLINES:
            si += 1
        return si, (si if si < len(src) else None), True
    return si, None, False


def base64_error_offset(text: str) -> int | None:
    """The byte offset Go reports for `text`, or None when it decodes."""
    src = text.encode()
    si = 0
    while si < len(src):
        si, err, done = _quantum(src, si)
        if err is not None:
            return err
        if done:
            break
    return None


def base64_error(text: str) -> str | None:
    off = base64_error_offset(text)
    return None if off is None else f"illegal base64 data at input byte {off}"


def decoded_len(text: str) -> int:
    """Length in bytes of valid base64 `text`."""
    return len(base64.b64decode("".join(text.split()), validate=False))
