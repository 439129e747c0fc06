"""Each web process freezes what it holds after start-up (slagelse_ou/lib/gc_freeze.py), so the
garbage collector's full collections skip Django's long-lived objects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_wsgi_application_freezes_the_start_up_objects():
    script = "import gc; import slagelse_ou.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "slagelse_ou.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    frozen, tracked = map(int, result.stdout.split())
    # Django, the apps and their views are frozen; what is left to collect is a small rest.
    assert frozen > 50_000
    assert tracked < frozen / 10
