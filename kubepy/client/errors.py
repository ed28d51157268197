"""ApiError: a failed request as the `Status` the apiserver sent (or one made up from the code).

Callers branch on the reason, as client-go's `apierrors.IsNotFound` & co. do, never on messages.
"""

from __future__ import annotations

from typing import Any

#: (reason, message) client-go gives a failure whose body is not a Status (NewGenericServerResponse);
#: None as the message keeps the server's own text.
_GENERIC: dict[int, tuple[str, str | None]] = {
    409: ("Conflict", "the server reported a conflict"),
    404: ("NotFound", "the server could not find the requested resource"),
    400: ("BadRequest", "the server rejected our request for an unknown reason"),
    401: ("Unauthorized", "the server has asked for the client to provide credentials"),
    403: ("Forbidden", None),
    405: ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
    422: ("Invalid", "the server rejected our request due to an error in our request"),
    504: (
        "Timeout",
        "the server was unable to return a response in the time allotted, but may still be processing the request",
    ),
    429: ("TooManyRequests", "the server has received too many requests and has asked us to try again later"),
}


class ApiError(Exception):
    """The apiserver answered with a failure Status (HTTP error or a watch ERROR event)."""

    def __init__(self, status: dict[str, Any]) -> None:
        self.status = status
        super().__init__(f"{self.code} {self.reason}: {self.message}")

    @property
    def code(self) -> int:
        return int(self.status.get("code") or 0)

    @property
    def reason(self) -> str:
        return self.status.get("reason") or ""

    @property
    def message(self) -> str:
        return self.status.get("message") or ""

    @property
    def details(self) -> dict[str, Any]:
        return self.status.get("details") or {}

    @property
    def retry_after(self) -> float | None:
        s = self.details.get("retryAfterSeconds")
        return float(s) if s else None


def from_response(code: int, body: Any, text: str = "", method: str = "") -> ApiError:
    """The Status in `body` when it is one; otherwise one made from the code as client-go does
    (a proxy or load balancer in between may answer with plain text)."""
    if isinstance(body, dict) and body.get("kind") == "Status":
        status = dict(body)
        status.setdefault("code", code)
        return ApiError(status)
    text = text.strip()
    reason, message = _GENERIC.get(code, ("Unknown", ""))
    if code == 409 and method == "POST":
        reason = "AlreadyExists"
    if message is None:
        message = text
    elif not message:
        if code >= 500:
            reason, message = (
                "InternalError",
                f"an error on the server ({text!r}) has prevented the request from succeeding",
            )
        else:
            message = f"the server responded with the status code {code} but did not return more information"
    return ApiError(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "status": "Failure",
            "code": code,
            "reason": reason,
            "message": message,
        }
    )


def _reason(err: BaseException) -> str:
    return err.reason if isinstance(err, ApiError) else ""


def is_not_found(err: BaseException) -> bool:
    return _reason(err) == "NotFound"


def is_already_exists(err: BaseException) -> bool:
    return _reason(err) == "AlreadyExists"


def is_conflict(err: BaseException) -> bool:
    return _reason(err) == "Conflict"


def is_invalid(err: BaseException) -> bool:
    return _reason(err) == "Invalid"


def is_expired(err: BaseException) -> bool:
    """410: the revision asked for is older than the server keeps (relist from scratch)."""
    return isinstance(err, ApiError) and (err.code == 410 or err.reason in ("Expired", "Gone"))


def is_too_many_requests(err: BaseException) -> bool:
    return isinstance(err, ApiError) and err.code == 429
