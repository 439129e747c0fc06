"""Spam defences for the public idea form — none of them tracks anyone.

* Honeypot: a field people do not see (and screen readers are told to leave empty); bots
  that fill every field fill it.
* Minimum fill time: the form carries a signed timestamp of when it was shown; a post
  that comes back sooner than IDEA_MIN_FILL_SECONDS is a script. The signature stops a
  bot from writing its own timestamp; it expires after IDEA_FORM_MAX_AGE_HOURS.
* Rate limit per IP address in Redis (the Django cache): at most IDEA_RATE_LIMIT ideas per
  IDEA_RATE_WINDOW_SECONDS. The key holds a keyed hash of the address, not the address,
  and expires with its window — nothing is kept that could follow a person.
* Double opt-in for e-mail addresses (ideas.services.idea_confirm_email).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from redis import RedisError

from slagelse_ou.lib.client_ip import client_ip

logger = logging.getLogger(__name__)

__all__ = ["client_ip", "form_started_token", "fill_time_problem", "rate_limit_take"]

HONEYPOT_FIELD = "hjemmeside"
STARTED_FIELD = "startet"
_STARTED_SALT = "ideas.form-started"


def form_started_token(now: float | None = None) -> str:
    """The signed time the form was shown, with a random nonce that lets it make one idea."""
    return signing.dumps(
        {"t": now if now is not None else time.time(), "n": secrets.token_urlsafe(16)}, salt=_STARTED_SALT
    )


def form_nonce(token: str) -> str | None:
    """The nonce of a valid start-time token (checked by `fill_time_problem` first)."""
    try:
        return str(signing.loads(token, salt=_STARTED_SALT)["n"])[:32]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def fill_time_problem(token: str, now: float | None = None) -> str:
    """'' if the form was shown long enough ago (and not too long ago); else why not:
    'missing', 'invalid', 'expired' or 'too_fast'."""
    if not token:
        return "missing"
    now = now if now is not None else time.time()
    try:
        started = float(signing.loads(token, salt=_STARTED_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "invalid"
    if now - started > settings.IDEA_FORM_MAX_AGE_HOURS * 3600:
        return "expired"
    if now - started < settings.IDEA_MIN_FILL_SECONDS:
        return "too_fast"
    return ""


def _rate_key(ip: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"idea-rate:{ip}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"ideas:rate:{digest}:{window}"


def rate_limit_take(ip: str, now: float | None = None) -> bool:
    """Count one submission from `ip`; False if the window's limit is already used up.

    A fixed window in Redis: `add` creates the counter with the window's expiry if it is
    missing and `incr` is Redis INCR, atomic across all web processes.

    When Redis is down or hangs (the cache's socket timeouts are sub-second), the limit
    fails open with a logged warning: a citizen's idea is saved whenever PostgreSQL is up,
    and the other defences (honeypot, fill time) still apply."""
    length = settings.IDEA_RATE_WINDOW_SECONDS
    now = now if now is not None else time.time()
    key = _rate_key(ip, int(now // length))
    try:
        cache.add(key, 0, timeout=length + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=length + 5)
            count = 1
    except RedisError as error:
        logger.warning("Idea rate limit skipped, Redis unavailable: %s", error)
        return True
    return count <= settings.IDEA_RATE_LIMIT


def retry_after_seconds(now: float | None = None) -> int:
    length = settings.IDEA_RATE_WINDOW_SECONDS
    now = now if now is not None else time.time()
    return int(length - now % length) + 1
