"""Label selectors as k8s.io/apimachinery pkg/labels parses and matches them.

This file is the pure-Python twin *and* the compiled module: `selector_c.py` is a symlink to it and
`selector_c.pxd` gives Cython the C types, so the two implementations cannot drift (aiohttp's
reader_py/reader_c). Keep it Cython-friendly: no closures in functions the .pxd makes `cpdef`.

Validation of keys and values is injected (`key_errors`, `value_errors`, each returning a list of
messages) so this module stays below `kubepy.api` in the layering; `kubepy.api.labels` binds the
rules from `kubepy.api.validation.names`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kubepy._fast.gofmt import aggregate, field_invalid, go_quote, go_string_slice

ValidateFn = Callable[[str], list[str]]
Labels = dict[str, str]

# Operators (selection.Operator), as small ints for the hot path.
OP_IN = 0
OP_NOT_IN = 1
OP_EQUALS = 2
OP_DOUBLE_EQUALS = 3
OP_NOT_EQUALS = 4
OP_EXISTS = 5
OP_DOES_NOT_EXIST = 6
OP_GREATER_THAN = 7
OP_LESS_THAN = 8

OPERATORS = ("in", "notin", "=", "==", "!=", "exists", "!", "gt", "lt")
_OPERATOR_CODES = {name: code for code, name in enumerate(OPERATORS)}
_RENDER = ("in", "notin", "=", "==", "!=", "", "", ">", "<")
BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt"

# Lexer tokens (labels.Token), same order as Kubernetes.
TOK_ERROR = 0
TOK_EOS = 1
TOK_CLOSED_PAR = 2
TOK_COMMA = 3
TOK_DOES_NOT_EXIST = 4
TOK_DOUBLE_EQUALS = 5
TOK_EQUALS = 6
TOK_GREATER_THAN = 7
TOK_IDENTIFIER = 8
TOK_IN = 9
TOK_LESS_THAN = 10
TOK_NOT_EQUALS = 11
TOK_NOT_IN = 12
TOK_OPEN_PAR = 13

_STRING_TO_TOKEN = {
    ")": TOK_CLOSED_PAR,
    ",": TOK_COMMA,
    "!": TOK_DOES_NOT_EXIST,
    "==": TOK_DOUBLE_EQUALS,
    "=": TOK_EQUALS,
    ">": TOK_GREATER_THAN,
    "in": TOK_IN,
    "<": TOK_LESS_THAN,
    "!=": TOK_NOT_EQUALS,
    "notin": TOK_NOT_IN,
    "(": TOK_OPEN_PAR,
}
_TOKEN_TO_OPERATOR = {
    TOK_IN: OP_IN,
    TOK_EQUALS: OP_EQUALS,
    TOK_DOUBLE_EQUALS: OP_DOUBLE_EQUALS,
    TOK_GREATER_THAN: OP_GREATER_THAN,
    TOK_LESS_THAN: OP_LESS_THAN,
    TOK_NOT_IN: OP_NOT_IN,
    TOK_NOT_EQUALS: OP_NOT_EQUALS,
}
_LABEL_SELECTOR_OPERATORS = {
    "In": OP_IN,
    "NotIn": OP_NOT_IN,
    "Exists": OP_EXISTS,
    "DoesNotExist": OP_DOES_NOT_EXIST,
}

_INT64_RE = re.compile(r"[+-]?[0-9]+")
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


class SelectorError(ValueError):
    """A selector that Kubernetes would refuse; str(err) is Kubernetes' message."""


def parse_int64(s: str) -> int | None:
    """strconv.ParseInt(s, 10, 64): the int, or None where Go reports an error."""
    if _INT64_RE.fullmatch(s) is None:
        return None
    n = int(s)
    if n < _INT64_MIN or n > _INT64_MAX:
        return None
    return n


# ---- requirements and selectors -----------------------------------------------------------------
class Requirement:
    """One `key op values` term; immutable once built. `operator` is Kubernetes' name for op.

    Build it with `new_requirement` (validated); the constructor trusts its arguments.
    """

    def __init__(self, key: str, op: int, values: tuple[str, ...]) -> None:
        self.key = key
        self.op = op
        self.values = values
        self._set = frozenset(values)
        self._num = None
        if op == OP_GREATER_THAN or op == OP_LESS_THAN:
            if len(values) == 1:
                self._num = parse_int64(values[0])

    @property
    def operator(self) -> str:
        return OPERATORS[self.op]

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        """Requirement.Matches: NotIn and != hold for a missing key, Gt/Lt compare int64s."""
        return self._match(_as_dict(labels))

    def _match(self, labels: Labels) -> bool:
        op = self.op
        if op == OP_EXISTS:
            return self.key in labels
        if op == OP_DOES_NOT_EXIST:
            return self.key not in labels
        val = labels.get(self.key)
        if val is None:
            return op == OP_NOT_IN or op == OP_NOT_EQUALS
        if op == OP_IN or op == OP_EQUALS or op == OP_DOUBLE_EQUALS:
            return val in self._set
        if op == OP_NOT_IN or op == OP_NOT_EQUALS:
            return val not in self._set
        if self._num is None:
            return False
        num = parse_int64(val)
        if num is None:
            return False
        if op == OP_GREATER_THAN:
            return num > self._num
        return num < self._num

    def __str__(self) -> str:
        op = self.op
        if op == OP_EXISTS:
            return self.key
        if op == OP_DOES_NOT_EXIST:
            return "!" + self.key
        if len(self.values) == 1:
            vals = self.values[0]
        else:
            vals = ",".join(sorted(self.values))
        if op == OP_IN or op == OP_NOT_IN:
            return f"{self.key} {_RENDER[op]} ({vals})"
        return self.key + _RENDER[op] + vals

    def __repr__(self) -> str:
        return f"Requirement({self.key!r}, {self.operator!r}, {self.values!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Requirement):
            return NotImplemented
        return self.key == other.key and self.op == other.op and self.values == other.values

    def __hash__(self) -> int:
        return hash((self.key, self.op, self.values))


def _as_dict(labels: Mapping[str, str] | None) -> Labels:
    """Labels as an exact dict (what the compiled loop indexes); None means no labels."""
    if labels is None:
        return {}
    if type(labels) is not dict:
        return dict(labels)
    return labels


def _requirement_key(r: Requirement) -> str:
    return r.key


class Selector:
    """A parsed label selector: an AND of requirements sorted by key (Kubernetes' ByKey)."""

    def __init__(self, requirements: Iterable[Requirement] = (), nothing: bool = False) -> None:
        self._reqs = tuple(sorted(requirements, key=_requirement_key))
        self._nothing = nothing

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return self._reqs

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict anything (Everything)."""
        return not self._nothing and len(self._reqs) == 0

    @property
    def matches_nothing(self) -> bool:
        return self._nothing

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        return not self._nothing and self._match_all(_as_dict(labels))

    def matches_many(self, label_sets: Iterable[Mapping[str, str] | None]) -> list[bool]:
        """matches() over many label sets (None = no labels): the compiled hot path."""
        out = []
        for labels in label_sets:
            out.append(not self._nothing and self._match_all(_as_dict(labels)))
        return out

    def select_indices(self, label_sets: Iterable[Mapping[str, str] | None]) -> list[int]:
        """Indices of the label sets that match, in order."""
        out = []
        if self._nothing:
            return out
        i = 0
        for labels in label_sets:
            if self._match_all(_as_dict(labels)):
                out.append(i)
            i += 1
        return out

    def _match_all(self, labels: Labels) -> bool:
        for r in self._reqs:
            if not r._match(labels):
                return False
        return True

    def requires_exact_match(self, label: str) -> str | None:
        """The single value `label` must have (=, ==, or in with one value), else None."""
        for r in self._reqs:
            if r.key == label:
                if (r.op == OP_EQUALS or r.op == OP_DOUBLE_EQUALS or r.op == OP_IN) and len(r.values) == 1:
                    return r.values[0]
                return None
        return None

    def add(self, *requirements: Requirement) -> Selector:
        if self._nothing:
            return self
        return Selector(self._reqs + tuple(requirements))

    def __str__(self) -> str:
        return ",".join([str(r) for r in self._reqs])

    def __repr__(self) -> str:
        if self._nothing:
            return "Selector(nothing)"
        return f"Selector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return self._nothing == other._nothing and self._reqs == other._reqs

    def __hash__(self) -> int:
        return hash((self._nothing, self._reqs))


def everything() -> Selector:
    """Matches all labels; empty."""
    return Selector(())


def nothing() -> Selector:
    """Matches no labels (LabelSelectorAsSelector of a nil selector)."""
    return Selector((), True)


def selector_from_set(labels: Labels | None) -> Selector:
    """SelectorFromSet: key=value for each label, not validated (a nil/empty set = everything)."""
    if not labels:
        return Selector(())
    reqs = []
    for k, v in labels.items():
        reqs.append(Requirement(k, OP_EQUALS, (v,)))
    return Selector(reqs)


def new_requirement(
    key: str, operator: str, values: list[str] | None, key_errors: ValidateFn, value_errors: ValidateFn
) -> Requirement:
    """labels.NewRequirement: validate, then build; errors aggregated as Kubernetes does."""
    op = _OPERATOR_CODES.get(operator, -1)
    errs = []
    msgs = key_errors(key)
    if msgs:
        errs.append(field_invalid("key", go_quote(key), "; ".join(msgs)))
    vals = [] if values is None else list(values)
    n = len(vals)
    if op == OP_IN or op == OP_NOT_IN:
        if n == 0:
            errs.append(
                field_invalid(
                    "values",
                    go_string_slice(values),
                    "for 'in', 'notin' operators, values set can't be empty",
                )
            )
    elif op == OP_EQUALS or op == OP_DOUBLE_EQUALS or op == OP_NOT_EQUALS:
        if n != 1:
            errs.append(
                field_invalid(
                    "values", go_string_slice(values), "exact-match compatibility requires one single value"
                )
            )
    elif op == OP_EXISTS or op == OP_DOES_NOT_EXIST:
        if n != 0:
            errs.append(
                field_invalid(
                    "values",
                    go_string_slice(values),
                    "values set must be empty for exists and does not exist",
                )
            )
    elif op == OP_GREATER_THAN or op == OP_LESS_THAN:
        if n != 1:
            errs.append(
                field_invalid(
                    "values",
                    go_string_slice(values),
                    "for 'Gt', 'Lt' operators, exactly one value is required",
                )
            )
        for i in range(n):
            if parse_int64(vals[i]) is None:
                errs.append(
                    field_invalid(
                        f"values[{i}]",
                        go_quote(vals[i]),
                        "for 'Gt', 'Lt' operators, the value must be an integer",
                    )
                )
    else:
        supported = ", ".join([go_quote(o) for o in OPERATORS[:5] + OPERATORS[7:] + OPERATORS[5:7]])
        errs.append(f"operator: Unsupported value: {go_quote(operator)}: supported values: {supported}")
    for i in range(n):
        msgs = value_errors(vals[i])
        if msgs:
            errs.append(field_invalid(f"values[{i}][{key}]", go_quote(vals[i]), "; ".join(msgs)))
    if errs:
        raise SelectorError(aggregate(errs))
    return Requirement(key, op, tuple(vals))


def from_label_selector(
    ls: dict[str, Any] | None, key_errors: ValidateFn, value_errors: ValidateFn
) -> Selector:
    """metav1.LabelSelectorAsSelector: None matches nothing, {} everything."""
    if ls is None:
        return nothing()
    match_labels = ls.get("matchLabels") or {}
    match_expressions = ls.get("matchExpressions") or []
    if len(match_labels) + len(match_expressions) == 0:
        return everything()
    reqs = []
    for k in sorted(match_labels):
        reqs.append(new_requirement(k, "=", [match_labels[k]], key_errors, value_errors))
    for expr in match_expressions:
        name = expr.get("operator") or ""
        op = _LABEL_SELECTOR_OPERATORS.get(name, -1)
        if op < 0:
            raise SelectorError(f"{go_quote(name)} is not a valid label selector operator")
        values = expr.get("values")
        reqs.append(
            new_requirement(
                expr.get("key") or "",
                OPERATORS[op],
                None if not values else list(values),
                key_errors,
                value_errors,
            )
        )
    return Selector(reqs)


# ---- lexer --------------------------------------------------------------------------------------
def _is_whitespace(ch: str) -> bool:
    return ch == " " or ch == "\t" or ch == "\r" or ch == "\n"


def _is_special(ch: str) -> bool:
    return ch == "=" or ch == "!" or ch == "(" or ch == ")" or ch == "," or ch == ">" or ch == "<"


def scan(s: str) -> tuple[list[int], list[str]]:
    """labels.Lexer run to the end: (tokens, literals), the last token being end-of-string.

    A NUL character reads as end of input, exactly as the Go lexer's read() does.
    """
    tokens = []
    literals = []
    n = len(s)
    pos = 0
    while True:
        # skip whitespace; a NUL or the end of the input ends the scan
        ch = "\0"
        while pos < n:
            ch = s[pos]
            pos += 1
            if not _is_whitespace(ch):
                break
            ch = "\0"
        if ch == "\0":
            tokens.append(TOK_EOS)
            literals.append("")
            return tokens, literals
        start = pos - 1
        if _is_special(ch):
            # longest operator made of special symbols
            pos = start
            tok = TOK_ERROR
            lit = ""
            end = pos
            while pos < n:
                ch = s[pos]
                pos += 1
                if ch == "\0":
                    break
                if not _is_special(ch):
                    pos -= 1
                    break
                t = _STRING_TO_TOKEN.get(s[start:pos], TOK_ERROR)
                if t != TOK_ERROR:
                    tok = t
                    lit = s[start:pos]
                elif tok != TOK_ERROR:
                    pos -= 1
                    break
                end = pos
            if tok == TOK_ERROR:
                tokens.append(TOK_ERROR)
                literals.append(f"error expected: keyword found '{s[start:end]}'")
            else:
                tokens.append(tok)
                literals.append(lit)
        else:
            # identifier or keyword (in, notin)
            end = pos
            while pos < n:
                ch = s[pos]
                pos += 1
                if ch == "\0":
                    break
                if _is_special(ch) or _is_whitespace(ch):
                    pos -= 1
                    break
                end = pos
            lit = s[start:end]
            tok = _STRING_TO_TOKEN.get(lit, TOK_IDENTIFIER)
            tokens.append(tok)
            literals.append(lit)


# ---- parser -------------------------------------------------------------------------------------
class _Parser:
    """labels.Parser: recursive descent over the scanned tokens; errors carry Go's wording."""

    def __init__(self, s: str, key_errors: ValidateFn, value_errors: ValidateFn) -> None:
        self.tokens, self.literals = scan(s)
        self.position = 0
        self.key_errors = key_errors
        self.value_errors = value_errors

    def lookahead(self, values_context: bool) -> int:
        tok = self.tokens[self.position]
        if values_context and (tok == TOK_IN or tok == TOK_NOT_IN):
            return TOK_IDENTIFIER
        return tok

    def consume(self, values_context: bool) -> int:
        tok = self.lookahead(values_context)
        self.position += 1
        return tok

    def literal(self, back: int) -> str:
        return self.literals[self.position - back]

    def parse(self) -> list[Requirement]:
        reqs = []
        while True:
            tok = self.lookahead(True)
            if tok == TOK_IDENTIFIER or tok == TOK_DOES_NOT_EXIST:
                try:
                    reqs.append(self.parse_requirement())
                except SelectorError as e:
                    raise SelectorError(f"unable to parse requirement: {e}") from None
                tok = self.consume(True)
                if tok == TOK_EOS:
                    return reqs
                if tok == TOK_COMMA:
                    tok = self.lookahead(True)
                    if tok != TOK_IDENTIFIER and tok != TOK_DOES_NOT_EXIST:
                        raise SelectorError(f"found '{self.literal(0)}', expected: identifier after ','")
                else:
                    raise SelectorError(f"found '{self.literal(1)}', expected: ',' or 'end of string'")
            elif tok == TOK_EOS:
                return reqs
            else:
                raise SelectorError(f"found '{self.literal(0)}', expected: !, identifier, or 'end of string'")

    def parse_requirement(self) -> Requirement:
        op = -1
        tok = self.consume(True)
        if tok == TOK_DOES_NOT_EXIST:
            op = OP_DOES_NOT_EXIST
            tok = self.consume(True)
        key = self.literal(1)
        if tok != TOK_IDENTIFIER:
            raise SelectorError(f"found '{key}', expected: identifier")
        msgs = self.key_errors(key)
        if msgs:
            raise SelectorError(field_invalid("<nil>", go_quote(key), "; ".join(msgs)))
        tok = self.lookahead(True)
        if tok == TOK_EOS or tok == TOK_COMMA:
            if op != OP_DOES_NOT_EXIST:
                op = OP_EXISTS
        if op == OP_EXISTS or op == OP_DOES_NOT_EXIST:
            return new_requirement(key, OPERATORS[op], [], self.key_errors, self.value_errors)
        tok = self.consume(False)
        op = _TOKEN_TO_OPERATOR.get(tok, -1)
        if op < 0:
            raise SelectorError(f"found '{self.literal(1)}', expected: {BINARY_OPERATORS}")
        if op == OP_IN or op == OP_NOT_IN:
            values = self.parse_values()
        else:
            values = self.parse_exact_value()
        return new_requirement(key, OPERATORS[op], sorted(values), self.key_errors, self.value_errors)

    def parse_values(self) -> set[str]:
        tok = self.consume(True)
        if tok != TOK_OPEN_PAR:
            raise SelectorError(f"found '{self.literal(1)}' expected: '('")
        tok = self.lookahead(True)
        lit = self.literal(0)
        if tok == TOK_IDENTIFIER or tok == TOK_COMMA:
            values = self.parse_identifiers_list()
            if self.consume(True) != TOK_CLOSED_PAR:
                raise SelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok == TOK_CLOSED_PAR:
            self.consume(True)
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values = set()
        while True:
            tok = self.consume(True)
            if tok == TOK_IDENTIFIER:
                values.add(self.literal(1))
                tok = self.lookahead(True)
                if tok == TOK_COMMA:
                    continue
                if tok == TOK_CLOSED_PAR:
                    return values
                raise SelectorError(f"found '{self.literal(0)}', expected: ',' or ')'")
            if tok == TOK_COMMA:
                if not values:
                    values.add("")
                tok = self.lookahead(True)
                if tok == TOK_CLOSED_PAR:
                    values.add("")
                    return values
                if tok == TOK_COMMA:
                    values.add("")
            else:
                raise SelectorError(f"found '{self.literal(1)}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        tok = self.lookahead(True)
        if tok == TOK_EOS or tok == TOK_COMMA:
            return {""}
        tok = self.consume(True)
        if tok == TOK_IDENTIFIER:
            return {self.literal(1)}
        raise SelectorError(f"found '{self.literal(1)}', expected: identifier")


def parse(selector: str, key_errors: ValidateFn, value_errors: ValidateFn) -> Selector:
    """labels.Parse: the string form (`a=b,c in (d,e),!f,g>1`) into a Selector."""
    return Selector(_Parser(selector, key_errors, value_errors).parse())
