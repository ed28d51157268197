"""Prometheus text rendering of the apiserver metrics: names, labels, buckets, escaping."""

from __future__ import annotations

import pytest

from kubepy.apiserver import metrics as m
from kubepy.apiserver.metrics import APIServerMetrics, Counter, Gauge, Histogram, Registry, format_value


def series(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


def test_request_counter_golden_text():
    am = APIServerMetrics()
    am.observe_request("LIST", "", "v1", "pods", "", "namespace", 200, 0.01)
    am.observe_request("LIST", "", "v1", "pods", "", "namespace", 200, 0.02)
    am.observe_request("CREATE", "apps", "v1", "deployments", "", "namespace", 201, 0.1)
    text = am.render().decode()
    start = text.index("# HELP apiserver_request_total")
    block = text[start:].split("# HELP", 2)[1]
    assert "# HELP" + block == (
        "# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, "
        "dry run value, group, version, resource, scope, component, and HTTP response code.\n"
        "# TYPE apiserver_request_total counter\n"
        'apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",'
        'scope="namespace",subresource="",verb="LIST",version="v1"} 2\n'
        'apiserver_request_total{code="201",component="apiserver",dry_run="",group="apps",resource="deployments",'
        'scope="namespace",subresource="",verb="CREATE",version="v1"} 1\n'
    )


def test_request_duration_histogram_is_cumulative_with_kubernetes_buckets():
    am = APIServerMetrics()
    for seconds in (0.001, 0.005, 0.03, 0.5, 100.0):
        am.observe_request("GET", "", "v1", "pods", "", "resource", 200, seconds)
    lines = series(am.render().decode(), "apiserver_request_duration_seconds")
    labels = (
        'component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="",'
        'verb="GET",version="v1"'
    )
    buckets = [line for line in lines if "_bucket" in line]
    assert [b.split('le="')[1].split('"')[0] for b in buckets] == [
        format_value(b) for b in m.LATENCY_BUCKETS
    ] + ["+Inf"]
    assert buckets[0] == f'apiserver_request_duration_seconds_bucket{{{labels},le="0.005"}} 2'
    assert buckets[1] == f'apiserver_request_duration_seconds_bucket{{{labels},le="0.025"}} 2'
    assert buckets[2] == f'apiserver_request_duration_seconds_bucket{{{labels},le="0.05"}} 3'
    assert buckets[6] == f'apiserver_request_duration_seconds_bucket{{{labels},le="0.6"}} 4'
    assert buckets[-2] == f'apiserver_request_duration_seconds_bucket{{{labels},le="60"}} 4'
    assert buckets[-1] == f'apiserver_request_duration_seconds_bucket{{{labels},le="+Inf"}} 5'
    counts = [int(b.rsplit(" ", 1)[1]) for b in buckets]
    assert counts == sorted(counts)
    assert f"apiserver_request_duration_seconds_sum{{{labels}}} 100.536" in lines
    assert f"apiserver_request_duration_seconds_count{{{labels}}} 5" in lines


def test_histogram_header_and_full_golden():
    r = Registry()
    h = r.register(Histogram("x_seconds", "Some latency.", ("op",), (0.1, 1)))
    h.observe(("get",), 0.1)  # le is inclusive
    h.observe(("get",), 2.0)
    assert r.render().decode() == (
        "# HELP x_seconds [ALPHA] Some latency.\n"
        "# TYPE x_seconds histogram\n"
        'x_seconds_bucket{op="get",le="0.1"} 1\n'
        'x_seconds_bucket{op="get",le="1"} 1\n'
        'x_seconds_bucket{op="get",le="+Inf"} 2\n'
        'x_seconds_sum{op="get"} 2.1\n'
        'x_seconds_count{op="get"} 2\n'
    )


def test_storage_watchers_and_inflight_series():
    am = APIServerMetrics()
    am.observe_storage("create", "pods", 0.002)
    am.observe_storage("get", "pods", 0.001, error=True)
    am.watchers("pods", +1, scope="namespace")
    am.watchers("pods", +1, scope="namespace")
    am.watchers("pods", -1, scope="namespace")
    am.inflight("readOnly", +1)
    am.inflight("mutating", +1)
    am.inflight("mutating", -1)
    text = am.render().decode()
    assert series(text, "etcd_requests_total") == [
        'etcd_requests_total{group="",operation="create",resource="pods"} 1',
        'etcd_requests_total{group="",operation="get",resource="pods"} 1',
    ]
    assert series(text, "etcd_request_errors_total") == [
        'etcd_request_errors_total{group="",operation="get",resource="pods"} 1'
    ]
    assert 'etcd_request_duration_seconds_count{group="",operation="create",resource="pods"} 1' in text
    assert series(text, "apiserver_longrunning_requests") == [
        'apiserver_longrunning_requests{component="apiserver",group="",resource="pods",scope="namespace",'
        'subresource="",verb="WATCH",version="v1"} 1'
    ]
    assert series(text, "apiserver_current_inflight_requests") == [
        'apiserver_current_inflight_requests{request_kind="mutating"} 0',
        'apiserver_current_inflight_requests{request_kind="readOnly"} 1',
    ]
    assert "# TYPE apiserver_current_inflight_requests gauge" in text
    assert "# HELP etcd_request_duration_seconds [ALPHA] Etcd request latency" in text


def test_a_request_series_kept_for_the_request_path_is_the_one_rendered():
    """observe_request keeps each series' cells; counts from it and from inc() add up, per code."""
    am = APIServerMetrics()
    for code in (201, 201, 409):
        am.observe_request("POST", "", "v1", "pods", "", "namespace", code, 0.003)
    labels = ("POST", "", "", "v1", "pods", "", "namespace", "apiserver")
    am.requests.inc((*labels, "201"))
    am.latency.observe(labels, 0.03)
    text = am.render().decode()
    assert [line.rsplit(" ", 1)[1] for line in series(text, "apiserver_request_total")] == ["3", "1"]
    assert any(line.endswith('le="0.005"} 3') for line in series(text, "apiserver_request_duration_seconds"))
    count = [line for line in series(text, "apiserver_request_duration_seconds_count")]
    assert len(count) == 1 and count[0].endswith(" 4")
    am.observe_storage("create", "pods", 0.1)
    am.observe_storage("create", "pods", 0.2, error=True)
    text = am.render().decode()
    assert series(text, "etcd_requests_total") == [
        'etcd_requests_total{group="",operation="create",resource="pods"} 2'
    ]
    assert (
        'etcd_request_duration_seconds_sum{group="",operation="create",resource="pods"} 0.30000000000000004'
        in text
    )


def test_families_are_sorted_by_name_and_empty_vectors_hidden():
    r = Registry()
    b = r.register(Counter("b_total", "B."))
    r.register(Gauge("a_gauge", "A.", ("x",)))
    assert r.render() == b""
    b.inc()
    r.metrics["a_gauge"].set(("1",), 2.5)
    text = r.render().decode()
    assert text.index("a_gauge") < text.index("b_total")
    assert "b_total 1\n" in text


def test_label_values_and_help_are_escaped():
    r = Registry()
    c = r.register(Counter("c_total", "Line one\\two\nthree", ("path",), stability=""))
    c.inc(('a"b\\c\nd',))
    assert r.render().decode() == (
        '# HELP c_total Line one\\\\two\\nthree\n# TYPE c_total counter\nc_total{path="a\\"b\\\\c\\nd"} 1\n'
    )


def test_duplicate_registration_is_refused():
    r = Registry()
    r.register(Counter("dup_total", "x"))
    with pytest.raises(ValueError, match="duplicate"):
        r.register(Counter("dup_total", "x"))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (0.005, "0.005"),
        (1.25, "1.25"),
        (1e6, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (123456.5, "123456.5"),
        (1e-5, "1e-05"),
        (0.0001, "0.0001"),
        (float("inf"), "+Inf"),
        (float("-inf"), "-Inf"),
        (float("nan"), "NaN"),
    ],
)
def test_values_render_like_go(value, text):
    assert format_value(value) == text


def test_module_functions_record_into_the_default_registry():
    before = m.render().decode().count("\n")
    m.observe_request("GET", "", "", "", "/healthz", "", 200, 0.001)
    text = m.render().decode()
    assert text.count("\n") > before
    assert 'subresource="/healthz"' in text
