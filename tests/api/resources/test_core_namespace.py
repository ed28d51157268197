from kubepy.api.resources.core_namespace import RESOURCES, SYSTEM_NAMESPACES, initial_namespaces

from .helpers import create, messages, row, update

NS = RESOURCES[0]


def test_create_defaults_finalizer_phase_and_name_label():
    obj, errs = create(NS, {"metadata": {"name": "myspace"}, "status": {"phase": "Terminating"}})
    assert errs == []
    assert obj["spec"] == {"finalizers": ["kubernetes"]}
    assert obj["status"] == {"phase": "Active"}
    assert obj["metadata"]["labels"] == {"kubernetes.io/metadata.name": "myspace"}


def test_declaration():
    assert (NS.namespaced, NS.short_names, NS.subresources) == (False, ("ns",), ("status", "finalize"))
    assert NS.name_rule("my.space", False) == ["must not contain dots"]
    assert set(NS.field_selectors) == {"status.phase", "name"}


def test_bad_finalizer_name():
    _, errs = create(NS, {"metadata": {"name": "a"}, "spec": {"finalizers": ["foo"]}})
    assert messages(errs) == [
        'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified'
    ]


def test_update_keeps_finalizers_and_status():
    old, _ = create(NS, {"metadata": {"name": "a"}})
    new, errs = update(
        NS, {"metadata": {"name": "a"}, "spec": {"finalizers": []}, "status": {"phase": "X"}}, old
    )
    assert errs == []
    assert new["spec"]["finalizers"] == ["kubernetes"]
    assert new["status"] == {"phase": "Active"}


def test_finalize_subresource_changes_only_finalizers():
    old, _ = create(NS, {"metadata": {"name": "a"}})
    new, errs = update(
        NS,
        {"metadata": {"name": "a", "labels": {"x": "y"}}, "spec": {"finalizers": []}},
        old,
        subresource="finalize",
    )
    assert errs == []
    assert new["spec"]["finalizers"] == []
    assert "x" not in new["metadata"]["labels"]


def test_deletion_and_pending_finalizers():
    obj, _ = create(NS, {"metadata": {"name": "a"}})
    assert NS.strategy.has_pending_finalizers(obj)
    NS.strategy.begin_deletion(obj, None)
    assert obj["status"]["phase"] == "Terminating"
    obj["spec"]["finalizers"] = []
    assert not NS.strategy.has_pending_finalizers(obj)


def test_status_update_phase_rules():
    old, _ = create(NS, {"metadata": {"name": "a"}})
    _, errs = update(NS, {"metadata": {"name": "a"}, "status": {"phase": "Terminating"}}, old, "status")
    assert messages(errs) == [
        "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"
    ]


def test_table_and_initial_namespaces():
    obj, _ = create(NS, {"metadata": {"name": "default"}})
    assert row(NS, obj) == {"Name": "default", "Status": "Active", "Age": "10m"}
    assert [n["metadata"]["name"] for n in initial_namespaces()] == list(SYSTEM_NAMESPACES)
