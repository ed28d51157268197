"""Warnings of the request being served, sent as `Warning: 299 - "..."` headers on its response,
error responses included (Kubernetes keeps a warning recorder in the request context)."""

from __future__ import annotations

from contextvars import ContextVar, Token

_current: ContextVar[list[str] | None] = ContextVar("kubepy_warnings", default=None)


def begin() -> Token[list[str] | None]:
    return _current.set([])


def add(message: str) -> None:
    bucket = _current.get()
    if bucket is not None and message not in bucket:
        bucket.append(message)


def take(token: Token[list[str] | None]) -> list[tuple[str, str]]:
    """The headers for what was recorded since `begin`, and the recorder reset."""
    bucket = _current.get()
    _current.reset(token)
    if not bucket:  # the usual request
        return []
    return [("Warning", header_value(m)) for m in bucket]


def header_value(message: str) -> str:
    quoted = message.replace("\\", "\\\\").replace('"', '\\"')
    return f'299 - "{quoted}"'
