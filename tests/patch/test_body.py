"""Decoding a PATCH body and the Status bodies patch errors turn into."""

from __future__ import annotations

import pytest

from kubepy.api.errors import StatusError
from kubepy.apiserver.patch import PatchError, decode_patch_body
from kubepy.apiserver.patch.errors import failure


def test_json_bodies_decode() -> None:
    assert decode_patch_body(b'[{"op":"remove","path":"/a"}]') == [{"op": "remove", "path": "/a"}]
    assert decode_patch_body(b"null") is None


@pytest.mark.parametrize("body", [b"", b"{", b"spec: {}", b"{'a': 1}"])
def test_a_body_that_is_not_json_is_400(body: bytes) -> None:
    with pytest.raises(PatchError) as info:
        decode_patch_body(body)
    assert info.value.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "invalid JSON patch",
        "reason": "BadRequest",
        "code": 400,
    }


def test_merge_failures_are_500_without_a_reason() -> None:
    err = failure("map: map[] does not contain declared merge key: name")
    assert isinstance(err, StatusError)
    assert err.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "map: map[] does not contain declared merge key: name",
        "code": 500,
    }
