"""The `kubepy apiserver` process as an operator meets it: the book's flag spellings, health and
version endpoints, /metrics, the -v 2 request log, and a clean stop on SIGTERM."""

from __future__ import annotations

import ipaddress
import re
import time

import httpx
import pytest

from conformance import LiveServer, start_apiserver

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book_server(tmp_path_factory: pytest.TempPathFactory):
    """Started with the 1.0 book's underscore spellings and -v 2, on a /24 service range."""
    workdir = tmp_path_factory.mktemp("book")
    srv = start_apiserver(
        workdir,
        backend="memory",
        book_spelling=True,
        extra_args=["--service_cluster_ip_range=10.77.0.0/24", "-v", "2"],
    )
    yield srv
    srv.stop()


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of the one sample of `name` whose labels include `labels` (sum when several)."""
    total, found = 0.0, False
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', line[: line.rindex("}")]))
        if all(got.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
            found = True
    if not found:
        raise KeyError(f"no {name} sample with {labels}")
    return total


def eventually(check, timeout: float = 10.0):
    """check() until it stops raising AssertionError. Metrics and the request log are written
    right after a response is sent, so the next request may (rarely) overtake them."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def test_book_flag_spellings_are_honoured(book_server: LiveServer):
    # it listens where --insecure_bind_address/--insecure_port said (the fixture reached it
    # there), and --service_cluster_ip_range took effect
    assert f"--insecure_port={book_server.port}" in book_server.argv
    assert "--insecure_bind_address=127.0.0.1" in book_server.argv
    svc = httpx.get(book_server.url + "/api/v1/namespaces/default/services/kubernetes").json()
    assert svc["spec"]["clusterIP"] == "10.77.0.1"  # the first address of the range
    body = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "flags"},
        "spec": {"ports": [{"port": 80}], "selector": {"app": "x"}},
    }
    r = httpx.post(book_server.url + "/api/v1/namespaces/default/services", json=body)
    assert r.status_code == 201, r.text
    assert ipaddress.ip_address(r.json()["spec"]["clusterIP"]) in ipaddress.ip_network("10.77.0.0/24")


@pytest.mark.parametrize("path", ["/readyz", "/healthz", "/livez", "/readyz/", "/healthz/ping"])
def test_health_endpoints(book_server: LiveServer, path: str):
    r = httpx.get(book_server.url + path)
    assert r.status_code == 200
    assert r.text == "ok"
    assert r.headers["content-type"].startswith("text/plain")


def test_readyz_verbose_lists_checks(book_server: LiveServer):
    r = httpx.get(book_server.url + "/readyz?verbose")
    assert r.status_code == 200
    lines = r.text.splitlines()
    assert "[+]ping ok" in lines
    assert lines[-1] == "readyz check passed"


@pytest.mark.parametrize("path", ["/version", "/version/"])
def test_version(book_server: LiveServer, path: str):
    r = httpx.get(book_server.url + path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    v = r.json()
    assert set(v) >= {"major", "minor", "gitVersion", "gitCommit", "buildDate", "goVersion", "platform"}
    assert re.fullmatch(r"v\d+\.\d+\.\d+.*", v["gitVersion"])
    assert v["gitVersion"].startswith(f"v{v['major']}.{v['minor']}.")


def test_metrics_count_the_requests_made(book_server: LiveServer):
    url = book_server.url
    with httpx.Client() as http:

        def count(**labels: str) -> float:
            try:
                return _metric(http.get(url + "/metrics").text, "apiserver_request_total", **labels)
            except KeyError:
                return 0.0

        ok = {"verb": "GET", "resource": "namespaces", "code": "200", "version": "v1", "scope": "resource"}
        missing = {"verb": "GET", "resource": "configmaps", "code": "404", "scope": "resource"}
        created = {"verb": "POST", "resource": "configmaps", "code": "201", "scope": "namespace"}
        before = [count(**ok), count(**missing), count(**created)]
        for _ in range(3):
            assert http.get(url + "/api/v1/namespaces/default").status_code == 200
        for _ in range(2):
            assert http.get(url + "/api/v1/namespaces/default/configmaps/nope").status_code == 404
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "m-"}}
        assert http.post(url + "/api/v1/namespaces/default/configmaps", json=cm).status_code == 201

        def grew() -> str:
            r = http.get(url + "/metrics")
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/plain")
            after = [
                _metric(r.text, "apiserver_request_total", **ok),
                _metric(r.text, "apiserver_request_total", **missing),
                _metric(r.text, "apiserver_request_total", **created),
            ]
            assert [a - b for a, b in zip(after, before, strict=True)] == [3, 2, 1]
            return r.text

        text = eventually(grew)
    assert "# TYPE apiserver_request_total counter" in text


def test_v2_logs_one_line_per_request(book_server: LiveServer):
    marker = "/api/v1/namespaces/default/configmaps/log-marker-1"
    with httpx.Client(headers={"User-Agent": "process-test/1.0"}) as http:
        for _ in range(3):
            http.get(book_server.url + marker)
        # a request the log must not mix up with the marker
        http.get(book_server.url + "/api/v1/namespaces/default/configmaps/log-marker-10")

    def logged() -> list[str]:
        lines = [ln for ln in book_server.stderr().splitlines() if f'URI="{marker}"' in ln]
        assert len(lines) == 3, book_server.stderr()[-3000:]
        return lines

    lines = eventually(logged)
    for ln in lines:
        assert re.match(r"I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ \S+:\d+\] ", ln)
        assert 'verb="GET"' in ln and "resp=404" in ln and 'userAgent="process-test/1.0"' in ln


def test_sigterm_stops_with_status_0(tmp_path):
    srv = start_apiserver(tmp_path, backend="memory")
    assert httpx.get(srv.url + "/api/v1/namespaces").status_code == 200
    assert srv.stop() == 0
    err = srv.stderr()
    assert "received SIGTERM, shutting down" in err
    assert "Traceback" not in err
    # below -v 2 requests are not logged
    assert 'URI="/api/v1/namespaces"' not in err
    with pytest.raises(httpx.TransportError):
        httpx.get(srv.url + "/healthz", timeout=1)
