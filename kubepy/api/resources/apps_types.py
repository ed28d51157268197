"""Spec and status types of Deployment, ReplicaSet, StatefulSet and DaemonSet (apps/v1 wire format).

Field names, JSON types, merge keys, list types and protobuf numbers follow Kubernetes' API;
descriptions are our own. Fields of Go structs embedded inline (VolumeSource, ProbeHandler...) are
flattened into their parent here, as in OpenAPI, so they carry no protobuf number of their own.
"""

from __future__ import annotations

from kubepy.api.resources.core_pod_types import PodTemplateSpec
from kubepy.api.resources.core_storage import PersistentVolumeClaim
from kubepy.api.resources.meta import LabelSelector
from kubepy.api.schema import BOOL, INT32, INT64, INT_OR_STRING, STRING, TIME, f, list_of, struct

RollingUpdateDeployment = struct(
    "io.k8s.api.apps.v1.RollingUpdateDeployment",
    "Parameters of a rolling update of a deployment.",
    maxUnavailable=f(
        INT_OR_STRING,
        "Pods that may be unavailable during an update, as a number or a percentage.",
        proto=1,
        pointer=True,
    ),
    maxSurge=f(
        INT_OR_STRING,
        "Pods that may be created above the desired count during an update, as a number or a percentage.",
        proto=2,
        pointer=True,
    ),
)

DeploymentStrategy = struct(
    "io.k8s.api.apps.v1.DeploymentStrategy",
    "How a deployment replaces old pods.",
    type=f(STRING, "Recreate or RollingUpdate; defaults to RollingUpdate.", proto=1),
    rollingUpdate=f(RollingUpdateDeployment, "Parameters of a RollingUpdate strategy.", proto=2),
)

DeploymentSpec = struct(
    "io.k8s.api.apps.v1.DeploymentSpec",
    "Desired state of a deployment.",
    replicas=f(INT32, "Desired number of pods; defaults to 1.", proto=1, pointer=True),
    selector=f(
        LabelSelector,
        "Label query over the pods; must match the template's labels and cannot change.",
        required=True,
        proto=2,
    ),
    template=f(PodTemplateSpec, "Pod template used to create new pods.", required=True, proto=3),
    strategy=f(
        DeploymentStrategy, "How existing pods are replaced by new ones.", strategy="retainKeys", proto=4
    ),
    minReadySeconds=f(
        INT32, "Seconds a new pod must be ready, without crashing, before it counts as available.", proto=5
    ),
    revisionHistoryLimit=f(INT32, "How many old revisions to keep for rollback.", proto=6, pointer=True),
    paused=f(BOOL, "Stop rolling out template changes.", proto=7),
    progressDeadlineSeconds=f(
        INT32,
        "Seconds before a stalled rollout is reported as failed; defaults to 600.",
        proto=9,
        pointer=True,
    ),
)

DeploymentCondition = struct(
    "io.k8s.api.apps.v1.DeploymentCondition",
    "One condition of a deployment.",
    type=f(STRING, "Available, Progressing or ReplicaFailure.", proto=1),
    status=f(STRING, "True, False or Unknown.", proto=2),
    lastUpdateTime=f(TIME, "When the condition was last updated.", proto=6),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=7),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=4),
    message=f(STRING, "Human-readable explanation.", proto=5),
)

DeploymentStatus = struct(
    "io.k8s.api.apps.v1.DeploymentStatus",
    "Observed state of a deployment.",
    observedGeneration=f(INT64, "Generation of the spec the status reflects.", proto=1),
    replicas=f(INT32, "Pods of this deployment, old and new.", proto=2),
    updatedReplicas=f(INT32, "Pods with the current template.", proto=3),
    readyReplicas=f(INT32, "Number of pods with a Ready condition.", proto=7),
    availableReplicas=f(INT32, "Number of pods ready for at least minReadySeconds.", proto=4),
    unavailableReplicas=f(INT32, "Pods still needed for the deployment to be fully available.", proto=5),
    terminatingReplicas=f(
        INT32, "Number of pods being terminated that are not yet gone.", proto=9, pointer=True
    ),
    conditions=f(
        list_of(DeploymentCondition),
        "Latest observations of the object's state.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=6,
    ),
    collisionCount=f(
        INT32, "Counter used to avoid name collisions when hashing revisions.", proto=8, pointer=True
    ),
)

ReplicaSetSpec = struct(
    "io.k8s.api.apps.v1.ReplicaSetSpec",
    "Desired state of a replica set.",
    replicas=f(INT32, "Desired number of pods; defaults to 1.", proto=1, pointer=True),
    minReadySeconds=f(
        INT32, "Seconds a new pod must be ready, without crashing, before it counts as available.", proto=4
    ),
    selector=f(LabelSelector, "Label query over the pods this object manages.", required=True, proto=2),
    template=f(PodTemplateSpec, "Pod template used to create new pods.", proto=3),
)

ReplicaSetCondition = struct(
    "io.k8s.api.apps.v1.ReplicaSetCondition",
    "One condition of a replica set.",
    type=f(STRING, "Condition type, such as ReplicaFailure.", proto=1),
    status=f(STRING, "True, False or Unknown.", proto=2),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=3),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=4),
    message=f(STRING, "Human-readable explanation.", proto=5),
)

ReplicaSetStatus = struct(
    "io.k8s.api.apps.v1.ReplicaSetStatus",
    "Observed state of a replica set.",
    replicas=f(INT32, "Most recently observed number of pods.", required=True, proto=1),
    fullyLabeledReplicas=f(INT32, "Number of pods whose labels match the template's labels.", proto=2),
    readyReplicas=f(INT32, "Number of pods with a Ready condition.", proto=4),
    availableReplicas=f(INT32, "Number of pods ready for at least minReadySeconds.", proto=5),
    terminatingReplicas=f(
        INT32, "Number of pods being terminated that are not yet gone.", proto=7, pointer=True
    ),
    observedGeneration=f(INT64, "Generation of the spec the status reflects.", proto=3),
    conditions=f(
        list_of(ReplicaSetCondition),
        "Latest observations of the object's state.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=6,
    ),
)

RollingUpdateStatefulSetStrategy = struct(
    "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy",
    "Parameters of a rolling update of a stateful set.",
    partition=f(
        INT32,
        "Ordinal at and above which pods are updated; lower ordinals keep the old revision.",
        proto=1,
        pointer=True,
    ),
    maxUnavailable=f(
        INT_OR_STRING,
        "Pods that may be unavailable during an update, as a number or a percentage.",
        proto=2,
        pointer=True,
    ),
)

StatefulSetUpdateStrategy = struct(
    "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
    "How a stateful set replaces its pods.",
    type=f(STRING, "RollingUpdate or OnDelete; defaults to RollingUpdate.", proto=1),
    rollingUpdate=f(RollingUpdateStatefulSetStrategy, "Parameters of a RollingUpdate strategy.", proto=2),
)

StatefulSetPersistentVolumeClaimRetentionPolicy = struct(
    "io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
    "What happens to a stateful set's claims.",
    whenDeleted=f(STRING, "Retain or Delete claims when the set is deleted.", proto=1),
    whenScaled=f(STRING, "Retain or Delete claims of pods removed by a scale-down.", proto=2),
)

StatefulSetOrdinals = struct(
    "io.k8s.api.apps.v1.StatefulSetOrdinals",
    "Numbering of a stateful set's replicas.",
    start=f(INT32, "First ordinal given to a replica; defaults to 0.", proto=1),
)

StatefulSetSpec = struct(
    "io.k8s.api.apps.v1.StatefulSetSpec",
    "Desired state of a stateful set.",
    replicas=f(INT32, "Desired number of pods; defaults to 1.", proto=1, pointer=True),
    selector=f(LabelSelector, "Label query over the pods this object manages.", required=True, proto=2),
    template=f(PodTemplateSpec, "Pod template used to create new pods.", required=True, proto=3),
    volumeClaimTemplates=f(
        list_of(PersistentVolumeClaim), "Claims made for every pod, each bound to its ordinal.", proto=4
    ),
    serviceName=f(STRING, "Headless service giving the pods their network identity.", proto=5),
    podManagementPolicy=f(STRING, "OrderedReady or Parallel; defaults to OrderedReady.", proto=6),
    updateStrategy=f(StatefulSetUpdateStrategy, "How pods are replaced when the template changes.", proto=7),
    revisionHistoryLimit=f(INT32, "How many old revisions to keep for rollback.", proto=8, pointer=True),
    minReadySeconds=f(
        INT32, "Seconds a new pod must be ready, without crashing, before it counts as available.", proto=9
    ),
    persistentVolumeClaimRetentionPolicy=f(
        StatefulSetPersistentVolumeClaimRetentionPolicy,
        "What happens to claims from volumeClaimTemplates.",
        proto=10,
    ),
    ordinals=f(StatefulSetOrdinals, "Numbering of the replicas.", proto=11),
)

StatefulSetCondition = struct(
    "io.k8s.api.apps.v1.StatefulSetCondition",
    "One condition of a stateful set.",
    type=f(STRING, "Condition type.", proto=1),
    status=f(STRING, "True, False or Unknown.", proto=2),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=3),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=4),
    message=f(STRING, "Human-readable explanation.", proto=5),
)

StatefulSetStatus = struct(
    "io.k8s.api.apps.v1.StatefulSetStatus",
    "Observed state of a stateful set.",
    observedGeneration=f(INT64, "Generation of the spec the status reflects.", proto=1),
    replicas=f(INT32, "Pods created by the set.", required=True, proto=2),
    readyReplicas=f(INT32, "Number of pods with a Ready condition.", proto=3),
    currentReplicas=f(INT32, "Pods at currentRevision.", proto=4),
    updatedReplicas=f(INT32, "Pods at updateRevision.", proto=5),
    currentRevision=f(STRING, "Revision of the pods currently at the lower ordinals.", proto=6),
    updateRevision=f(STRING, "Revision the pods are being updated to.", proto=7),
    collisionCount=f(
        INT32, "Counter used to avoid name collisions when hashing revisions.", proto=9, pointer=True
    ),
    conditions=f(
        list_of(StatefulSetCondition),
        "Latest observations of the object's state.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=10,
    ),
    availableReplicas=f(INT32, "Number of pods ready for at least minReadySeconds.", proto=11),
)

RollingUpdateDaemonSet = struct(
    "io.k8s.api.apps.v1.RollingUpdateDaemonSet",
    "Parameters of a rolling update of a daemon set.",
    dict(RollingUpdateDeployment.fields),  # the same two knobs, numbered alike
)

DaemonSetUpdateStrategy = struct(
    "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
    "How a daemon set replaces its pods.",
    type=f(STRING, "RollingUpdate or OnDelete; defaults to RollingUpdate.", proto=1),
    rollingUpdate=f(RollingUpdateDaemonSet, "Parameters of a RollingUpdate strategy.", proto=2),
)

DaemonSetSpec = struct(
    "io.k8s.api.apps.v1.DaemonSetSpec",
    "Desired state of a daemon set.",
    selector=f(
        LabelSelector, "Label query over the pods; must match the template's labels.", required=True, proto=1
    ),
    template=f(PodTemplateSpec, "Pod template run on every eligible node.", required=True, proto=2),
    updateStrategy=f(DaemonSetUpdateStrategy, "How pods are replaced when the template changes.", proto=3),
    minReadySeconds=f(
        INT32, "Seconds a new pod must be ready, without crashing, before it counts as available.", proto=4
    ),
    revisionHistoryLimit=f(INT32, "How many old revisions to keep for rollback.", proto=6, pointer=True),
)

DaemonSetCondition = struct(
    "io.k8s.api.apps.v1.DaemonSetCondition",
    "One condition of a daemon set.",
    type=f(STRING, "Condition type.", proto=1),
    status=f(STRING, "True, False or Unknown.", proto=2),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=3),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=4),
    message=f(STRING, "Human-readable explanation.", proto=5),
)

DaemonSetStatus = struct(
    "io.k8s.api.apps.v1.DaemonSetStatus",
    "Observed state of a daemon set.",
    currentNumberScheduled=f(INT32, "Nodes running a daemon pod that should.", required=True, proto=1),
    numberMisscheduled=f(INT32, "Nodes running a daemon pod that should not.", required=True, proto=2),
    desiredNumberScheduled=f(INT32, "Nodes that should run a daemon pod.", required=True, proto=3),
    numberReady=f(INT32, "Nodes whose daemon pod is ready.", required=True, proto=4),
    observedGeneration=f(INT64, "Generation of the spec the status reflects.", proto=5),
    updatedNumberScheduled=f(INT32, "Nodes running the current template.", proto=6),
    numberAvailable=f(INT32, "Nodes whose daemon pod has been ready for minReadySeconds.", proto=7),
    numberUnavailable=f(INT32, "Nodes that should run an available daemon pod and do not.", proto=8),
    collisionCount=f(
        INT32, "Counter used to avoid name collisions when hashing revisions.", proto=9, pointer=True
    ),
    conditions=f(
        list_of(DaemonSetCondition),
        "Latest observations of the object's state.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=10,
    ),
)
