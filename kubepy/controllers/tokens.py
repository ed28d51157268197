"""The token controller: Secrets of type kubernetes.io/service-account-token get a token, the
cluster's CA and the namespace filled in (the book's §2.2.5; pkg/controller/serviceaccount/
tokens_controller.go). The token is signed by the apiserver: POST serviceaccounts/{name}/token,
bound to the Secret, so the controller needs no key of its own.

With `auto_create` (the book's 1.0 behaviour; Kubernetes before 1.24) every service account also
gets a `<name>-token-xxxxx` Secret listed in its `secrets`. Either way, token Secrets of a service
account that is gone are deleted, and a deleted Secret is dropped from its account's `secrets`.
"""

from __future__ import annotations

import base64
from collections.abc import Hashable
from typing import Any

from kubepy.client.cache import NAMESPACE_INDEX, DeletedFinalStateUnknown, key_of, split_key
from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.resources import SECRETS
from kubepy.client.rest import RESTClient
from kubepy.controllers import pods as P
from kubepy.controllers.base import Controller, unwrap
from kubepy.controllers.informers import SharedInformers
from kubepy.controllers.serviceaccount import SERVICEACCOUNTS

Obj = dict[str, Any]
TOKEN_TYPE = "kubernetes.io/service-account-token"
NAME_ANNOTATION = "kubernetes.io/service-account.name"
UID_ANNOTATION = "kubernetes.io/service-account.uid"
#: Legacy token secrets do not expire; TokenRequest caps the lifetime at 2^32 s (136 years).
TOKEN_SECONDS = 2**32


def b64(s: str | bytes) -> str:
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


def account_of(secret: Obj) -> tuple[str, str]:
    """(name, uid) of the service account a token Secret belongs to; ("", "") for other Secrets."""
    if secret.get("type") != TOKEN_TYPE:
        return "", ""
    ann = P.meta(secret).get("annotations") or {}
    return ann.get(NAME_ANNOTATION, ""), ann.get(UID_ANNOTATION, "")


def needs_token(secret: Obj, ca: bytes) -> bool:
    data = secret.get("data") or {}
    return not data.get("token") or "namespace" not in data or (bool(ca) and "ca.crt" not in data)


def references(sa: Obj, secret_name: str) -> bool:
    return any(r.get("name") == secret_name for r in sa.get("secrets") or ())


class TokensController(Controller):
    name = "tokens-controller"
    workers = 5

    def __init__(
        self,
        client: RESTClient,
        informers: SharedInformers,
        clock: Clock,
        *,
        root_ca: bytes = b"",
        auto_create: bool = False,
    ) -> None:
        super().__init__(clock)
        self.client = client
        self.root_ca = root_ca
        self.auto_create = auto_create
        self.serviceaccounts = informers.get(SERVICEACCOUNTS)
        self.secrets = informers.get(SECRETS)
        self.watches(self.serviceaccounts, self.secrets)
        #: token Secrets seen deleted ("ns/name"), to drop from their account's `secrets`
        self._deleted: set[str] = set()
        #: token Secrets this controller created, by account uid (the cache may not show them yet)
        self._created: dict[str, set[str]] = {}
        # keys: ("sa", "ns/name") and ("secret", "ns/name")
        self.serviceaccounts.add_event_handler(self._sa, lambda o, n: self._sa(n), self._sa)
        self.secrets.add_event_handler(self._secret, lambda o, n: self._secret(n), self._secret_deleted)

    def _sa(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        self.queue.add(("sa", key_of(obj) if isinstance(obj, dict) else obj.key))

    def _secret(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        s = unwrap(obj)
        name, _ = account_of(s)
        if name:
            self.queue.add(("secret", key_of(obj) if isinstance(obj, dict) else obj.key))
            self.queue.add(("sa", f"{P.meta(s).get('namespace', '')}/{name}"))

    def _secret_deleted(self, obj: Obj | DeletedFinalStateUnknown) -> None:
        if account_of(unwrap(obj))[0]:
            self._deleted.add(key_of(obj) if isinstance(obj, dict) else obj.key)
        self._secret(obj)

    async def sync(self, key: Hashable) -> float | None:
        assert isinstance(key, tuple)
        what, k = key
        if what == "secret":
            await self.sync_secret(k)
        else:
            await self.sync_account(k)
        return None

    # ---- secrets ------------------------------------------------------------------------------
    async def sync_secret(self, key: str) -> None:
        secret = self.secrets.store.get(key)
        if secret is None:
            return
        name, uid = account_of(secret)
        ns, secret_name = split_key(key)
        sa = self.serviceaccounts.store.get(f"{ns}/{name}")
        if sa is None or (uid and P.meta(sa).get("uid") != uid):
            sa = await self._fresh_account(ns, name)
            if sa is None or (uid and P.meta(sa).get("uid") != uid):
                await self._delete_secret(ns, secret_name)  # its account is gone
                return
        if not needs_token(secret, self.root_ca) and uid:
            return
        token = await self._token(sa, secret)
        data = dict(secret.get("data") or {})
        data["token"] = b64(token)
        data["namespace"] = b64(ns)
        if self.root_ca:
            data["ca.crt"] = b64(self.root_ca)
        annotations = {**(P.meta(secret).get("annotations") or {}), UID_ANNOTATION: P.meta(sa).get("uid", "")}
        body = {**secret, "metadata": {**P.meta(secret), "annotations": annotations}, "data": data}
        try:
            await self.client.update(SECRETS, body)
        except ApiError as e:
            if not is_not_found(e):
                raise

    async def _token(self, sa: Obj, secret: Obj) -> str:
        m = P.meta(sa)
        request = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": {
                "expirationSeconds": TOKEN_SECONDS,
                "boundObjectRef": {
                    "kind": "Secret",
                    "apiVersion": "v1",
                    "name": P.meta(secret).get("name", ""),
                    "uid": P.meta(secret).get("uid", ""),
                },
            },
        }
        url = f"/api/v1/namespaces/{m.get('namespace', '')}/serviceaccounts/{m.get('name', '')}/token"
        answer = await self.client.request("POST", url, body=request)
        return answer["status"]["token"]

    async def _fresh_account(self, ns: str, name: str) -> Obj | None:
        try:
            return await self.client.get(SERVICEACCOUNTS, name, ns)
        except ApiError as e:
            if is_not_found(e):
                return None
            raise

    async def _delete_secret(self, ns: str, name: str) -> None:
        try:
            await self.client.delete(SECRETS, name, ns)
        except ApiError as e:
            if not is_not_found(e):
                raise

    # ---- service accounts ------------------------------------------------------------------
    def _tokens_of(self, ns: str, name: str, uid: str) -> list[Obj]:
        out = []
        for s in self.secrets.store.by_index(NAMESPACE_INDEX, ns):
            sa_name, sa_uid = account_of(s)
            if sa_name == name and (not sa_uid or not uid or sa_uid == uid):
                out.append(s)
        return out

    async def sync_account(self, key: str) -> None:
        ns, name = split_key(key)
        sa = self.serviceaccounts.store.get(key)
        if sa is None:
            for s in self._tokens_of(ns, name, ""):
                if await self._fresh_account(ns, name) is None:
                    await self._delete_secret(ns, P.meta(s).get("name", ""))
            return
        uid = P.meta(sa).get("uid", "")
        gone = {
            r.get("name", "") for r in sa.get("secrets") or () if f"{ns}/{r.get('name', '')}" in self._deleted
        }
        listed = [r for r in sa.get("secrets") or () if r.get("name", "") not in gone]
        if self.auto_create and not any(
            references(sa, P.meta(t).get("name", "")) for t in self._tokens_of(ns, name, uid)
        ):
            fresh = await self._fresh_account(ns, name)  # the cache may not show our last write yet
            if fresh is None or P.meta(fresh).get("uid") != uid:
                return
            sa = fresh
            listed = [r for r in sa.get("secrets") or () if r.get("name", "") not in gone]
            known = {P.meta(t).get("name", "") for t in self._tokens_of(ns, name, uid)} | self._created.get(
                uid, set()
            )
            if not any(r.get("name", "") in known for r in listed):
                created = await self._create_token_secret(sa)
                self._created.setdefault(uid, set()).add(P.meta(created).get("name", ""))
                listed.append({"name": P.meta(created).get("name", "")})
        if listed != list(sa.get("secrets") or ()):
            body = {**sa, "secrets": listed}
            if not listed:
                body.pop("secrets", None)
            try:
                await self.client.update(SERVICEACCOUNTS, body)
            except ApiError as e:
                if not is_not_found(e):
                    raise
        self._deleted -= {f"{ns}/{g}" for g in gone}

    async def _create_token_secret(self, sa: Obj) -> Obj:
        m = P.meta(sa)
        body = {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": TOKEN_TYPE,
            "metadata": {
                "generateName": f"{m.get('name', '')}-token-",
                "namespace": m.get("namespace", ""),
                "annotations": {NAME_ANNOTATION: m.get("name", ""), UID_ANNOTATION: m.get("uid", "")},
            },
        }
        return await self.client.create(SECRETS, body)
