"""The admission chain: what a plugin sees of a write, and running the plugins in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kubepy.api import errors as fe

Obj = dict[str, Any]

CREATE = "CREATE"
UPDATE = "UPDATE"


@dataclass(slots=True)
class Attributes:
    """admission.Attributes: the operation, what it targets, and the objects (the plugin may
    change `obj` in place during the mutating phase)."""

    operation: str
    resource: str  # plural, as in the URL
    group: str
    namespace: str
    obj: Obj
    old: Obj | None = None
    subresource: str = ""
    dry_run: bool = False
    #: what plugins looked up for this request, shared between its mutating and validating
    #: phases (no await separates them, so the answer cannot change in between)
    memo: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The name a refusal quotes: the object's, or its generateName before one is chosen."""
        meta = self.obj.get("metadata") or {}
        return meta.get("name") or meta.get("generateName") or ""

    def is_pod(self) -> bool:
        return self.resource == "pods" and not self.group and not self.subresource


class Plugin(Protocol):
    """A plugin implements `admit` (mutating), `validate` (validating) or both; each returns
    nothing or raises a StatusError."""

    name: str


def forbidden(attrs: Attributes, msg: str) -> fe.StatusError:
    """admission.NewForbidden: `<resource> "<name>" is forbidden: <msg>`."""
    return fe.forbidden_error(attrs.resource, attrs.name, msg, attrs.group)


def aggregate(msgs: Sequence[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message alone, several as `[a, b]`, deduplicated."""
    seen: list[str] = []
    for m in msgs:
        if m not in seen:
            seen.append(m)
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


def applicable(plugins: Sequence[Any], group: str, resource: str) -> tuple[Any, ...]:
    """The plugins that may act on writes of `resource` in `group`: each that declares no
    `resources` (a set of (group, plural)), and each that names this one. The others return at
    once for every write of it, so a store runs its chain without them (an Event passes by three
    plugins, all of them about pods)."""
    return tuple(
        p for p in plugins if (res := getattr(p, "resources", None)) is None or (group, resource) in res
    )


def admit(plugins: Sequence[Any], attrs: Attributes) -> None:
    """The mutating phase, in order."""
    for p in plugins:
        fn = getattr(p, "admit", None)
        if fn is not None:
            fn(attrs)


def may_mutate(plugins: Sequence[Any], attrs: Attributes) -> bool:
    """Whether the mutating phase could change this object: a plugin that admits is asked its
    `mutates(attrs)`, and one that cannot tell is assumed to change it."""
    for p in plugins:
        if getattr(p, "admit", None) is None:
            continue
        fn = getattr(p, "mutates", None)
        if fn is None or fn(attrs):
            return True
    return False


def memo_state(plugins: Sequence[Any], attrs: Attributes) -> tuple[Any, ...] | None:
    """What the plugins' answers for this write depend on besides the object, as a hashable
    value (a create memo's key part, registry/create_memo): each plugin itself with its
    `memo_state(attrs)`. None when a plugin cannot tell or reads something that has no such
    value: then nothing may be answered from memory. A plugin's `memo_state` also promises that
    its validating phase passes again for an object it passed with the same state (only the
    name differing). It must not read `attrs.obj`: a create repeating a request's bytes asks it
    before (and without) decoding the body (Store.create_known)."""
    out = []
    for p in plugins:
        fn = getattr(p, "memo_state", None)
        if fn is None:
            return None
        state = fn(attrs)
        if state is None:
            return None
        out.append((p, state))
    return tuple(out)


def validate(plugins: Sequence[Any], attrs: Attributes) -> None:
    """The validating phase, in order, on the object as it will be stored."""
    for p in plugins:
        fn = getattr(p, "validate", None)
        if fn is not None:
            fn(attrs)


def default_chain(limit_ranges: Callable[[str], list[Obj]]) -> list[Any]:
    """The default-enabled plugins kubepy implements, in kube-apiserver's order
    (LimitRanger, ServiceAccount, ..., DefaultTolerationSeconds)."""
    from kubepy.apiserver.admission.limitranger import LimitRanger
    from kubepy.apiserver.admission.serviceaccount import ServiceAccount
    from kubepy.apiserver.admission.tolerationseconds import DefaultTolerationSeconds

    return [LimitRanger(limit_ranges), ServiceAccount(), DefaultTolerationSeconds()]
