"""Decoding a PATCH body before any patch type looks at it.

The apiserver checks that JSON, merge and strategic patch bodies are valid JSON before auditing
them and answers 400 "invalid JSON patch" otherwise, whatever the patch type.
"""

from __future__ import annotations

from typing import Any

import orjson

from kubepy.apiserver.patch.errors import bad_request


def decode_patch_body(body: bytes) -> Any:
    """The JSON value of a json/merge/strategic patch body; 400 when it is not JSON."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise bad_request("invalid JSON patch") from None
