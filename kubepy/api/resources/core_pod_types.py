"""PodSpec, PodStatus, their parts, PodTemplateSpec and the ReplicationController types (core/v1 wire format).

Field names, JSON types, merge keys, list types and protobuf numbers follow Kubernetes' API;
descriptions are our own. Fields of Go structs embedded inline (VolumeSource, ProbeHandler...) are
flattened into their parent here, as in OpenAPI, so they carry no protobuf number of their own.
"""

from __future__ import annotations

from dataclasses import replace

from kubepy.api.resources.core_refs import LocalObjectReference, NodeSelector, NodeSelectorTerm
from kubepy.api.resources.core_volumes import ObjectFieldSelector, ResourceFieldSelector, Volume
from kubepy.api.resources.meta import LabelSelector, ObjectMeta
from kubepy.api.schema import (
    BOOL,
    INT32,
    INT64,
    INT_OR_STRING,
    QUANTITY,
    STRING,
    TIME,
    f,
    list_of,
    map_of,
    struct,
)

ContainerPort = struct(
    "io.k8s.api.core.v1.ContainerPort",
    "A network port of a container.",
    name=f(STRING, "Port name (IANA_SVC_NAME), unique within the pod, that services may refer to.", proto=1),
    hostPort=f(INT32, "Port to expose on the node; most containers do not need one.", proto=2),
    containerPort=f(INT32, "Port the container listens on, 1 to 65535.", required=True, proto=3),
    protocol=f(STRING, "TCP, UDP or SCTP; defaults to TCP.", proto=4),
    hostIP=f(STRING, "Node IP to bind the host port to.", proto=5),
)

ConfigMapEnvSource = struct(
    "io.k8s.api.core.v1.ConfigMapEnvSource",
    "A ConfigMap whose keys become environment variables.",
    name=f(STRING, "Name of the referenced object in the same namespace.", proto=1, embed=1),
    optional=f(BOOL, "When true, a missing ConfigMap is not an error.", proto=2, pointer=True),
)

SecretEnvSource = struct(
    "io.k8s.api.core.v1.SecretEnvSource",
    "A Secret whose keys become environment variables.",
    name=f(STRING, "Name of the referenced object in the same namespace.", proto=1, embed=1),
    optional=f(BOOL, "When true, a missing Secret is not an error.", proto=2, pointer=True),
)

EnvFromSource = struct(
    "io.k8s.api.core.v1.EnvFromSource",
    "A source of many environment variables.",
    prefix=f(STRING, "Prefix added to every variable name.", proto=1),
    configMapRef=f(ConfigMapEnvSource, "ConfigMap whose keys become variables.", proto=2),
    secretRef=f(SecretEnvSource, "Secret whose keys become variables.", proto=3),
)

ConfigMapKeySelector = struct(
    "io.k8s.api.core.v1.ConfigMapKeySelector",
    "Selects one key of a ConfigMap.",
    map_type="atomic",
    name=f(STRING, "Name of the referenced object in the same namespace.", proto=1, embed=1),
    key=f(STRING, "Key of the ConfigMap to read.", required=True, proto=2),
    optional=f(BOOL, "When true, a missing source is not an error.", proto=3, pointer=True),
)

SecretKeySelector = struct(
    "io.k8s.api.core.v1.SecretKeySelector",
    "Selects one key of a Secret.",
    map_type="atomic",
    name=f(STRING, "Name of the referenced object in the same namespace.", proto=1, embed=1),
    key=f(STRING, "Key of the Secret to read.", required=True, proto=2),
    optional=f(BOOL, "When true, a missing source is not an error.", proto=3, pointer=True),
)

FileKeySelector = struct(
    "io.k8s.api.core.v1.FileKeySelector",
    "Selects a variable from an env file in a volume.",
    map_type="atomic",
    volumeName=f(STRING, "emptyDir volume holding the file.", required=True, proto=1),
    path=f(STRING, "Path of the env file inside the volume.", required=True, proto=2),
    key=f(STRING, "Variable name to read from the file.", required=True, proto=3),
    optional=f(BOOL, "When true, a missing source is not an error.", proto=4, pointer=True),
)

EnvVarSource = struct(
    "io.k8s.api.core.v1.EnvVarSource",
    "Where an environment variable's value comes from.",
    fieldRef=f(
        ObjectFieldSelector,
        "Pod field: metadata.name, metadata.namespace, labels, annotations, spec.nodeName, status.podIP and others.",
        proto=1,
    ),
    resourceFieldRef=f(ResourceFieldSelector, "Container resource limit or request.", proto=2),
    configMapKeyRef=f(ConfigMapKeySelector, "Key of a ConfigMap.", proto=3),
    secretKeyRef=f(SecretKeySelector, "Key of a Secret.", proto=4),
    fileKeyRef=f(FileKeySelector, "Variable read from a file in an emptyDir volume.", proto=5),
)

EnvVar = struct(
    "io.k8s.api.core.v1.EnvVar",
    "An environment variable of a container.",
    name=f(STRING, "Variable name.", required=True, proto=1),
    value=f(STRING, "Value, where $(VAR) references earlier variables; $$ escapes.", proto=2),
    valueFrom=f(EnvVarSource, "Source of the value when value is empty.", proto=3),
)

ResourceClaim = struct(
    "io.k8s.api.core.v1.ResourceClaim",
    "A dynamic resource claim used by a container.",
    name=f(STRING, "Name of an entry of the pod's resourceClaims.", required=True, proto=1),
    request=f(STRING, "Request of the claim to use; empty means the whole claim.", proto=2),
)

ResourceRequirements = struct(
    "io.k8s.api.core.v1.ResourceRequirements",
    "Compute resources a container requests and is limited to.",
    limits=f(map_of(QUANTITY), "Most of each resource the container may use.", proto=1),
    requests=f(
        map_of(QUANTITY), "Least of each resource the container needs; defaults to the limits.", proto=2
    ),
    claims=f(
        list_of(ResourceClaim),
        "Dynamic resource claims the container uses.",
        list_type="map",
        map_keys=("name",),
        proto=3,
    ),
)

ContainerResizePolicy = struct(
    "io.k8s.api.core.v1.ContainerResizePolicy",
    "How a container handles an in-place resize of one resource.",
    resourceName=f(STRING, "Resource the policy is for.", required=True, proto=1),
    restartPolicy=f(
        STRING, "NotRequired or RestartContainer when this resource is resized.", required=True, proto=2
    ),
)

ContainerRestartRuleOnExitCodes = struct(
    "io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes",
    "Exit codes a restart rule matches.",
    operator=f(STRING, "In or NotIn.", proto=1, required=True),
    values=f(list_of(INT32), "Exit codes to match.", list_type="set", proto=2),
)

ContainerRestartRule = struct(
    "io.k8s.api.core.v1.ContainerRestartRule",
    "A rule deciding from the exit code whether to restart a container.",
    action=f(STRING, "What to do when the rule matches; only Restart exists.", proto=1, required=True),
    exitCodes=f(ContainerRestartRuleOnExitCodes, "Exit codes the rule matches.", proto=2),
)

VolumeMount = struct(
    "io.k8s.api.core.v1.VolumeMount",
    "Where a volume is mounted inside a container.",
    name=f(STRING, "Name of a volume of the pod.", required=True, proto=1),
    readOnly=f(BOOL, "Mount read-only; defaults to read-write.", proto=2),
    recursiveReadOnly=f(
        STRING,
        "Whether a read-only mount is read-only recursively: Disabled, IfPossible or Enabled.",
        proto=7,
        pointer=True,
    ),
    mountPath=f(STRING, "Path inside the container where the volume is mounted.", required=True, proto=3),
    subPath=f(STRING, "Path inside the volume to mount instead of its root.", proto=4),
    mountPropagation=f(
        STRING,
        "How mounts propagate between host and container: None, HostToContainer or Bidirectional.",
        proto=5,
        pointer=True,
    ),
    subPathExpr=f(STRING, "Like subPath, with $(VAR) expanded from the container's environment.", proto=6),
)

VolumeDevice = struct(
    "io.k8s.api.core.v1.VolumeDevice",
    "A raw block device exposed to a container.",
    name=f(STRING, "Name of a persistentVolumeClaim volume of the pod.", required=True, proto=1),
    devicePath=f(STRING, "Path of the device inside the container.", required=True, proto=2),
)

ExecAction = struct(
    "io.k8s.api.core.v1.ExecAction",
    "Runs a command inside the container.",
    command=f(list_of(STRING), "Command line to run, not through a shell.", proto=1),
)

HTTPHeader = struct(
    "io.k8s.api.core.v1.HTTPHeader",
    "A header of a probe's HTTP request.",
    name=f(STRING, "Header field name.", required=True, proto=1),
    value=f(STRING, "Header field value.", required=True, proto=2),
)

HTTPGetAction = struct(
    "io.k8s.api.core.v1.HTTPGetAction",
    "An HTTP GET request.",
    path=f(STRING, "Path to request.", proto=1),
    port=f(INT_OR_STRING, "Port number or name to connect to.", required=True, proto=2),
    host=f(STRING, "Host to connect to; defaults to the pod IP.", proto=3),
    scheme=f(STRING, "HTTP or HTTPS; defaults to HTTP.", proto=4),
    httpHeaders=f(list_of(HTTPHeader), "Extra request headers.", proto=5),
    protocol=f(STRING, "Reserved.", proto=6, pointer=True),
)

TCPSocketAction = struct(
    "io.k8s.api.core.v1.TCPSocketAction",
    "A TCP connection attempt.",
    port=f(INT_OR_STRING, "Port number or name to connect to.", required=True, proto=1),
    host=f(STRING, "Host to connect to; defaults to the pod IP.", proto=2),
)

GRPCAction = struct(
    "io.k8s.api.core.v1.GRPCAction",
    "A gRPC health check request.",
    port=f(INT32, "Port of the gRPC service.", required=True, proto=1),
    service=f(STRING, "Service name sent in the gRPC health check request.", proto=2, pointer=True),
    mode=f(STRING, "Reserved.", proto=3, pointer=True),
)

Probe = struct(
    "io.k8s.api.core.v1.Probe",
    "A periodic health check of a container.",
    exec=f(ExecAction, "Run a command; exit status 0 is healthy.", proto=1, embed=1),
    httpGet=f(HTTPGetAction, "HTTP GET; a 2xx or 3xx answer is healthy.", proto=2, embed=1),
    tcpSocket=f(TCPSocketAction, "TCP connect; an open port is healthy.", proto=3, embed=1),
    grpc=f(GRPCAction, "gRPC health check.", proto=4, embed=1),
    initialDelaySeconds=f(INT32, "Seconds after the container starts before the first probe.", proto=2),
    timeoutSeconds=f(INT32, "Seconds before a probe times out; defaults to 1.", proto=3),
    periodSeconds=f(INT32, "Seconds between probes; defaults to 10.", proto=4),
    successThreshold=f(INT32, "Consecutive successes needed after a failure; defaults to 1.", proto=5),
    failureThreshold=f(INT32, "Consecutive failures before giving up; defaults to 3.", proto=6),
    terminationGracePeriodSeconds=f(
        INT64,
        "Grace period for a container killed by this probe, overriding the pod's.",
        proto=7,
        pointer=True,
    ),
)

SleepAction = struct(
    "io.k8s.api.core.v1.SleepAction",
    "Waits for a number of seconds.",
    seconds=f(INT64, "Seconds to sleep.", required=True, proto=1),
)

LifecycleHandler = struct(
    "io.k8s.api.core.v1.LifecycleHandler",
    "An action run by a lifecycle hook.",
    exec=f(ExecAction, "Run a command in the container.", proto=1),
    httpGet=f(HTTPGetAction, "Send an HTTP GET.", proto=2),
    tcpSocket=f(TCPSocketAction, "Deprecated; kept for compatibility.", proto=3),
    sleep=f(SleepAction, "Sleep for a while.", proto=4),
)

Lifecycle = struct(
    "io.k8s.api.core.v1.Lifecycle",
    "Hooks run when a container starts and stops.",
    postStart=f(LifecycleHandler, "Hook run right after the container is created.", proto=1),
    preStop=f(LifecycleHandler, "Hook run before the container is stopped.", proto=2),
    stopSignal=f(STRING, "Signal sent to stop the container.", proto=3, pointer=True),
)

Capabilities = struct(
    "io.k8s.api.core.v1.Capabilities",
    "Linux capabilities to add and drop.",
    add=f(list_of(STRING), "Capabilities to add.", proto=1),
    drop=f(list_of(STRING), "Capabilities to remove.", proto=2),
)

SELinuxOptions = struct(
    "io.k8s.api.core.v1.SELinuxOptions",
    "SELinux labels for a container.",
    user=f(STRING, "SELinux user label.", proto=1),
    role=f(STRING, "SELinux role label.", proto=2),
    type=f(STRING, "SELinux type label.", proto=3),
    level=f(STRING, "SELinux level label.", proto=4),
)

WindowsSecurityContextOptions = struct(
    "io.k8s.api.core.v1.WindowsSecurityContextOptions",
    "Windows-specific security options.",
    gmsaCredentialSpecName=f(STRING, "Name of the GMSA credential spec to use.", proto=1, pointer=True),
    gmsaCredentialSpec=f(STRING, "Inlined GMSA credential spec contents.", proto=2, pointer=True),
    runAsUserName=f(STRING, "Windows user name the entrypoint runs as.", proto=3, pointer=True),
    hostProcess=f(BOOL, "Run as a host process container.", proto=4, pointer=True),
)

SeccompProfile = struct(
    "io.k8s.api.core.v1.SeccompProfile",
    "The seccomp profile to apply.",
    type=f(STRING, "RuntimeDefault, Unconfined or Localhost.", required=True, proto=1),
    localhostProfile=f(
        STRING, "Profile file on the node, used when type is Localhost.", proto=2, pointer=True
    ),
)

AppArmorProfile = struct(
    "io.k8s.api.core.v1.AppArmorProfile",
    "The AppArmor profile to apply.",
    type=f(STRING, "RuntimeDefault, Unconfined or Localhost.", required=True, proto=1),
    localhostProfile=f(
        STRING, "Profile file on the node, used when type is Localhost.", proto=2, pointer=True
    ),
)

SecurityContext = struct(
    "io.k8s.api.core.v1.SecurityContext",
    "Security options of one container; they override the pod's.",
    capabilities=f(Capabilities, "Capabilities to add or drop.", proto=1),
    privileged=f(BOOL, "Run with the host's full privileges.", proto=2, pointer=True),
    seLinuxOptions=f(SELinuxOptions, "SELinux context applied to the container.", proto=3),
    windowsOptions=f(WindowsSecurityContextOptions, "Windows-specific settings.", proto=10),
    runAsUser=f(INT64, "UID the container process runs as.", proto=4, pointer=True),
    runAsGroup=f(INT64, "GID the container process runs as.", proto=8, pointer=True),
    runAsNonRoot=f(BOOL, "Refuse to start the container if it would run as UID 0.", proto=5, pointer=True),
    readOnlyRootFilesystem=f(BOOL, "Mount the root filesystem read-only.", proto=6, pointer=True),
    allowPrivilegeEscalation=f(
        BOOL, "Whether a process may gain more privileges than its parent.", proto=7, pointer=True
    ),
    procMount=f(STRING, "Default or Unmasked /proc.", proto=9, pointer=True),
    seccompProfile=f(SeccompProfile, "Seccomp profile to apply.", proto=11),
    appArmorProfile=f(AppArmorProfile, "AppArmor profile to apply.", proto=12),
)

Container = struct(
    "io.k8s.api.core.v1.Container",
    "One container of a pod.",
    name=f(STRING, "Name of the container, a DNS label unique within the pod.", required=True, proto=1),
    image=f(STRING, "Container image to run.", proto=2),
    command=f(list_of(STRING), "Entrypoint, replacing the image's ENTRYPOINT; $(VAR) is expanded.", proto=3),
    args=f(list_of(STRING), "Arguments, replacing the image's CMD; $(VAR) is expanded.", proto=4),
    workingDir=f(STRING, "Working directory; defaults to the image's.", proto=5),
    ports=f(
        list_of(ContainerPort),
        "Ports the container exposes; informational.",
        strategy="merge",
        key="containerPort",
        list_type="map",
        map_keys=("containerPort", "protocol"),
        proto=6,
    ),
    envFrom=f(list_of(EnvFromSource), "Sources whose keys all become environment variables.", proto=19),
    env=f(
        list_of(EnvVar),
        "Environment variables.",
        strategy="merge",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=7,
    ),
    resources=f(ResourceRequirements, "Compute resources the container requests and is limited to.", proto=8),
    resizePolicy=f(list_of(ContainerResizePolicy), "How each resource may be resized in place.", proto=23),
    restartPolicy=f(STRING, "For init containers, Always makes it a sidecar.", proto=24, pointer=True),
    restartPolicyRules=f(
        list_of(ContainerRestartRule),
        "Rules deciding from the exit code whether the container restarts.",
        proto=25,
    ),
    volumeMounts=f(
        list_of(VolumeMount),
        "Volumes mounted into the container.",
        strategy="merge",
        key="mountPath",
        list_type="map",
        map_keys=("mountPath",),
        proto=9,
    ),
    volumeDevices=f(
        list_of(VolumeDevice),
        "Block devices the container uses.",
        strategy="merge",
        key="devicePath",
        list_type="map",
        map_keys=("devicePath",),
        proto=21,
    ),
    livenessProbe=f(Probe, "Check whose failure restarts the container.", proto=10),
    readinessProbe=f(Probe, "Check whose failure takes the pod out of service endpoints.", proto=11),
    startupProbe=f(Probe, "Check that must succeed before the other probes start.", proto=22),
    lifecycle=f(Lifecycle, "Hooks run at container start and stop.", proto=12),
    terminationMessagePath=f(
        STRING,
        "File whose contents become the termination message; defaults to /dev/termination-log.",
        proto=13,
    ),
    terminationMessagePolicy=f(
        STRING, "File, or FallbackToLogsOnError to use the log tail when the file is empty.", proto=20
    ),
    imagePullPolicy=f(
        STRING,
        "Always, Never or IfNotPresent; Always for :latest or untagged images, else IfNotPresent.",
        proto=14,
    ),
    securityContext=f(SecurityContext, "Security options of the container.", proto=15),
    stdin=f(BOOL, "Keep a stdin buffer open for the container.", proto=16),
    stdinOnce=f(BOOL, "Close stdin after the first attached client detaches.", proto=17),
    tty=f(BOOL, "Allocate a TTY.", proto=18),
)

EphemeralContainer = struct(
    "io.k8s.api.core.v1.EphemeralContainer",
    "A temporary container added to a running pod for debugging.",
    # The fields of a Container, which Go inlines from EphemeralContainerCommon (embedded message 1,
    # numbered as in Container), then the target container.
    {
        **{name: replace(fd, embed=1) for name, fd in Container.fields.items()},
        "targetContainerName": f(
            STRING, "Container whose process namespace the ephemeral container joins.", proto=2
        ),
    },
)

Sysctl = struct(
    "io.k8s.api.core.v1.Sysctl",
    "A kernel parameter to set.",
    name=f(STRING, "Name of the sysctl.", required=True, proto=1),
    value=f(STRING, "Value to set.", required=True, proto=2),
)

PodSecurityContext = struct(
    "io.k8s.api.core.v1.PodSecurityContext",
    "Security options applied to every container of a pod.",
    seLinuxOptions=f(SELinuxOptions, "SELinux context applied to the container.", proto=1),
    windowsOptions=f(WindowsSecurityContextOptions, "Windows-specific settings.", proto=8),
    runAsUser=f(INT64, "UID the container process runs as.", proto=2, pointer=True),
    runAsGroup=f(INT64, "GID the container process runs as.", proto=6, pointer=True),
    runAsNonRoot=f(BOOL, "Refuse to start the container if it would run as UID 0.", proto=3, pointer=True),
    supplementalGroups=f(list_of(INT64), "Extra groups for the first process of every container.", proto=4),
    supplementalGroupsPolicy=f(
        STRING, "Merge or Strict: how supplemental groups are computed.", proto=12, pointer=True
    ),
    fsGroup=f(
        INT64, "Group that owns the pod's volumes and is added to every container.", proto=5, pointer=True
    ),
    sysctls=f(list_of(Sysctl), "Namespaced sysctls set for the pod.", proto=7),
    fsGroupChangePolicy=f(
        STRING, "OnRootMismatch or Always: when volume ownership is changed.", proto=9, pointer=True
    ),
    seccompProfile=f(SeccompProfile, "Seccomp profile to apply.", proto=10),
    appArmorProfile=f(AppArmorProfile, "AppArmor profile to apply.", proto=11),
    seLinuxChangePolicy=f(
        STRING, "Recursive or MountOption: how SELinux labels reach volumes.", proto=13, pointer=True
    ),
)

PreferredSchedulingTerm = struct(
    "io.k8s.api.core.v1.PreferredSchedulingTerm",
    "A weighted node preference.",
    weight=f(
        INT32, "Weight from 1 to 100 added to a node's score when the term matches.", required=True, proto=1
    ),
    preference=f(NodeSelectorTerm, "Node selector term of the preference.", required=True, proto=2),
)

NodeAffinity = struct(
    "io.k8s.api.core.v1.NodeAffinity",
    "Scheduling rules about nodes.",
    requiredDuringSchedulingIgnoredDuringExecution=f(
        NodeSelector, "Node requirements that must hold at scheduling time.", proto=1
    ),
    preferredDuringSchedulingIgnoredDuringExecution=f(
        list_of(PreferredSchedulingTerm), "Weighted node preferences.", proto=2
    ),
)

PodAffinityTerm = struct(
    "io.k8s.api.core.v1.PodAffinityTerm",
    "Pods to place with or away from, within a topology domain.",
    labelSelector=f(LabelSelector, "Label query over other pods.", proto=1),
    namespaces=f(list_of(STRING), "Namespaces to search; empty means this pod's namespace.", proto=2),
    topologyKey=f(STRING, "Node label whose value defines co-location.", required=True, proto=3),
    namespaceSelector=f(LabelSelector, "Label query over the namespaces to search.", proto=4),
    matchLabelKeys=f(
        list_of(STRING),
        "Keys whose values are taken from this pod's labels and added to the selector.",
        proto=5,
    ),
    mismatchLabelKeys=f(list_of(STRING), "Keys whose values must differ from this pod's labels.", proto=6),
)

WeightedPodAffinityTerm = struct(
    "io.k8s.api.core.v1.WeightedPodAffinityTerm",
    "A pod affinity term with a weight.",
    weight=f(
        INT32, "Weight from 1 to 100 added to a node's score when the term matches.", required=True, proto=1
    ),
    podAffinityTerm=f(PodAffinityTerm, "The term the weight applies to.", required=True, proto=2),
)

PodAffinity = struct(
    "io.k8s.api.core.v1.PodAffinity",
    "Rules placing a pod near other pods.",
    requiredDuringSchedulingIgnoredDuringExecution=f(
        list_of(PodAffinityTerm), "Pods this pod must be placed with.", proto=1
    ),
    preferredDuringSchedulingIgnoredDuringExecution=f(
        list_of(WeightedPodAffinityTerm), "Pods this pod prefers to be placed with.", proto=2
    ),
)

PodAntiAffinity = struct(
    "io.k8s.api.core.v1.PodAntiAffinity",
    "Rules keeping a pod away from other pods.",
    requiredDuringSchedulingIgnoredDuringExecution=f(
        list_of(PodAffinityTerm), "Pods this pod must be kept apart from.", proto=1
    ),
    preferredDuringSchedulingIgnoredDuringExecution=f(
        list_of(WeightedPodAffinityTerm), "Pods this pod prefers to be kept apart from.", proto=2
    ),
)

Affinity = struct(
    "io.k8s.api.core.v1.Affinity",
    "Scheduling constraints relative to nodes and other pods.",
    nodeAffinity=f(NodeAffinity, "Rules about nodes.", proto=1),
    podAffinity=f(PodAffinity, "Rules placing the pod near other pods.", proto=2),
    podAntiAffinity=f(PodAntiAffinity, "Rules keeping the pod away from other pods.", proto=3),
)

Toleration = struct(
    "io.k8s.api.core.v1.Toleration",
    "Lets the pod be scheduled onto nodes with a matching taint.",
    key=f(STRING, "Taint key to tolerate; empty with Exists means every key.", proto=1),
    operator=f(STRING, "Exists or Equal; defaults to Equal.", proto=2),
    value=f(STRING, "Taint value to match with Equal.", proto=3),
    effect=f(STRING, "Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute.", proto=4),
    tolerationSeconds=f(
        INT64, "For NoExecute, how long the pod stays after the taint appears.", proto=5, pointer=True
    ),
)

HostAlias = struct(
    "io.k8s.api.core.v1.HostAlias",
    "An entry added to the pod's /etc/hosts.",
    ip=f(STRING, "IP address of the entry.", required=True, proto=1),
    hostnames=f(list_of(STRING), "Host names for the IP.", proto=2),
)

PodDNSConfigOption = struct(
    "io.k8s.api.core.v1.PodDNSConfigOption",
    "A resolver option.",
    name=f(STRING, "Resolver option name.", proto=1),
    value=f(STRING, "Resolver option value.", proto=2, pointer=True),
)

PodDNSConfig = struct(
    "io.k8s.api.core.v1.PodDNSConfig",
    "DNS settings of a pod beyond its DNS policy.",
    nameservers=f(list_of(STRING), "Extra DNS server addresses.", proto=1),
    searches=f(list_of(STRING), "Extra search domains.", proto=2),
    options=f(list_of(PodDNSConfigOption), "Extra resolver options.", proto=3),
)

PodReadinessGate = struct(
    "io.k8s.api.core.v1.PodReadinessGate",
    "An extra condition the pod's readiness depends on.",
    conditionType=f(
        STRING, "Pod condition type that must be True for the pod to be ready.", required=True, proto=1
    ),
)

TopologySpreadConstraint = struct(
    "io.k8s.api.core.v1.TopologySpreadConstraint",
    "How matching pods should spread across a topology.",
    maxSkew=f(
        INT32, "Largest allowed difference in matching pods between topology domains.", required=True, proto=1
    ),
    topologyKey=f(STRING, "Node label whose values define the domains.", required=True, proto=2),
    whenUnsatisfiable=f(STRING, "DoNotSchedule or ScheduleAnyway.", required=True, proto=3),
    labelSelector=f(LabelSelector, "Label query over the pods counted.", proto=4),
    minDomains=f(INT32, "Least number of eligible domains.", proto=5, pointer=True),
    nodeAffinityPolicy=f(
        STRING, "Honor or Ignore the pod's node affinity when counting.", proto=6, pointer=True
    ),
    nodeTaintsPolicy=f(STRING, "Honor or Ignore node taints when counting.", proto=7, pointer=True),
    matchLabelKeys=f(
        list_of(STRING),
        "Keys whose values are taken from this pod's labels and added to the selector.",
        proto=8,
    ),
)

PodOS = struct(
    "io.k8s.api.core.v1.PodOS",
    "The operating system a pod needs.",
    name=f(STRING, "Operating system: linux or windows.", required=True, proto=1),
)

PodSchedulingGate = struct(
    "io.k8s.api.core.v1.PodSchedulingGate",
    "A gate holding back the scheduling of a pod.",
    name=f(
        STRING, "Name of the gate; the pod is not scheduled while any gate remains.", required=True, proto=1
    ),
)

PodResourceClaim = struct(
    "io.k8s.api.core.v1.PodResourceClaim",
    "A dynamic resource claim made by a pod.",
    name=f(STRING, "Name of the claim within the pod.", required=True, proto=1),
    resourceClaimName=f(STRING, "Name of the ResourceClaim.", proto=3, pointer=True),
    resourceClaimTemplateName=f(
        STRING, "ResourceClaimTemplate from which a claim is made for this pod.", proto=4, pointer=True
    ),
)

PodSpec = struct(
    "io.k8s.api.core.v1.PodSpec",
    "Desired state of a pod.",
    volumes=f(
        list_of(Volume),
        "Volumes containers of the pod can mount.",
        strategy="merge,retainKeys",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=1,
    ),
    initContainers=f(
        list_of(Container),
        "Containers run one after another to completion before the app containers start.",
        strategy="merge",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=20,
    ),
    containers=f(
        list_of(Container),
        "Containers of the pod; at least one.",
        required=True,
        strategy="merge",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=2,
    ),
    ephemeralContainers=f(
        list_of(EphemeralContainer),
        "Debugging containers added to a running pod.",
        strategy="merge",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=34,
    ),
    restartPolicy=f(STRING, "Always, OnFailure or Never; defaults to Always.", proto=3),
    terminationGracePeriodSeconds=f(
        INT64, "Seconds between the termination signal and the kill; defaults to 30.", proto=4, pointer=True
    ),
    activeDeadlineSeconds=f(
        INT64, "Seconds the pod may be active before the system fails it.", proto=5, pointer=True
    ),
    dnsPolicy=f(
        STRING, "ClusterFirst, ClusterFirstWithHostNet, Default or None; defaults to ClusterFirst.", proto=6
    ),
    nodeSelector=f(
        map_of(STRING), "Labels a node must have for the pod to run there.", map_type="atomic", proto=7
    ),
    serviceAccountName=f(STRING, "ServiceAccount the pod runs as.", proto=8),
    serviceAccount=f(STRING, "Deprecated alias of serviceAccountName.", proto=9),
    automountServiceAccountToken=f(
        BOOL, "Whether a service account token is mounted automatically.", proto=21, pointer=True
    ),
    nodeName=f(STRING, "Node the pod is bound to; set by the scheduler.", proto=10),
    hostNetwork=f(BOOL, "Use the node's network namespace.", proto=11),
    hostPID=f(BOOL, "Use the node's PID namespace.", proto=12),
    hostIPC=f(BOOL, "Use the node's IPC namespace.", proto=13),
    shareProcessNamespace=f(
        BOOL, "Share one PID namespace among the pod's containers.", proto=27, pointer=True
    ),
    securityContext=f(PodSecurityContext, "Security options for the whole pod.", proto=14),
    imagePullSecrets=f(
        list_of(LocalObjectReference),
        "Secrets used to pull the images.",
        strategy="merge",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=15,
    ),
    hostname=f(STRING, "Host name of the pod; defaults to the pod name.", proto=16),
    subdomain=f(
        STRING, "With hostname, gives the pod the DNS name <hostname>.<subdomain>.<namespace>.svc.", proto=17
    ),
    affinity=f(Affinity, "Scheduling constraints.", proto=18),
    schedulerName=f(STRING, "Scheduler that places the pod; defaults to default-scheduler.", proto=19),
    tolerations=f(list_of(Toleration), "Taints the pod tolerates.", proto=22),
    hostAliases=f(
        list_of(HostAlias),
        "Entries added to the pod's /etc/hosts.",
        strategy="merge",
        key="ip",
        list_type="map",
        map_keys=("ip",),
        proto=23,
    ),
    priorityClassName=f(STRING, "PriorityClass giving the pod its priority.", proto=24),
    priority=f(
        INT32, "Priority value, resolved from priorityClassName at admission.", proto=25, pointer=True
    ),
    dnsConfig=f(PodDNSConfig, "DNS settings merged with those from dnsPolicy.", proto=26),
    readinessGates=f(
        list_of(PodReadinessGate), "Extra conditions that must be True for the pod to be ready.", proto=28
    ),
    runtimeClassName=f(STRING, "RuntimeClass used to run the pod.", proto=29, pointer=True),
    enableServiceLinks=f(
        BOOL,
        "Inject service environment variables in Docker-link style; defaults to true.",
        proto=30,
        pointer=True,
    ),
    preemptionPolicy=f(STRING, "Never or PreemptLowerPriority.", proto=31, pointer=True),
    overhead=f(
        map_of(QUANTITY),
        "Resources used by the pod sandbox, set at admission from the RuntimeClass.",
        proto=32,
    ),
    topologySpreadConstraints=f(
        list_of(TopologySpreadConstraint),
        "How pods spread across topology domains.",
        strategy="merge",
        key="topologyKey",
        list_type="map",
        map_keys=("topologyKey", "whenUnsatisfiable"),
        proto=33,
    ),
    setHostnameAsFQDN=f(BOOL, "Use the fully qualified domain name as the hostname.", proto=35, pointer=True),
    os=f(PodOS, "Operating system the pod needs.", proto=36),
    hostUsers=f(BOOL, "Use the host's user namespace; false gives the pod its own.", proto=37, pointer=True),
    schedulingGates=f(
        list_of(PodSchedulingGate),
        "Gates that keep the pod from being scheduled while present.",
        strategy="merge",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=38,
    ),
    resourceClaims=f(
        list_of(PodResourceClaim),
        "Dynamic resource claims the pod uses.",
        strategy="merge,retainKeys",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=39,
    ),
    resources=f(ResourceRequirements, "Resources for the pod as a whole.", proto=40),
    hostnameOverride=f(STRING, "Host name to use instead of the pod name.", proto=41, pointer=True),
)

PodCondition = struct(
    "io.k8s.api.core.v1.PodCondition",
    "One condition of a pod.",
    type=f(
        STRING,
        "Ready, PodScheduled, Initialized, ContainersReady or another condition type.",
        required=True,
        proto=1,
    ),
    observedGeneration=f(INT64, "Generation of the spec the status reflects.", proto=7),
    status=f(STRING, "True, False or Unknown.", required=True, proto=2),
    lastProbeTime=f(TIME, "When the condition was last checked.", proto=3),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=4),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=5),
    message=f(STRING, "Human-readable explanation.", proto=6),
)

HostIP = struct(
    "io.k8s.api.core.v1.HostIP",
    "An IP address of the node.",
    ip=f(STRING, "IP of the node.", required=True, proto=1),
)

PodIP = struct(
    "io.k8s.api.core.v1.PodIP",
    "An IP address of the pod.",
    ip=f(STRING, "IP of the pod.", required=True, proto=1),
)

ContainerStateWaiting = struct(
    "io.k8s.api.core.v1.ContainerStateWaiting",
    "A container that is not running yet.",
    reason=f(STRING, "Why the container is not running yet, e.g. ContainerCreating.", proto=1),
    message=f(STRING, "Details of why the container is waiting.", proto=2),
)

ContainerStateRunning = struct(
    "io.k8s.api.core.v1.ContainerStateRunning",
    "A running container.",
    startedAt=f(TIME, "When the container started.", proto=1),
)

ContainerStateTerminated = struct(
    "io.k8s.api.core.v1.ContainerStateTerminated",
    "A container that has exited.",
    exitCode=f(INT32, "Exit status of the last run of the container.", required=True, proto=1),
    signal=f(INT32, "Signal that ended the container.", proto=2),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=3),
    message=f(STRING, "Human-readable explanation.", proto=4),
    startedAt=f(TIME, "When the last run began.", proto=5),
    finishedAt=f(TIME, "When the last run ended.", proto=6),
    containerID=f(STRING, "Runtime's identifier of the container, as <type>://<id>.", proto=7),
)

ContainerState = struct(
    "io.k8s.api.core.v1.ContainerState",
    "State of a container; at most one member is set.",
    waiting=f(ContainerStateWaiting, "The container is not running yet.", proto=1),
    running=f(ContainerStateRunning, "The container is running.", proto=2),
    terminated=f(ContainerStateTerminated, "The container has exited.", proto=3),
)

ImageVolumeStatus = struct(
    "io.k8s.api.core.v1.ImageVolumeStatus",
    "Status of an image volume.",
    imageRef=f(STRING, "Digest of the mounted image.", proto=1, required=True),
)

VolumeStatus = struct(
    "io.k8s.api.core.v1.VolumeStatus",
    "Status of a mounted volume.",
    image=f(ImageVolumeStatus, "Status of an image volume.", proto=1),
)

VolumeMountStatus = struct(
    "io.k8s.api.core.v1.VolumeMountStatus",
    "Status of one volume mount.",
    name=f(STRING, "Name of the volume mount.", required=True, proto=1),
    mountPath=f(STRING, "Path inside the container where the volume is mounted.", required=True, proto=2),
    readOnly=f(BOOL, "Whether the mount is read-only.", proto=3),
    recursiveReadOnly=f(
        STRING,
        "Whether a read-only mount is read-only recursively: Disabled, IfPossible or Enabled.",
        proto=4,
        pointer=True,
    ),
    volumeStatus=f(VolumeStatus, "Status of the volume behind the mount.", proto=5),
)

LinuxContainerUser = struct(
    "io.k8s.api.core.v1.LinuxContainerUser",
    "Identity of a Linux container's first process.",
    uid=f(INT64, "UID of the first process.", required=True, proto=1),
    gid=f(INT64, "GID of the first process.", required=True, proto=2),
    supplementalGroups=f(list_of(INT64), "Supplemental groups of the first process.", proto=3),
)

ContainerUser = struct(
    "io.k8s.api.core.v1.ContainerUser",
    "Identity of a container's first process.",
    linux=f(LinuxContainerUser, "Linux identity of the first process.", proto=1),
)

ResourceHealth = struct(
    "io.k8s.api.core.v1.ResourceHealth",
    "Health of one device.",
    resourceID=f(STRING, "Identifier of the device.", required=True, proto=1),
    health=f(STRING, "Health of the resource: Healthy, Unhealthy or Unknown.", proto=2),
    message=f(STRING, "Human-readable explanation.", proto=6, pointer=True),
)

ResourceStatus = struct(
    "io.k8s.api.core.v1.ResourceStatus",
    "Health of the devices of one resource.",
    name=f(STRING, "Name of the resource.", required=True, proto=1),
    resources=f(
        list_of(ResourceHealth),
        "Health of each device of the resource.",
        list_type="map",
        map_keys=("resourceID",),
        proto=2,
    ),
)

ContainerStatus = struct(
    "io.k8s.api.core.v1.ContainerStatus",
    "State of one container of a pod.",
    name=f(STRING, "Name of the container.", required=True, proto=1),
    state=f(ContainerState, "Current state.", proto=2),
    lastState=f(ContainerState, "State of the previous run.", proto=3),
    ready=f(BOOL, "Whether the container passes its readiness probe.", required=True, proto=4),
    restartCount=f(INT32, "Times the container has been restarted.", required=True, proto=5),
    image=f(STRING, "Image the container runs.", required=True, proto=6),
    imageID=f(STRING, "Image ID the container runs.", required=True, proto=7),
    containerID=f(STRING, "Runtime's identifier of the container, as <type>://<id>.", proto=8),
    started=f(BOOL, "Whether the container has passed its startup probe.", proto=9, pointer=True),
    allocatedResources=f(map_of(QUANTITY), "Resources the node allocated to the container.", proto=10),
    resources=f(ResourceRequirements, "Resources actually configured for the running container.", proto=11),
    volumeMounts=f(
        list_of(VolumeMountStatus),
        "Status of each volume mount.",
        strategy="merge",
        key="mountPath",
        list_type="map",
        map_keys=("mountPath",),
        proto=12,
    ),
    user=f(ContainerUser, "Identity of the container's first process.", proto=13),
    allocatedResourcesStatus=f(
        list_of(ResourceStatus),
        "Health of the devices allocated to the container.",
        strategy="merge",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=14,
    ),
    stopSignal=f(STRING, "Signal the container is stopped with.", proto=15, pointer=True),
)

PodResourceClaimStatus = struct(
    "io.k8s.api.core.v1.PodResourceClaimStatus",
    "The claim made for one of the pod's resource claims.",
    name=f(STRING, "Name of the entry in spec.resourceClaims.", required=True, proto=1),
    resourceClaimName=f(STRING, "Name of the ResourceClaim.", proto=2, pointer=True),
)

PodStatus = struct(
    "io.k8s.api.core.v1.PodStatus",
    "Observed state of a pod, as reported by the kubelet and the scheduler.",
    observedGeneration=f(INT64, "Generation of the spec the status reflects.", proto=17),
    phase=f(STRING, "Pending, Running, Succeeded, Failed or Unknown.", proto=1),
    conditions=f(
        list_of(PodCondition),
        "Current service state of the pod.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=2,
    ),
    message=f(STRING, "Why the pod is in this state.", proto=3),
    reason=f(STRING, "Short reason for the pod's state, e.g. Evicted.", proto=4),
    nominatedNodeName=f(STRING, "Node where preemption made room for this pod.", proto=11),
    hostIP=f(STRING, "Primary IP of the node running the pod.", proto=5),
    hostIPs=f(
        list_of(HostIP),
        "IPs of the node running the pod; the first equals hostIP.",
        strategy="merge",
        key="ip",
        proto=16,
    ),
    podIP=f(STRING, "Primary IP of the pod.", proto=6),
    podIPs=f(
        list_of(PodIP),
        "IPs of the pod; the first equals podIP.",
        strategy="merge",
        key="ip",
        list_type="map",
        map_keys=("ip",),
        proto=12,
    ),
    startTime=f(TIME, "When the kubelet accepted the pod.", proto=7, pointer=True),
    initContainerStatuses=f(list_of(ContainerStatus), "Status of each init container.", proto=10),
    containerStatuses=f(list_of(ContainerStatus), "Status of each container.", proto=8),
    qosClass=f(STRING, "Guaranteed, Burstable or BestEffort, from the resource requirements.", proto=9),
    ephemeralContainerStatuses=f(list_of(ContainerStatus), "Status of each ephemeral container.", proto=13),
    resize=f(STRING, "Deprecated state of an in-place resize.", proto=14),
    resourceClaimStatuses=f(
        list_of(PodResourceClaimStatus),
        "Names of the claims made for the pod's resourceClaims.",
        strategy="merge,retainKeys",
        key="name",
        list_type="map",
        map_keys=("name",),
        proto=15,
    ),
    allocatedResources=f(map_of(QUANTITY), "Resources allocated to the pod as a whole.", proto=19),
    resources=f(ResourceRequirements, "Resources configured for the pod as a whole.", proto=20),
)

PodTemplateSpec = struct(
    "io.k8s.api.core.v1.PodTemplateSpec",
    "Metadata and spec of pods to be created from a template.",
    metadata=f(ObjectMeta, "Metadata of the pods created from the template.", proto=1),
    spec=f(PodSpec, "Spec of the pods created from the template.", proto=2),
)

ReplicationControllerSpec = struct(
    "io.k8s.api.core.v1.ReplicationControllerSpec",
    "Desired state of a replication controller.",
    replicas=f(INT32, "Desired number of pods; defaults to 1.", proto=1, pointer=True),
    minReadySeconds=f(
        INT32, "Seconds a new pod must be ready, without crashing, before it counts as available.", proto=4
    ),
    selector=f(
        map_of(STRING),
        "Labels a pod must have to be counted; defaults to the template's labels.",
        map_type="atomic",
        proto=2,
    ),
    template=f(PodTemplateSpec, "Pod template; its labels must match the selector.", proto=3),
)

ReplicationControllerCondition = struct(
    "io.k8s.api.core.v1.ReplicationControllerCondition",
    "One condition of a replication controller.",
    type=f(STRING, "Condition type, such as ReplicaFailure.", required=True, proto=1),
    status=f(STRING, "True, False or Unknown.", required=True, proto=2),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=3),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=4),
    message=f(STRING, "Human-readable explanation.", proto=5),
)

ReplicationControllerStatus = struct(
    "io.k8s.api.core.v1.ReplicationControllerStatus",
    "Observed state of a replication controller.",
    replicas=f(INT32, "Most recently observed number of pods.", required=True, proto=1),
    fullyLabeledReplicas=f(INT32, "Number of pods whose labels match the template's labels.", proto=2),
    readyReplicas=f(INT32, "Number of pods with a Ready condition.", proto=4),
    availableReplicas=f(INT32, "Number of pods ready for at least minReadySeconds.", proto=5),
    observedGeneration=f(INT64, "Generation of the spec the status reflects.", proto=3),
    conditions=f(
        list_of(ReplicationControllerCondition),
        "Latest observations of the object's state.",
        strategy="merge",
        key="type",
        list_type="map",
        map_keys=("type",),
        proto=6,
    ),
)
