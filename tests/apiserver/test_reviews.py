"""SubjectAccessReview, LocalSubjectAccessReview and TokenReview: create-only, computed, never stored."""

from __future__ import annotations

AUTHZ = "/apis/authorization.k8s.io/v1"


async def test_subject_access_review_allows_everything_for_now(client):
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {
            "user": "alice",
            "resourceAttributes": {"verb": "get", "resource": "pods", "namespace": "ns"},
        },
    }
    r = await client.post(f"{AUTHZ}/subjectaccessreviews", json=body)
    assert r.status_code == 201 and r.json()["status"] == {"allowed": True}
    body["spec"].pop("user")
    r = await client.post(f"{AUTHZ}/subjectaccessreviews", json=body)
    assert r.status_code == 422
    assert (
        'spec.user: Invalid value: "": at least one of user or group must be specified' in r.json()["message"]
    )
    assert (await client.get(f"{AUTHZ}/subjectaccessreviews")).status_code == 405


async def test_local_subject_access_review_namespace_must_match(client):
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "LocalSubjectAccessReview",
        "spec": {
            "groups": ["dev"],
            "resourceAttributes": {"verb": "list", "resource": "pods", "namespace": "other"},
        },
    }
    r = await client.post(f"{AUTHZ}/namespaces/default/localsubjectaccessreviews", json=body)
    assert r.status_code == 422 and "must match metadata.namespace" in r.json()["message"]
    body["spec"]["resourceAttributes"]["namespace"] = "default"
    r = await client.post(f"{AUTHZ}/namespaces/default/localsubjectaccessreviews", json=body)
    assert r.status_code == 201 and r.json()["status"]["allowed"] is True


async def test_token_review_without_authenticators(client):
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": "abc"}}
    r = await client.post("/apis/authentication.k8s.io/v1/tokenreviews", json=body)
    assert r.status_code == 201
    status = r.json()["status"]
    assert "authenticated" not in status or status["authenticated"] is False
    assert status["error"]
