"""Remembering what passed validation: one controller's pods, a pod's own status writes and its
relabelings all carry the same spec, so a pure validator runs once per distinct value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubepy.api.errors import FieldError
from kubepy.api.jsonkey import json_key
from kubepy.util.fifo import put_bounded

Validator = Callable[[Any, str], list[FieldError]]


def _remember_clean(validate: Callable[..., list[FieldError]], size: int) -> Callable[..., list[FieldError]]:
    """`validate(*values, path)`, skipped for arguments it found no error in before; the key is
    the path and every value's JSON (type and key order included, so equal keys mean equal
    values). Only clean results are kept, so every error is still built fresh. Oldest entries go
    first past `size`."""
    clean: dict[tuple[Any, ...], None] = {}

    def run(*args: Any) -> list[FieldError]:
        *values, path = args
        raws = []
        for value in values:
            raw = json_key(value)
            if raw is None:
                return validate(*args)
            raws.append(raw)
        key = (path, *raws)
        if key in clean:
            return []
        errs = validate(*args)
        if not errs:
            put_bounded(clean, key, None, size)
        return errs

    return run


def remember_valid(validate: Validator, size: int = 256) -> Validator:
    """`validate(value, path)`, skipped for a (value, path) it found no error in before.
    `validate` must depend on nothing but its arguments and not change them."""
    return _remember_clean(validate, size)


UpdateValidator = Callable[[Any, Any, str], list[FieldError]]


def remember_valid_update(validate: UpdateValidator, size: int = 2048) -> UpdateValidator:
    """`validate(new, old, path)`, skipped for a (new, old, path) it found no error in before: a
    status write or a relabeling brings back the spec it read, so most updates ask about one pair
    of equal specs again and again. Same contract as remember_valid."""
    return _remember_clean(validate, size)
