"""Admission: the plugins every write passes through between defaulting and storage.

Kubernetes runs each mutating plugin in order before the object is validated, then each
validating plugin after; a refusal is a Forbidden error naming the object. kubepy's store calls
`admit` and `validate` at those two points (registry/store.py); `default_chain` builds the
plugins the apiserver enables by default, in Kubernetes' order.
"""

from __future__ import annotations

from kubepy.apiserver.admission.chain import (
    CREATE,
    UPDATE,
    Attributes,
    Plugin,
    admit,
    applicable,
    default_chain,
    forbidden,
    may_mutate,
    memo_state,
    validate,
)

__all__ = [
    "CREATE",
    "UPDATE",
    "Attributes",
    "Plugin",
    "admit",
    "applicable",
    "default_chain",
    "forbidden",
    "may_mutate",
    "memo_state",
    "validate",
]
