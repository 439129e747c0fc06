"""Personas (STYLE.md §11): initiator, team member, manager, reviewer, coordinator,
committee member, citizen, outsider — in a small unit tree:

    Slagelse Kommune → Velfærd → Center for Ældre → Hjemmeplejen (initiator, team member)
                                                  → Plejecentret (outsider)
    manager manages Center for Ældre (so also Hjemmeplejen)
"""

from __future__ import annotations

import pytest

from initiatives import services
from slagelse_ou import roles
from tests.factories import OrgUnitFactory, UserFactory, make_initiative


@pytest.fixture
def units(db):
    kommune = OrgUnitFactory(name="Slagelse Kommune", kind="kommune")
    omraade = OrgUnitFactory(name="Velfærd", kind="omraade", parent=kommune)
    center = OrgUnitFactory(name="Center for Ældre", kind="center", parent=omraade)
    return {
        "kommune": kommune,
        "omraade": omraade,
        "center": center,
        "hjemmeplejen": OrgUnitFactory(name="Hjemmeplejen", parent=center),
        "plejecentret": OrgUnitFactory(name="Plejecentret", parent=center),
        "jobcenter": OrgUnitFactory(name="Jobcenter", parent=omraade),
    }


@pytest.fixture
def initiator(units):
    return UserFactory(username="initiator", unit=units["hjemmeplejen"], roles=[roles.MEDARBEJDER])


@pytest.fixture
def team_member(units):
    return UserFactory(username="teammedlem", unit=units["jobcenter"], roles=[roles.MEDARBEJDER])


@pytest.fixture
def manager(units):
    user = UserFactory(username="leder", unit=units["center"], roles=[roles.LEDER, roles.MEDARBEJDER])
    units["center"].managers.add(user)
    return user


@pytest.fixture
def reviewer(units):
    return UserFactory(username="bedoemmer", unit=units["jobcenter"], roles=[roles.KRITERIEBEDOMMER, roles.MEDARBEJDER])


@pytest.fixture
def coordinator(units):
    return UserFactory(username="sekretariat", unit=units["kommune"], roles=[roles.SEKRETARIAT])


@pytest.fixture
def committee_member(db):
    return UserFactory(username="politiker", roles=[roles.UDVALGSMEDLEM])


@pytest.fixture
def citizen(db):
    return UserFactory(username="borger", roles=[roles.BORGER])


@pytest.fixture
def outsider(units):
    """An employee in another unit with no part in the initiative."""
    return UserFactory(username="udenforstaaende", unit=units["plejecentret"], roles=[roles.MEDARBEJDER])


@pytest.fixture
def draft(initiator, team_member):
    initiative = make_initiative(owner=initiator)
    services.team_member_add(initiative_id=initiative.pk, actor=initiator, user=team_member)
    return initiative


def move(initiative, *actions, actor_by_action):
    """Drive an initiative through actions with the right actor for each."""
    for action in actions:
        kwargs = {"initiative_id": initiative.pk, "actor": actor_by_action[action]}
        if action in {"request_changes", "approve", "reject", "withdraw", "conclude"}:
            kwargs["note"] = "Begrundelse"
        if action == "conclude":
            kwargs["outcome"] = "skaleret"
        services.ACTION_SERVICES[action](**kwargs)
    initiative.refresh_from_db()
    return initiative


PATHS = {
    "kladde": [],
    "indsendt": ["submit"],
    "under_bedoemmelse": ["submit", "start_review"],
    "tilbage_til_ansoeger": ["submit", "start_review", "request_changes"],
    "godkendt": ["submit", "approve"],
    "afvist": ["submit", "reject"],
    "i_gang": ["submit", "approve", "start"],
    "evaluering": ["submit", "approve", "start", "begin_evaluation"],
    "afsluttet": ["submit", "approve", "start", "begin_evaluation", "conclude"],
    "trukket_tilbage": ["withdraw"],
}


@pytest.fixture
def initiative_in(draft, initiator, coordinator):
    """initiative_in("i_gang") → the draft moved into that status through the services."""
    actors = {a: coordinator for a in ("start_review", "request_changes", "approve", "reject", "conclude")}
    actors |= {a: initiator for a in ("submit", "start", "begin_evaluation", "withdraw")}

    def _in(status: str):
        return move(draft, *PATHS[status], actor_by_action=actors)

    return _in
