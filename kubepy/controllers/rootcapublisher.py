"""The root CA publisher: a `kube-root-ca.crt` ConfigMap in every namespace holding the cluster's
CA bundle, so pods can verify the apiserver (pkg/controller/certificates/rootcacertpublisher).
It runs only when the controller-manager was given the CA (--root-ca-file)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from kubepy.client.cache import DeletedFinalStateUnknown
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.resources import CONFIGMAPS, NAMESPACES
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.informers import SharedInformers

Obj = dict[str, Any]
NAME = "kube-root-ca.crt"
DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
    "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
    "distributions of Kubernetes clusters."
)
DESCRIPTION_ANNOTATION = "kubernetes.io/description"


class RootCAPublisher(Controller):
    name = "root-ca-cert-publisher"
    workers = 1

    def __init__(self, client: RESTClient, informers: SharedInformers, clock: Clock, root_ca: str) -> None:
        super().__init__(clock)
        self.client = client
        self.root_ca = root_ca
        self.namespaces = informers.get(NAMESPACES)
        self.configmaps = informers.get(CONFIGMAPS)
        self.watches(self.namespaces, self.configmaps)
        self.namespaces.add_event_handler(self.enqueue, lambda o, n: self.enqueue(n))
        self.configmaps.add_event_handler(None, lambda o, n: self._cm(n), self._cm)

    def _cm(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        cm = unwrap(obj)
        if P.meta(cm).get("name") == NAME:
            self.queue.add(P.meta(cm).get("namespace", ""))

    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, str)
        ns = self.namespaces.store.get(key)
        if ns is None or P.meta(ns).get("deletionTimestamp"):
            return None
        data = {"ca.crt": self.root_ca}
        current = self.configmaps.store.get(f"{key}/{NAME}")
        if current is None:
            body = {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": NAME,
                    "namespace": key,
                    "annotations": {DESCRIPTION_ANNOTATION: DESCRIPTION},
                },
                "data": data,
            }
            try:
                await self.client.create(CONFIGMAPS, body)
            except ApiError as e:
                if e.code != 409 and e.reason != "Forbidden":  # exists already, or namespace terminating
                    raise
            return None
        annotations = P.meta(current).get("annotations") or {}
        if current.get("data") == data and annotations.get(DESCRIPTION_ANNOTATION) == DESCRIPTION:
            return None
        meta = {**P.meta(current), "annotations": {**annotations, DESCRIPTION_ANNOTATION: DESCRIPTION}}
        try:
            await self.client.update(CONFIGMAPS, {**current, "metadata": meta, "data": data})
        except ApiError as e:
            if not is_not_found(e):
                raise
        return None
