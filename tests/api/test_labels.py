"""kubepy.api.labels: the public selector API with Kubernetes' validation bound in."""

from __future__ import annotations

import pytest

from kubepy.api import labels


def test_parse_selector_and_match() -> None:
    sel = labels.parse_selector("app=web, tier in (fe,be), !canary, rev>2")
    assert str(sel) == "app=web,!canary,rev>2,tier in (be,fe)"
    assert [(r.key, r.operator, r.values) for r in sel.requirements] == [
        ("app", "=", ("web",)),
        ("canary", "!", ()),
        ("rev", "gt", ("2",)),
        ("tier", "in", ("be", "fe")),
    ]
    assert sel.matches({"app": "web", "tier": "fe", "rev": "3"})
    assert not sel.matches({"app": "web", "tier": "fe", "rev": "3", "canary": "true"})
    assert sel.select_indices([{"app": "web", "tier": "be", "rev": "9"}, None, {"app": "web"}]) == [0]


def test_parse_errors_use_kubernetes_wording() -> None:
    with pytest.raises(labels.SelectorError, match=r"^found ',', expected: identifier after ','$"):
        labels.parse_selector("x,,y")
    with pytest.raises(labels.SelectorError) as exc:
        labels.parse_selector("Foo/bar=baz")
    assert str(exc.value).startswith(
        'unable to parse requirement: <nil>: Invalid value: "Foo/bar": prefix part '
    )
    with pytest.raises(ValueError):
        labels.parse_selector("a in (b")


def test_from_label_selector() -> None:
    sel = labels.from_label_selector(
        {
            "matchLabels": {"app": "db"},
            "matchExpressions": [{"key": "role", "operator": "In", "values": ["primary"]}],
        }
    )
    assert str(sel) == "app=db,role in (primary)"
    assert sel.matches({"app": "db", "role": "primary"})
    assert not sel.matches({"app": "db"})
    assert labels.from_label_selector({}).empty
    assert not labels.from_label_selector(None).matches({})
    with pytest.raises(labels.SelectorError, match='^"Foo" is not a valid label selector operator$'):
        labels.from_label_selector({"matchExpressions": [{"key": "a", "operator": "Foo"}]})


def test_new_requirement_and_add() -> None:
    sel = labels.selector_from_set({"b": "1"}).add(labels.new_requirement("a", "notin", ["x", "y"]))
    assert str(sel) == "a notin (x,y),b=1"
    with pytest.raises(labels.SelectorError, match="values set can't be empty"):
        labels.new_requirement("a", "in", [])


def test_everything_nothing_and_operators() -> None:
    assert labels.everything().empty and labels.everything().matches(None)
    assert not labels.nothing().empty and not labels.nothing().matches({"a": "b"})
    assert "notin" in labels.OPERATORS
    assert labels.IMPLEMENTATION in ("c", "py")
