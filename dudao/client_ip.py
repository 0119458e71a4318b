"""The client's IP address, for lockouts and rate limits.

``X-Forwarded-For`` is trusted only when the request comes straight from a proxy listed in the
``TRUSTED_PROXIES`` setting (IP addresses or CIDR networks). Each proxy appends the address it
saw on the right, so the header is read from the right and the first address that is not itself
a trusted proxy is the client; anything to its left was written by the client and may be forged.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """REMOTE_ADDR, or the right-most untrusted X-Forwarded-For address behind a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    remote_address = _parse(remote)
    if not networks or remote_address is None or not _trusted(remote_address, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for part in reversed(forwarded.split(",")):
        address = _parse(part)
        if address is None:
            # A malformed entry: nothing to its left can be trusted, so stop at the last proxy.
            break
        if not _trusted(address, networks):
            return str(address)
    return remote
