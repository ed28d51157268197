import pytest

from kubepy.api.resources.core_policy import RESOURCES

from .helpers import create, load, messages, row, update

QUOTA, LIMITS = RESOURCES


@pytest.mark.parametrize("path", ["misc/quota.json", "misc/resourcequota-development.yaml"])
def test_book_quotas_validate(path):
    obj, errs = create(QUOTA, load(path))
    assert errs == []
    assert obj["status"] == {}


@pytest.mark.parametrize(
    "path", ["misc/limits.yaml", "misc/pod-container-limits.yaml", "misc/limit-range-development.yaml"]
)
def test_book_limit_ranges_validate(path):
    _, errs = create(LIMITS, load(path))
    assert errs == []


def test_limit_range_container_defaults():
    obj, _ = create(LIMITS, load("misc/pod-container-limits.yaml"))
    pod, container = obj["spec"]["limits"]
    assert "default" not in pod and "defaultRequest" not in pod
    assert container["default"] == {"cpu": "250m", "memory": "64Mi"}
    assert container["defaultRequest"] == {"cpu": "250m", "memory": "64Mi"}
    only_max, _ = create(
        LIMITS,
        {
            "metadata": {"name": "l"},
            "spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}, "min": {"cpu": "100m"}}]},
        },
    )
    assert only_max["spec"]["limits"][0]["default"] == {"cpu": "2"}
    assert only_max["spec"]["limits"][0]["defaultRequest"] == {"cpu": "2"}


def limits(*items):
    return {"metadata": {"name": "l"}, "spec": {"limits": list(items)}}


@pytest.mark.parametrize(
    "item, expected",
    [
        (
            {"type": "Pod", "min": {"cpu": "250m"}, "max": {"cpu": "100m"}},
            [
                "spec.limits[0].min[cpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:250, scale:-3}, "
                'd:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"250m", Format:"DecimalSI"}: '
                "min value 250m is greater than max value 100m"
            ],
        ),
        (
            {"type": "Pod", "default": {"cpu": "1"}},
            ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"],
        ),
        (
            {"type": "Container", "max": {"memory": "1Gi"}, "default": {"memory": "2Gi"}},
            [
                "spec.limits[0].defaultRequest[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{"
                'value:2147483648, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"2Gi", Format:"BinarySI"}: '
                "default request value 2Gi is greater than max value 1Gi",
                "spec.limits[0].default[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1073741824, "
                'scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1Gi", Format:"BinarySI"}: '
                "default value 2Gi is greater than max value 1Gi",
            ],
        ),
        (
            {"type": "Node"},
            ['spec.limits[0].type: Invalid value: "Node": must be a standard limit type or fully qualified'],
        ),
        (
            {"type": "Container", "max": {"pods": "1"}},
            [
                'spec.limits[0].max[pods]: Invalid value: "pods": must be a standard resource for containers',
                'spec.limits[0].default[pods]: Invalid value: "pods": must be a standard resource for containers',
                'spec.limits[0].defaultRequest[pods]: Invalid value: "pods": must be a standard resource for containers',
            ],
        ),
        (
            {"type": "PersistentVolumeClaim"},
            [
                "spec.limits[0].limits: Required value: either minimum or maximum storage value is required, "
                "but neither was provided"
            ],
        ),
    ],
)
def test_limit_range_errors(item, expected):
    _, errs = create(LIMITS, limits(item))
    assert messages(errs) == expected


def test_duplicate_limit_type():
    _, errs = create(LIMITS, limits({"type": "Pod"}, {"type": "Pod"}))
    assert messages(errs) == ['spec.limits[1].type: Duplicate value: "Pod"']


@pytest.mark.parametrize(
    "hard, expected",
    [
        (
            {"foo": "1"},
            [
                'spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
                'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota',
            ],
        ),
        ({"cpu": "-1"}, ['spec.hard[cpu]: Invalid value: "-1": must be greater than or equal to 0']),
        (
            {"pods": "1.5"},
            [
                "spec.hard[pods]: Invalid value: resource.Quantity{i:resource.int64Amount{value:15, scale:-1}, "
                'd:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:"DecimalSI"}: must be an integer'
            ],
        ),
    ],
)
def test_quota_errors(hard, expected):
    _, errs = create(QUOTA, {"metadata": {"name": "q"}, "spec": {"hard": hard}})
    assert messages(errs) == expected


def test_quota_scopes():
    _, errs = create(
        QUOTA,
        {
            "metadata": {"name": "q"},
            "spec": {"hard": {"pods": "1"}, "scopes": ["BestEffort", "NotBestEffort"]},
        },
    )
    assert messages(errs) == [
        'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes'
    ]
    old, _ = create(
        QUOTA, {"metadata": {"name": "q"}, "spec": {"hard": {"pods": "1"}, "scopes": ["BestEffort"]}}
    )
    _, errs = update(QUOTA, {"metadata": {"name": "q"}, "spec": {"hard": {"pods": "1"}}}, old)
    assert messages(errs) == ["spec.scopes: Invalid value: []core.ResourceQuotaScope{}: field is immutable"]


def test_quota_table():
    obj, _ = create(QUOTA, load("misc/quota.json"))
    obj["status"] = {
        "hard": {"cpu": "20", "memory": "1Gi", "pods": "10", "limits.cpu": "2"},
        "used": {"cpu": "500m", "pods": "1"},
    }
    assert row(QUOTA, obj) == {
        "Name": "quota",
        "Age": "10m",
        "Request": "cpu: 500m/20, memory: 0/1Gi, pods: 1/10",
        "Limit": "limits.cpu: 0/2",
    }
    assert [c.name for c in QUOTA.columns] == ["Name", "Request", "Limit", "Age"]
    assert QUOTA.short_names == ("quota",) and QUOTA.subresources == ("status",)


def test_limit_range_table():
    obj, _ = create(LIMITS, load("misc/limits.yaml"))
    assert row(LIMITS, obj) == {"Name": "mylimits", "Created At": "2015-04-22T11:49:39Z"}
    assert [c.type for c in LIMITS.columns] == ["string", "date"]
    assert LIMITS.short_names == ("limits",)
