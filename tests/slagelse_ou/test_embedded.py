"""The embedded PostgreSQL (slagelse_ou/lib/embedded.py), when it is the one in use: pg_ctl is run
as the user that owns the server (root may not run it), and shared_buffers is set."""

from __future__ import annotations

import pytest
from django.db import connection

from slagelse_ou.lib import embedded

pytestmark = pytest.mark.skipif(
    not (embedded.PG_DIR / "postmaster.pid").exists(), reason="the embedded PostgreSQL is not running"
)


def test_pg_ctl_reaches_the_running_server():
    embedded._pg_ctl(["status"])  # raises CalledProcessError when it cannot


@pytest.mark.django_db
def test_the_embedded_server_has_the_larger_shared_buffers():
    if connection.settings_dict["HOST"] != str(embedded.PG_DIR):
        pytest.skip("the tests use another PostgreSQL server")
    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        assert cursor.fetchone()[0] == embedded.SHARED_BUFFERS
