"""ServiceAccount and token controllers against the real apiserver."""

from __future__ import annotations

import base64

import orjson

from kubepy.client.errors import ApiError
from kubepy.client.resources import NAMESPACES, SECRETS
from kubepy.controllers.serviceaccount import SERVICEACCOUNTS, ServiceAccountsController
from kubepy.controllers.tokens import TokensController, account_of, needs_token
from tests.controllers.conftest import eventually_async, run_controller, stop


async def _exists(client, ref, name: str, ns: str) -> bool:
    try:
        await client.get(ref, name, ns)
    except ApiError as e:
        if e.code == 404:
            return False
        raise
    return True


def test_account_of_only_token_secrets() -> None:
    ann = {"kubernetes.io/service-account.name": "build-robot", "kubernetes.io/service-account.uid": "u"}
    assert account_of({"type": "kubernetes.io/service-account-token", "metadata": {"annotations": ann}}) == (
        "build-robot",
        "u",
    )
    assert account_of({"type": "Opaque", "metadata": {"annotations": ann}}) == ("", "")
    assert not needs_token({"data": {"token": "x", "namespace": "y"}}, b"")
    assert needs_token({"data": {"namespace": "y"}}, b"")
    assert not needs_token({"data": {"token": "x", "namespace": "y", "ca.crt": "z"}}, b"CA")
    assert needs_token({"data": {"token": "x", "namespace": "y"}}, b"CA")


async def test_every_namespace_gets_a_default_service_account(client, informers) -> None:
    ctrl = ServiceAccountsController(client, informers, informers.clock)
    task = await run_controller(ctrl, informers)
    try:
        await eventually_async(
            lambda: _exists(client, SERVICEACCOUNTS, "default", "default"), "default/default"
        )
        await client.create(NAMESPACES, {"metadata": {"name": "team"}})
        await eventually_async(lambda: _exists(client, SERVICEACCOUNTS, "default", "team"), "team/default")
        await client.delete(SERVICEACCOUNTS, "default", "team")

        async def recreated() -> bool:
            try:
                await client.get(SERVICEACCOUNTS, "default", "team")
            except ApiError:
                return False
            return True

        await eventually_async(recreated, "recreated after delete")
    finally:
        await stop(task)


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


async def test_token_secret_is_filled(client, informers) -> None:
    ctrl = TokensController(client, informers, informers.clock, root_ca=b"-----BEGIN CERTIFICATE-----\nX\n")
    task = await run_controller(ctrl, informers)
    try:
        sa = await client.create(
            SERVICEACCOUNTS, {"metadata": {"name": "build-robot", "namespace": "default"}}
        )
        await client.create(
            SECRETS,
            {
                "metadata": {
                    "name": "build-robot-secret",
                    "namespace": "default",
                    "annotations": {"kubernetes.io/service-account.name": "build-robot"},
                },
                "type": "kubernetes.io/service-account-token",
            },
        )

        async def filled() -> bool:
            s = await client.get(SECRETS, "build-robot-secret", "default")
            return bool((s.get("data") or {}).get("token"))

        await eventually_async(filled, "token filled")
        s = await client.get(SECRETS, "build-robot-secret", "default")
        assert base64.b64decode(s["data"]["namespace"]) == b"default"
        assert base64.b64decode(s["data"]["ca.crt"]).startswith(b"-----BEGIN CERTIFICATE")
        assert s["metadata"]["annotations"]["kubernetes.io/service-account.uid"] == sa["metadata"]["uid"]
        claims = _claims(base64.b64decode(s["data"]["token"]).decode())
        assert claims["sub"] == "system:serviceaccount:default:build-robot"
        # the account goes, its token secret with it
        await client.delete(SERVICEACCOUNTS, "build-robot", "default")

        async def secret_gone() -> bool:
            return not await _exists(client, SECRETS, "build-robot-secret", "default")

        await eventually_async(secret_gone, "token secret deleted with its account")
    finally:
        await stop(task)


async def test_book_mode_creates_one_token_secret_per_account(client, informers) -> None:
    ctrl = TokensController(client, informers, informers.clock, auto_create=True)
    task = await run_controller(ctrl, informers)
    try:
        await client.create(SERVICEACCOUNTS, {"metadata": {"name": "robot", "namespace": "default"}})

        async def listed() -> bool:
            sa = await client.get(SERVICEACCOUNTS, "robot", "default")
            names = [r["name"] for r in sa.get("secrets") or ()]
            if len(names) != 1:
                return False
            s = await client.get(SECRETS, names[0], "default")
            return bool((s.get("data") or {}).get("token"))

        await eventually_async(listed, "a token secret listed and filled")
        sa = await client.get(SERVICEACCOUNTS, "robot", "default")
        (name,) = [r["name"] for r in sa["secrets"]]
        assert name.startswith("robot-token-")
        items, _ = await client.list_all(SECRETS, "default")
        assert [s["metadata"]["name"] for s in items if account_of(s)[0] == "robot"] == [name]
        # deleting the secret: dropped from the account, and a new one made
        await client.delete(SECRETS, name, "default")

        async def replaced() -> bool:
            sa = await client.get(SERVICEACCOUNTS, "robot", "default")
            names = [r["name"] for r in sa.get("secrets") or ()]
            return len(names) == 1 and names[0] != name

        await eventually_async(replaced, "replacement token secret")
    finally:
        await stop(task)
