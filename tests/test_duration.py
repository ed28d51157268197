"""Ages and timestamps as Kubernetes prints them."""

from __future__ import annotations


def test_rfc3339_is_utc_whatever_the_local_zone():
    from datetime import datetime, timedelta, timezone

    from kubepy.util.duration import rfc3339

    tokyo = datetime(2026, 1, 2, 11, 12, 34, tzinfo=timezone(timedelta(hours=9)))
    assert rfc3339(tokyo) == "2026-01-02T02:12:34Z"


def test_rfc3339_remembers_one_second_and_nothing_beyond_it():
    from datetime import UTC, datetime

    from kubepy.util.duration import rfc3339

    base = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    times = [
        base.replace(microsecond=1),
        base.replace(microsecond=999_999),
        base,
        base.replace(second=8),
        base.replace(second=6, microsecond=999_999),  # the clock went back
        base.replace(second=8, microsecond=5),
        datetime.max.replace(tzinfo=UTC),
        datetime.max.replace(tzinfo=UTC),
        base.replace(tzinfo=None),  # naive: formatted, never remembered
    ]
    expected = [t.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ") for t in times]
    assert [rfc3339(t) for t in times] == expected


def test_human_duration_matches_kubectl():
    from kubepy.util.duration import human_duration

    cases = {
        0: "0s",
        45: "45s",
        119: "119s",
        130: "2m10s",
        600: "10m",
        3 * 3600: "3h",
        8 * 3600: "8h",
        49 * 3600: "2d1h",
        9 * 86400: "9d",
        800 * 86400: "2y70d",
    }
    assert {k: human_duration(k) for k in cases} == cases


def test_rfc3339_remembers_one_second_without_mixing_times_up():
    from datetime import UTC, datetime, timedelta, timezone

    from kubepy.util.duration import rfc3339

    t = datetime(2026, 1, 2, 3, 4, 5, 999_999, tzinfo=UTC)
    assert rfc3339(t) == rfc3339(t.replace(microsecond=0)) == "2026-01-02T03:04:05Z"
    assert rfc3339(t + timedelta(microseconds=1)) == "2026-01-02T03:04:06Z"
    assert rfc3339(t.replace(tzinfo=None)) == "2026-01-02T03:04:05Z"  # naive: read as UTC
    assert rfc3339(t.astimezone(timezone(timedelta(hours=9)))) == "2026-01-02T03:04:05Z"
    assert rfc3339(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05Z"
    assert (
        rfc3339(datetime(2026, 1, 2, 12, 4, 5, tzinfo=timezone(timedelta(hours=9)))) == "2026-01-02T03:04:05Z"
    )
