"""The 409 an apply conflict returns, worded exactly as Kubernetes' NewConflictError words it."""

from __future__ import annotations

import orjson

from kubepy.api.errors import StatusError
from kubepy.apiserver.apply.fieldpath import path_string
from kubepy.apiserver.apply.managed import UPDATE, describe
from kubepy.apiserver.apply.updater import Conflict


def print_manager(ident: str) -> str:
    """printManager: `"name"`, plus `with subresource "s"` and, for updaters, `using group/version`."""
    who = describe(ident)
    s = orjson.dumps(who.get("manager", "")).decode()
    if who.get("subresource"):
        s += " with subresource " + orjson.dumps(who["subresource"]).decode()
    if who.get("operation") == UPDATE:
        s += " using " + who.get("apiVersion", "")
    return s


def conflict_error(conflicts: list[Conflict]) -> StatusError:
    """NewConflictError: 409 Conflict listing every (manager, field) pair."""
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {print_manager(c.manager)}",
            "field": path_string(c.path),
        }
        for c in conflicts
    ]
    if len(conflicts) == 1:
        c = conflicts[0]
        msg = f"Apply failed with 1 conflict: conflict with {print_manager(c.manager)}: {path_string(c.path)}"
    else:
        lines: list[str] = []
        for m in sorted({c.manager for c in conflicts}):
            lines.append(f"conflicts with {print_manager(m)}:")
            lines += [f"- {path_string(c.path)}" for c in conflicts if c.manager == m]
        msg = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return StatusError(409, "Conflict", msg, {"causes": causes})
