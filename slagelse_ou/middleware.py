"""Request limits that apply before a body is read (issue 14.9); session lifetime and the
security headers Django does not set itself (issue 13.7)."""

from __future__ import annotations

import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.cache import patch_cache_control


class RequestLimitsMiddleware:
    """Refuses a body that is too big before anything reads it, and a form body that is not
    UTF-8, with the portal's own Danish pages.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts only the non-file fields, so a 30 MB
    upload to a public form was streamed to disk before the form saw it. Here the
    Content-Length is compared with the limit first: visitors who are not signed in send
    at most PUBLIC_REQUEST_MAX_BYTES (no public form takes a file), signed-in users at
    most REQUEST_MAX_BYTES (the attachment limit and room for the fields). Browsers send
    forms as UTF-8; bytes that are not are refused instead of stored as replacement
    characters. Runs after AuthenticationMiddleware and before any view (CSRF reads the
    body in process_view, which comes later)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        limit = settings.REQUEST_MAX_BYTES if signed_in else settings.PUBLIC_REQUEST_MAX_BYTES
        if length > limit:
            return render(request, "errors/413.html", {"limit_mb": limit / 1024 / 1024}, status=413)
        if length and request.content_type == "application/x-www-form-urlencoded" and not _utf8_form(request.body):
            return render(request, "errors/400.html", {"reason": "encoding"}, status=400)
        return self.get_response(request)


def _utf8_form(body: bytes) -> bool:
    try:
        for pair in body.split(b"&"):
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
_SEEN = "_seen"
_SIGNED_IN = "_signed_in_at"


def session_start(sender, request, user, **kwargs) -> None:
    """At sign-in (user_logged_in): when the session began and when it was last renewed."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[_SIGNED_IN] = now
        request.session[_SEEN] = now


class SessionAndHeadersMiddleware:
    """Issue 13.7: sessions end after SESSION_IDLE_SECONDS without a request and after
    SESSION_MAX_AGE_SECONDS in all; every response carries a Permissions-Policy that turns
    off what the portal never uses; a page for a signed-in user is never stored by a
    browser or proxy cache (`Cache-Control: no-store`: it may hold personal or confidential
    data). Runs after AuthenticationMiddleware.

    The idle clock is the session cookie's age (SESSION_COOKIE_AGE = the idle time): the
    session is saved again — which renews the cookie — at most once every
    SESSION_IDLE_RENEW_SECONDS, not on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in = session.get(_SIGNED_IN, now)
            if now - signed_in > settings.SESSION_MAX_AGE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - session.get(_SEEN, now) > settings.SESSION_IDLE_RENEW_SECONDS:
                session[_SEEN] = now  # modified: saved, and the cookie's idle clock restarts
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
