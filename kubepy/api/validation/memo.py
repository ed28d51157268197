"""Remembering what passed validation: one controller's pods, a pod's own status writes and its
relabelings all carry the same spec, so a pure validator runs once per distinct value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubepy.api.errors import FieldError
from kubepy.api.jsonkey import json_key

Validator = Callable[[Any, str], list[FieldError]]


def remember_valid(validate: Validator, size: int = 256) -> Validator:
    """`validate(value, path)`, skipped for a (value, path) it found no error in before.

    `validate` must depend on nothing but its arguments and not change them. The key is the
    value's JSON (type and key order included, so equal keys mean equal values); only clean
    results are kept, so every error is still built fresh. Oldest entries go first past `size`."""
    clean: dict[tuple[str, bytes], None] = {}

    def run(value: Any, path: str) -> list[FieldError]:
        raw = json_key(value)
        if raw is None:
            return validate(value, path)
        key = (path, raw)
        if key in clean:
            return []
        errs = validate(value, path)
        if not errs:
            if len(clean) >= size:
                del clean[next(iter(clean))]
            clean[key] = None
        return errs

    return run


UpdateValidator = Callable[[Any, Any, str], list[FieldError]]


def remember_valid_update(validate: UpdateValidator, size: int = 2048) -> UpdateValidator:
    """`validate(new, old, path)`, skipped for a (new, old, path) it found no error in before: a
    status write or a relabeling brings back the spec it read, so most updates ask about one pair
    of equal specs again and again. Same contract as remember_valid."""
    clean: dict[tuple[str, bytes, bytes], None] = {}

    def run(new: Any, old: Any, path: str) -> list[FieldError]:
        raw_new = json_key(new)
        raw_old = json_key(old) if raw_new is not None else None
        if raw_new is None or raw_old is None:
            return validate(new, old, path)
        key = (path, raw_new, raw_old)
        if key in clean:
            return []
        errs = validate(new, old, path)
        if not errs:
            if len(clean) >= size:
                del clean[next(iter(clean))]
            clean[key] = None
        return errs

    return run
