"""Keep the garbage collector's full collections short in a web process.

A Django process holds ~126,000 tracked objects for its whole life (modules, URL patterns,
templates, translations). CPython's full collection walks all of them: 90 ms, once every
hundred list pages or so, added to whichever request it lands in (`make bench`, the
managers' filtered list). `gc.freeze()` moves what exists after start-up into a permanent
generation that collections skip; the requests' own garbage is collected as before.
"""

from __future__ import annotations

import gc


def freeze_after_start_up() -> None:
    """Load what a first request would otherwise load (the URLconf and with it every view
    module), collect once, then freeze. Call once per process, after Django is set up:
    slagelse_ou/wsgi.py (each gunicorn worker) and the bench."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports every app's views
    gc.collect()
    gc.freeze()
