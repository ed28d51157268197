"""Spec and status types of Job and CronJob (batch/v1 wire format).

Field names, JSON types, merge keys, list types and protobuf numbers follow Kubernetes' API;
descriptions are our own. Fields of Go structs embedded inline (VolumeSource, ProbeHandler...) are
flattened into their parent here, as in OpenAPI, so they carry no protobuf number of their own.
"""

from __future__ import annotations

from kubepy.api.resources.core_pod_types import PodTemplateSpec
from kubepy.api.resources.core_refs import ObjectReference
from kubepy.api.resources.meta import LabelSelector, ObjectMeta
from kubepy.api.schema import BOOL, INT32, INT64, STRING, TIME, f, list_of, struct

PodFailurePolicyOnExitCodesRequirement = struct(
    "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement",
    "Matches failed pods by container exit codes.",
    containerName=f(
        STRING, "Only this container's exit code is checked; empty means any.", proto=1, pointer=True
    ),
    operator=f(STRING, "In or NotIn.", required=True, proto=2),
    values=f(list_of(INT32), "Exit codes to compare against.", required=True, list_type="set", proto=3),
)

PodFailurePolicyOnPodConditionsPattern = struct(
    "io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern",
    "Matches failed pods by a pod condition.",
    type=f(STRING, "Pod condition type to match.", required=True, proto=1),
    status=f(STRING, "Required status of the condition; defaults to True.", proto=2),
)

PodFailurePolicyRule = struct(
    "io.k8s.api.batch.v1.PodFailurePolicyRule",
    "One rule deciding what a pod failure means for the job.",
    action=f(STRING, "FailJob, FailIndex, Ignore or Count.", required=True, proto=1),
    onExitCodes=f(PodFailurePolicyOnExitCodesRequirement, "Matches on container exit codes.", proto=2),
    onPodConditions=f(list_of(PodFailurePolicyOnPodConditionsPattern), "Matches on pod conditions.", proto=3),
)

PodFailurePolicy = struct(
    "io.k8s.api.batch.v1.PodFailurePolicy",
    "How pod failures affect a job.",
    rules=f(
        list_of(PodFailurePolicyRule),
        "Rules checked in order against each failed pod.",
        required=True,
        proto=1,
    ),
)

SuccessPolicyRule = struct(
    "io.k8s.api.batch.v1.SuccessPolicyRule",
    "One condition under which an Indexed job succeeds.",
    succeededIndexes=f(
        STRING, "Indexes that must all succeed, as a list of ranges like 1,3-5.", proto=1, pointer=True
    ),
    succeededCount=f(INT32, "How many of the indexes must succeed.", proto=2, pointer=True),
)

SuccessPolicy = struct(
    "io.k8s.api.batch.v1.SuccessPolicy",
    "When an Indexed job is declared succeeded.",
    rules=f(
        list_of(SuccessPolicyRule),
        "Rules of which any one marks the job as succeeded.",
        required=True,
        proto=1,
    ),
)

JobSpec = struct(
    "io.k8s.api.batch.v1.JobSpec",
    "Desired behaviour of a job.",
    parallelism=f(INT32, "Most pods running at once; defaults to 1.", proto=1, pointer=True),
    completions=f(INT32, "Successful pods needed; defaults to 1.", proto=2, pointer=True),
    activeDeadlineSeconds=f(INT64, "Seconds the job may run before it is failed.", proto=3, pointer=True),
    podFailurePolicy=f(PodFailurePolicy, "How pod failures count toward the backoff limit.", proto=11),
    successPolicy=f(SuccessPolicy, "When an Indexed job may be declared succeeded early.", proto=16),
    backoffLimit=f(INT32, "Retries before the job is failed; defaults to 6.", proto=7, pointer=True),
    backoffLimitPerIndex=f(INT32, "Retries per index of an Indexed job.", proto=12, pointer=True),
    maxFailedIndexes=f(INT32, "Failed indexes tolerated before the job is failed.", proto=13, pointer=True),
    selector=f(LabelSelector, "Label query over the pods; generated unless manualSelector is true.", proto=4),
    manualSelector=f(
        BOOL, "Let the user choose the selector instead of the generated one.", proto=5, pointer=True
    ),
    template=f(
        PodTemplateSpec, "Pod template; restartPolicy must be OnFailure or Never.", required=True, proto=6
    ),
    ttlSecondsAfterFinished=f(
        INT32, "Seconds after finishing before the job is deleted.", proto=8, pointer=True
    ),
    completionMode=f(STRING, "NonIndexed or Indexed; defaults to NonIndexed.", proto=9, pointer=True),
    suspend=f(BOOL, "Stop creating pods and remove running ones.", proto=10, pointer=True),
    podReplacementPolicy=f(
        STRING, "TerminatingOrFailed or Failed: when a replacement pod is created.", proto=14, pointer=True
    ),
    managedBy=f(
        STRING, "Controller that reconciles the job; empty means the built-in one.", proto=15, pointer=True
    ),
)

JobCondition = struct(
    "io.k8s.api.batch.v1.JobCondition",
    "One condition of a job.",
    type=f(STRING, "Complete, Failed, Suspended or another condition type.", required=True, proto=1),
    status=f(STRING, "True, False or Unknown.", required=True, proto=2),
    lastProbeTime=f(TIME, "When the condition was last checked.", proto=3),
    lastTransitionTime=f(TIME, "When the status last changed.", proto=4),
    reason=f(STRING, "Short CamelCase reason for the current state.", proto=5),
    message=f(STRING, "Human-readable explanation.", proto=6),
)

UncountedTerminatedPods = struct(
    "io.k8s.api.batch.v1.UncountedTerminatedPods",
    "Finished pods not yet counted in the job status.",
    succeeded=f(list_of(STRING), "UIDs of succeeded pods not yet counted.", list_type="set", proto=1),
    failed=f(list_of(STRING), "UIDs of failed pods not yet counted.", list_type="set", proto=2),
)

JobStatus = struct(
    "io.k8s.api.batch.v1.JobStatus",
    "Observed state of a job.",
    conditions=f(
        list_of(JobCondition),
        "Latest observations of the object's state.",
        strategy="merge",
        key="type",
        proto=1,
    ),
    startTime=f(TIME, "When the job controller started the job.", proto=2, pointer=True),
    completionTime=f(TIME, "When the job completed.", proto=3, pointer=True),
    active=f(INT32, "Pods pending or running.", proto=4),
    succeeded=f(INT32, "Number of pods that finished successfully.", proto=5),
    failed=f(INT32, "Number of pods that failed.", proto=6),
    terminating=f(INT32, "Pods terminating.", proto=11, pointer=True),
    completedIndexes=f(STRING, "Completed indexes of an Indexed job, as ranges.", proto=7),
    failedIndexes=f(STRING, "Failed indexes, when backoffLimitPerIndex is set.", proto=10, pointer=True),
    uncountedTerminatedPods=f(
        UncountedTerminatedPods, "Finished pods not yet counted in the status.", proto=8
    ),
    ready=f(INT32, "Pods with a Ready condition.", proto=9, pointer=True),
)

JobTemplateSpec = struct(
    "io.k8s.api.batch.v1.JobTemplateSpec",
    "Metadata and spec of jobs created from a template.",
    metadata=f(ObjectMeta, "Metadata of the jobs created from the template.", proto=1),
    spec=f(JobSpec, "Spec of the jobs created from the template.", proto=2),
)

CronJobSpec = struct(
    "io.k8s.api.batch.v1.CronJobSpec",
    "Schedule and job template of a cron job.",
    schedule=f(STRING, "When to run, in cron format.", required=True, proto=1),
    timeZone=f(
        STRING, "Time zone the schedule is read in; defaults to the controller's.", proto=8, pointer=True
    ),
    startingDeadlineSeconds=f(INT64, "Seconds a missed run may still start late.", proto=2, pointer=True),
    concurrencyPolicy=f(STRING, "Allow, Forbid or Replace overlapping runs; defaults to Allow.", proto=3),
    suspend=f(BOOL, "Skip future runs; defaults to false.", proto=4, pointer=True),
    jobTemplate=f(JobTemplateSpec, "Job created for each run.", required=True, proto=5),
    successfulJobsHistoryLimit=f(INT32, "Finished jobs kept; defaults to 3.", proto=6, pointer=True),
    failedJobsHistoryLimit=f(INT32, "Failed jobs kept; defaults to 1.", proto=7, pointer=True),
)

CronJobStatus = struct(
    "io.k8s.api.batch.v1.CronJobStatus",
    "Observed state of a cron job.",
    active=f(list_of(ObjectReference), "Jobs currently running.", proto=1),
    lastScheduleTime=f(TIME, "When a job was last scheduled.", proto=4, pointer=True),
    lastSuccessfulTime=f(TIME, "When a job last completed successfully.", proto=5, pointer=True),
)
