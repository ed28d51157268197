"""A small Pod-like schema with every strategic-merge shape the patch code must handle.

Built here, not taken from kubepy.api.resources, so these tests pin patch semantics without
depending on how complete the real Pod declaration is.
"""

from __future__ import annotations

from kubepy.api.resources.meta import ObjectMeta
from kubepy.api.schema import INT32, STRING, Raw, f, list_of, map_of, struct

ContainerPort = struct(
    "test.ContainerPort", "", containerPort=f(INT32), protocol=f(STRING), name=f(STRING), hostPort=f(INT32)
)
EnvVar = struct("test.EnvVar", "", name=f(STRING), value=f(STRING))
Container = struct(
    "test.Container",
    "",
    name=f(STRING),
    image=f(STRING),
    args=f(list_of(STRING)),
    ports=f(list_of(ContainerPort), strategy="merge", key="containerPort"),
    env=f(list_of(EnvVar), strategy="merge", key="name"),
)
HostPath = struct("test.HostPath", "", path=f(STRING), type=f(STRING))
EmptyDir = struct("test.EmptyDir", "", medium=f(STRING), sizeLimit=f(STRING))
Volume = struct("test.Volume", "", name=f(STRING), hostPath=f(HostPath), emptyDir=f(EmptyDir))
RollingUpdate = struct("test.RollingUpdate", "", maxSurge=f(STRING), maxUnavailable=f(STRING))
UpdateStrategy = struct("test.UpdateStrategy", "", type=f(STRING), rollingUpdate=f(RollingUpdate))
PodSpec = struct(
    "test.PodSpec",
    "",
    containers=f(list_of(Container), strategy="merge", key="name"),
    volumes=f(list_of(Volume), strategy="merge,retainKeys", key="name"),
    updateStrategy=f(UpdateStrategy, strategy="retainKeys"),
    nodeSelector=f(map_of(STRING)),
    tolerations=f(list_of(struct("test.Toleration", "", key=f(STRING), value=f(STRING)))),
    extension=f(Raw("test.RawExtension")),
    matrix=f(list_of(list_of(STRING)), strategy="merge"),
)
Pod = struct(
    "test.Pod",
    "",
    apiVersion=f(STRING),
    kind=f(STRING),
    metadata=f(ObjectMeta),
    spec=f(PodSpec),
)
