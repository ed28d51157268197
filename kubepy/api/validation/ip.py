"""IP address and CIDR checks with Kubernetes' messages (apimachinery util/validation/ip.go).

Kubernetes parses "sloppily" for compatibility: IPv4 octets may carry leading zeros ("010.1.1.1"
is 10.1.1.1); IPv6 zones ("fe80::1%eth0") are not addresses.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from kubepy.api.errors import FieldError, invalid

IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


#: four dot-separated runs of one to three ASCII digits (leading zeros allowed: sloppy)
_DOTTED = re.compile(r"([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})")


def _sloppy_v4(value: str) -> str | None:
    m = _DOTTED.fullmatch(value)
    if m is None:
        return None
    a, b, c, d = (int(p) for p in m.groups())
    if a > 255 or b > 255 or c > 255 or d > 255:
        return None
    return f"{a}.{b}.{c}.{d}"


def parse_ip(value: object) -> Address | None:
    """netutils.ParseIPSloppy: the address, or None when `value` is not one."""
    if not isinstance(value, str) or not value or "%" in value:
        return None
    return _parse_ip(value)


@lru_cache(maxsize=16384)  # every status write of a pod checks its IPs again; addresses are immutable
def _parse_ip(value: str) -> Address | None:
    if ":" not in value:
        v4 = _sloppy_v4(value)
        return ipaddress.IPv4Address(v4) if v4 else None
    head, _, tail = value.rpartition(":")
    if "." in tail:  # IPv4-embedded IPv6 such as ::ffff:010.1.1.1
        v4 = _sloppy_v4(tail)
        if v4 is None:
            return None
        value = f"{head}:{v4}"
    try:
        return ipaddress.IPv6Address(value)
    except ValueError:
        return None


def parse_cidr(value: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """netutils.ParseCIDRSloppy: host bits may be set; the prefix length is required."""
    if not isinstance(value, str) or "/" not in value:
        return None
    addr, _, bits = value.partition("/")
    ip = parse_ip(addr)
    if ip is None or not bits.isdigit() or not bits.isascii() or len(bits) > 3:
        return None
    if int(bits) > ip.max_prefixlen:
        return None
    return ipaddress.ip_network(f"{ip}/{int(bits)}", strict=False)


def is_ipv6(value: object) -> bool:
    ip = parse_ip(value)
    return isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None


def ip_family(value: object) -> str:
    """ "IPv4", "IPv6" or "" (Kubernetes treats IPv4-mapped IPv6 addresses as IPv4)."""
    ip = parse_ip(value)
    if ip is None:
        return ""
    return "IPv6" if is_ipv6(value) else "IPv4"


def validate_ip(path: str, value: object) -> list[FieldError]:
    """validation.IsValidIP."""
    if isinstance(value, str) and value and "%" not in value and _valid_ip(value):
        return []
    return [invalid(path, value, IP_MSG)]


@lru_cache(maxsize=16384)  # the pod and host IPs of every status write; a flag, not an address
def _valid_ip(value: str) -> bool:
    """parse_ip(value) is not None, without making the address when it is a dotted quad."""
    if ":" not in value:
        return _sloppy_v4(value) is not None
    return _parse_ip(value) is not None


def validate_cidr(path: str, value: object) -> list[FieldError]:
    """validation.IsValidCIDR."""
    return [] if parse_cidr(value) is not None else [invalid(path, value, CIDR_MSG)]


def validate_non_special_ip(path: str, value: str) -> list[FieldError]:
    """ValidateNonSpecialIP: addresses Endpoints and external IPs may not point at."""
    ip = parse_ip(value)
    if ip is None:
        return [invalid(path, value, "must be a valid IP address")]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    errs = []
    if ip.is_unspecified:
        errs.append(invalid(path, value, f"may not be unspecified ({value})"))
    if ip.is_loopback:
        errs.append(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local:
        errs.append(invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    if _link_local_multicast(ip):
        errs.append(
            invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
        )
    return errs


def _link_local_multicast(ip: Address) -> bool:
    if isinstance(ip, ipaddress.IPv4Address):
        return ip in ipaddress.IPv4Network("224.0.0.0/24")
    raw = ip.packed
    return raw[0] == 0xFF and raw[1] & 0x0F == 0x02
