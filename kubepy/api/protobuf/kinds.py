"""Which message an envelope's (apiVersion, kind) names, and whole objects in and out of envelopes.

Kinds come from the declarations' `gvk`; `<Kind>List` is derived from `<Kind>`. Option and status
kinds of meta/v1 (Status, DeleteOptions...) are registered in every group version in Kubernetes,
so they are found by kind whatever apiVersion the envelope carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubepy.api.protobuf import codec, envelope
from kubepy.api.schema import Struct


class Kinds:
    """An index of top-level message types by apiVersion and kind."""

    def __init__(self, structs: Iterable[Struct], any_version: Iterable[Struct] = ()) -> None:
        self._exact: dict[tuple[str, str], Struct] = {}
        for s in structs:
            if s.gvk is not None:
                group, version, kind = s.gvk
                self._exact.setdefault((f"{group}/{version}" if group else version, kind), s)
        self._by_kind = {s.name.rsplit(".", 1)[-1]: s for s in any_version}

    def lookup(self, api_version: str, kind: str) -> Struct | None:
        s = self._exact.get((api_version, kind)) or self._by_kind.get(kind)
        if s is None and kind.endswith("List"):
            item = self._exact.get((api_version, kind[:-4]))
            if item is not None:
                s = codec.list_struct(item)
        return s

    def encode(self, obj: dict[str, Any]) -> bytes:
        """`obj` (with apiVersion and kind) as an enveloped protobuf body."""
        api_version, kind = obj.get("apiVersion") or "", obj.get("kind") or ""
        s = self.lookup(api_version, kind)
        if s is None:
            raise codec.ProtobufError(f"no protobuf message for {kind} in {api_version or 'no version'}")
        return envelope.wrap(api_version, kind, codec.encode_message(s, obj))

    def decode(self, data: bytes) -> dict[str, Any]:
        """An enveloped protobuf body as the dict its JSON form would give, apiVersion/kind first."""
        unk = envelope.unwrap(data)
        if unk.content_encoding:
            raise codec.ProtobufError(f"unsupported content encoding {unk.content_encoding!r}")
        s = self.lookup(unk.api_version, unk.kind)
        if s is None:
            raise codec.ProtobufError(f"no kind {unk.kind!r} is registered for version {unk.api_version!r}")
        out: dict[str, Any] = {"apiVersion": unk.api_version, "kind": unk.kind} if unk.kind else {}
        out.update(codec.decode_message(s, unk.raw))
        return out
