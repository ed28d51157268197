"""Event (core/v1): a report that something happened to an object, kept for the event TTL.

Validation is the legacy one Kubernetes applies to core/v1 writes (events.go); the strict rules of
events.k8s.io/v1 live in events_v1.py and share the helpers here.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from kubepy.api.errors import FieldError, invalid, required
from kubepy.api.resource import Column, Context, Obj, Resource, Strategy
from kubepy.api.resources.cells import get, since
from kubepy.api.resources.core_refs import ObjectReference
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import INT32, MICROTIME, STRING, TIME, f, struct
from kubepy.api.validation.names import is_dns1123_subdomain, is_qualified_name, path_segment_name

CORE = "io.k8s.api.core.v1."
REPORTING_INSTANCE_MAX = 128
ACTION_MAX = 128
REASON_MAX = 128
NOTE_MAX = 1024

EventSource = struct(
    CORE + "EventSource",
    "The component (and host) that reported an event.",
    component=f(STRING, "Reporting component.", proto=1),
    host=f(STRING, "Node the event was generated on.", proto=2),
)

EventSeries = struct(
    CORE + "EventSeries",
    "Data about an event that keeps happening.",
    count=f(INT32, "Occurrences so far.", proto=1),
    lastObservedTime=f(MICROTIME, "When the last occurrence was seen.", proto=2),
)

Event = kind_struct(
    CORE + "Event",
    "A report of something that happened in the cluster.",
    "",
    "v1",
    "Event",
    extra={
        "involvedObject": f(ObjectReference, "The object the event is about.", required=True, proto=2),
        "reason": f(STRING, "Short CamelCase reason for the transition.", proto=3),
        "message": f(STRING, "Human-readable description.", proto=4),
        "source": f(EventSource, "Who reported the event.", proto=5),
        "firstTimestamp": f(TIME, "When the event was first recorded.", proto=6),
        "lastTimestamp": f(TIME, "When the event was most recently recorded.", proto=7),
        "count": f(INT32, "How many times the event has occurred.", proto=8),
        "type": f(STRING, "Normal or Warning.", proto=9),
        "eventTime": f(MICROTIME, "When the event first happened, with microseconds.", proto=10),
        "series": f(EventSeries, "Data about a series of occurrences.", proto=11),
        "action": f(STRING, "What was done, or failed, about the object.", proto=12),
        "related": f(ObjectReference, "A second object involved.", proto=13),
        "reportingComponent": f(
            STRING, "Controller that emitted the event (e.g. kubernetes.io/kubelet).", proto=14
        ),
        "reportingInstance": f(STRING, "ID of the emitting controller instance.", proto=15),
    },
)


def validate_legacy(
    ev: Obj, namespace: str, controller_field: str = "reportingComponent"
) -> list[FieldError]:
    """legacyValidateEvent, on the core/v1 shape of an event of namespace `namespace`."""
    errs: list[FieldError] = []
    inv = ev.get("involvedObject")
    inv_ns = (inv.get("namespace") if isinstance(inv, dict) else None) or ""
    if not ev.get("eventTime"):
        if not inv_ns:
            if namespace not in ("", "default"):
                errs.append(invalid("involvedObject.namespace", inv_ns, "does not match event.namespace"))
        elif namespace != inv_ns:
            errs.append(invalid("involvedObject.namespace", inv_ns, "does not match event.namespace"))
    else:
        if not inv_ns and namespace not in ("default", "kube-system"):
            errs.append(invalid("involvedObject.namespace", inv_ns, "does not match event.namespace"))
        controller = ev.get("reportingComponent") or ""
        if not controller:
            errs.append(required(controller_field))
        errs += [invalid(controller_field, controller, m) for m in is_qualified_name(controller)]
        for name, limit, required_too in (
            ("reportingInstance", REPORTING_INSTANCE_MAX, True),
            ("action", ACTION_MAX, True),
            ("reason", REASON_MAX, True),
        ):
            value = ev.get(name) or ""
            if required_too and not value:
                errs.append(required(name))
            if len(value) > limit:
                errs.append(invalid(name, "", f"can have at most {limit} characters"))
        if len(ev.get("message") or "") > NOTE_MAX:
            errs.append(invalid("message", "", f"can have at most {NOTE_MAX} characters"))
    errs += [invalid("namespace", namespace, m) for m in _subdomain_errors(namespace)]
    return errs


@lru_cache(maxsize=1024)
def _subdomain_errors(namespace: str) -> tuple[str, ...]:
    """is_dns1123_subdomain, remembered: every event of a namespace asks about the same name."""
    return tuple(is_dns1123_subdomain(namespace))


def _namespace(ev: Obj, ctx: Context) -> str:
    return get(ev, "metadata", "namespace") or ctx.namespace


def default_event(ev: Obj) -> None:
    """Fields Go always serialises for a core/v1 Event (zero times as null)."""
    for key in ("involvedObject", "source"):
        if not isinstance(ev.get(key), dict):
            ev[key] = {}
    for key in ("reportingComponent", "reportingInstance"):
        ev.setdefault(key, "")
    for key in ("firstTimestamp", "lastTimestamp", "eventTime"):
        ev.setdefault(key, None)


class EventStrategy(Strategy):
    allow_create_on_update = True

    def default(self, obj: Obj) -> None:
        default_event(obj)

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_legacy(obj, _namespace(obj, ctx))


# ---- table (printEvent) -------------------------------------------------------------------
def event_cells(ev: Obj, now: datetime) -> dict[str, Any]:
    """Every printEvent cell of a core/v1-shaped event, by column name."""
    first = (
        since(ev.get("firstTimestamp"), now) if ev.get("firstTimestamp") else since(ev.get("eventTime"), now)
    )
    last = since(ev.get("lastTimestamp"), now) if ev.get("lastTimestamp") else first
    count = ev.get("count") or 0
    series = ev.get("series")
    if series is not None:
        last = since(series.get("lastObservedTime"), now)
        count = series.get("count") or 0
    elif count == 0:
        count = 1
    inv = ev.get("involvedObject") or {}
    kind = (inv.get("kind") or "").lower()
    target = f"{kind}/{inv['name']}" if inv.get("name") else kind
    component = get(ev, "source", "component") or ev.get("reportingComponent") or ""
    instance = get(ev, "source", "host") or ev.get("reportingInstance") or ""
    return {
        "Last Seen": last,
        "Type": ev.get("type") or "",
        "Reason": ev.get("reason") or "",
        "Object": target,
        "Subobject": inv.get("fieldPath") or "",
        "Source": f"{component}, {instance}" if instance else component,
        "Message": (ev.get("message") or "").strip(),
        "First Seen": first,
        "Count": count,
        "Name": get(ev, "metadata", "name") or "",
    }


def event_columns(to_core: Any = None) -> tuple[Column, ...]:
    """The Event table; `to_core` converts another event shape (events.k8s.io) first."""

    def cell(name: str):
        def compute(o: Obj, now: datetime) -> Any:
            return event_cells(to_core(o) if to_core else o, now)[name]

        return compute

    spec = (
        ("Last Seen", 0, "Time since the event was last seen.", ""),
        ("Type", 0, "Normal or Warning.", ""),
        ("Reason", 0, "Why the event happened.", ""),
        ("Object", 0, "The object the event is about.", ""),
        ("Subobject", 1, "Part of the object, e.g. a container.", ""),
        ("Source", 1, "Component and host that reported the event.", ""),
        ("Message", 0, "Human-readable description.", ""),
        ("First Seen", 1, "Time since the event was first seen.", ""),
        ("Count", 1, "How many times the event happened.", ""),
        ("Name", 1, "Name of the event object.", "name"),
    )
    return tuple(Column(n, "string", cell(n), d, fmt, prio) for n, prio, d, fmt in spec)


def event_field_selectors(to_core: Any = None) -> dict[str, Any]:
    """ToSelectableFields: labels evaluated on the core/v1 shape."""

    def sel(fn):
        return lambda o: fn(to_core(o) if to_core else o)

    fields: dict[str, Any] = {
        f"involvedObject.{k}": sel(lambda e, k=k: get(e, "involvedObject", k) or "")
        for k in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
    }
    fields["reason"] = sel(lambda e: e.get("reason") or "")
    fields["reportingComponent"] = sel(lambda e: e.get("reportingComponent") or "")
    fields["source"] = sel(lambda e: get(e, "source", "component") or e.get("reportingComponent") or "")
    fields["type"] = sel(lambda e: e.get("type") or "")
    return fields


RESOURCES = [
    Resource(
        group="",
        version="v1",
        kind="Event",
        plural="events",
        namespaced=True,
        schema=Event,
        strategy=EventStrategy(),
        short_names=("ev",),
        field_selectors=event_field_selectors(),
        columns=event_columns(),
        name_rule=path_segment_name,
    )
]
