"""Leader election between candidates on one Lease of the real apiserver, on a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from kubepy.client.clock import FakeClock
from kubepy.client.errors import ApiError
from kubepy.client.leaderelection import LeaderElectionConfig, LeaderElector, held_by_other, micro_time
from kubepy.client.resources import LEASES
from kubepy.client.rest import RESTClient
from tests.client.conftest import eventually

NS, NAME = "kube-system", "kube-controller-manager"


class Candidate:
    def __init__(self, client: RESTClient, identity: str, clock: FakeClock, release: bool = True) -> None:
        self.log: list[str] = []
        self.leaders: list[str] = []
        self.elector = LeaderElector(
            client,
            LeaderElectionConfig(NS, NAME, identity, release_on_cancel=release),
            on_started_leading=lambda: self.log.append("started"),
            on_stopped_leading=lambda: self.log.append("stopped"),
            on_new_leader=self.leaders.append,
            clock=clock,
            rand=lambda: 0.0,
        )


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def candidates(client: RESTClient, fake: FakeClock) -> AsyncIterator:
    made: list[Candidate] = []

    def build(identity: str, release: bool = True) -> Candidate:
        c = Candidate(client, identity, fake, release)
        made.append(c)
        return c

    yield build
    for c in made:
        await c.elector.stop()


async def lease(client: RESTClient) -> dict:
    return (await client.get(LEASES, NAME, NS))["spec"]


async def step(fake: FakeClock, seconds: float, sleepers: int) -> None:
    """Move the clock, then wait until every candidate is asleep again (its attempt finished)."""
    fake.advance(seconds)
    await eventually(lambda: fake.sleepers() == sleepers, f"{sleepers} candidates asleep at t={fake.t}")


async def test_one_leads_and_the_other_takes_over_when_it_stops_renewing(
    client: RESTClient, fake: FakeClock, candidates
) -> None:
    a, b = candidates("a", release=False), candidates("b")
    a.elector.start()
    await eventually(a.elector.is_leader, "a leads")
    await eventually(lambda: fake.sleepers() == 1, "a renews on its period")
    spec = await lease(client)
    assert spec["holderIdentity"] == "a" and spec["leaseDurationSeconds"] == 15
    assert spec["leaseTransitions"] == 0 and spec["renewTime"] == micro_time(fake.wall())
    assert a.log == ["started"] and a.leaders == ["a"]

    await step(fake, 2, 1)  # a alone: renews on its retry period
    assert (await lease(client))["renewTime"] == micro_time(fake.wall())
    renewed_at = fake.t

    b.elector.start()  # b's first look sees a's fresh renewal
    await eventually(lambda: fake.sleepers() == 2, "b waits for its retry")
    assert not b.elector.is_leader() and b.leaders == ["a"]

    await a.elector.stop()  # a dies without releasing: the lease must lapse first
    assert a.log == ["started", "stopped"]
    assert (await lease(client))["holderIdentity"] == "a"
    while fake.t + 2 < renewed_at + 15:
        await step(fake, 2, 1)
        assert not b.elector.is_leader(), f"b took a live lease at t={fake.t}"
    await step(fake, 2, 1)
    assert b.elector.is_leader() and b.log == ["started"]
    assert b.leaders == ["a", "b"]
    spec = await lease(client)
    assert spec["holderIdentity"] == "b" and spec["leaseTransitions"] == 1


async def test_a_released_lease_is_taken_at_the_next_retry(
    client: RESTClient, fake: FakeClock, candidates
) -> None:
    a, b = candidates("a"), candidates("b")
    a.elector.start()
    await eventually(a.elector.is_leader, "a leads")
    b.elector.start()
    await eventually(lambda: fake.sleepers() == 2, "both asleep")
    await a.elector.stop()
    spec = await lease(client)
    assert spec["holderIdentity"] == "" and spec["leaseDurationSeconds"] == 1
    await step(fake, 2, 1)
    assert b.elector.is_leader()
    assert (await lease(client))["leaseTransitions"] == 1


async def test_a_leader_that_cannot_renew_steps_down(client: RESTClient, fake: FakeClock, candidates) -> None:
    a = candidates("a")
    a.elector.start()
    await eventually(a.elector.is_leader, "a leads")
    await eventually(lambda: fake.sleepers() == 1, "a asleep")
    stolen = await client.get(LEASES, NAME, NS)
    stolen["spec"]["holderIdentity"] = "intruder"
    await client.update(LEASES, stolen)

    # the last success was at t=0; the renewal round starting at t=2 fails at 2, 4, 6, 8, 10
    for _ in range(5):
        await step(fake, 2, 1)
        assert a.elector.is_leader(), f"stepped down early, at t={fake.t}"
    fake.advance(2)  # t = 12: the round has run a whole renew deadline (10 s) without success
    await eventually(lambda: a.log == ["started", "stopped"], "a stepped down")
    assert not a.elector.is_leader()
    assert (await lease(client))["holderIdentity"] == "intruder"  # not released: it was not a's
    assert a.leaders == ["a", "intruder"]


async def test_only_one_of_two_simultaneous_candidates_wins(
    client: RESTClient, fake: FakeClock, candidates
) -> None:
    a, b = candidates("a"), candidates("b")
    results = await asyncio.gather(a.elector.try_acquire_or_renew(), b.elector.try_acquire_or_renew())
    assert sorted(results) == [False, True]
    holder = (await lease(client))["holderIdentity"]
    assert holder == ("a" if results[0] else "b")


async def test_a_stale_write_loses_on_resource_version(
    client: RESTClient, fake: FakeClock, candidates
) -> None:
    a = candidates("a")
    assert await a.elector.try_acquire_or_renew()
    old = await client.get(LEASES, NAME, NS)
    fake.advance(1)
    assert await a.elector.try_acquire_or_renew()  # a renews: the resourceVersion moves on
    old["spec"]["holderIdentity"] = "b"
    with pytest.raises(ApiError) as exc:
        await client.update(LEASES, old)
    assert exc.value.code == 409


def test_held_by_other_uses_the_local_observation_time() -> None:
    spec = {"holderIdentity": "a", "leaseDurationSeconds": 15}
    assert held_by_other(spec, "b", observed_at=100.0, now=114.9, default_duration=15)
    assert not held_by_other(spec, "b", observed_at=100.0, now=115.0, default_duration=15)
    assert not held_by_other(spec, "a", observed_at=100.0, now=101.0, default_duration=15)
    assert not held_by_other({"holderIdentity": ""}, "b", observed_at=100.0, now=101.0, default_duration=15)


def test_config_is_validated_as_client_go_does() -> None:
    with pytest.raises(ValueError):
        LeaderElectionConfig(NS, NAME, "a", lease_duration=10, renew_deadline=10)
    with pytest.raises(ValueError):
        LeaderElectionConfig(NS, NAME, "a", renew_deadline=2.4, retry_period=2)
    with pytest.raises(ValueError):
        LeaderElectionConfig(NS, NAME, "")
