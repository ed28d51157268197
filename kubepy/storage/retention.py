"""Which history the engines keep: a pure policy over (revision, commit time).

Every write is one revision and one log event, so the log always holds the contiguous revisions
`compacted + 1 .. current`. An event goes once it is older than `seconds` or is not among the
newest `events`; compaction walks the log from its oldest end and stops at the first keeper, so
the window stays contiguous even if the wall clock stepped backwards.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    seconds: float = 300.0  # an event older than this is dropped
    events: int = 10_000  # at most this many of the newest events are kept

    def __post_init__(self) -> None:
        if self.seconds < 0 or self.events < 0:
            raise ValueError("retention must not be negative")

    def drops(self, revision: int, timestamp: float, current: int, now: float) -> bool:
        """Whether the event at `revision` committed at `timestamp` falls outside the window."""
        return revision <= current - self.events or now - timestamp > self.seconds


def explicit_target(requested: int, compacted: int, current: int) -> int:
    """The revision an explicit compact(requested) drops up to: never back, never past current."""
    if requested < 0:
        raise ValueError(f"cannot compact to a negative revision: {requested}")
    return max(compacted, min(requested, current))
