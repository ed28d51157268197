"""remember_valid: a validator's clean results are remembered per (value, path), errors never."""

from __future__ import annotations

import copy
from typing import Any

from kubepy.api.errors import FieldError, invalid
from kubepy.api.resources.core_pod_defaults import default_pod
from kubepy.api.validation.memo import remember_valid
from kubepy.api.validation.pod import validate_pod_spec


def _counting() -> tuple[list[Any], Any]:
    seen: list[Any] = []

    def validate(value: Any, path: str) -> list[FieldError]:
        seen.append((value, path))
        return [invalid(path, value, "negative")] if value.get("n", 0) < 0 else []

    return seen, validate


def test_clean_values_are_validated_once_per_path() -> None:
    seen, validate = _counting()
    run = remember_valid(validate)
    assert run({"n": 1}, "spec") == [] and run({"n": 1}, "spec") == []
    assert run({"n": 1}, "spec.template.spec") == []
    assert len(seen) == 2  # the second call was remembered; another path is another key


def test_errors_are_reported_every_time() -> None:
    seen, validate = _counting()
    run = remember_valid(validate)
    first, second = run({"n": -1}, "spec"), run({"n": -1}, "spec")
    assert [e.field for e in first] == [e.field for e in second] == ["spec"]
    assert first[0] is not second[0] and len(seen) == 2


def test_values_equal_in_python_but_not_in_json_are_kept_apart() -> None:
    seen, validate = _counting()
    run = remember_valid(validate)
    run({"n": 1}, "p")
    run({"n": True}, "p")  # 1 == True in Python, not in JSON
    run({"n": 1.0}, "p")
    assert len(seen) == 3


def test_oldest_entries_go_past_the_size() -> None:
    seen, validate = _counting()
    run = remember_valid(validate, size=2)
    for n in (1, 2, 3, 1):
        run({"n": n}, "p")
    assert len(seen) == 4  # {"n": 1} was dropped when {"n": 3} came


def test_integers_beyond_64_bits_are_validated_without_a_key() -> None:
    seen, validate = _counting()
    run = remember_valid(validate)
    run({"n": 2**70}, "p")
    run({"n": 2**70}, "p")
    assert len(seen) == 2


def test_pod_spec_validation_does_not_change_its_input() -> None:
    """What remembering by value relies on, for the pod specs it is used with."""
    spec = {
        "containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}],
        "terminationGracePeriodSeconds": 30,
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst",
        "tolerations": [{"key": "k", "operator": "Exists"}],
        "volumes": [{"name": "v", "emptyDir": {}}],
    }
    pod = {"metadata": {"name": "p"}, "spec": spec}
    default_pod(pod)
    spec = pod["spec"]
    before = copy.deepcopy(spec)
    assert validate_pod_spec(spec, "spec") == []
    assert spec == before
    bad = {**spec, "containers": [{"name": "", "image": ""}]}
    before = copy.deepcopy(bad)
    assert validate_pod_spec(bad, "spec")
    assert bad == before


def test_nan_and_null_are_not_confused() -> None:
    """orjson writes NaN as null: a value holding NaN is validated every time, never keyed, so it
    never answers for (or from) the same value holding null."""
    seen, validate = _counting()
    run = remember_valid(validate)
    run({"n": 1, "x": None}, "p")
    run({"n": 1, "x": [float("nan")]}, "p")
    run({"n": 1, "x": [float("nan")]}, "p")
    run({"n": 1, "x": None}, "p")
    assert [v["x"] for v, _ in seen][0] is None and len(seen) == 3
