"""Limits on what one client address may post to the public pages in a window of time."""

import logging

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def within_rate_limit(request, name: str, *, limit: int, window: int) -> bool:
    """Count one post to `name` from the client's address; False once past `limit` in its `window` (seconds).

    A fixed window in the shared cache (Redis in production), so every web worker counts against one limit. The
    address is the one login protection sees (django-axes), so a proxy in front is configured once. While the
    cache cannot be reached the post is let through (and logged): a customer's answer is worth more than the limit.
    """
    key = f"{name}-posts:{get_client_ip_address(request) or 'unknown'}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:
            # The window ended between add() and incr(): this post opens a new one.
            cache.set(key, 1, timeout=window)
            count = 1
    except (RedisError, OSError) as error:
        logger.warning("Rate limit %s not counted, the cache is unreachable: %s", name, error)
        return True
    return count <= limit
