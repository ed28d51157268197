"""ReplicationController, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and CronJob."""

import copy
from datetime import UTC, datetime

import pytest
import yaml

from kubepy.api.resource import Context
from kubepy.api.resources import apps, batch, core_rc
from kubepy.api.validation.cron import parse_error

BOOK = "/work/shared/book/"
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
RC = core_rc.RESOURCES[0]
DEPLOY, RS, STS, DS, CR = apps.RESOURCES
JOB, CJ = batch.RESOURCES


def create(res, obj, uid="uid-1"):
    obj = copy.deepcopy(obj)
    meta = obj.setdefault("metadata", {})
    meta.setdefault("name", "x")
    meta["uid"] = uid
    meta["creationTimestamp"] = "2026-01-01T11:00:00Z"
    res.strategy.default(obj)
    res.strategy.prepare_for_create(obj, Context())
    return obj, [e.message() for e in res.strategy.validate(obj, Context())]


def template(labels=None, **spec):
    return {
        "metadata": {"labels": labels or {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.7"}], **spec},
    }


def cells(res, obj):
    return [c.cell(obj, NOW) for c in res.columns]


# ---- ReplicationController ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "guestbook/redis-master-controller.yaml",
        "guestbook/redis-slave-controller.yaml",
        "guestbook/frontend-controller.yaml",
        "misc/redis-master-controller-hostpath.yaml",
        "misc/redis-master-controller-resources.yaml",
        "misc/redis-master-controller-nodeselector.yaml",
        "misc/redis-master-controller-v2.yaml",
        "misc/tecip1src-rc.json",
    ],
)
def test_book_rcs_are_valid(name):
    out, errs = create(RC, yaml.safe_load(open(BOOK + name)))
    assert errs == []
    assert out["status"] == {"replicas": 0}


def test_rc_defaults_from_template_labels():
    out, errs = create(RC, {"spec": {"template": template({"name": "redis"})}})
    assert errs == []
    assert out["spec"]["selector"] == {"name": "redis"}
    assert out["metadata"]["labels"] == {"name": "redis"}
    assert out["spec"]["replicas"] == 1
    assert out["spec"]["template"]["spec"]["restartPolicy"] == "Always"
    assert "enableServiceLinks" not in out["spec"]["template"]["spec"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"selector": {"name": "a"}, "template": template({"name": "b"})},
            'spec.template.metadata.labels: Invalid value: map[string]string{"name":"b"}: `selector` does not match template `labels`',
        ),
        (
            {"selector": {"app": "web"}, "template": template(restartPolicy="Never")},
            'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
        ),
        ({"selector": {"app": "web"}}, "spec.template: Required value"),
        ({"template": {**template(), "metadata": {"labels": {}}}}, "spec.selector: Required value"),
        (
            {"replicas": -1, "selector": {"app": "web"}, "template": template()},
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            {"selector": {"app": "web"}, "template": template(activeDeadlineSeconds=5)},
            "spec.template.spec.activeDeadlineSeconds: Invalid value: 5: activeDeadlineSeconds in ReplicationController is not Supported",
        ),
    ],
)
def test_rc_validation(spec, message):
    _, errs = create(RC, {"spec": copy.deepcopy(spec)})
    assert message in errs, errs


def test_rc_table_scale_and_selector():
    out, _ = create(RC, yaml.safe_load(open(BOOK + "guestbook/redis-slave-controller.yaml")))
    out["status"].update(replicas=2, readyReplicas=1)
    assert cells(RC, out) == [
        "redis-slave",
        2,
        2,
        1,
        "60m",
        "slave",
        "kubeguide/guestbook-redis-slave",
        "name=redis-slave",
    ]
    assert [(c.name, c.type, c.priority) for c in RC.columns] == [
        ("Name", "string", 0),
        ("Desired", "integer", 0),
        ("Current", "integer", 0),
        ("Ready", "integer", 0),
        ("Age", "string", 0),
        ("Containers", "string", 1),
        ("Images", "string", 1),
        ("Selector", "string", 1),
    ]
    assert RC.short_names == ("rc",) and "all" in RC.categories
    assert RC.scale.label_selector == "spec.selector"
    assert RC.field_selectors["status.replicas"](out) == "2"


# ---- Deployment / ReplicaSet --------------------------------------------------------------------
def deployment(**spec):
    return {"spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template(), **spec}}


def test_deployment_defaults_and_status():
    out, errs = create(DEPLOY, deployment())
    assert errs == []
    spec = out["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    assert out["status"] == {}


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (
            {"spec": {"template": template()}},
            "spec.selector: Required value",
        ),
        (
            {"spec": {"template": template()}},
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
        ),
        (
            deployment(selector={"matchLabels": {"app": "other"}}),
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
        ),
        (
            deployment(selector={}),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
        ),
        (
            deployment(
                strategy={"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}}
            ),
            'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: '
            "may not be 0 when `maxSurge` is 0",
        ),
        (
            deployment(strategy={"type": "Recreate", "rollingUpdate": {}}),
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
        ),
        (
            deployment(progressDeadlineSeconds=5, minReadySeconds=10),
            "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds",
        ),
    ],
)
def test_deployment_validation(obj, message):
    _, errs = create(DEPLOY, obj)
    assert message in errs, errs


def test_deployment_selector_is_immutable():
    old, _ = create(DEPLOY, deployment())
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"app": "web", "v": "2"}}
    new["spec"]["template"]["metadata"]["labels"]["v"] = "2"
    errs = [e.message() for e in DEPLOY.strategy.validate_update(new, old, Context())]
    assert errs == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    ]


def test_deployment_and_replicaset_tables():
    out, _ = create(DEPLOY, deployment(replicas=3))
    out["status"] = {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
    assert cells(DEPLOY, out) == ["x", "2/3", 3, 2, "60m", "c", "nginx:1.7", "app=web"]
    assert [c.name for c in DEPLOY.columns] == [
        "Name",
        "Ready",
        "Up-to-date",
        "Available",
        "Age",
        "Containers",
        "Images",
        "Selector",
    ]
    rs, errs = create(RS, deployment())
    assert errs == [] and rs["status"] == {"replicas": 0}
    assert cells(RS, rs) == ["x", 1, 0, 0, "60m", "c", "nginx:1.7", "app=web"]
    assert (DEPLOY.short_names, RS.short_names) == (("deploy",), ("rs",))


# ---- StatefulSet / DaemonSet ---------------------------------------------------------------------
def test_statefulset_defaults_and_claim_templates():
    obj = deployment(
        serviceName="web",
        volumeClaimTemplates=[
            {
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
            }
        ],
    )
    out, errs = create(STS, obj)
    assert errs == []
    spec = out["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert spec["replicas"] == 1 and spec["revisionHistoryLimit"] == 10
    claim = spec["volumeClaimTemplates"][0]
    assert claim["spec"]["volumeMode"] == "Filesystem"
    assert claim["status"] == {"phase": "Pending"}
    assert out["status"] == {"replicas": 0, "availableReplicas": 0}
    out["status"]["readyReplicas"] = 1
    assert cells(STS, out) == ["x", "1/1", "60m", "c", "nginx:1.7"]


def test_statefulset_forbidden_update():
    old, _ = create(STS, deployment(serviceName="web"))
    new = copy.deepcopy(old)
    new["spec"]["serviceName"] = "other"
    errs = [e.message() for e in STS.strategy.validate_update(new, old, Context())]
    assert errs == [
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
        "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
        "are forbidden"
    ]
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 5
    assert STS.strategy.validate_update(new, old, Context()) == []


def test_daemonset_defaults_table_and_no_scale():
    out, errs = create(DS, deployment(template=template(nodeSelector={"zone": "north"})))
    assert errs == []
    assert out["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert out["spec"]["revisionHistoryLimit"] == 10
    assert out["status"] == {
        "currentNumberScheduled": 0,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 0,
        "numberReady": 0,
    }
    assert cells(DS, out) == ["x", 0, 0, 0, 0, 0, "zone=north", "60m", "c", "nginx:1.7", "app=web"]
    assert DS.scale is None and "scale" not in DS.subresources and DS.short_names == ("ds",)


# ---- Job -----------------------------------------------------------------------------------------
def job(**spec):
    return {
        "metadata": {"name": "pi"},
        "spec": {"template": template({"app": "pi"}, restartPolicy="Never"), **spec},
    }


def test_job_generated_selector_and_defaults():
    out, errs = create(JOB, job())
    assert errs == []
    spec = out["spec"]
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "uid-1"}}
    assert spec["template"]["metadata"]["labels"] == {
        "app": "pi",
        "job-name": "pi",
        "batch.kubernetes.io/job-name": "pi",
        "controller-uid": "uid-1",
        "batch.kubernetes.io/controller-uid": "uid-1",
    }
    assert (spec["completions"], spec["parallelism"], spec["backoffLimit"]) == (1, 1, 6)
    assert spec["completionMode"] == "NonIndexed" and spec["suspend"] is False
    assert spec["podReplacementPolicy"] == "TerminatingOrFailed"
    assert out["metadata"]["labels"]["app"] == "pi"


def test_job_parallelism_only_keeps_completions_unset():
    out, _ = create(JOB, job(parallelism=3))
    assert "completions" not in out["spec"] and out["spec"]["parallelism"] == 3


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (
            job(template=template({"app": "pi"})),
            'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
        ),
        (job(backoffLimit=-1), "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"),
        (
            job(manualSelector=True, selector={"matchLabels": {"app": "other"}}),
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"pi"}: `selector` does not match template `labels`',
        ),
        (job(manualSelector=True), "spec.selector: Required value"),
    ],
)
def test_job_validation(obj, message):
    _, errs = create(JOB, obj)
    assert message in errs, errs


def test_job_template_is_immutable():
    old, _ = create(JOB, job())
    new = copy.deepcopy(old)
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "perl"
    errs = [e.message() for e in JOB.strategy.validate_update(new, old, Context())]
    assert (
        len(errs) == 1
        and errs[0].startswith("spec.template: Invalid value: ")
        and errs[0].endswith("field is immutable")
    )


@pytest.mark.parametrize(
    ("spec", "status", "meta", "want"),
    [
        (
            {"completions": 3},
            {"succeeded": 1, "startTime": "2026-01-01T11:58:00Z"},
            {},
            ["Running", "1/3", "2m"],
        ),
        (
            {"completions": 1},
            {
                "succeeded": 1,
                "startTime": "2026-01-01T11:00:00Z",
                "completionTime": "2026-01-01T11:00:30Z",
                "conditions": [{"type": "Complete", "status": "True"}],
            },
            {},
            ["Complete", "1/1", "30s"],
        ),
        ({"completions": None, "parallelism": 4}, {}, {}, ["Running", "0/1 of 4", ""]),
        ({}, {"conditions": [{"type": "Failed", "status": "True"}]}, {}, ["Failed", "0/1", ""]),
        ({}, {}, {"deletionTimestamp": "2026-01-01T11:00:00Z"}, ["Terminating", "0/1", ""]),
        ({}, {"conditions": [{"type": "Suspended", "status": "True"}]}, {}, ["Suspended", "0/1", ""]),
    ],
)
def test_job_cells(spec, status, meta, want):
    out, _ = create(JOB, job())
    out["spec"].update(spec)
    if spec.get("completions", 0) is None:
        del out["spec"]["completions"]
    out["status"] = status
    out["metadata"].update(meta)
    row = cells(JOB, out)
    assert row[1:4] == want
    assert row[0] == "pi" and row[4] == "60m"
    assert row[-1] == "batch.kubernetes.io/controller-uid=uid-1"


# ---- CronJob ---------------------------------------------------------------------------------------
def cronjob(**spec):
    return {
        "metadata": {"name": "hello"},
        "spec": {
            "schedule": "*/1 * * * *",
            "jobTemplate": {"spec": {"template": template(restartPolicy="OnFailure")}},
            **spec,
        },
    }


def test_cronjob_defaults_and_table():
    out, errs = create(CJ, cronjob())
    assert errs == []
    spec = out["spec"]
    assert (
        spec["concurrencyPolicy"],
        spec["suspend"],
        spec["successfulJobsHistoryLimit"],
        spec["failedJobsHistoryLimit"],
    ) == (
        "Allow",
        False,
        3,
        1,
    )
    assert "backoffLimit" not in spec["jobTemplate"]["spec"]
    assert cells(CJ, out) == [
        "hello",
        "*/1 * * * *",
        "<none>",
        "False",
        0,
        "<none>",
        "60m",
        "c",
        "nginx:1.7",
        "<none>",
    ]
    out["status"] = {"active": [{"name": "j"}], "lastScheduleTime": "2026-01-01T11:59:00Z"}
    assert cells(CJ, out)[4:6] == [1, "60s"]
    assert [c.name for c in CJ.columns][:7] == [
        "Name",
        "Schedule",
        "Timezone",
        "Suspend",
        "Active",
        "Last Schedule",
        "Age",
    ]
    assert CJ.short_names == ("cj",)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("* * *", "expected exactly 5 fields, found 3: [* * *]"),
        ("61 * * * *", "end of range (61) above maximum (59): 61"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("@hourly", None),
        ("0 9 * jan-mar mon-fri", None),
        ("@every 5m", None),
    ],
)
def test_cron_parse_errors(schedule, message):
    assert parse_error(schedule) == message


def test_cronjob_validation():
    _, errs = create(CJ, cronjob(schedule="* * *", timeZone="Mars/Olympus", concurrencyPolicy="Sometimes"))
    assert 'spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]' in errs
    assert 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus' in errs
    assert (
        'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'
        in errs
    )
    _, errs = create(CJ, cronjob(schedule="TZ=UTC * * * * *"))
    assert (
        'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'
        in errs
    )
    _, errs = create(CJ, cronjob(timeZone="Europe/Paris"))
    assert errs == []


def test_controller_revision():
    obj = {
        "metadata": {
            "name": "web-7d9f",
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "StatefulSet",
                    "name": "web",
                    "uid": "u",
                    "controller": True,
                }
            ],
        },
        "data": {"spec": {}},
        "revision": 2,
    }
    out, errs = create(CR, obj)
    assert errs == []
    assert cells(CR, out) == ["web-7d9f", "statefulset.apps/web", 2, "60m"]
    _, errs = create(CR, {"revision": -1})
    assert errs == [
        "data: Required value: data is mandatory",
        "revision: Invalid value: -1: must be greater than or equal to 0",
    ]
    new = copy.deepcopy(out)
    new["revision"] = 3
    assert CR.strategy.validate_update(new, out, Context()) == []
    new["data"] = {"spec": {"x": 1}}
    assert [e.message() for e in CR.strategy.validate_update(new, out, Context())] == [
        'data: Invalid value: {"spec":{"x":1}}: field is immutable'
    ]


def test_replicaset_field_selector_and_cronjob_template_selector():
    rs, _ = create(RS, deployment())
    rs["status"]["replicas"] = 3
    assert RS.field_selectors["status.replicas"](rs) == "3"
    _, errs = create(
        CJ,
        cronjob(
            jobTemplate={
                "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": template(restartPolicy="Never")}
            }
        ),
    )
    assert (
        'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated" in errs
    )


def test_template_label_errors_use_kubernetes_path():
    bad = template({"app": "-bad-"})
    _, errs = create(RC, {"spec": {"selector": {"app": "-bad-"}, "template": bad}})
    assert any(e.startswith('spec.template.labels: Invalid value: "-bad-"') for e in errs), errs


def test_daemonset_rolling_update_rules():
    ru = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}}
    _, errs = create(DS, deployment(updateStrategy=ru))
    assert (
        "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, "
        'StrVal:""}: may not be set when maxUnavailable is non-zero' in errs
    )
    ru = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}}
    _, errs = create(DS, deployment(updateStrategy=ru))
    assert (
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"
        in errs
    )
