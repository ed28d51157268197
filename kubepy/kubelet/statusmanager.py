"""The status manager: writes a pod's status through pods/{name}/status, only when it changed.

As the kubelet, it sends a merge patch computed against what the apiserver has (the informer's
copy, or what was last written if that is newer to us), so concurrent writers of other fields are
never overwritten and no resourceVersion conflict can happen. The answer (the whole pod) is not
decoded: the watch brings the pod back anyway.
"""

from __future__ import annotations

from typing import Any

from kubepy.client.errors import ApiError
from kubepy.client.resources import PODS, path
from kubepy.client.rest import PATCH_CONTENT_TYPES, RESTClient

Obj = dict[str, Any]


def merge_diff(old: Any, new: Any) -> Any:
    """The RFC 7386 merge patch turning `old` into `new` (removed keys → null, lists whole);
    {} when they are equal."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    patch: Obj = {}
    for k in old.keys() - new.keys():
        patch[k] = None
    for k, v in new.items():
        if k not in old:
            patch[k] = v
        elif old[k] != v:
            if isinstance(v, dict) and isinstance(old[k], dict):
                patch[k] = merge_diff(old[k], v)
            else:
                patch[k] = v
    return patch


class StatusManager:
    def __init__(self, client: RESTClient) -> None:
        self.client = client
        #: pod uid → the status last written (our writes may not have come back by watch yet).
        self._written: dict[str, Obj] = {}
        self.writes = 0

    async def set(self, pod: Obj, status: Obj) -> bool:
        """Write `status` if it differs from the pod's; True when a write happened."""
        meta = pod.get("metadata") or {}
        uid = meta.get("uid", "")
        last = self._written.get(uid)
        patch = merge_diff(last if last is not None else (pod.get("status") or {}), status)
        if not patch:
            return False
        try:
            await self.client.request(
                "PATCH",
                path(PODS, meta.get("namespace", ""), meta.get("name", ""), "status"),
                body={"metadata": {"uid": uid}, "status": patch},
                content_type=PATCH_CONTENT_TYPES["merge"],
                decode=False,
            )
        except ApiError as e:
            self._written.pop(uid, None)
            if e.code == 404:
                return False
            raise
        self._written[uid] = status
        self.writes += 1
        return True

    def is_echo(self, pod: Obj) -> bool:
        """Whether `pod` shows exactly the status this manager last wrote for it (the watch
        bringing back its own write): nothing to reconcile then. The echo's status, equal and
        held by the informer anyway, then stands for what was written: one copy kept, not two
        (the informer's objects are never mutated, nor are these)."""
        uid = (pod.get("metadata") or {}).get("uid", "")
        written = self._written.get(uid)
        status = pod.get("status")
        if written is None or status != written:
            return False
        if status is not written:
            self._written[uid] = status
        return True

    def forget(self, uid: str) -> None:
        self._written.pop(uid, None)
