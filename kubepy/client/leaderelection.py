"""Leader election on a coordination.k8s.io/v1 Lease, as client-go's tools/leaderelection.

Candidates race to write their identity into one Lease; the apiserver's resourceVersion check lets
exactly one write win. The holder renews every retry period; others take over only once they have
watched the record stay unchanged for leaseDurationSeconds on their *own* clock (renewTime is never
compared across machines, so clock skew does not matter). A holder that cannot renew within the
renew deadline stops leading; one that stops cleanly releases the lease so the next takes over at
once. Timings default to client-go's 15 s / 10 s / 2 s; the clock is injected.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from kubepy.client.clock import Clock
from kubepy.client.errors import ApiError, is_not_found
from kubepy.client.resources import LEASES
from kubepy.client.rest import RESTClient
from kubepy.util.tasks import cancel_and_wait

log = logging.getLogger(__name__)
Obj = dict[str, Any]

#: wait.JitterUntil's factor for the acquire loop: retries spread over [1, 2.2) retry periods.
JITTER_FACTOR = 1.2


@dataclass(frozen=True, slots=True)
class LeaderElectionConfig:
    namespace: str
    name: str
    identity: str
    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0
    release_on_cancel: bool = True

    def __post_init__(self) -> None:
        if not self.identity:
            raise ValueError("leader election needs an identity")
        if self.lease_duration <= self.renew_deadline:
            raise ValueError("leaseDuration must be greater than renewDeadline")
        if self.renew_deadline <= JITTER_FACTOR * self.retry_period:
            raise ValueError("renewDeadline must be greater than retryPeriod*JitterFactor")


def micro_time(t: datetime) -> str:
    """metav1.MicroTime as JSON: RFC 3339 with microseconds, UTC."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(identity: str, duration: float, now: datetime, transitions: int, acquired: str = "") -> Obj:
    """A LeaseSpec naming `identity` holder as of `now`."""
    stamp = micro_time(now)
    return {
        "holderIdentity": identity,
        "leaseDurationSeconds": max(1, int(duration)),
        "acquireTime": acquired or stamp,
        "renewTime": stamp,
        "leaseTransitions": transitions,
    }


def held_by_other(spec: Obj, identity: str, observed_at: float, now: float, default_duration: float) -> bool:
    """Someone else holds the lease and has not let it lapse, as far as this candidate has seen."""
    holder = spec.get("holderIdentity") or ""
    if not holder or holder == identity:
        return False
    duration = spec.get("leaseDurationSeconds") or default_duration
    return observed_at + duration > now


class LeaderElector:
    def __init__(
        self,
        client: RESTClient,
        config: LeaderElectionConfig,
        *,
        on_started_leading: Callable[[], Any],
        on_stopped_leading: Callable[[], Any],
        on_new_leader: Callable[[str], Any] | None = None,
        clock: Clock | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.client = client
        self.config = config
        self.on_started_leading = on_started_leading
        self.on_stopped_leading = on_stopped_leading
        self.on_new_leader = on_new_leader
        self.clock = clock or client.clock
        self.rand = rand
        self.observed: Obj = {}
        self.observed_time = 0.0
        self._reported = ""
        self._leading = False
        self._task: asyncio.Task[None] | None = None

    def is_leader(self) -> bool:
        return self._leading

    def leader(self) -> str:
        """The holder this candidate last saw."""
        return self.observed.get("holderIdentity") or ""

    # ---- lifecycle ---------------------------------------------------------------------------
    def start(self) -> asyncio.Task[None]:
        if self._task is None:
            self._task = asyncio.ensure_future(self.run())
        return self._task

    async def stop(self) -> None:
        """Stop campaigning; the lease is released if held (and release_on_cancel is set)."""
        task, self._task = self._task, None
        await cancel_and_wait(task)

    async def run(self) -> None:
        """Acquire, lead until renewal fails or the task is cancelled, then step down."""
        work: asyncio.Task[Any] | None = None
        try:
            await self._acquire()
            self._leading = True
            work = asyncio.ensure_future(_call(self.on_started_leading))
            await self._renew()
        finally:
            was_leading, self._leading = self._leading, False
            if work is not None:
                work.cancel()
            if was_leading and self.config.release_on_cancel:
                await self.release()
            if was_leading:
                await _call(self.on_stopped_leading)

    async def _acquire(self) -> None:
        while not await self.try_acquire_or_renew():
            period = self.config.retry_period
            await self.clock.sleep(period * (1 + JITTER_FACTOR * self.rand()))
        log.info("successfully acquired lease %s/%s", self.config.namespace, self.config.name)

    async def _renew(self) -> None:
        """Renew every retry period; give up when a whole renew deadline passed without success."""
        cfg = self.config
        while True:
            started = self.clock.now()
            while not await self.try_acquire_or_renew():
                await self.clock.sleep(cfg.retry_period)
                if self.clock.now() - started >= cfg.renew_deadline:
                    log.info("failed to renew lease %s/%s: timed out", cfg.namespace, cfg.name)
                    return
            await self.clock.sleep(cfg.retry_period)

    # ---- one attempt -------------------------------------------------------------------------
    async def try_acquire_or_renew(self) -> bool:
        """One get-then-write of the Lease; True when this candidate holds it afterwards."""
        try:
            return await self._try()
        except (ApiError, httpx.TransportError) as e:
            log.info(
                "error retrieving or writing lease %s/%s: %s", self.config.namespace, self.config.name, e
            )
            return False
        finally:
            await self._report()

    async def _try(self) -> bool:
        cfg = self.config
        try:
            lease = await self.client.get(LEASES, cfg.name, cfg.namespace)
        except ApiError as e:
            if not is_not_found(e):
                raise
            desired = record(cfg.identity, cfg.lease_duration, self.clock.wall(), 0)
            await self.client.create(
                LEASES,
                {
                    "apiVersion": "coordination.k8s.io/v1",
                    "kind": "Lease",
                    "metadata": {"name": cfg.name, "namespace": cfg.namespace},
                    "spec": desired,
                },
            )
            self._observe(desired)
            return True
        spec = lease.get("spec") or {}
        if spec != self.observed:
            self._observe(spec)
        if held_by_other(spec, cfg.identity, self.observed_time, self.clock.now(), cfg.lease_duration):
            return False
        transitions = spec.get("leaseTransitions") or 0
        if spec.get("holderIdentity") == cfg.identity:
            desired = record(
                cfg.identity, cfg.lease_duration, self.clock.wall(), transitions, spec.get("acquireTime", "")
            )
        else:
            desired = record(cfg.identity, cfg.lease_duration, self.clock.wall(), transitions + 1)
        lease["spec"] = desired  # metadata.resourceVersion stays: a concurrent writer makes this 409
        await self.client.update(LEASES, lease)
        self._observe(desired)
        return True

    async def release(self) -> bool:
        """Hand the lease back (empty holder, 1 s duration) so another candidate need not wait."""
        cfg = self.config
        try:
            lease = await self.client.get(LEASES, cfg.name, cfg.namespace)
            spec = lease.get("spec") or {}
            if spec.get("holderIdentity") != cfg.identity:
                return False
            released = record("", 1, self.clock.wall(), spec.get("leaseTransitions") or 0)
            lease["spec"] = released
            await self.client.update(LEASES, lease)
            self._observe(released)
            return True
        except (ApiError, httpx.TransportError) as e:
            log.info("failed to release lease %s/%s: %s", cfg.namespace, cfg.name, e)
            return False

    def _observe(self, spec: Obj) -> None:
        self.observed = dict(spec)
        self.observed_time = self.clock.now()

    async def _report(self) -> None:
        holder = self.leader()
        if holder != self._reported:
            self._reported = holder
            if self.on_new_leader is not None:
                await _call(self.on_new_leader, holder)


async def _call(fn: Callable[..., Any], *args: Any) -> Any:
    result = fn(*args)
    if inspect.isawaitable(result):
        return await result
    return result
