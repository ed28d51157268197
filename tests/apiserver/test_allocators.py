"""Cluster IP and node port allocators: Kubernetes' messages, bounds, bands, snapshots."""

from __future__ import annotations

import ipaddress
import random

import pytest

from kubepy.apiserver.allocators import (
    AlreadyAllocated,
    IPAllocator,
    IPNotInRange,
    PortAllocator,
    PortNotInRange,
    PortRange,
    RangeFull,
    parse_service_cidr,
)
from kubepy.apiserver.allocators.bitmap import reserved_band
from kubepy.apiserver.allocators.ipallocator import MismatchedNetwork, RangeAllocation
from kubepy.apiserver.allocators.portallocator import MismatchedPortRange


def ips(cidr: str, seed: int = 1) -> IPAllocator:
    return IPAllocator(cidr, rand=random.Random(seed))


# ---- IP allocator ------------------------------------------------------------------------------
def test_book_range_size_and_first_address_is_the_kubernetes_service():
    a = ips("10.254.0.0/16")
    assert a.size == 65534
    a.allocate("10.254.0.1")
    assert a.has("10.254.0.1")
    assert a.used() == 1 and a.free() == 65533


@pytest.mark.parametrize(
    "ip", ["10.254.0.0", "10.254.255.255", "10.253.255.255", "10.255.0.1", "::1", "bogus"]
)
def test_network_broadcast_and_foreign_addresses_are_not_in_range(ip):
    a = ips("10.254.0.0/16")
    with pytest.raises(IPNotInRange) as e:
        a.allocate(ip)
    assert str(e.value) == (
        f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.254.0.0/16"
    )
    assert not a.has(ip)


def test_allocating_twice_is_already_allocated():
    a = ips("10.0.0.0/24")
    a.allocate("10.0.0.10")
    with pytest.raises(AlreadyAllocated) as e:
        a.allocate("10.0.0.10")
    assert str(e.value) == "provided IP is already allocated"


def test_allocate_next_fills_the_whole_range_then_reports_full():
    a = ips("192.168.1.0/28")  # 14 usable addresses
    got = {a.allocate_next() for _ in range(14)}
    assert got == {f"192.168.1.{i}" for i in range(1, 15)}
    with pytest.raises(RangeFull) as e:
        a.allocate_next()
    assert str(e.value) == "range is full"
    assert a.free() == 0


def test_release_makes_an_address_reusable_and_releasing_unknown_is_a_no_op():
    a = ips("192.168.1.0/30")  # .1 and .2
    first, second = a.allocate_next(), a.allocate_next()
    assert {first, second} == {"192.168.1.1", "192.168.1.2"}
    a.release(first)
    a.release(first)  # already free: nothing happens
    a.release("10.0.0.1")  # foreign: nothing happens
    assert a.free() == 1 and not a.has(first) and a.has(second)
    assert a.allocate_next() == first


def test_dynamic_allocation_prefers_the_upper_band_and_is_deterministic_with_a_seed():
    cidr = "10.254.0.0/16"
    band = reserved_band(65536, low=16, high=256, step=16)
    assert band == 256  # min(max(16, 65536/16), 256)
    a, b = ips(cidr, seed=7), ips(cidr, seed=7)
    seq = [a.allocate_next() for _ in range(50)]
    assert seq == [b.allocate_next() for _ in range(50)]
    base = int(ipaddress.ip_address("10.254.0.1"))
    assert all(int(ipaddress.ip_address(ip)) - base >= band for ip in seq)


def test_lower_band_is_used_once_the_upper_band_is_full():
    a = ips("10.0.0.0/27")  # 30 usable, lower band of 16
    assert reserved_band(32, low=16, high=256, step=16) == 16
    upper = [a.allocate_next() for _ in range(14)]
    assert sorted(int(ip.rsplit(".", 1)[1]) for ip in upper) == list(range(17, 31))
    lower = a.allocate_next()
    assert 1 <= int(lower.rsplit(".", 1)[1]) <= 16


def test_small_ranges_have_no_reserved_band():
    assert reserved_band(16, low=16, high=256, step=16) == 0
    assert reserved_band(1 << 24, low=16, high=256, step=16) == 256


def test_slash_32_and_31_have_nothing_to_hand_out():
    for cidr in ("10.0.0.7/32", "10.0.0.6/31"):
        a = ips(cidr)
        assert a.size == 0
        with pytest.raises(RangeFull):
            a.allocate_next()


def test_ipv6_range_has_no_broadcast_and_is_capped():
    a = ips("fd00::/120")
    assert a.size == 255  # all but the network address
    a.allocate("fd00::ff")
    assert ips("fd00::/64").size == 65535


def test_snapshot_and_restore_round_trip():
    a = ips("10.254.0.0/16")
    for ip in ("10.254.0.1", "10.254.0.10", "10.254.200.3"):
        a.allocate(ip)
    a.allocate_next()
    snap = a.snapshot()
    assert snap.range == "10.254.0.0/16"
    b = ips("10.254.0.0/16", seed=99)
    b.restore(snap)
    assert b.allocated() == a.allocated()
    assert b.free() == a.free()
    with pytest.raises(AlreadyAllocated):
        b.allocate("10.254.0.10")


def test_restore_into_another_range_is_refused():
    with pytest.raises(MismatchedNetwork) as e:
        ips("10.0.0.0/24").restore(RangeAllocation("10.0.1.0/24", b""))
    assert str(e.value) == "the provided network does not match the current range"


def test_allocated_lists_addresses_in_order():
    a = ips("10.0.0.0/24")
    for ip in ("10.0.0.9", "10.0.0.2", "10.0.0.100"):
        a.allocate(ip)
    assert a.allocated() == ["10.0.0.2", "10.0.0.9", "10.0.0.100"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10.254.0.0/33", "invalid CIDR address: 10.254.0.0/33"),
        ("nonsense", "invalid CIDR address: nonsense"),
        (
            "10.0.0.0/8",
            "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12",
        ),
    ],
)
def test_parse_service_cidr_errors(value, message):
    with pytest.raises(ValueError) as e:
        parse_service_cidr(value)
    assert str(e.value) == message


def test_parse_service_cidr_masks_host_bits_like_go():
    assert str(parse_service_cidr("10.254.3.4/16")) == "10.254.0.0/16"


# ---- port allocator ----------------------------------------------------------------------------
def ports(first: int = 30000, last: int = 32767, seed: int = 1) -> PortAllocator:
    return PortAllocator(first, last, rand=random.Random(seed))


@pytest.mark.parametrize("port", [29999, 32768, 0, 80])
def test_port_outside_range(port):
    with pytest.raises(PortNotInRange) as e:
        ports().allocate(port)
    assert str(e.value) == "provided port is not in the valid range. The range of valid ports is 30000-32767"


def test_port_already_allocated_and_both_ends_inclusive():
    a = ports()
    a.allocate(30000)
    a.allocate(32767)
    with pytest.raises(AlreadyAllocated) as e:
        a.allocate(30000)
    assert str(e.value) == "provided port is already allocated"
    assert a.has(32767) and not a.has(30001)


def test_port_range_full_release_and_reuse():
    a = ports(30000, 30004)
    assert sorted(a.allocate_next() for _ in range(5)) == [30000, 30001, 30002, 30003, 30004]
    with pytest.raises(RangeFull) as e:
        a.allocate_next()
    assert str(e.value) == "range is full"
    a.release(30002)
    a.release(40000)  # outside: no-op
    assert a.allocate_next() == 30002


def test_port_dynamic_allocation_avoids_the_static_band():
    band = reserved_band(2768, low=16, high=128, step=32)
    assert band == 86
    a = ports(seed=3)
    assert all(a.allocate_next() >= 30000 + band for _ in range(200))


def test_port_snapshot_restore():
    a = ports()
    for p in (30001, 30080, 32000):
        a.allocate(p)
    b = ports(seed=5)
    b.restore(a.snapshot())
    assert b.allocated() == [30001, 30080, 32000]
    with pytest.raises(MismatchedPortRange):
        ports(30000, 30010).restore(a.snapshot())


@pytest.mark.parametrize(
    ("spec", "base", "size"),
    [("30000-32767", 30000, 2768), (" 80 ", 80, 1), ("8000+10", 8000, 11), ("5-5", 5, 1)],
)
def test_port_range_parse(spec, base, size):
    pr = PortRange.parse(spec)
    assert (pr.base, pr.size) == (base, size)


def test_port_range_string_and_membership():
    pr = PortRange.parse("30000-32767")
    assert str(pr) == "30000-32767"
    assert 30000 in pr and 32767 in pr and 32768 not in pr


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("32767-30000", "end port cannot be less than start port: 32767-30000"),
        ("30000-70000", "the port range cannot be greater than 65535: 30000-70000"),
        ("1-2+3", "unable to parse port range: 1-2+3"),
        ("a-b", 'strconv.Atoi: parsing "a": invalid syntax'),
        ("30000-", 'strconv.Atoi: parsing "": invalid syntax'),
    ],
)
def test_port_range_parse_errors(spec, message):
    with pytest.raises(ValueError) as e:
        PortRange.parse(spec)
    assert str(e.value) == message


def test_port_allocator_from_range_spec():
    a = PortAllocator.from_range("30000-30001", rand=random.Random(0))
    assert {a.allocate_next(), a.allocate_next()} == {30000, 30001}
