"""The ServiceAccount controller: every active namespace has a `default` service account; one
deleted is made again (pkg/controller/serviceaccount/serviceaccounts_controller.go)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from kubepy.client.cache import DeletedFinalStateUnknown
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError
from kubepy.client.resources import NAMESPACES, ResourceRef
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.informers import SharedInformers

Obj = dict[str, Any]
SERVICEACCOUNTS = ResourceRef("", "v1", "serviceaccounts", True, "ServiceAccount")
DEFAULT_ACCOUNTS = ("default",)


class ServiceAccountsController(Controller):
    name = "serviceaccount-controller"
    workers = 5

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        accounts: tuple[str, ...] = DEFAULT_ACCOUNTS,
    ) -> None:
        super().__init__(clock)
        self.client = client
        self.accounts = accounts
        self.namespaces = informers.get(NAMESPACES)
        self.serviceaccounts = informers.get(SERVICEACCOUNTS)
        self.watches(self.namespaces, self.serviceaccounts)
        self.namespaces.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n))
        self.serviceaccounts.add_event_handler(None, None, self._sa_deleted)

    def _sa_deleted(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        sa = unwrap(obj)
        if P.meta(sa).get("name") in self.accounts:
            self.queue.add(P.meta(sa).get("namespace", ""))

    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        ns = self.namespaces.store.get(key)
        if (
            ns is None
            or (ns.get("status") or {}).get("phase") == "Terminating"
            or P.meta(ns).get("deletionTimestamp")
        ):
            return None
        for name in self.accounts:
            if f"{key}/{name}" in self.serviceaccounts.store:
                continue
            body = {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {"name": name, "namespace": key},
            }
            try:
                await self.client.create(SERVICEACCOUNTS, body, key)
            except ApiError as e:
                # already there (cache lag), or the namespace started terminating meanwhile
                if e.code != 409 and e.reason != "Forbidden":
                    raise
        return None
