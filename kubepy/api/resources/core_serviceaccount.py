"""ServiceAccount (core/v1): an identity for processes in pods, with the secrets it may use."""

from __future__ import annotations

from kubepy.api.resource import Column, Resource, Strategy
from kubepy.api.resources.cells import AGE, NAME
from kubepy.api.resources.core_refs import LocalObjectReference, ObjectReference
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import BOOL, f, list_of

CORE = "io.k8s.api.core.v1."

ServiceAccount = kind_struct(
    CORE + "ServiceAccount",
    "An identity pods run as when they talk to the API.",
    "",
    "v1",
    "ServiceAccount",
    extra={
        "secrets": f(
            list_of(ObjectReference),
            "Secrets pods of this account may use (legacy token secrets).",
            strategy="merge",
            key="name",
            list_type="map",
            map_keys=("name",),
            proto=2,
        ),
        "imagePullSecrets": f(
            list_of(LocalObjectReference),
            "Registry credentials added to pods of this account.",
            list_type="atomic",
            proto=3,
        ),
        "automountServiceAccountToken": f(
            BOOL, "Whether pods get an API token mounted by default.", proto=4, pointer=True
        ),
    },
)


class ServiceAccountStrategy(Strategy):
    return_deleted_object = True


RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="ServiceAccount",
        plural="serviceaccounts",
        namespaced=True,
        schema=ServiceAccount,
        strategy=ServiceAccountStrategy(),
        short_names=("sa",),
        subresources=("token",),
        columns=(
            NAME,
            Column(
                "Secrets", "string", lambda o, now: len(o.get("secrets") or []), "Number of secrets listed."
            ),
            AGE,
        ),
    )
]
