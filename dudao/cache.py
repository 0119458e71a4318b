"""A Redis cache that fails open.

Redis holds only what can be lost (rate-limit counters, cached fragments); sessions and
everything else live in PostgreSQL. So when Redis is down a request carries on as if nothing were
cached, and a warning is logged, instead of failing.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

# What each operation answers while Redis is unreachable ("nothing cached, nothing stored").
FALLBACKS = {
    "add": lambda key, value, timeout: True,
    "get": lambda key, default: default,
    "set": lambda key, value, timeout: None,
    "touch": lambda key, timeout: False,
    "delete": lambda key: False,
    "get_many": lambda keys: {},
    "has_key": lambda key: False,
    "incr": lambda key, delta: delta,
    "set_many": lambda data, timeout: [],
    "delete_many": lambda keys: None,
    "clear": lambda: False,
}


def _fail_open(name, method):
    @functools.wraps(method)
    def wrapper(self, *args):
        try:
            return method(self, *args)
        except (ConnectionError, TimeoutError) as error:
            logger.warning("Cache unavailable, %s answered as a miss: %s", name, error)
            return FALLBACKS[name](*args)

    return wrapper


class FailOpenRedisCacheClient(RedisCacheClient):
    pass


for _name in FALLBACKS:
    setattr(FailOpenRedisCacheClient, _name, _fail_open(_name, getattr(RedisCacheClient, _name)))


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache with short timeouts, answering as a miss while Redis is down."""

    def __init__(self, server, params):
        options = {"socket_connect_timeout": 1, "socket_timeout": 1, **params.get("OPTIONS", {})}
        params = {**params, "OPTIONS": options}
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient
