"""Property tests: the compiled selector and its pure-Python twin agree, and match as specified."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fast.conftest import SelectorImpl, selector_impl

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

KEYS = ["a", "b", "app", "tier", "example.com/x", "in", "notin", "A_/b", "x:"]
VALUES = ["", "1", "2", "10", "-3", "+4", "web", "fe", "in", "v2", "9223372036854775808", "a b"]

# Raw text built from the selector alphabet: operators, keywords, whitespace and junk.
raw_text = st.lists(
    st.sampled_from("a b x app = == != ! > < ( ) , in notin 1 - _ . / | é A 9".split() + [" ", "\t", "\x00"]),
    max_size=14,
).map("".join)


@st.composite
def valid_selector(draw: st.DrawFn) -> str:
    """A well-formed selector string over a small key/value space, so matches happen."""
    terms = []
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from(KEYS[:5]))
        kind = draw(st.sampled_from(["=", "==", "!=", "in", "notin", "exists", "!", ">", "<"]))
        value = draw(st.sampled_from(["", "1", "2", "10", "web", "fe"]))
        if kind in ("in", "notin"):
            values = draw(st.lists(st.sampled_from(["", "1", "web", "fe"]), min_size=1, max_size=3))
            terms.append(f"{key} {kind} ({','.join(values)})")
        elif kind == "exists":
            terms.append(key)
        elif kind == "!":
            terms.append(f"!{key}")
        elif kind in (">", "<"):
            terms.append(f"{key}{kind}{draw(st.sampled_from(['0', '1', '5', '10']))}")
        else:
            terms.append(f"{key}{kind}{value}")
    return ",".join(terms)


label_sets = st.lists(
    st.one_of(st.none(), st.dictionaries(st.sampled_from(KEYS[:5]), st.sampled_from(VALUES), max_size=4)),
    max_size=8,
)


def outcome(impl: SelectorImpl, text: str) -> tuple:
    try:
        s = impl.parse(text)
    except impl.error as e:
        return ("error", str(e))
    return ("ok", str(s), [(r.key, r.operator, r.values) for r in s.requirements], s.empty)


def twins() -> tuple[SelectorImpl, SelectorImpl]:
    return selector_impl("py"), selector_impl("c")


@SETTINGS
@given(text=st.one_of(raw_text, valid_selector()))
def test_parse_agrees(text: str) -> None:
    py, c = twins()
    assert outcome(c, text) == outcome(py, text)


@SETTINGS
@given(text=valid_selector(), sets=label_sets)
def test_matches_agree(text: str, sets: list) -> None:
    py, c = twins()
    sp, sc = py.parse(text), c.parse(text)
    expected = [sp.matches(labels) for labels in sets]
    assert [sc.matches(labels) for labels in sets] == expected
    assert sc.matches_many(sets) == sp.matches_many(sets) == expected
    assert sc.select_indices(sets) == sp.select_indices(sets) == [i for i, ok in enumerate(expected) if ok]


@SETTINGS
@given(
    ls=st.fixed_dictionaries(
        {},
        optional={
            "matchLabels": st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=3),
            "matchExpressions": st.lists(
                st.fixed_dictionaries(
                    {
                        "key": st.sampled_from(KEYS),
                        "operator": st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "x"]),
                    },
                    optional={"values": st.lists(st.sampled_from(VALUES), max_size=3)},
                ),
                max_size=3,
            ),
        },
    ),
    sets=label_sets,
)
def test_from_label_selector_agrees(ls: dict, sets: list) -> None:
    py, c = twins()
    results = []
    for impl in (py, c):
        try:
            s = impl.from_label_selector(ls)
            results.append(("ok", str(s), s.empty, s.matches_many(sets)))
        except impl.error as e:
            results.append(("error", str(e)))
    assert results[0] == results[1]


def reference_match(reqs: list, labels: dict | None) -> bool:
    """The semantics of Requirement.Matches, written plainly over (key, operator, values)."""
    labels = labels or {}
    for key, op, values in reqs:
        has = key in labels
        val = labels.get(key)
        if op == "exists":
            ok = has
        elif op == "!":
            ok = not has
        elif op in ("in", "=", "=="):
            ok = has and val in values
        elif op in ("notin", "!="):
            ok = not has or val not in values
        else:
            ok = has and re.fullmatch("[+-]?[0-9]+", val) is not None
            if ok:
                n, bound = int(val), int(values[0])
                ok = -(2**63) <= n < 2**63 and (n > bound if op == "gt" else n < bound)
        if not ok:
            return False
    return True


@SETTINGS
@given(text=valid_selector(), sets=label_sets)
def test_matches_follow_the_reference(text: str, sets: list) -> None:
    py = selector_impl("py")
    s = py.parse(text)
    reqs = [(r.key, r.operator, r.values) for r in s.requirements]
    assert s.matches_many(sets) == [reference_match(reqs, labels) for labels in sets]


@SETTINGS
@given(text=valid_selector())
def test_string_round_trips(text: str) -> None:
    for impl in twins():
        s = impl.parse(text)
        assert impl.parse(str(s)) == s
