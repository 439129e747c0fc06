"""Moving a unit in the tree goes through `org_unit_move` — from the admin too: the subtree
moves with it, the move is audited, and a unit is never put under itself or below itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from initiatives.selectors import unit_subtree_ids
from slagelse_ou.exceptions import DomainError, UnitMoveRefused
from slagelse_ou.models import OrgUnit, OrgUnitEvent
from slagelse_ou.services import org_unit_move
from tests.factories import UserFactory

CYCLE = "En enhed kan ikke flyttes ind under sig selv eller en af sine underenheder."


@pytest.fixture
def admin_user(db):
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


def paths() -> dict[str, str]:
    return dict(OrgUnit.objects.values_list("name", "path"))


def change(client, unit: OrgUnit, *, parent: OrgUnit | None, name: str | None = None):
    data = {"name": name or unit.name, "kind": unit.kind, "parent": parent.pk if parent else ""}
    return client.post(reverse("admin:slagelse_ou_orgunit_change", args=[unit.pk]), data)


def test_moving_a_unit_in_the_admin_moves_its_subtree_and_is_audited(client, admin_user, units):
    center, jobcenter = units["center"], units["jobcenter"]
    old_path = center.path
    unit_subtree_ids(jobcenter.pk)  # the cached tree, read before the move
    client.force_login(admin_user)
    response = change(client, center, parent=jobcenter, name="Center for Ældre og Omsorg")
    assert response.status_code == 302
    moved = f"{jobcenter.path}{center.pk}/"
    center.refresh_from_db()
    assert (center.name, center.parent_id, center.path) == ("Center for Ældre og Omsorg", jobcenter.pk, moved)
    assert OrgUnit.objects.get(pk=units["hjemmeplejen"].pk).path == f"{moved}{units['hjemmeplejen'].pk}/"
    assert OrgUnit.objects.get(pk=units["plejecentret"].pk).path == f"{moved}{units['plejecentret'].pk}/"
    assert OrgUnit.objects.get(pk=jobcenter.pk).path == jobcenter.path  # the new parent itself is unchanged
    event = OrgUnitEvent.objects.get()
    assert (event.unit_id, event.actor_id, event.action) == (center.pk, admin_user.pk, "move")
    assert event.data == {
        "from_parent": units["omraade"].pk,
        "to_parent": jobcenter.pk,
        "from_path": old_path,
        "to_path": moved,
    }
    # The list filters' cached tree follows the move.
    assert set(unit_subtree_ids(jobcenter.pk)) == {
        jobcenter.pk,
        center.pk,
        units["hjemmeplejen"].pk,
        units["plejecentret"].pk,
    }


def test_editing_a_unit_in_the_admin_without_moving_it_writes_no_history(client, admin_user, units):
    client.force_login(admin_user)
    before = paths()
    response = change(client, units["center"], parent=units["omraade"], name="Center for Ældre")
    assert response.status_code == 302
    assert paths() == before
    assert not OrgUnitEvent.objects.exists()


@pytest.mark.parametrize("target", ["center", "hjemmeplejen"])
def test_the_admin_refuses_to_put_a_unit_under_itself_or_below_itself_and_changes_nothing(
    client, admin_user, units, target
):
    client.force_login(admin_user)
    before = paths()
    response = change(client, units["center"], parent=units[target], name="Nyt navn")
    assert response.status_code == 200
    assert CYCLE in response.content.decode()
    assert paths() == before
    assert not OrgUnitEvent.objects.exists()


@pytest.mark.parametrize("target", ["center", "hjemmeplejen"])
def test_the_service_refuses_a_cycle_with_a_danish_message_and_changes_nothing(units, admin_user, target):
    before = paths()
    with pytest.raises(UnitMoveRefused) as refused:
        org_unit_move(unit=units["center"], new_parent=units[target], actor=admin_user)
    assert isinstance(refused.value, DomainError)
    assert refused.value.message == CYCLE
    assert paths() == before
    assert not OrgUnitEvent.objects.exists()


def test_the_service_checks_the_tree_as_it_is_not_as_the_callers_object_says(units, admin_user):
    # The caller's object is stale: the centre has moved under the Jobcenter since it was read.
    stale_jobcenter = OrgUnit.objects.get(pk=units["jobcenter"].pk)
    org_unit_move(unit=units["center"], new_parent=units["jobcenter"], actor=admin_user)
    with pytest.raises(UnitMoveRefused):
        org_unit_move(unit=stale_jobcenter, new_parent=units["hjemmeplejen"], actor=admin_user)


def test_a_unit_moved_to_the_top_gets_a_root_path(units, admin_user):
    center = org_unit_move(unit=units["center"], new_parent=None, actor=admin_user)
    assert center.path == f"/{center.pk}/"
    assert OrgUnit.objects.get(pk=units["hjemmeplejen"].pk).path == f"/{center.pk}/{units['hjemmeplejen'].pk}/"
    assert OrgUnit.objects.get(pk=center.pk).parent_id is None
