"""Event (events.k8s.io/v1): the newer shape of events, with strict validation.

Kubernetes keeps one stored form for both APIs; `to_core` and `from_core` convert between the
two shapes so validation, table and field selectors are the core/v1 ones (paths included).
"""

from __future__ import annotations

from kubepy.api.errors import FieldError, invalid, required
from kubepy.api.resource import Context, Obj, Resource, Strategy
from kubepy.api.resources.core_event import EventSource, event_columns, validate_legacy
from kubepy.api.resources.core_refs import ObjectReference
from kubepy.api.resources.meta import kind_struct
from kubepy.api.schema import INT32, MICROTIME, STRING, TIME, f, struct
from kubepy.api.validation.common import immutable

GROUP = "events.k8s.io"

EventSeries = struct(
    "io.k8s.api.events.v1.EventSeries",
    "Data about an event that keeps happening.",
    count=f(INT32, "Occurrences so far.", required=True, proto=1),
    lastObservedTime=f(MICROTIME, "When the last occurrence was seen.", required=True, proto=2),
)

Event = kind_struct(
    "io.k8s.api.events.v1.Event",
    "A report of something that happened in the cluster.",
    GROUP,
    "v1",
    "Event",
    extra={
        "eventTime": f(MICROTIME, "When the event first happened.", required=True, proto=2),
        "series": f(EventSeries, "Data about a series of occurrences.", proto=3),
        "reportingController": f(STRING, "Controller that emitted the event.", proto=4),
        "reportingInstance": f(STRING, "ID of the emitting controller instance.", proto=5),
        "action": f(STRING, "What was done, or failed, about the object.", proto=6),
        "reason": f(STRING, "Why the action was taken.", proto=7),
        "regarding": f(ObjectReference, "The object the event is about.", proto=8),
        "related": f(ObjectReference, "A second object involved.", proto=9),
        "note": f(STRING, "Human-readable description.", proto=10),
        "type": f(STRING, "Normal or Warning.", proto=11),
        "deprecatedSource": f(EventSource, "Deprecated core/v1 source.", proto=12),
        "deprecatedFirstTimestamp": f(TIME, "Deprecated core/v1 firstTimestamp.", proto=13),
        "deprecatedLastTimestamp": f(TIME, "Deprecated core/v1 lastTimestamp.", proto=14),
        "deprecatedCount": f(INT32, "Deprecated core/v1 count.", proto=15),
    },
)

#: events.k8s.io/v1 field -> core/v1 field
_RENAMES = {
    "regarding": "involvedObject",
    "note": "message",
    "deprecatedSource": "source",
    "deprecatedFirstTimestamp": "firstTimestamp",
    "deprecatedLastTimestamp": "lastTimestamp",
    "deprecatedCount": "count",
    "reportingController": "reportingComponent",
}
_BACK = {v: k for k, v in _RENAMES.items()}


def to_core(ev: Obj) -> Obj:
    """The core/v1 shape of an events.k8s.io/v1 event."""
    out = {_RENAMES.get(k, k): v for k, v in ev.items()}
    out["apiVersion"] = "v1"
    return out


def from_core(ev: Obj) -> Obj:
    """The events.k8s.io/v1 shape of a core/v1 event."""
    out = {_BACK.get(k, k): v for k, v in ev.items()}
    out["apiVersion"] = f"{GROUP}/v1"
    return out


def _validate_series(core: Obj) -> list[FieldError]:
    series = core.get("series")
    if series is None:
        return []
    errs = []
    if (series.get("count") or 0) < 2:
        errs.append(invalid("series.count", "", "should be at least 2"))
    if not series.get("lastObservedTime"):
        errs.append(required("series.lastObservedTime"))
    return errs


def validate_strict(ev: Obj, namespace: str) -> list[FieldError]:
    """ValidateEventCreate for events.k8s.io/v1 (paths are the core/v1 field names, as in Kubernetes)."""
    core = to_core(ev)
    errs = validate_legacy(core, namespace, "reportingController")
    errs += _validate_series(core)
    if not core.get("eventTime"):
        errs.append(required("eventTime"))
    if core.get("type") not in ("Normal", "Warning"):
        errs.append(invalid("type", "", f"has invalid value: {core.get('type') or ''}"))
    for name in ("firstTimestamp", "lastTimestamp"):
        if core.get(name):
            errs.append(invalid(name, "", "needs to be unset"))
    if core.get("count"):
        errs.append(invalid("count", "", "needs to be unset"))
    if (core.get("source") or {}).get("component") or (core.get("source") or {}).get("host"):
        errs.append(invalid("source", "", "needs to be unset"))
    return errs


_IMMUTABLE = (
    "involvedObject",
    "reason",
    "message",
    "source",
    "firstTimestamp",
    "lastTimestamp",
    "count",
    "reason",
    "type",
    "eventTime",
    "action",
    "related",
    "reportingComponent",
    "reportingInstance",
)


def validate_strict_update(new: Obj, old: Obj, namespace: str) -> list[FieldError]:
    core_new, core_old = to_core(new), to_core(old)
    errs = validate_legacy(core_new, namespace, "reportingController")
    if core_new.get("series") != core_old.get("series"):
        errs += _validate_series(core_new)
    for name in _IMMUTABLE:
        path = "reportingController" if name == "reportingComponent" else name
        errs += immutable(path, core_new.get(name), core_old.get(name))
    return errs


def default_event(ev: Obj) -> None:
    """Fields Go always serialises for an events.k8s.io/v1 Event (zero times as null)."""
    if not isinstance(ev.get("deprecatedSource"), dict):
        ev["deprecatedSource"] = {}
    for key in ("eventTime", "deprecatedFirstTimestamp", "deprecatedLastTimestamp"):
        ev.setdefault(key, None)


class EventsV1Strategy(Strategy):
    allow_create_on_update = True

    def default(self, obj: Obj) -> None:
        default_event(obj)

    def validate(self, obj: Obj, ctx: Context) -> list[FieldError]:
        return validate_strict(obj, (obj.get("metadata") or {}).get("namespace") or ctx.namespace)

    def validate_update(self, new: Obj, old: Obj, ctx: Context) -> list[FieldError]:
        return validate_strict_update(new, old, (new.get("metadata") or {}).get("namespace") or ctx.namespace)


def _selectors() -> dict:
    """Field selectors by events.k8s.io names, mapped as Kubernetes' field label conversion does."""
    fields: dict = {
        f"regarding.{k}": (lambda o, k=k: (o.get("regarding") or {}).get(k) or "")
        for k in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
    }
    fields["reason"] = lambda o: o.get("reason") or ""
    fields["reportingController"] = lambda o: o.get("reportingController") or ""
    fields["type"] = lambda o: o.get("type") or ""
    return fields


RESOURCES = [
    Resource(
        group=GROUP,
        version="v1",
        kind="Event",
        plural="events",
        namespaced=True,
        schema=Event,
        strategy=EventsV1Strategy(),
        short_names=("ev",),
        field_selectors=_selectors(),
        columns=event_columns(to_core),
        stored_as=("", "events"),
        to_stored=to_core,
        from_stored=from_core,
    )
]
