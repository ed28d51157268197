"""The Status errors a PATCH can end in, with the codes k8s.io/apiserver's patch handler picks.

handlers/patch.go decides: an undecodable patch document is 400 BadRequest; a JSON patch that
decodes but cannot be applied is 422 Invalid with a generic message (evanphx's own text never
reaches the client, so we keep it in `cause` for logs and tests); strategic merge patch format
errors are 400, "lists of lists" is 422, and every other merge failure is a plain Go error that
the apiserver turns into a 500 with an empty reason and the error text as message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubepy.api.errors import StatusError
from kubepy.apiserver.patch.golang import go_fmt, go_type

GENERIC_422 = "the server rejected our request due to an error in our request"
MAX_JSON_PATCH_OPERATIONS = 10000


@dataclass
class PatchError(StatusError):
    """A StatusError that may carry the library-level error text hidden behind a generic message."""

    cause: str = ""


def bad_request(message: str) -> PatchError:
    return PatchError(400, "BadRequest", message)


def unprocessable(cause: str) -> PatchError:
    """NewGenericServerResponse(422, ...): reason Invalid, generic message, empty details."""
    return PatchError(422, "Invalid", GENERIC_422, {}, cause=cause)


def failure(message: str) -> PatchError:
    """A non-Status Go error reaching the response writer: 500, no reason, its text as message."""
    return PatchError(500, "", message, cause=message)


def too_many_operations(count: int) -> PatchError:
    return PatchError(
        413,
        "RequestEntityTooLarge",
        "Request entity too large: The allowed maximum operations in a JSON patch is "
        f"{MAX_JSON_PATCH_OPERATIONS}, got {count}",
    )


# ---- k8s.io/apimachinery/pkg/util/mergepatch error texts -----------------------------------
ERR_BAD_JSON_DOC = "invalid JSON document"
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"
ERR_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"


def no_merge_key(m: dict[str, Any], key: str) -> PatchError:
    return failure(f"map: {go_fmt(m)} does not contain declared merge key: {key}")


def bad_arg_type(expected: str, actual: Any) -> PatchError:
    """mergepatch.ErrBadArgType; `expected` is the Go type name, e.g. "[]interface {}"."""
    return failure(f"expected a {expected}, but received a {go_type(actual)}")


def bad_patch_type(directive: Any, m: dict[str, Any]) -> PatchError:
    return failure(f"unknown patch type: {go_fmt(directive, 's')} in map: {go_fmt(m)}")
