"""Counting attempts in the cache, for the public pages' rate limits.

A fixed window: each (scope, who) pair has one counter per window, created with the window's
length as its timeout. The cache is Redis in production (``dudao.cache.FailOpenRedisCache``);
when it cannot be reached every attempt is allowed and a warning is logged, so a Redis outage
never shuts the public out.

Clients are counted by ``client_key``: an IPv4 address as it is, an IPv6 client by its /64 (a
home line or a phone is given a whole /64 and may send from any address in it).
"""

import hashlib
import ipaddress
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


IPV6_CLIENT_PREFIX = 64


def client_key(address: str) -> str:
    """What a per-client limit counts: the IPv4 address, or the /64 network of an IPv6 one."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)


def _key(scope: str, who: str, window: int) -> str:
    # Hashed: the cache holds no client addresses, and any key is a valid cache key.
    digest = hashlib.sha256(f"{scope}|{who}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def allow(scope: str, who: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``who`` in ``scope``; False once more than ``limit`` were counted in
    the current window of ``window`` seconds. Fails open."""
    key = _key(scope, who, window)
    try:
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the counter expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            count = 1
    except Exception:  # noqa: BLE001 - a broken cache must not refuse the public
        logger.warning("Rate limit %s not applied: the cache is unavailable", scope, exc_info=True)
        return True
    return count <= limit
