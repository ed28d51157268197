"""batch/v1: Job (pods run to completion) and CronJob (jobs on a schedule).

Unless manualSelector is true, a Job's selector is generated from its uid and the matching
labels are added to its template at creation, as Kubernetes' job strategy does.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kubepy.api.errors import FieldError, GoValue, invalid, not_supported, required
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.batch_types import CronJobSpec, CronJobStatus, JobSpec, JobStatus
from kubepy.api.resources.cells import AGE, NAME, get, since
from kubepy.api.resources.core_pod_defaults import default_template
from kubepy.api.resources.meta import kind_struct
from kubepy.api.resources.workload_common import format_label_selector, wide_columns
from kubepy.api.validation.common import FIELD_IMMUTABLE
from kubepy.api.validation.cron import parse_error
from kubepy.api.validation.pod import nonnegative
from kubepy.api.validation.workloads import (
    go_label_selector,
    go_string_map,
    selector_matches,
    template_labels_match,
    validate_controller_template,
    validate_label_selector,
    validate_optional_nonnegative,
)
from kubepy.util.duration import human_duration, parse_time

BATCH = "io.k8s.api.batch.v1."
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"

Job = kind_struct(
    BATCH + "Job",
    "Runs pods until a number of them succeed.",
    "batch",
    "v1",
    "Job",
    spec=JobSpec,
    status=JobStatus,
)
CronJob = kind_struct(
    BATCH + "CronJob",
    "Creates jobs on a repeating schedule.",
    "batch",
    "v1",
    "CronJob",
    spec=CronJobSpec,
    status=CronJobStatus,
)


# ---- defaults --------------------------------------------------------------------------------
def default_job(obj: Obj) -> None:
    """SetDefaults_Job."""
    spec = obj.setdefault("spec", {})
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2**31 - 1 if spec.get("backoffLimitPerIndex") is not None else 6
    labels = get(spec, "template", "metadata", "labels")
    meta = obj.setdefault("metadata", {})
    if labels is not None and not meta.get("labels"):
        meta["labels"] = dict(labels)
    if spec.get("completionMode") is None:
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    pfp = spec.get("podFailurePolicy")
    if isinstance(pfp, dict):
        for rule in pfp.get("rules") or []:
            for pattern in (rule or {}).get("onPodConditions") or []:
                if isinstance(pattern, dict) and not pattern.get("status"):
                    pattern["status"] = "True"
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if pfp is not None else "TerminatingOrFailed"
    default_template(spec.setdefault("template", {}))


def default_cronjob(obj: Obj) -> None:
    """SetDefaults_CronJob; the job template gets pod template defaults only."""
    spec = obj.setdefault("spec", {})
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    for key, value in (("suspend", False), ("successfulJobsHistoryLimit", 3), ("failedJobsHistoryLimit", 1)):
        if spec.get(key) is None:
            spec[key] = value
    job_template = spec.setdefault("jobTemplate", {})
    default_template(job_template.setdefault("spec", {}).setdefault("template", {}))


def generate_selector(job: Obj) -> None:
    """The job strategy's generateSelector: template labels and a uid-based selector."""
    meta = job.get("metadata") or {}
    spec = job.setdefault("spec", {})
    template = spec.setdefault("template", {})
    tmeta = template.setdefault("metadata", {})
    labels = tmeta.get("labels") or {}
    tmeta["labels"] = labels
    for key in (LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL):
        labels.setdefault(key, meta.get("name", ""))
    for key in (LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL):
        labels.setdefault(key, meta.get("uid", ""))
    selector = spec.get("selector") or {}
    spec["selector"] = selector
    match = selector.get("matchLabels") or {}
    selector["matchLabels"] = match
    match.setdefault(CONTROLLER_UID_LABEL, meta.get("uid", ""))


# ---- validation ------------------------------------------------------------------------------
def validate_job_spec(spec: Obj, path: str = "spec") -> list[FieldError]:
    errs = validate_optional_nonnegative(
        spec,
        path,
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    )
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(not_supported(f"{path}.completionMode", mode, ("NonIndexed", "Indexed")))
        elif mode == "Indexed" and spec.get("completions") is None:
            errs.append(required(f"{path}.completions", "when completion mode is Indexed"))
    sel = spec.get("selector")
    if sel is None:
        errs.append(required(f"{path}.selector", ""))
    else:
        errs += validate_label_selector(sel, f"{path}.selector")
    template = spec.get("template")
    ok = selector_matches(sel, get(template or {}, "metadata", "labels"))
    if ok is not None:
        errs += template_labels_match(ok, template, f"{path}.template")
    return errs + validate_controller_template(template, f"{path}.template", "Job", ("OnFailure", "Never"))


def validate_generated_selector(job: Obj) -> list[FieldError]:
    """validateGeneratedSelector: the template carries the uid and name labels the selector uses."""
    spec = job.get("spec") or {}
    if spec.get("manualSelector"):
        return []
    meta = job.get("metadata") or {}
    labels = get(spec, "template", "metadata", "labels")
    if labels is None:
        return []
    errs: list[FieldError] = []
    expected = {
        LEGACY_CONTROLLER_UID_LABEL: meta.get("uid", ""),
        LEGACY_JOB_NAME_LABEL: meta.get("name", ""),
        CONTROLLER_UID_LABEL: meta.get("uid", ""),
        JOB_NAME_LABEL: meta.get("name", ""),
    }
    for key, value in expected.items():
        p = f"spec.template.metadata.labels[{key}]"
        if key not in labels:
            errs.append(required(p, f"must be '{value}'"))
        elif labels[key] != value:
            errs.append(invalid(p, go_string_map(labels), f"must be '{value}'"))
    if selector_matches(spec.get("selector"), expected) is False:
        errs.append(
            invalid("spec.selector", go_label_selector(spec.get("selector")), "`selector` not auto-generated")
        )
    return errs


def validate_job_spec_update(new: Obj, old: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    for key in (
        "completions",
        "selector",
        "completionMode",
        "podFailurePolicy",
        "backoffLimitPerIndex",
        "managedBy",
    ):
        if new.get(key) != old.get(key):
            value = go_label_selector(new.get(key)) if key == "selector" else new.get(key)
            errs.append(invalid(f"spec.{key}", value, FIELD_IMMUTABLE))
    if new.get("template") != old.get("template") and not (new.get("suspend") and old.get("suspend")):
        errs.append(invalid("spec.template", GoValue("core.PodTemplateSpec{...}"), FIELD_IMMUTABLE))
    return errs


def validate_time_zone(tz: object, path: str) -> list[FieldError]:
    if tz is None:
        return []
    if tz == "":
        return [invalid(path, tz, "timeZone must be nil or non-empty string")]
    if str(tz).lower() == "local":
        return [
            invalid(
                path,
                tz,
                "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            )
        ]
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return [invalid(path, tz, f"unknown time zone {tz}")]
    return []


def validate_cronjob(obj: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    name = get(obj, "metadata", "name", default="")
    if len(name) > 52:
        errs.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    spec = obj.get("spec") or {}
    schedule = spec.get("schedule") or ""
    if not schedule:
        errs.append(required("spec.schedule", ""))
    else:
        msg = parse_error(schedule)
        if msg:
            errs.append(invalid("spec.schedule", schedule, msg))
        if "TZ" in schedule:
            errs.append(
                invalid(
                    "spec.schedule",
                    schedule,
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                )
            )
    errs += nonnegative("spec.startingDeadlineSeconds", spec.get("startingDeadlineSeconds"))
    errs += validate_time_zone(spec.get("timeZone"), "spec.timeZone")
    policy = spec.get("concurrencyPolicy") or ""
    if not policy:
        errs.append(required("spec.concurrencyPolicy", ""))
    elif policy not in ("Allow", "Forbid", "Replace"):
        errs.append(not_supported("spec.concurrencyPolicy", policy, ("Allow", "Forbid", "Replace")))
    job_spec = get(spec, "jobTemplate", "spec") or {}
    errs += validate_job_template_spec(job_spec, "spec.jobTemplate.spec")
    return errs + validate_optional_nonnegative(
        spec, "spec", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"
    )


def validate_job_template_spec(spec: Obj, path: str) -> list[FieldError]:
    """ValidateJobTemplateSpec: the job spec of a CronJob, whose selector is always generated."""
    errs = validate_optional_nonnegative(
        spec,
        path,
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    )
    if spec.get("selector") is not None:
        errs.append(
            invalid(
                f"{path}.selector", go_label_selector(spec["selector"]), "`selector` will be auto-generated"
            )
        )
    if spec.get("manualSelector"):
        errs.append(not_supported(f"{path}.manualSelector", True, ("nil", "false")))
    return errs + validate_controller_template(
        spec.get("template"), f"{path}.template", "Job", ("OnFailure", "Never")
    )


# ---- strategies ------------------------------------------------------------------------------
class JobStrategy(Strategy):
    has_status = True
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        default_job(obj)

    def prepare_for_create(self, obj: Obj, ctx: Context) -> None:
        super().prepare_for_create(obj, ctx)
        if not get(obj, "spec", "manualSelector"):
            generate_selector(obj)
        default_job(obj)  # Kubernetes re-applies defaults on read: the generated labels show on the job

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_generated_selector(obj) + validate_job_spec(obj.get("spec") or {})

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        errs = validate_job_spec(new.get("spec") or {})
        return errs + validate_job_spec_update(new.get("spec") or {}, old.get("spec") or {})


class CronJobStrategy(Strategy):
    has_status = True
    tracks_generation = True

    def default(self, obj: Obj) -> None:
        default_cronjob(obj)

    def initial_status(self, obj: Obj) -> None:
        obj["status"] = {}

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_cronjob(obj)


# ---- tables ----------------------------------------------------------------------------------
def _has_condition(o: Obj, ctype: str) -> bool:
    return any(
        c.get("type") == ctype and c.get("status") == "True" for c in get(o, "status", "conditions") or []
    )


def job_status_cell(o: Obj) -> str:
    if _has_condition(o, "Complete"):
        return "Complete"
    if _has_condition(o, "Failed"):
        return "Failed"
    if get(o, "metadata", "deletionTimestamp"):
        return "Terminating"
    for ctype in ("Suspended", "FailureTarget", "SuccessCriteriaMet"):
        if _has_condition(o, ctype):
            return ctype
    return "Running"


def job_completions_cell(o: Obj) -> str:
    succeeded = get(o, "status", "succeeded", default=0)
    completions = get(o, "spec", "completions")
    if completions is not None:
        return f"{succeeded}/{completions}"
    parallelism = get(o, "spec", "parallelism", default=0)
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def job_duration_cell(o: Obj, now: datetime) -> str:
    start = get(o, "status", "startTime")
    if not start:
        return ""
    end = get(o, "status", "completionTime")
    finish = parse_time(end) if end else now
    return human_duration((finish - parse_time(start)).total_seconds())


JOB_COLUMNS = (
    NAME,
    Column("Status", "string", lambda o, now: job_status_cell(o), "Summary of the job's conditions."),
    Column(
        "Completions", "string", lambda o, now: job_completions_cell(o), "Succeeded pods out of those needed."
    ),
    Column("Duration", "string", job_duration_cell, "How long the job ran or has been running."),
    AGE,
    *wide_columns("spec", "template", selector=lambda o: format_label_selector(get(o, "spec", "selector"))),
)


def _bool_ptr(v: object) -> str:
    return "<unset>" if v is None else ("True" if v else "False")


CRONJOB_COLUMNS = (
    NAME,
    Column(
        "Schedule",
        "string",
        lambda o, now: get(o, "spec", "schedule", default=""),
        "Cron schedule of the jobs.",
    ),
    Column(
        "Timezone",
        "string",
        lambda o, now: get(o, "spec", "timeZone") or "<none>",
        "Time zone the schedule is read in.",
    ),
    Column(
        "Suspend",
        "boolean",
        lambda o, now: _bool_ptr(get(o, "spec", "suspend")),
        "Whether future runs are skipped.",
    ),
    Column(
        "Active", "integer", lambda o, now: len(get(o, "status", "active") or []), "Number of running jobs."
    ),
    Column(
        "Last Schedule",
        "string",
        lambda o, now: (
            since(get(o, "status", "lastScheduleTime"), now)
            if get(o, "status", "lastScheduleTime")
            else "<none>"
        ),
        "Time since a job was last scheduled.",
    ),
    AGE,
    *wide_columns(
        "spec",
        "jobTemplate",
        "spec",
        "template",
        selector=lambda o: format_label_selector(get(o, "spec", "jobTemplate", "spec", "selector")),
    ),
)

RESOURCES = [
    Resource(
        group="batch",
        version="v1",
        kind="Job",
        plural="jobs",
        namespaced=True,
        schema=Job,
        strategy=JobStrategy(),
        categories=("all",),
        subresources=("status",),
        field_selectors={"status.successful": lambda o: str(get(o, "status", "succeeded", default=0))},
        columns=JOB_COLUMNS,
    ),
    Resource(
        group="batch",
        version="v1",
        kind="CronJob",
        plural="cronjobs",
        namespaced=True,
        schema=CronJob,
        strategy=CronJobStrategy(),
        short_names=("cj",),
        categories=("all",),
        subresources=("status",),
        columns=CRONJOB_COLUMNS,
    ),
]

__all__ = ["RESOURCES", "Job", "CronJob", "generate_selector", "default_job", "default_cronjob"]
