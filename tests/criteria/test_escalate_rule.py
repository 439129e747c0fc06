"""Who may ask the coordinators to go on after the manager declined: one rule,
`criteria.permissions.can_escalate`, behind both the button on the detail page (the
criteria panel) and the service `endorsement_escalate`."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import RequestFactory

from criteria import services
from criteria.models import ManagerEndorsement
from criteria.permissions import can_escalate
from criteria.templatetags.criteria_tags import criteria_panel
from initiatives.exceptions import DomainError
from initiatives.models import Initiative
from tests.criteria.helpers import due

V = ManagerEndorsement.Verdict
PERSONAS = ["initiator", "team_member", "manager", "coordinator", "committee_member", "outsider"]


def decline(initiative, manager) -> None:
    services.endorsement_record(initiative_id=initiative.pk, actor=manager, verdict=V.DECLINED, reason="Nej.")


def panel_offers(user, initiative: Initiative) -> bool:
    request = RequestFactory().get("/")
    request.user = user
    return criteria_panel({"request": request, "private": True}, Initiative.objects.get(pk=initiative.pk))[
        "can_escalate"
    ]


def service_accepts(user, initiative: Initiative) -> bool:
    """Whether the service escalates for `user` — tried in a savepoint that is rolled back."""
    with transaction.atomic():
        before = ManagerEndorsement.objects.get(initiative=initiative).escalated_at
        try:
            after = services.endorsement_escalate(
                initiative_id=initiative.pk, actor=user, note="Gå videre."
            ).escalated_at
        except DomainError:
            after = before
        transaction.set_rollback(True)
    return after != before


def test_only_the_applicants_may_escalate_and_only_a_declined_submission_and_only_once(
    submitted, manager, initiator, team_member, outsider, coordinator
):
    assert not can_escalate(initiator, submitted)  # the manager has not looked yet
    decline(submitted, manager)
    assert can_escalate(initiator, submitted) and can_escalate(team_member, submitted)
    assert not any(can_escalate(user, submitted) for user in (manager, outsider, coordinator))
    services.endorsement_escalate(initiative_id=submitted.pk, actor=initiator, note="Borgerne efterspørger det.")
    assert not can_escalate(initiator, submitted)


def test_an_endorsed_application_cannot_be_escalated(endorsed, initiator):
    assert not can_escalate(initiator, endorsed)
    with pytest.raises(DomainError, match="afvist at anbefale"):
        services.endorsement_escalate(initiative_id=endorsed.pk, actor=initiator, note="Gå videre.")


@pytest.mark.parametrize("stage", ["declined", "escalated"])
def test_the_button_is_offered_exactly_to_those_the_service_accepts(request, submitted, manager, initiator, stage):
    decline(submitted, manager)
    if stage == "escalated":
        services.endorsement_escalate(initiative_id=submitted.pk, actor=initiator, note="Gå videre.")
    for persona in PERSONAS:
        user = request.getfixturevalue(persona)
        expected = stage == "declined" and persona in ("initiator", "team_member")
        assert panel_offers(user, submitted) == expected, persona
        assert service_accepts(user, submitted) == expected, persona


def test_asking_again_after_the_application_moved_on_is_refused_not_ignored(
    submitted, manager, initiator, coordinator, reviewer
):
    decline(submitted, manager)
    services.endorsement_escalate(initiative_id=submitted.pk, actor=initiator, note="Gå videre.")
    services.reviewers_assign(
        initiative_id=submitted.pk, actor=coordinator, reviewers=[reviewer], due_date=due(), note="Vi går videre."
    )
    with pytest.raises(DomainError, match="afvist at anbefale"):
        services.endorsement_escalate(initiative_id=submitted.pk, actor=initiator, note="Igen.")
