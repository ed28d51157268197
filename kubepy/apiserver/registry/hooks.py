"""Per-resource REST hooks around storage writes, for what a strategy cannot do purely
(Service IP and node-port allocation, as Kubernetes' service REST wraps its store)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Obj = dict[str, Any]
Rollback = Callable[[], None]


def _noop() -> None:
    return None


class Hooks:
    """Default: nothing. Each before_* returns an undo run when the write does not happen."""

    def before_create(self, obj: Obj, dry_run: bool) -> Rollback:
        return _noop

    def before_update(self, new: Obj, old: Obj, dry_run: bool) -> Rollback:
        return _noop

    def after_delete(self, obj: Obj) -> None:
        return None
