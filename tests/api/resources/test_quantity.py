"""Quantity parsing and printing against Kubernetes' own results (resource.Quantity)."""

from fractions import Fraction

import pytest

from kubepy.api import quantity as q


@pytest.mark.parametrize(
    ("text", "canonical", "value"),
    [
        ("0.5", "500m", Fraction(1, 2)),
        (0.5, "500m", Fraction(1, 2)),
        (1, "1", 1),
        ("1.5Gi", "1536Mi", 1536 * 2**20),
        ("128Mi", "128Mi", 128 * 2**20),
        ("1024Ki", "1Mi", 2**20),
        ("0.5Ki", "512", 512),
        ("1000", "1k", 1000),
        ("12000", "12k", 12000),
        ("100m", "100m", Fraction(1, 10)),
        ("0.1", "100m", Fraction(1, 10)),
        ("1.5", "1500m", Fraction(3, 2)),
        ("1.0", "1", 1),
        ("1e3", "1e3", 1000),
        ("1e-3", "1e-3", Fraction(1, 1000)),
        ("1.5n", "2n", Fraction(2, 10**9)),
        ("250m", "250m", Fraction(1, 4)),
        ("2", "2", 2),
        ("1G", "1G", 10**9),
        ("-3Ki", "-3Ki", -3072),
        ("0Ki", "0", 0),
        ("8Ei", "9223372036854775807", 2**63 - 1),
        (" 1 ", "1", 1),
        ("+1", "+1", 1),  # already canonical spelling is kept verbatim, as Go does
    ],
)
def test_parse_and_canonical(text, canonical, value):
    assert q.canonical(text) == canonical
    assert q.parse_quantity(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", q.ERR_FORMAT),
        ("", q.ERR_FORMAT),
        ("1.2.3", q.ERR_FORMAT),
        ("1i", "unable to parse quantity's suffix"),
        ("1e", "unable to parse quantity's suffix"),
        ("1Ke3", "unable to parse quantity's suffix"),
        (True, q.ERR_FORMAT),
    ],
)
def test_errors(text, message):
    with pytest.raises(ValueError) as e:
        q.parse_quantity(text)
    assert str(e.value) == message


def test_error_message_is_kubernetes_text():
    assert q.ERR_FORMAT == (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


def test_compare_and_scaled_values():
    assert q.compare("500m", "0.5") == 0
    assert q.compare("600m", "500m") == 1
    assert q.compare("1Gi", "1G") == 1
    assert q.milli_value("0.5") == 500
    assert q.milli_value("1.5n") == 1
    assert q.value("1.5") == 2
    assert q.format_quantity(Fraction(1, 2)) == "500m"
    assert q.format_quantity(Fraction(3 * 2**30), q.BINARY_SI) == "3Gi"
    assert q.is_valid("1Mi") and not q.is_valid("1Q")
