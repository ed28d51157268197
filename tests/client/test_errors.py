"""ApiError from a Status body, or made from a bare HTTP answer as client-go does (pure)."""

from __future__ import annotations

from kubepy.client import errors
from kubepy.client.errors import from_response


def test_a_status_body_is_kept_whole() -> None:
    body = {
        "kind": "Status",
        "status": "Failure",
        "reason": "Expired",
        "message": "too old",
        "details": {"retryAfterSeconds": 2},
    }
    e = from_response(410, body)
    assert (e.code, e.reason, e.message, e.retry_after) == (410, "Expired", "too old", 2.0)
    assert errors.is_expired(e) and not errors.is_not_found(e)


def test_bare_answers_get_client_go_reasons() -> None:
    assert from_response(404, None, "<html>").reason == "NotFound"
    assert errors.is_already_exists(from_response(409, None, "", "POST"))
    assert errors.is_conflict(from_response(409, None, "", "PUT"))
    forbidden = from_response(403, None, "no access for you\n")
    assert (forbidden.reason, forbidden.message) == ("Forbidden", "no access for you")
    bad_gateway = from_response(502, None, "upstream died")
    assert bad_gateway.reason == "InternalError" and "upstream died" in bad_gateway.message
    odd = from_response(418, None, "")
    assert odd.reason == "Unknown" and "418" in odd.message
    assert errors.is_too_many_requests(from_response(429, None))
    assert errors.is_expired(from_response(410, None))  # by code, whatever the body


def test_predicates_ignore_other_exceptions() -> None:
    assert not errors.is_not_found(KeyError("x"))
    assert not errors.is_expired(RuntimeError("410"))
