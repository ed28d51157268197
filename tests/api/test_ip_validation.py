"""IP checks (api/validation/ip.py): Kubernetes' sloppy IPv4 parsing and IsValidIP, checked
against a plain restatement of ParseIPSloppy's rules."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kubepy.api.validation import ip


def reference_v4(value: str) -> str | None:
    """ParseIPSloppy for IPv4: four decimal octets of 1-3 ASCII digits each (leading zeros
    allowed), each at most 255; the canonical spelling."""
    parts = value.split(".")
    if len(parts) != 4:
        return None
    for p in parts:
        if not (1 <= len(p) <= 3) or any(ch not in "0123456789" for ch in p):
            return None
    if any(int(p) > 255 for p in parts):
        return None
    return ".".join(str(int(p)) for p in parts)


_TEXT = st.text(alphabet="0123456789.:%abf\u0661\u00b2 \n", max_size=20)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
@example("010.001.0.255")
@example("1.2.3.256")
@example("1.2.3.4\n")
@example("\u0661.2.3.4")
@example("1.2.3.\u00b2")
@example("0001.2.3.4")
@example("::ffff:010.1.1.1")
@example("fe80::1%eth0")
def test_sloppy_v4_and_validate_ip_follow_parse_ip_sloppy(value: str) -> None:
    assert ip._sloppy_v4(value) == reference_v4(value)
    parsed = ip.parse_ip(value)
    assert (ip.validate_ip("f", value) == []) == (parsed is not None)
    if ":" not in value and parsed is not None:
        assert parsed == ipaddress.IPv4Address(reference_v4(value))


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("10.244.1.7", True),
        ("010.1.1.1", True),
        ("1.2.3", False),
        ("", False),
        ("2001:db8::1", True),
        ("::ffff:1.2.3.4", True),
        ("fe80::1%eth0", False),
        (None, False),
        (7, False),
    ],
)
def test_validate_ip_table(value: object, valid: bool) -> None:
    errs = ip.validate_ip("status.podIPs[0].ip", value)
    assert (errs == []) == valid
    if not valid:
        assert errs[0].detail == ip.IP_MSG and errs[0].field == "status.podIPs[0].ip"
