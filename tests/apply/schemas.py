"""A mini apps/v1 Deployment exercising every list and map type apply knows."""

from __future__ import annotations

from kubepy.api.resources.meta import LabelSelector, ObjectMeta, kind_struct
from kubepy.api.schema import BOOL, INT32, STRING, Raw, f, list_of, map_of, struct

ContainerPort = struct(
    "io.k8s.api.core.v1.ContainerPort",
    "A port.",
    containerPort=f(INT32),
    protocol=f(STRING),
    name=f(STRING),
)

Container = struct(
    "io.k8s.api.core.v1.Container",
    "A container.",
    name=f(STRING),
    image=f(STRING),
    args=f(list_of(STRING), list_type="atomic"),
    ports=f(list_of(ContainerPort), list_type="map", map_keys=("containerPort", "protocol")),
)

PodSpec = struct(
    "io.k8s.api.core.v1.PodSpec",
    "A pod spec.",
    containers=f(list_of(Container), required=True, list_type="map", map_keys=("name",)),
    nodeSelector=f(map_of(STRING), map_type="atomic"),
)

Template = struct(
    "io.k8s.api.core.v1.PodTemplateSpec", "A template.", metadata=f(ObjectMeta), spec=f(PodSpec)
)

Condition = struct("io.k8s.api.apps.v1.DeploymentCondition", "A condition.", type=f(STRING), status=f(STRING))

DeploymentSpec = struct(
    "io.k8s.api.apps.v1.DeploymentSpec",
    "Deployment spec.",
    replicas=f(INT32),
    paused=f(BOOL),
    selector=f(LabelSelector),
    template=f(Template),
    tags=f(list_of(STRING), list_type="set"),
    extra=f(Raw()),
)

DeploymentStatus = struct(
    "io.k8s.api.apps.v1.DeploymentStatus",
    "Deployment status.",
    replicas=f(INT32),
    conditions=f(list_of(Condition), list_type="map", map_keys=("type",)),
)

Deployment = kind_struct(
    "io.k8s.api.apps.v1.Deployment",
    "A deployment.",
    "apps",
    "v1",
    "Deployment",
    spec=DeploymentSpec,
    status=DeploymentStatus,
)
