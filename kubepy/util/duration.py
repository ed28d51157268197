"""Human-readable ages as kubectl prints them (k8s.io/apimachinery/pkg/util/duration)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def human_duration(seconds: float) -> str:
    """duration.HumanDuration: "45s", "5m10s", "3h", "2d5h", "400d", "3y12d"."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 60 * 2:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rem = s % 60
        return f"{minutes}m{rem}s" if rem else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rem = (s % 3600) // 60
        return f"{hours}h{rem}m" if rem else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rem = hours % 24
        return f"{hours // 24}d{rem}h" if rem else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24 % 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def parse_time(value: str) -> datetime:
    """RFC 3339 as Kubernetes writes it ("2015-04-22T11:49:39Z")."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def age(obj_time: str | None, now: datetime) -> str:
    """The AGE cell: "<unknown>" when the timestamp is missing, as kubectl prints."""
    if not obj_time:
        return "<unknown>"
    return human_duration((now - parse_time(obj_time)).total_seconds())


#: the last second formatted, as (that second's datetime, the next second's, its text): every
#: write reads the clock and formats it, thousands of times in one second
_last: tuple[datetime, datetime, str] = (
    datetime.min.replace(tzinfo=UTC),
    datetime.min.replace(tzinfo=UTC),
    "",
)
_SECOND = timedelta(seconds=1)
_LAST_SECOND = datetime.max.replace(microsecond=0, tzinfo=UTC)  # no second after it to bound it


def rfc3339(t: datetime) -> str:
    """Kubernetes' wire form, always in UTC (an aware local time is converted first)."""
    global _last
    last = _last
    if t.tzinfo is UTC and last[0] <= t < last[1]:  # the server's clock, within the last second
        return last[2]
    if t.tzinfo is not None and t.tzinfo is not UTC:
        t = t.astimezone(UTC)  # a zone lookup: the server's clock reads UTC to skip it
    second = t.replace(microsecond=0) if t.microsecond else t
    text = second.strftime("%Y-%m-%dT%H:%M:%SZ")
    if second.tzinfo is UTC and second < _LAST_SECOND:
        _last = (second, second + _SECOND, text)
    return text
