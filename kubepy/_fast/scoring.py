"""Scheduler scoring facade: the compiled kernel when built, else the pure-Python twin.

`IMPLEMENTATION` says which one was loaded ("c" or "py"); kubepy.scheduler.kernel builds the
arrays and calls these functions.
"""

from __future__ import annotations

from kubepy._fast import load

_impl, IMPLEMENTATION = load("scoring")

MAX_NODE_SCORE: int = _impl.MAX_NODE_SCORE
TOO_MANY_PODS: int = _impl.TOO_MANY_PODS
balanced_score = _impl.balanced_score
filter_nodes = _impl.filter_nodes
fit_failures = _impl.fit_failures
least_allocated_score = _impl.least_allocated_score
least_requested_score = _impl.least_requested_score
score_nodes = _impl.score_nodes

__all__ = [
    "IMPLEMENTATION",
    "MAX_NODE_SCORE",
    "TOO_MANY_PODS",
    "balanced_score",
    "filter_nodes",
    "fit_failures",
    "least_allocated_score",
    "least_requested_score",
    "score_nodes",
]
