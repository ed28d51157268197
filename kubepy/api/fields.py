"""Field selectors as k8s.io/apimachinery pkg/fields parses and matches them.

Grammar: terms separated by `,`, each `field=value`, `field==value` or `field!=value`. In values,
`\\,`, `\\=` and `\\\\` stand for `,`, `=` and `\\`; the field part has no escaping and is split at
the first operator. Terms are sorted (as strings) before parsing, so errors and `str()` follow that
order, as in Kubernetes. A missing field reads as "".

The registry checks each requirement against the fields its resource supports and answers
400 `field label not supported: X` (see `check_supported`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

EQUALS = "="
NOT_EQUALS = "!="
_TERM_OPERATORS = ("!=", "==", "=")

TransformFn = Callable[[str, str], tuple[str, str]]


class FieldSelectorError(ValueError):
    """A field selector Kubernetes would refuse; str(err) is Kubernetes' message."""


@dataclass(frozen=True, slots=True)
class FieldRequirement:
    """One term; `op` is "=" (for = and ==) or "!=", as fields.Requirement has it."""

    field: str
    op: str
    value: str

    def matches(self, fieldset: Mapping[str, str]) -> bool:
        actual = fieldset.get(self.field, "")
        return actual == self.value if self.op == EQUALS else actual != self.value

    def __str__(self) -> str:
        return f"{self.field}{self.op}{escape_value(self.value)}"


@dataclass(frozen=True, slots=True)
class FieldSelector:
    """An AND of field requirements, in Kubernetes' (sorted-term) order; iterable over them."""

    requirements: tuple[FieldRequirement, ...] = ()

    def __iter__(self) -> Iterator[FieldRequirement]:
        return iter(self.requirements)

    def __len__(self) -> int:
        return len(self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, fieldset: Mapping[str, str]) -> bool:
        return matches(self.requirements, fieldset)

    def requires_exact_match(self, field: str) -> str | None:
        """The value `field` must equal for this selector to match, if an `=` term says so."""
        for r in self.requirements:
            if r.field == field and r.op == EQUALS:
                return r.value
        return None

    def transform(self, fn: TransformFn) -> FieldSelector:
        """Selector.Transform: map every (field, value); a term mapped to ("", "") is dropped."""
        out = []
        for r in self.requirements:
            field, value = fn(r.field, r.value)
            if field or value:
                out.append(FieldRequirement(field, r.op, value))
        return FieldSelector(tuple(out))

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


def matches(requirements: Iterable[FieldRequirement], fieldset: Mapping[str, str]) -> bool:
    """True when every requirement holds for `fieldset` (field path -> string value)."""
    for r in requirements:
        if not r.matches(fieldset):
            return False
    return True


def everything() -> FieldSelector:
    return FieldSelector()


def one_term_equal(field: str, value: str) -> FieldSelector:
    """fields.OneTermEqualSelector, e.g. ("metadata.name", name) for a single-object watch."""
    return FieldSelector((FieldRequirement(field, EQUALS, value),))


def escape_value(value: str) -> str:
    """fields.EscapeValue: backslash first, then `,` and `=`."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_value(value: str) -> str:
    """fields.UnescapeValue; an unescaped `,`/`=` or a bad escape is an error, worded as Go's."""
    if "\\" not in value and "," not in value and "=" not in value:
        return value
    out = []
    in_slash = False
    for ch in value:
        if in_slash:
            if ch not in "\\,=":
                raise FieldSelectorError(f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch == "," or ch == "=":
            # Go prints the rune with %v: its code point
            raise FieldSelectorError(f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if in_slash:
        raise FieldSelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(selector: str) -> list[str]:
    """Split at commas that are not backslash-escaped; the escapes stay in the terms."""
    if not selector:
        return []
    terms = []
    start = 0
    in_slash = False
    for i, ch in enumerate(selector):
        if in_slash:
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch == ",":
            terms.append(selector[start:i])
            start = i + 1
    terms.append(selector[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    """(field, operator, raw value) at the first operator; `!=` and `==` win over `=`."""
    for i in range(len(term)):
        for op in _TERM_OPERATORS:
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op) :]
    return None


def parse_field_selector(selector: str, transform: TransformFn | None = None) -> FieldSelector:
    """fields.ParseSelector (or ParseAndTransformSelector when `transform` is given)."""
    reqs = []
    for part in sorted(_split_terms(selector)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise FieldSelectorError(f"invalid selector: '{selector}'; can't understand '{part}'")
        field, op, raw = split
        reqs.append(FieldRequirement(field, NOT_EQUALS if op == NOT_EQUALS else EQUALS, unescape_value(raw)))
    return FieldSelector(tuple(reqs)).transform(transform or _identity)


def _identity(field: str, value: str) -> tuple[str, str]:
    return field, value


def field_label_not_supported(field: str) -> str:
    """The message the apiserver answers (400 BadRequest) for a field its resource cannot select on."""
    return f"field label not supported: {field}"


def supported_fields(supported: Collection[str]) -> TransformFn:
    """A transform refusing fields outside `supported` (a resource's field labels)."""

    def check(field: str, value: str) -> tuple[str, str]:
        if field not in supported:
            raise FieldSelectorError(field_label_not_supported(field))
        return field, value

    return check


def check_supported(selector: FieldSelector, supported: Collection[str]) -> FieldSelector:
    """Raise FieldSelectorError(`field label not supported: X`) at the first term outside `supported`."""
    return selector.transform(supported_fields(supported))
