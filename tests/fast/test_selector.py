"""Label selector grammar, messages and matching; tables follow apimachinery's selector_test.go.

Every test takes the `sel` fixture, so it runs against the pure-Python twin and the compiled module.
"""

from __future__ import annotations

import pytest

from tests.fast.conftest import SelectorImpl

VALUE_RULE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
NAME_RULE = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
    "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
PREFIX_RULE = (
    "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
BINARY = "in, notin, =, ==, !=, gt, lt"


def triples(selector) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(r.key, r.operator, r.values) for r in selector.requirements]


# ---- TestSelectorParse / TestDeterministicParse --------------------------------------------------
@pytest.mark.parametrize(
    "text", ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]
)
def test_good_strings_round_trip(sel: SelectorImpl, text: str) -> None:
    assert str(sel.parse(text)) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "!x=a", "x<a"])
def test_bad_strings(sel: SelectorImpl, text: str) -> None:
    with pytest.raises(sel.error):
        sel.parse(text)


def test_parse_is_deterministic(sel: SelectorImpl) -> None:
    assert str(sel.parse("x=a,a=x")) == str(sel.parse("a=x,x=a")) == "a=x,x=a"


# ---- TestSetSelectorParser -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("\rx", [("x", "exists", ())]),
        (
            "this-is-a-dns.domain.com/key-with-dash",
            [("this-is-a-dns.domain.com/key-with-dash", "exists", ())],
        ),
        (
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            [("this-is-another-dns.domain.com/key-with-dash", "in", ("so", "what"))],
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            [("0.1.2.domain/99", "notin", ("10.10.100.1", "tick.tack.clock"))],
        ),
        ("foo  in\t (abc)", [("foo", "in", ("abc",))]),
        ("x notin\n (abc)", [("x", "notin", ("abc",))]),
        ("x  notin\t\t\t(abc,def)", [("x", "notin", ("abc", "def"))]),
        ("x in (abc,def)", [("x", "in", ("abc", "def"))]),
        ("x in (abc,)", [("x", "in", ("", "abc"))]),
        ("x in ()", [("x", "in", ("",))]),
        (
            "x notin (abc,,def),bar,z in (),w",
            [
                ("bar", "exists", ()),
                ("w", "exists", ()),
                ("x", "notin", ("", "abc", "def")),
                ("z", "in", ("",)),
            ],
        ),
        ("x,y in (a)", [("x", "exists", ()), ("y", "in", ("a",))]),
        ("x=a", [("x", "=", ("a",))]),
        ("x==a", [("x", "==", ("a",))]),
        ("x>1", [("x", "gt", ("1",))]),
        ("x<7", [("x", "lt", ("7",))]),
        ("x=a,y!=b", [("x", "=", ("a",)), ("y", "!=", ("b",))]),
        ("x=a,y!=b,z in (h,i,j)", [("x", "=", ("a",)), ("y", "!=", ("b",)), ("z", "in", ("h", "i", "j"))]),
        ("x notin ( )", [("x", "notin", ("",))]),
        ("x notin (, a)", [("x", "notin", ("", "a"))]),
        ("a ", [("a", "exists", ())]),
        ("a in (x,y,notin, z,in)", [("a", "in", ("in", "notin", "x", "y", "z"))]),
        ("notin=in", [("notin", "=", ("in",))]),
        ("in in (in)", [("in", "in", ("in",))]),
        ("x in (b,a,b)", [("x", "in", ("a", "b"))]),
        ("!x,!y", [("x", "!", ()), ("y", "!", ())]),
        ("x=a,x!=b", [("x", "=", ("a",)), ("x", "!=", ("b",))]),
    ],
)
def test_set_selector_parser(sel: SelectorImpl, text: str, expected: list) -> None:
    assert triples(sel.parse(text)) == expected


# ---- exact messages -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,,y", "found ',', expected: identifier after ','"),
        (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
        ("x nott in (y)", f"unable to parse requirement: found 'nott', expected: {BINARY}"),
        ("env IN (a)", f"unable to parse requirement: found 'IN', expected: {BINARY}"),
        ("a in (xyz),", "found '', expected: identifier after ','"),
        ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
        ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
        ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        ("a in x", "unable to parse requirement: found 'x' expected: '('"),
        ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("a in (b =)", "unable to parse requirement: found '=', expected: ',' or ')'"),
        ("a in (,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("a (", f"unable to parse requirement: found '(', expected: {BINARY}"),
        ("(", "found '(', expected: !, identifier, or 'end of string'"),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        ("!=x", "found '!=', expected: !, identifier, or 'end of string'"),
        ("!!x", "unable to parse requirement: found '!', expected: identifier"),
        ("!,x", "unable to parse requirement: found ',', expected: identifier"),
        ("x=(", "unable to parse requirement: found '(', expected: identifier"),
        ("x=!=", "unable to parse requirement: found '!=', expected: identifier"),
        ("x=a b", "found 'b', expected: ',' or 'end of string'"),
        (
            "x<a",
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
        ),
        (
            "x>99999999999999999999",
            'unable to parse requirement: values[0]: Invalid value: "99999999999999999999": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
        ),
        ("x>-1", f'unable to parse requirement: values[0][x]: Invalid value: "-1": {VALUE_RULE}'),
        (
            "x>a-",
            "unable to parse requirement: [values[0]: Invalid value: \"a-\": for 'Gt', 'Lt' operators, the value must be "
            f'an integer, values[0][x]: Invalid value: "a-": {VALUE_RULE}]',
        ),
        ("x=a||y=b", f'unable to parse requirement: values[0][x]: Invalid value: "a||y": {VALUE_RULE}'),
        ("x=-b", f'unable to parse requirement: values[0][x]: Invalid value: "-b": {VALUE_RULE}'),
        ("x in (b-,a)", f'unable to parse requirement: values[1][x]: Invalid value: "b-": {VALUE_RULE}'),
        (
            "x=" + "a" * 64,
            f'unable to parse requirement: values[0][x]: Invalid value: "{"a" * 64}": must be no more than 63 characters',
        ),
        ("a:", f'unable to parse requirement: <nil>: Invalid value: "a:": {NAME_RULE}'),
        ("A_/b", f'unable to parse requirement: <nil>: Invalid value: "A_/b": {PREFIX_RULE}'),
        ("/b=c", 'unable to parse requirement: <nil>: Invalid value: "/b": prefix part must be non-empty'),
        (
            "a" * 64,
            f'unable to parse requirement: <nil>: Invalid value: "{"a" * 64}": name part must be no more than 63 characters',
        ),
        ("x=é", f'unable to parse requirement: values[0][x]: Invalid value: "é": {VALUE_RULE}'),
        ('a"b', f'unable to parse requirement: <nil>: Invalid value: "a\\"b": {NAME_RULE}'),
        ("a\x7fb", f'unable to parse requirement: <nil>: Invalid value: "a\\x7fb": {NAME_RULE}'),
    ],
)
def test_error_messages(sel: SelectorImpl, text: str, message: str) -> None:
    with pytest.raises(sel.error) as exc:
        sel.parse(text)
    assert str(exc.value) == message


def test_error_is_a_value_error(sel: SelectorImpl) -> None:
    assert issubclass(sel.error, ValueError)


def test_nul_reads_as_end_of_input(sel: SelectorImpl) -> None:
    # The Go lexer's read() returns 0 at the end, so a NUL ends the scan after whitespace...
    assert str(sel.parse("a \x00 junk ((")) == "a"
    # ...and is swallowed inside an identifier, the rest being scanned on.
    with pytest.raises(sel.error, match=f"^unable to parse requirement: found 'b', expected: {BINARY}$"):
        sel.parse("a\x00 b")


# ---- TestLexer / TestLexerSequence ---------------------------------------------------------------
TOKENS = {
    "ERROR": 0,
    "EOS": 1,
    "CPAR": 2,
    "COMMA": 3,
    "NOT": 4,
    "DEQ": 5,
    "EQ": 6,
    "GT": 7,
    "ID": 8,
    "IN": 9,
    "LT": 10,
    "NEQ": 11,
    "NOTIN": 12,
    "OPAR": 13,
}


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("", "EOS"),
        (",", "COMMA"),
        ("notin", "NOTIN"),
        ("in", "IN"),
        ("=", "EQ"),
        ("==", "DEQ"),
        (">", "GT"),
        ("<", "LT"),
        ("!", "NOT"),
        ("!=", "NEQ"),
        ("(", "OPAR"),
        (")", "CPAR"),
        ("~", "ID"),
        ("||", "ID"),
    ],
)
def test_lexer_single(sel: SelectorImpl, text: str, token: str) -> None:
    tokens, literals = sel.mod.scan(text)
    assert tokens[0] == TOKENS[token]
    assert literals[0] == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key in ( value )", "ID IN OPAR ID CPAR"),
        ("key notin ( value )", "ID NOTIN OPAR ID CPAR"),
        ("key in ( value1, value2 )", "ID IN OPAR ID COMMA ID CPAR"),
        ("key", "ID"),
        ("!key", "NOT ID"),
        ("()", "OPAR CPAR"),
        ("x in (),y", "ID IN OPAR CPAR COMMA ID"),
        ("== != (), = notin", "DEQ NEQ OPAR CPAR COMMA EQ NOTIN"),
        ("key>2", "ID GT ID"),
        ("key<1", "ID LT ID"),
        ("a=!=b", "ID EQ NEQ ID"),
        ("a!==b", "ID NEQ EQ ID"),
        ("a===b", "ID DEQ EQ ID"),
        ("a=(b)", "ID EQ OPAR ID CPAR"),
    ],
)
def test_lexer_sequence(sel: SelectorImpl, text: str, expected: str) -> None:
    tokens, literals = sel.mod.scan(text)
    assert tokens[-1] == TOKENS["EOS"]
    assert tokens[:-1] == [TOKENS[t] for t in expected.split()]


# ---- matching: TestSelectorMatches / TestRequirementSelectorMatching ------------------------------
@pytest.mark.parametrize(
    ("text", "labels", "want"),
    [
        ("", {"x": "y"}, True),
        ("x=y", {"x": "y"}, True),
        ("x=y,z=w", {"x": "y", "z": "w"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("notin=in", {"notin": "in"}, True),
        ("x", {"x": "z"}, True),
        ("!x", {"y": "z"}, True),
        ("x>1", {"x": "2"}, True),
        ("x<1", {"x": "0"}, True),
        ("x=z", {}, False),
        ("x=y", {"x": "z"}, False),
        ("x=y,z=w", {"x": "w", "z": "w"}, False),
        ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
        ("x", {"y": "z"}, False),
        ("!x", {"x": "z"}, False),
        ("x>1", {"x": "0"}, False),
        ("x<1", {"x": "2"}, False),
        ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
        ("baz=blah", {"foo": "bar", "baz": "blah"}, True),
        ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
        ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
        ("baz=bar", {"foo": "bar", "baz": "blah"}, False),
        ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
        ("x in (foo),y notin (alpha)", {"x": "foo", "y": "baz"}, True),
        ("x in (foo),y in (alpha)", {"x": "foo", "y": "baz"}, False),
        ("x notin (),y", {"y": ""}, True),
        ("!x,y", {"y": ""}, True),
        ("x notin (),!y", {"y": ""}, False),
        ("x in ()", {"y": "baz"}, False),
        ("x in ()", {"x": ""}, True),
        ("z>1", {"z": "2"}, True),
        ("z>1", {"z": "v2"}, False),
        ("z>1", {}, False),
        ("z<1", {}, False),
        ("z>1", {"z": "+5"}, True),
        ("z<1", {"z": "-5"}, True),
        ("z>1", {"z": "9223372036854775808"}, False),
        ("z<1", {"z": "-9223372036854775808"}, True),
        ("z>1", {"z": " 5"}, False),
        ("z>1", {"z": "1_0"}, False),
        ("z>1", {"z": "\u0665"}, False),
        ("x!=a", {}, True),
        ("x notin (a)", {}, True),
        ("x=", {"x": ""}, True),
        ("x=", {}, False),
    ],
)
def test_matches(sel: SelectorImpl, text: str, labels: dict, want: bool) -> None:
    s = sel.parse(text)
    assert s.matches(labels) is want
    assert s.matches_many([labels]) == [want]
    assert s.select_indices([labels]) == ([0] if want else [])


def test_matches_none_as_no_labels(sel: SelectorImpl) -> None:
    assert sel.parse("!x").matches(None) is True
    assert sel.parse("x").matches(None) is False
    assert sel.parse("!x").matches_many([None, {"x": "1"}]) == [True, False]


def test_matches_many_and_select_indices(sel: SelectorImpl) -> None:
    s = sel.parse("tier in (fe,be),!canary,rev>2")
    sets = [
        {"tier": "fe", "rev": "3"},
        {"tier": "fe", "rev": "2"},
        None,
        {"tier": "be", "rev": "10", "canary": ""},
        {"tier": "be", "rev": "10"},
        {},
    ]
    assert s.matches_many(sets) == [True, False, False, False, True, False]
    assert s.select_indices(sets) == [0, 4]
    assert s.matches_many([]) == []
    assert sel.mod.everything().select_indices(sets) == [0, 1, 2, 3, 4, 5]
    assert sel.mod.nothing().matches_many(sets) == [False] * 6
    assert sel.mod.nothing().select_indices(sets) == []


# ---- NewRequirement, String, RequiresExactMatch -------------------------------------------------
@pytest.mark.parametrize(
    ("key", "op", "values", "ok"),
    [
        ("x", "in", None, False),
        ("x", "notin", [], False),
        ("x", "in", ["foo"], True),
        ("x", "notin", ["foo"], True),
        ("x", "exists", None, True),
        ("x", "!", None, True),
        ("1foo", "in", ["bar"], True),
        ("1234", "in", ["bar"], True),
        ("y", "gt", ["1"], True),
        ("z", "lt", ["6"], True),
        ("foo", "gt", ["bar"], False),
        ("barz", "lt", ["blah"], False),
        ("a" * 254, "exists", None, False),
        ("x", "=", ["a", "b"], False),
        ("x", "exists", ["a"], False),
        ("x", "gt", ["1", "2"], False),
    ],
)
def test_requirement_constructor(sel: SelectorImpl, key: str, op: str, values: list | None, ok: bool) -> None:
    if ok:
        r = sel.new_requirement(key, op, values)
        assert (r.key, r.operator) == (key, op)
    else:
        with pytest.raises(sel.error):
            sel.new_requirement(key, op, values)


@pytest.mark.parametrize(
    ("key", "op", "values", "message"),
    [
        (
            "x",
            "in",
            None,
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            "x",
            "notin",
            [],
            "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            "x",
            "=",
            ["a", "b"],
            'values: Invalid value: []string{"a", "b"}: exact-match compatibility requires one single value',
        ),
        (
            "x",
            "exists",
            ["a"],
            'values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist',
        ),
        (
            "x",
            "gt",
            ["1", "b"],
            "[values: Invalid value: []string{\"1\", \"b\"}: for 'Gt', 'Lt' operators, exactly one value is required, "
            "values[1]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer]",
        ),
        ("a:", "exists", None, f'key: Invalid value: "a:": {NAME_RULE}'),
        (
            "x",
            "like",
            ["a"],
            'operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
        ),
        (
            "a:",
            "in",
            ["-a", "-a"],
            f'[key: Invalid value: "a:": {NAME_RULE}, values[0][a:]: Invalid value: "-a": {VALUE_RULE}, '
            f'values[1][a:]: Invalid value: "-a": {VALUE_RULE}]',
        ),
    ],
)
def test_requirement_messages(
    sel: SelectorImpl, key: str, op: str, values: list | None, message: str
) -> None:
    with pytest.raises(sel.error) as exc:
        sel.new_requirement(key, op, values)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("reqs", "text"),
    [
        (
            [("x", "in", ["abc", "def"]), ("y", "notin", ["jkl"]), ("z", "exists", None)],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            [("x", "notin", ["abc", "def"]), ("y", "!=", ["jkl"]), ("z", "!", None)],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            [("x", "notin", ["abc"]), ("y", "in", ["jkl", "mno"]), ("z", "notin", [""])],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
        (
            [("x", "=", ["abc"]), ("y", "==", ["jkl"]), ("z", "!=", ["a"]), ("z", "exists", None)],
            "x=abc,y==jkl,z!=a,z",
        ),
        ([("x", "gt", ["2"]), ("y", "lt", ["8"]), ("z", "exists", None)], "x>2,y<8,z"),
        ([("x", "in", ["foo", "bar", "foo"])], "x in (bar,foo,foo)"),
        ([("z", "exists", None), ("a", "=", ["b"])], "a=b,z"),
    ],
)
def test_to_string(sel: SelectorImpl, reqs: list, text: str) -> None:
    s = sel.mod.Selector([sel.new_requirement(k, op, v) for k, op, v in reqs])
    assert str(s) == text


def test_unsorted_values_keep_their_order_but_print_sorted(sel: SelectorImpl) -> None:
    r = sel.new_requirement("x", "in", ["foo", "bar"])
    assert r.values == ("foo", "bar")
    assert str(r) == "x in (bar,foo)"


@pytest.mark.parametrize(
    ("text", "label", "want"),
    [
        ("key in (value)", "key", "value"),
        ("key in (value,value2)", "key", None),
        ("key in (value,value1),key2 in (value2)", "key2", "value2"),
        ("key=value", "key", "value"),
        ("key==value", "key", "value"),
        ("key!=value", "key", None),
        ("key in (value),key2 in (value2)", "key", "value"),
        ("key", "key", None),
        ("other=x", "key", None),
    ],
)
def test_requires_exact_match(sel: SelectorImpl, text: str, label: str, want: str | None) -> None:
    assert sel.parse(text).requires_exact_match(label) == want


# ---- Everything, Nothing, SelectorFromSet, Add, equality -----------------------------------------
def test_everything_and_nothing(sel: SelectorImpl) -> None:
    every, none = sel.mod.everything(), sel.mod.nothing()
    assert every.empty and every.matches({"x": "y"}) and every.matches(None) and str(every) == ""
    assert not none.empty and not none.matches({}) and str(none) == "" and none.matches_nothing
    assert sel.parse("").empty
    assert not sel.parse("x").empty
    assert none.add(sel.new_requirement("x", "exists", None)) == none


@pytest.mark.parametrize(
    ("labels", "target", "want"),
    [
        ({}, {"foo": "bar", "baz": "blah"}, True),
        ({"foo": "bar"}, {"foo": "bar", "baz": "blah"}, True),
        ({"baz": "blah"}, {"foo": "bar", "baz": "blah"}, True),
        ({"foo": "bar", "baz": "blah"}, {"foo": "bar", "baz": "blah"}, True),
        ({"foo": "=blah"}, {"foo": "bar", "baz": "blah"}, False),
        ({"foo": "bar", "x": "y"}, {"foo": "bar"}, False),
    ],
)
def test_selector_from_set(sel: SelectorImpl, labels: dict, target: dict, want: bool) -> None:
    assert sel.mod.selector_from_set(labels).matches(target) is want


def test_selector_from_set_string_and_empty(sel: SelectorImpl) -> None:
    assert str(sel.mod.selector_from_set({"b": "2", "a": "1"})) == "a=1,b=2"
    assert sel.mod.selector_from_set(None).empty
    assert sel.mod.selector_from_set({}).empty


def test_add_sorts_by_key(sel: SelectorImpl) -> None:
    s = sel.parse("b=1").add(sel.new_requirement("a", "in", ["x"]))
    assert str(s) == "a in (x),b=1"
    assert str(sel.parse("b=1")) == "b=1"


def test_equality_and_hash(sel: SelectorImpl) -> None:
    assert sel.parse("a=1,b in (x,y)") == sel.parse("b in (y,x), a=1")
    assert hash(sel.parse("a=1")) == hash(sel.parse("a = 1"))
    assert sel.parse("a=1") != sel.parse("a==1")
    assert sel.mod.nothing() != sel.mod.everything()
    assert sel.new_requirement("a", "=", ["1"]) == sel.parse("a=1").requirements[0]


# ---- LabelSelectorAsSelector ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ls", "text"),
    [
        ({}, ""),
        ({"matchLabels": {}, "matchExpressions": []}, ""),
        ({"matchLabels": {"foo": "bar", "app": "web"}}, "app=web,foo=bar"),
        (
            {
                "matchLabels": {"foo": "bar"},
                "matchExpressions": [
                    {"key": "baz", "operator": "In", "values": ["qux", "norf"]},
                    {"key": "x", "operator": "NotIn", "values": ["a"]},
                    {"key": "y", "operator": "Exists"},
                    {"key": "z", "operator": "DoesNotExist", "values": []},
                ],
            },
            "baz in (norf,qux),foo=bar,x notin (a),y,!z",
        ),
    ],
)
def test_from_label_selector(sel: SelectorImpl, ls: dict, text: str) -> None:
    s = sel.from_label_selector(ls)
    assert str(s) == text
    assert s.empty is (text == "")


def test_from_label_selector_none_matches_nothing(sel: SelectorImpl) -> None:
    s = sel.from_label_selector(None)
    assert not s.empty and not s.matches({}) and not s.matches({"a": "b"})


def test_from_label_selector_matches(sel: SelectorImpl) -> None:
    s = sel.from_label_selector(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}],
        }
    )
    assert s.matches({"app": "web"})
    assert s.matches({"app": "web", "env": "dev"})
    assert not s.matches({"app": "web", "env": "prod"})
    assert not s.matches({"env": "dev"})


@pytest.mark.parametrize(
    ("ls", "message"),
    [
        (
            {"matchExpressions": [{"key": "a", "operator": "Foo"}]},
            '"Foo" is not a valid label selector operator',
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "in", "values": ["x"]}]},
            '"in" is not a valid label selector operator',
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
            '"Gt" is not a valid label selector operator',
        ),
        ({"matchExpressions": [{"key": "a"}]}, '"" is not a valid label selector operator'),
        (
            {"matchExpressions": [{"key": "a", "operator": "In"}]},
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "NotIn", "values": []}]},
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
            'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
        ),
        ({"matchLabels": {"a": "-x"}}, f'values[0][a]: Invalid value: "-x": {VALUE_RULE}'),
        ({"matchLabels": {"a:": "x"}}, f'key: Invalid value: "a:": {NAME_RULE}'),
        ({"matchLabels": {"b:": "x", "a:": "y"}}, f'key: Invalid value: "a:": {NAME_RULE}'),
    ],
)
def test_from_label_selector_errors(sel: SelectorImpl, ls: dict, message: str) -> None:
    with pytest.raises(sel.error) as exc:
        sel.from_label_selector(ls)
    assert str(exc.value) == message


# ---- helpers --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("0", 0),
        ("12", 12),
        ("+5", 5),
        ("-5", -5),
        ("-0", 0),
        ("007", 7),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("9223372036854775808", None),
        ("", None),
        ("+", None),
        ("1_0", None),
        (" 1", None),
        ("1 ", None),
        ("1\n", None),
        ("\u0665", None),
        ("0x10", None),
    ],
)
def test_parse_int64(sel: SelectorImpl, text: str, want: int | None) -> None:
    assert sel.mod.parse_int64(text) == want


def test_operators_table(sel: SelectorImpl) -> None:
    assert sel.mod.OPERATORS == ("in", "notin", "=", "==", "!=", "exists", "!", "gt", "lt")


def test_any_mapping_of_labels(sel: SelectorImpl) -> None:
    from collections import OrderedDict
    from types import MappingProxyType

    s = sel.parse("a=1,!b")
    assert s.matches(OrderedDict(a="1"))
    assert s.matches(MappingProxyType({"a": "1"}))
    assert s.matches_many([OrderedDict(a="1"), MappingProxyType({"b": "1"})]) == [True, False]
    assert s.select_indices([MappingProxyType({"a": "1"})]) == [0]
    req = s.requirements[0]
    assert req.matches(MappingProxyType({"a": "1"})) and req.matches({"a": "1"})
    assert not req.matches(None)
