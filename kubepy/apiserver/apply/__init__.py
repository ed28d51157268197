"""Server-side apply and managedFields tracking (structured-merge-diff and apimachinery's field
manager), as pure functions over plain dicts."""

from kubepy.apiserver.apply.conflicts import conflict_error
from kubepy.apiserver.apply.manager import apply, reset_fields, track_create, track_update
from kubepy.apiserver.apply.names import (
    default_manager,
    manager_or_user_agent,
    validate_field_manager,
    validate_managed_fields,
)

__all__ = [
    "apply",
    "conflict_error",
    "default_manager",
    "manager_or_user_agent",
    "reset_fields",
    "track_create",
    "track_update",
    "validate_field_manager",
    "validate_managed_fields",
]
