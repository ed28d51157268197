"""Prometheus metrics of the apiserver, rendered as text format 0.0.4 on /metrics.

Series carry Kubernetes' names, labels and buckets (apiserver/pkg/endpoints/metrics,
storage/etcd3/metrics) so existing dashboards and alerts read them unchanged. Recording is a
dict lookup and an add: the event loop is single-threaded, so no locks are needed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: apiserver_request_duration_seconds and etcd_request_duration_seconds buckets.
LATENCY_BUCKETS = (
    0.005,
    0.025,
    0.05,
    0.1,
    0.2,
    0.4,
    0.6,
    0.8,
    1.0,
    1.25,
    1.5,
    2,
    3,
    4,
    5,
    6,
    8,
    10,
    15,
    20,
    30,
    45,
    60,
)

Labels = tuple[str, ...]
_INF = float("inf")


def format_value(v: float) -> str:
    """A float as Go's strconv.FormatFloat(v, 'g', -1, 64), which Prometheus clients print:
    shortest digits, exponent form when the exponent is < -4 or >= 6 ("1e+06")."""
    if v != v:
        return "NaN"
    if v in (_INF, -_INF):
        return "+Inf" if v > 0 else "-Inf"
    if v == int(v) and -1e6 < v < 1e6:
        return str(int(v))
    d = Decimal(repr(v))
    exp = d.adjusted()
    if -4 <= exp < 6:
        return repr(v)  # Python's repr is also shortest, and plain in this band
    sign, digits, _ = d.as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    frac = f".{ds[1:]}" if len(ds) > 1 else ""
    return f"{'-' if sign else ''}{ds[0]}{frac}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


class Metric:
    """One metric family: name, help, label names and a value per label-value tuple."""

    kind = "untyped"

    def __init__(self, name: str, help: str, labels: Iterable[str] = (), *, stability: str = "ALPHA") -> None:
        self.name = name
        self.help = f"[{stability}] {help}" if stability else help
        self.labelnames: Labels = tuple(labels)
        # client_golang prints label pairs sorted by name
        self._order = sorted(range(len(self.labelnames)), key=self.labelnames.__getitem__)

    def _pairs(self, values: Labels, extra: str = "") -> str:
        parts = [f'{self.labelnames[i]}="{escape_label(values[i])}"' for i in self._order]
        if extra:
            parts.append(extra)
        return "{" + ",".join(parts) + "}" if parts else ""

    def _sorted(self, series: dict[Labels, object]) -> list[Labels]:
        return sorted(series, key=lambda values: [values[i] for i in self._order])

    def samples(self) -> list[str]:
        raise NotImplementedError

    def render(self) -> str:
        lines = self.samples()
        if not lines:
            return ""  # a vector with no series is not exposed, as in client_golang
        head = f"# HELP {self.name} {escape_help(self.help)}\n# TYPE {self.name} {self.kind}\n"
        return head + "\n".join(lines) + "\n"


class Counter(Metric):
    kind = "counter"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: per series, its value as a one-item list (a cell the request path adds to in place)
        self.values: dict[Labels, list[float]] = {}

    def inc(self, labels: Labels = (), amount: float = 1.0) -> None:
        cell = self.values.get(labels)
        if cell is None:
            self.values[labels] = [amount]
        else:
            cell[0] += amount

    def cell(self, labels: Labels) -> list[float]:
        """The series' value cell, created at 0 (the caller adds to it at once)."""
        cell = self.values.get(labels)
        if cell is None:
            cell = self.values[labels] = [0.0]
        return cell

    def samples(self) -> list[str]:
        return [
            f"{self.name}{self._pairs(k)} {format_value(self.values[k][0])}"
            for k in self._sorted(self.values)
        ]


class Gauge(Counter):
    kind = "gauge"

    def add(self, labels: Labels, delta: float) -> None:
        self.inc(labels, delta)

    def set(self, labels: Labels, value: float) -> None:
        self.cell(labels)[0] = value


class Histogram(Metric):
    """Cumulative buckets on render; each observation touches one bucket, _sum and _count."""

    kind = "histogram"

    def __init__(self, name: str, help: str, labels: Iterable[str], buckets: Iterable[float], **kw) -> None:
        super().__init__(name, help, labels, **kw)
        self.buckets = tuple(float(b) for b in buckets)
        self._le = [f'le="{format_value(b)}"' for b in self.buckets] + ['le="+Inf"']
        #: per series: [count in bucket 0, ..., count above the last bound, sum]
        self.series: dict[Labels, list[float]] = {}

    def observe(self, labels: Labels, value: float) -> None:
        s = self.cell(labels)
        s[bisect_left(self.buckets, value)] += 1
        s[-1] += value

    def cell(self, labels: Labels) -> list[float]:
        """The series' counts (one per bucket, one above the last bound) and sum, created at 0;
        the caller updates them in place at once, as `observe` does."""
        s = self.series.get(labels)
        if s is None:
            s = self.series[labels] = [0] * (len(self.buckets) + 1) + [0.0]
        return s

    def samples(self) -> list[str]:
        out: list[str] = []
        name = self.name
        for key in self._sorted(self.series):
            s = self.series[key]
            running = 0
            for le, n in zip(self._le, s[:-1], strict=True):
                running += n
                out.append(f"{name}_bucket{self._pairs(key, le)} {running}")
            out.append(f"{name}_sum{self._pairs(key)} {format_value(s[-1])}")
            out.append(f"{name}_count{self._pairs(key)} {running}")
        return out


class Registry:
    """Metric families rendered in name order, as Prometheus' Go client gathers them."""

    def __init__(self) -> None:
        self.metrics: dict[str, Metric] = {}

    def register(self, metric: Metric) -> Metric:
        if metric.name in self.metrics:
            raise ValueError(f"duplicate metrics collector registration attempted: {metric.name}")
        self.metrics[metric.name] = metric
        return metric

    def render(self) -> bytes:
        return "".join(self.metrics[n].render() for n in sorted(self.metrics)).encode()


_REQUEST = ("verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component")


class APIServerMetrics:
    """The apiserver's series and the calls its request path makes."""

    def __init__(self, component: str = "apiserver") -> None:
        self.component = component
        self.registry = r = Registry()
        self.requests = r.register(
            Counter(
                "apiserver_request_total",
                "Counter of apiserver requests broken out for each verb, dry run value, group, version, "
                "resource, scope, component, and HTTP response code.",
                (*_REQUEST, "code"),
                stability="STABLE",
            )
        )
        self.latency = r.register(
            Histogram(
                "apiserver_request_duration_seconds",
                "Response latency distribution in seconds for each verb, dry run value, group, version, "
                "resource, subresource, scope and component.",
                _REQUEST,
                LATENCY_BUCKETS,
                stability="STABLE",
            )
        )
        self.longrunning = r.register(
            Gauge(
                "apiserver_longrunning_requests",
                "Gauge of all active long-running apiserver requests broken out by verb, group, version, "
                "resource, scope and component. Not all requests are tracked this way.",
                ("verb", "group", "version", "resource", "subresource", "scope", "component"),
                stability="STABLE",
            )
        )
        self.inflight_requests = r.register(
            Gauge(
                "apiserver_current_inflight_requests",
                "Maximal number of currently used inflight request limit of this apiserver per request "
                "kind in last second.",
                ("request_kind",),
                stability="STABLE",
            )
        )
        storage_labels = ("operation", "group", "resource")
        self.storage_latency = r.register(
            Histogram(
                "etcd_request_duration_seconds",
                "Etcd request latency in seconds for each operation and object type.",
                storage_labels,
                LATENCY_BUCKETS,
            )
        )
        self.storage_requests = r.register(
            Counter(
                "etcd_requests_total",
                "Etcd request counts for each operation and object type.",
                storage_labels,
            )
        )
        self.storage_errors = r.register(
            Counter(
                "etcd_request_errors_total",
                "Etcd failed request counts for each operation and object type.",
                storage_labels,
            )
        )
        # each request's series, found with one lookup: (counter cell, histogram cells) by labels
        self._request_slots: dict[tuple[Any, ...], tuple[list[float], list[float]]] = {}
        self._storage_slots: dict[Labels, tuple[list[float], list[float]]] = {}
        self._inflight_cells: dict[str, list[float]] = {}

    def observe_request(
        self,
        verb: str,
        group: str,
        version: str,
        resource: str,
        subresource: str,
        scope: str,
        code: int | str,
        seconds: float,
        *,
        dry_run: str = "",
    ) -> None:
        """One finished request. verb is Kubernetes' upper-case verb (GET, LIST, WATCH, CREATE, ...);
        scope is "resource", "namespace", "cluster" or "" (non-resource paths)."""
        key = (verb, dry_run, group, version, resource, subresource, scope, code)
        slot = self._request_slots.get(key)
        if slot is None:
            labels = (verb, dry_run, group, version, resource, subresource, scope, self.component)
            slot = self._request_slots[key] = (
                self.requests.cell((*labels, str(code))),
                self.latency.cell(labels),
            )
        slot[0][0] += 1.0
        series = slot[1]
        series[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        series[-1] += seconds

    def observe_storage(
        self, operation: str, resource: str, seconds: float, *, group: str = "", error: bool = False
    ) -> None:
        """One storage call (operation: get, list, create, update, delete, ...)."""
        key = (operation, group, resource)
        slot = self._storage_slots.get(key)
        if slot is None:
            slot = self._storage_slots[key] = (
                self.storage_requests.cell(key),
                self.storage_latency.cell(key),
            )
        slot[0][0] += 1.0
        series = slot[1]
        series[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        series[-1] += seconds
        if error:
            self.storage_errors.inc(key)

    def watchers(
        self, resource: str, delta: int, *, group: str = "", version: str = "v1", scope: str = ""
    ) -> None:
        """A watch opened (+1) or closed (-1)."""
        self.longrunning.add(("WATCH", group, version, resource, "", scope, self.component), delta)

    def inflight(self, kind: str, delta: int) -> None:
        """A request counted against --max-requests-inflight started (+1) or ended (-1).
        kind: "readOnly" or "mutating". Kubernetes reports the peak of the last second; this is
        the current value."""
        self.inflight_cell(kind)[0] += delta

    def inflight_cell(self, kind: str) -> list[float]:
        """`inflight`'s series for `kind` as a cell the caller adds to in place (the request path
        adds 1 and later takes it back)."""
        cell = self._inflight_cells.get(kind)
        if cell is None:
            cell = self._inflight_cells[kind] = self.inflight_requests.cell((kind,))
        return cell

    def render(self) -> bytes:
        return self.registry.render()


#: The process-wide series; the module functions below record into it.
DEFAULT = APIServerMetrics()
observe_request = DEFAULT.observe_request
observe_storage = DEFAULT.observe_storage
watchers = DEFAULT.watchers
inflight = DEFAULT.inflight
render = DEFAULT.render
