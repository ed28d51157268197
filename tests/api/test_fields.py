"""Field selectors: fields.ParseSelector grammar, escaping, matching and the supported-field check."""

from __future__ import annotations

import pytest

from kubepy.api import fields
from kubepy.api.fields import FieldRequirement as R


@pytest.mark.parametrize(
    ("text", "reqs", "string"),
    [
        ("", [], ""),
        (",", [], ""),
        ("metadata.name=foo", [R("metadata.name", "=", "foo")], "metadata.name=foo"),
        ("metadata.name==foo", [R("metadata.name", "=", "foo")], "metadata.name=foo"),
        ("metadata.name!=foo", [R("metadata.name", "!=", "foo")], "metadata.name!=foo"),
        ("x=a,b=c", [R("b", "=", "c"), R("x", "=", "a")], "b=c,x=a"),
        ("x=a,,b=c", [R("b", "=", "c"), R("x", "=", "a")], "b=c,x=a"),
        ("x=", [R("x", "=", "")], "x="),
        ("x!=", [R("x", "!=", "")], "x!="),
        (" x = a ", [R(" x ", "=", " a ")], " x = a "),
        (r"x=a\,", [R("x", "=", "a,")], r"x=a\,"),
        (r"x=a\,b", [R("x", "=", "a,b")], r"x=a\,b"),
        (r"x=a\=b", [R("x", "=", "a=b")], r"x=a\=b"),
        (r"x=a\\b", [R("x", "=", "a\\b")], r"x=a\\b"),
        (r"x=a\\,y=b", [R("x", "=", "a\\"), R("y", "=", "b")], r"x=a\\,y=b"),
        (r"x=\\\,\=", [R("x", "=", "\\,=")], r"x=\\\,\="),
        ("a!b=c", [R("a!b", "=", "c")], "a!b=c"),
        ("a=!b", [R("a", "=", "!b")], "a=!b"),
        ("=", [], ""),
        ("=x", [R("", "=", "x")], "=x"),
        ("spec.nodeName=é", [R("spec.nodeName", "=", "é")], "spec.nodeName=é"),
    ],
)
def test_parse(text: str, reqs: list, string: str) -> None:
    sel = fields.parse_field_selector(text)
    assert list(sel) == reqs
    assert sel.requirements == tuple(reqs)
    assert str(sel) == string
    assert sel.empty is (not reqs)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo", "invalid selector: 'foo'; can't understand 'foo'"),
        ("b=c,foo,a=b", "invalid selector: 'b=c,foo,a=b'; can't understand 'foo'"),
        ("z,a", "invalid selector: 'z,a'; can't understand 'a'"),
        ("x<1", "invalid selector: 'x<1'; can't understand 'x<1'"),
        ("x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"),
        ("x=a=b", "invalid field selector: unescaped character in value: 61"),
        ("x!==a", "invalid field selector: unescaped character in value: 61"),
        ("x===a", "invalid field selector: unescaped character in value: 61"),
        (r"x=a\b", "invalid field selector: invalid escape sequence: \\b"),
        ("x=a\\", "invalid field selector: invalid escape sequence: \\"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(fields.FieldSelectorError) as exc:
        fields.parse_field_selector(text)
    assert str(exc.value) == message


def test_escape_and_unescape_round_trip() -> None:
    for value in ["", "plain", "a,b", "a=b", "a\\b", "\\,=\\\\", "x\\=y,z"]:
        escaped = fields.escape_value(value)
        assert fields.unescape_value(escaped) == value
        assert fields.parse_field_selector(f"f={escaped}").requirements == (R("f", "=", value),)


@pytest.mark.parametrize(
    ("text", "fieldset", "want"),
    [
        ("", {"metadata.name": "a"}, True),
        ("metadata.name=a", {"metadata.name": "a"}, True),
        ("metadata.name=a", {"metadata.name": "b"}, False),
        ("metadata.name!=a", {"metadata.name": "b"}, True),
        ("metadata.name!=a", {"metadata.name": "a"}, False),
        ("spec.nodeName=", {"metadata.name": "a"}, True),
        ("spec.nodeName=", {"spec.nodeName": "n1"}, False),
        ("spec.nodeName!=", {"spec.nodeName": "n1"}, True),
        ("spec.nodeName!=", {}, False),
        ("status.phase=Running,spec.nodeName=n1", {"status.phase": "Running", "spec.nodeName": "n1"}, True),
        ("status.phase=Running,spec.nodeName=n1", {"status.phase": "Pending", "spec.nodeName": "n1"}, False),
        (r"metadata.name=a\,b", {"metadata.name": "a,b"}, True),
    ],
)
def test_matches(text: str, fieldset: dict, want: bool) -> None:
    sel = fields.parse_field_selector(text)
    assert sel.matches(fieldset) is want
    assert fields.matches(sel, fieldset) is want
    assert fields.matches(list(sel.requirements), fieldset) is want


def test_requires_exact_match() -> None:
    sel = fields.parse_field_selector("metadata.name=foo,metadata.namespace!=bar")
    assert sel.requires_exact_match("metadata.name") == "foo"
    assert sel.requires_exact_match("metadata.namespace") is None
    assert fields.one_term_equal("metadata.name", "x,y").requires_exact_match("metadata.name") == "x,y"
    assert str(fields.one_term_equal("metadata.name", "x,y")) == r"metadata.name=x\,y"
    assert fields.everything().empty and fields.everything().matches({})


def test_unsupported_field_label() -> None:
    supported = {"metadata.name", "metadata.namespace", "spec.nodeName"}
    sel = fields.parse_field_selector("spec.nodeName=n1,metadata.name=a")
    assert fields.check_supported(sel, supported) == sel
    with pytest.raises(fields.FieldSelectorError, match=r"^field label not supported: spec.foo$"):
        fields.check_supported(fields.parse_field_selector("spec.foo=1,metadata.name=a"), supported)
    # terms are checked in their sorted order, as Kubernetes transforms them
    with pytest.raises(fields.FieldSelectorError, match=r"^field label not supported: a.b$"):
        fields.parse_field_selector("z.z=1,a.b=2", transform=fields.supported_fields(supported))
    assert fields.field_label_not_supported("x") == "field label not supported: x"


def test_transform() -> None:
    def rename(field: str, value: str) -> tuple[str, str]:
        if field == "drop":
            return "", ""
        return field.replace("spec.host", "spec.nodeName"), value

    sel = fields.parse_field_selector("spec.host=n1,drop=x", transform=rename)
    assert sel.requirements == (R("spec.nodeName", "=", "n1"),)
    assert str(sel) == "spec.nodeName=n1"
