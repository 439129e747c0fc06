"""The signed-in user is read once per request with what every page asks of them — roles,
managed units, unread notifications (slagelse_ou/backends.py) — and what the page shows
follows changes made earlier in the same request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from slagelse_ou import roles
from slagelse_ou.models import Notification

pytestmark = pytest.mark.django_db


def _notify(user, count: int) -> None:
    Notification.objects.bulk_create(
        [Notification(recipient=user, subject=f"Besked {n}", body="Tekst") for n in range(count)]
    )


def test_roles_managed_units_and_unread_count_come_with_the_user_in_one_query(client, manager, units):
    _notify(manager, 2)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("initiatives:staff_list"))
    assert response.status_code == 200  # a staff page: the roles were read
    user_queries = [q["sql"] for q in captured if 'FROM "slagelse_ou_user"' in q["sql"]]
    assert len(user_queries) == 1
    for table in ("auth_group", "slagelse_ou_orgunit_managers", "slagelse_ou_notification"):
        assert table in user_queries[0], table
    separate = [q["sql"] for q in captured if q["sql"].startswith(('SELECT "auth_group"', "SELECT COUNT(*)"))]
    assert not [sql for sql in separate if "auth_group" in sql or "slagelse_ou_notification" in sql]
    assert 'class="badge badge-info">2<' in response.content.decode()


def test_the_loaded_user_has_the_same_roles_and_units_as_a_fresh_read(client, manager, units):
    client.force_login(manager)
    response = client.get(reverse("initiatives:staff_list"))
    user = response.wsgi_request.user
    assert user.role_names == {roles.LEDER, roles.MEDARBEJDER}
    assert user.managed_unit_paths == [units["center"].path]


def test_marking_notifications_read_shows_the_new_count_on_the_same_page(client, initiator):
    _notify(initiator, 3)
    client.force_login(initiator)
    assert 'class="badge badge-info">3<' in client.get(reverse("notifications")).content.decode()

    response = client.post(reverse("notifications"))

    assert response.status_code == 200
    assert "badge badge-info" not in response.content.decode()
    assert not Notification.objects.filter(recipient=initiator, read_at__isnull=True).exists()


def test_an_inactive_user_is_signed_out(client, initiator):
    client.force_login(initiator)
    initiator.is_active = False
    initiator.save(update_fields=["is_active"])
    response = client.get(reverse("initiatives:mine"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
