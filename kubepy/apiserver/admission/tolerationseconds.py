"""DefaultTolerationSeconds: a pod stays bound to a node that stops being ready or reachable for
five minutes (--default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds)
before the taint manager evicts it, unless it already says how it tolerates those taints."""

from __future__ import annotations

from typing import Any

from kubepy.apiserver.admission.chain import Attributes, Obj

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
NO_EXECUTE = "NoExecute"
DEFAULT_SECONDS = 300


def _tolerates(tolerations: list[Any], key: str) -> bool:
    """A toleration with this key (or no key) and NoExecute (or no effect) already covers it."""
    for t in tolerations:  # a loop, not any(generator): asked twice for every pod created
        if isinstance(t, dict) and t.get("key", "") in (key, "") and t.get("effect", "") in (NO_EXECUTE, ""):
            return True
    return False


def missing_tolerations(tolerations: list[Any], seconds: dict[str, int]) -> list[Obj]:
    """The NoExecute tolerations (key -> tolerationSeconds) the pod does not already have."""
    return [
        {"key": key, "operator": "Exists", "effect": NO_EXECUTE, "tolerationSeconds": secs}
        for key, secs in seconds.items()
        if not (tolerations and _tolerates(tolerations, key))
    ]


class DefaultTolerationSeconds:
    name = "DefaultTolerationSeconds"
    #: what it may act on (chain.applicable): pods alone
    resources = frozenset({("", "pods")})

    def __init__(self, not_ready_seconds: int = DEFAULT_SECONDS, unreachable_seconds: int = DEFAULT_SECONDS):
        self.seconds = {NOT_READY: not_ready_seconds, UNREACHABLE: unreachable_seconds}

    def mutates(self, attrs: Attributes) -> bool:
        return attrs.is_pod()

    def memo_state(self, attrs: Attributes) -> tuple[int, ...]:
        """The object and the configured seconds decide what this plugin does."""
        return tuple(self.seconds.values())

    def admit(self, attrs: Attributes) -> None:
        if not self.mutates(attrs):  # create and update of the pod itself, never a subresource
            return
        spec = attrs.obj.setdefault("spec", {})
        current = spec.get("tolerations") or []
        extra = missing_tolerations(current, self.seconds)
        if extra:
            spec["tolerations"] = [*current, *extra]
