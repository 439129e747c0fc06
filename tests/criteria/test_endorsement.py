"""Managers look first: the owning unit's manager endorses a submitted application, sends it
back for changes, or declines to endorse with a reason; the applicant may still ask the
coordinator to go on; the manager's view is recorded and shown to reviewers. A setting
switches the step off."""

from __future__ import annotations

import pytest
from django.urls import reverse

from criteria import services
from criteria.models import CriteriaEvent, ManagerEndorsement
from initiatives import services as lifecycle
from initiatives.exceptions import ActionForbidden, DomainError, NoteRequired
from initiatives.models import InitiativeEvent, Status
from slagelse_ou import roles
from slagelse_ou.models import Notification
from tests.criteria.helpers import assignment_of, due
from tests.factories import UserFactory, make_initiative

V = ManagerEndorsement.Verdict


def test_the_owning_units_manager_is_notified_when_an_application_is_submitted(manager, submitted):
    note = Notification.objects.get(recipient=manager, subject__contains="venter på ledelsens vurdering")
    assert note.url == reverse("criteria:endorse", args=[submitted.pk])


def test_no_manager_is_asked_when_the_step_is_switched_off(draft, initiator, manager, settings):
    settings.MANAGER_ENDORSEMENT_ENABLED = False
    lifecycle.initiative_submit(initiative_id=draft.pk, actor=initiator)
    assert not Notification.objects.filter(recipient=manager, subject__contains="ledelsens vurdering").exists()
    with pytest.raises(DomainError, match="slået fra"):
        services.endorsement_record(initiative_id=draft.pk, actor=manager, verdict=V.ENDORSED)


def test_an_endorsement_is_recorded_audited_and_told_to_applicant_and_coordinators(
    submitted, manager, initiator, team_member, coordinator
):
    endorsement = services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=V.ENDORSED)
    assert endorsement.submission == submitted.submitted_at
    assert CriteriaEvent.objects.filter(action="endorsement", actor=manager, data__verdict=V.ENDORSED).exists()
    for person in (initiator, team_member, coordinator):
        assert Notification.objects.filter(recipient=person, subject__contains="Ledelsens vurdering").exists()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED  # the coordinator assigns reviewers next


def test_sending_back_moves_the_application_back_to_the_applicant_with_the_reason(submitted, manager, initiator):
    services.endorsement_record(
        initiative_id=submitted.pk, actor=manager, verdict=V.RETURNED, reason="Beskriv målgruppen bedre."
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.CHANGES_REQUESTED
    event = InitiativeEvent.objects.get(initiative=submitted, action="request_changes")
    assert event.actor == manager and event.note == "Beskriv målgruppen bedre."
    assert Notification.objects.filter(recipient=initiator, body__contains="Beskriv målgruppen bedre.").exists()


@pytest.mark.parametrize("verdict", [V.RETURNED, V.DECLINED])
def test_sending_back_or_declining_needs_a_reason(submitted, manager, verdict):
    with pytest.raises(NoteRequired):
        services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=verdict, reason="  ")
    assert not ManagerEndorsement.objects.exists()


def test_only_a_manager_of_the_owning_unit_may_give_the_view(submitted, coordinator, reviewer, units):
    other_manager = UserFactory(unit=units["jobcenter"], roles=[roles.LEDER])
    units["jobcenter"].managers.add(other_manager)
    for actor in (coordinator, reviewer, other_manager):
        with pytest.raises(ActionForbidden):
            services.endorsement_record(initiative_id=submitted.pk, actor=actor, verdict=V.ENDORSED)


def test_a_manager_cannot_endorse_their_own_application(manager, units, coordinator):
    own = make_initiative(owner=manager, owning_unit=units["hjemmeplejen"])
    lifecycle.initiative_submit(initiative_id=own.pk, actor=manager)
    with pytest.raises(ActionForbidden):
        services.endorsement_record(initiative_id=own.pk, actor=manager, verdict=V.ENDORSED)


def test_one_view_per_submission_and_a_repeated_click_changes_nothing(submitted, manager):
    first = services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=V.ENDORSED)
    again = services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=V.ENDORSED)
    assert first == again
    with pytest.raises(DomainError, match="allerede vurderet"):
        services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=V.DECLINED, reason="Nej")
    assert ManagerEndorsement.objects.count() == 1


def test_a_resubmitted_application_waits_for_a_fresh_view(submitted, manager, initiator):
    services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=V.RETURNED, reason="Uddyb.")
    lifecycle.initiative_submit(initiative_id=submitted.pk, actor=initiator)
    services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=V.ENDORSED)
    assert list(ManagerEndorsement.objects.order_by("pk").values_list("verdict", flat=True)) == [V.RETURNED, V.ENDORSED]


def test_after_a_refusal_the_applicant_may_ask_the_coordinator_to_go_on(
    submitted, manager, initiator, coordinator, reviewer
):
    services.endorsement_record(
        initiative_id=submitted.pk, actor=manager, verdict=V.DECLINED, reason="Passer ikke med vores strategi."
    )
    services.endorsement_escalate(initiative_id=submitted.pk, actor=initiator, note="Borgerne efterspørger det.")
    note = Notification.objects.get(recipient=coordinator, subject__startswith="Ansøgeren beder")
    assert "Borgerne efterspørger det." in note.body
    assert ManagerEndorsement.objects.get().escalated_at is not None
    # The coordinator takes it forward with a reason; the refusal stays on record.
    services.reviewers_assign(
        initiative_id=submitted.pk,
        actor=coordinator,
        reviewers=[reviewer],
        due_date=due(),
        note="Ansøgeren har bedt om det.",
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW


def test_only_the_applicant_may_ask_the_coordinator_to_go_on(submitted, manager, outsider, coordinator):
    services.endorsement_record(initiative_id=submitted.pk, actor=manager, verdict=V.DECLINED, reason="Nej.")
    for actor in (outsider, coordinator, manager):
        with pytest.raises(ActionForbidden):
            services.endorsement_escalate(initiative_id=submitted.pk, actor=actor, note="Gå videre.")


def test_the_managers_view_is_shown_to_the_reviewer(in_review, reviewer, client):
    client.force_login(reviewer)
    page = client.get(reverse("criteria:review", args=[assignment_of(in_review, reviewer).pk])).content.decode()
    assert "Ledelsens vurdering" in page and "Anbefalet" in page


def test_the_managers_queue_lists_what_waits_on_them_first(manager, initiator, units, client):
    waiting = make_initiative(owner=initiator, title="Venter på lederen")
    lifecycle.initiative_submit(initiative_id=waiting.pk, actor=initiator)
    done = make_initiative(owner=initiator, title="Allerede anbefalet")
    lifecycle.initiative_submit(initiative_id=done.pk, actor=initiator)
    services.endorsement_record(initiative_id=done.pk, actor=manager, verdict=V.ENDORSED)
    elsewhere_owner = UserFactory(unit=units["jobcenter"], roles=[roles.MEDARBEJDER])
    elsewhere = make_initiative(owner=elsewhere_owner, title="Fra en anden enhed")
    lifecycle.initiative_submit(initiative_id=elsewhere.pk, actor=elsewhere_owner)
    make_initiative(owner=initiator, title="Kun en kladde")

    client.force_login(manager)
    page = client.get(reverse("criteria:manager_queue")).content.decode()
    waiting_section = page[page.index("Venter på din vurdering") : page.index("øvrige ansøgninger")]
    assert "Venter på lederen" in waiting_section
    assert "Allerede anbefalet" not in waiting_section
    assert page.index("Venter på lederen") < page.index("Allerede anbefalet")
    assert "Fra en anden enhed" not in page
    assert "Kun en kladde" not in page


def test_the_endorsement_page_keeps_the_typed_reason_when_the_verdict_is_missing(submitted, manager, client):
    client.force_login(manager)
    response = client.post(reverse("criteria:endorse", args=[submitted.pk]), {"reason": "Mit udkast til svar"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vælg din vurdering." in page and "Mit udkast til svar" in page
    assert not ManagerEndorsement.objects.exists()


def test_the_endorsement_page_records_the_view(submitted, manager, client):
    client.force_login(manager)
    response = client.post(
        reverse("criteria:endorse", args=[submitted.pk]), {"verdict": V.DECLINED, "reason": "For dyr."}
    )
    assert response.status_code == 302
    assert ManagerEndorsement.objects.get().verdict == V.DECLINED
