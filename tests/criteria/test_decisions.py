"""The coordinator's decision: open when the decision rule holds (DECISION_MIN_REVIEWS
submitted reviews) or with a mandatory override reason; goes through the lifecycle; states
a public reason per principle; closes the round; approval fixes the trial agreement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from criteria import services
from criteria.exceptions import DecisionRuleNotMet, IncompleteDecision
from criteria.models import CriteriaEvent, Decision, ReviewAssignment, TrialAgreement
from criteria.selectors import active_criteria
from initiatives import services as lifecycle
from initiatives.exceptions import ActionForbidden, DomainError, NoteRequired
from initiatives.models import Indicator, Initiative, InitiativeEvent, Status
from slagelse_ou.models import Notification
from tests.criteria.helpers import assignment_of, due, reasons_for_all, submit_review


def decide(initiative, actor, outcome="godkend", **kwargs) -> Decision:
    kwargs.setdefault("summary", "Prøvehandlingen styrker det borgernære.")
    kwargs.setdefault("reasons", reasons_for_all())
    return services.decision_record(initiative_id=initiative.pk, actor=actor, outcome=outcome, **kwargs)


def test_with_fewer_submitted_reviews_than_the_rule_requires_the_decision_is_refused(in_review, coordinator, reviewer):
    submit_review(in_review, reviewer)
    with pytest.raises(DecisionRuleNotMet, match="1 indsendte bedømmelser, og der kræves 2"):
        decide(in_review, coordinator)
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert not Decision.objects.exists()


def test_with_an_override_reason_the_coordinator_may_decide_anyway_and_the_override_is_recorded(
    in_review, coordinator, reviewer
):
    submit_review(in_review, reviewer)
    decision = decide(in_review, coordinator, override_reason="Udvalget mødes i morgen.")
    assert decision.is_override and decision.override_reason == "Udvalget mødes i morgen."
    assert decision.reviews_submitted == 1
    assert CriteriaEvent.objects.get(action="decision_record").data["override"] is True
    assert InitiativeEvent.objects.get(initiative=in_review, action="approve").data["override"] is True


def test_when_the_rule_holds_no_override_is_needed_or_recorded(reviewed, coordinator):
    decision = decide(reviewed, coordinator, override_reason="Ignoreres")
    assert not decision.is_override
    assert decision.reviews_submitted == 2


def test_the_rule_is_a_setting(reviewed, coordinator, settings):
    settings.DECISION_MIN_REVIEWS = 3
    with pytest.raises(DecisionRuleNotMet):
        decide(reviewed, coordinator)
    settings.DECISION_MIN_REVIEWS = 0
    assert not decide(reviewed, coordinator).is_override


def test_a_declined_or_unsubmitted_review_does_not_count_towards_the_rule(
    in_review, coordinator, reviewer, second_reviewer
):
    submit_review(in_review, reviewer)
    services.review_decline(
        assignment_id=assignment_of(in_review, second_reviewer).pk, actor=second_reviewer, reason="Inhabil"
    )
    with pytest.raises(DecisionRuleNotMet):
        decide(in_review, coordinator)


def test_every_principle_needs_a_verdict_and_a_public_reason(reviewed, coordinator):
    reasons = reasons_for_all()
    first = active_criteria()[0]
    reasons[first.pk] = ("opfyldt", "  ")
    with pytest.raises(IncompleteDecision, match="princip 1"):
        decide(reviewed, coordinator, reasons=reasons)


def test_a_summary_is_required(reviewed, coordinator):
    with pytest.raises(NoteRequired):
        decide(reviewed, coordinator, summary=" ")


def test_only_coordinators_decide(reviewed, committee_member, manager, reviewer, initiator):
    for actor in (committee_member, manager, reviewer, initiator):
        with pytest.raises(ActionForbidden):
            decide(reviewed, actor)


def test_approval_goes_through_the_lifecycle_stores_the_reasons_and_tells_the_applicant(
    reviewed, coordinator, initiator, team_member
):
    decision = decide(reviewed, coordinator, summary="Godkendt som prøvehandling.")
    reviewed.refresh_from_db()
    assert reviewed.status == Status.APPROVED
    assert reviewed.decision_reason == "Godkendt som prøvehandling." and reviewed.decided_at
    assert decision.reasons.count() == 9
    assert [r.criterion.order for r in decision.reasons.all()] == list(range(1, 10))
    event = InitiativeEvent.objects.get(initiative=reviewed, action="approve")
    assert event.actor == coordinator and event.data["decision"] == decision.pk
    for person in (initiator, team_member):
        assert Notification.objects.filter(
            recipient=person, subject__contains="Godkendt", body__contains="Godkendt som prøvehandling."
        ).exists()


@pytest.mark.parametrize(("outcome", "status"), [("afvis", Status.REJECTED), ("tilbage", Status.CHANGES_REQUESTED)])
def test_rejection_and_sending_back_are_decisions_too(reviewed, coordinator, outcome, status):
    decision = decide(reviewed, coordinator, outcome=outcome)
    reviewed.refresh_from_db()
    assert reviewed.status == status
    assert decision.outcome == outcome
    assert not TrialAgreement.objects.exists()


def test_the_decision_closes_the_round(reviewed, coordinator):
    decision = decide(reviewed, coordinator, outcome="tilbage")
    assert set(ReviewAssignment.objects.filter(initiative=reviewed).values_list("decision", flat=True)) == {decision.pk}
    assert not ReviewAssignment.objects.current().filter(initiative=reviewed).exists()


def test_an_unsubmitted_review_cannot_be_finished_after_the_decision(in_review, coordinator, reviewer, second_reviewer):
    submit_review(in_review, reviewer)
    decide(in_review, coordinator, override_reason="Haster.")
    assignment = ReviewAssignment.objects.get(initiative=in_review, reviewer=second_reviewer)
    with pytest.raises(DomainError, match="lukket"):
        services.review_declare(assignment_id=assignment.pk, actor=second_reviewer)


def test_a_repeated_decision_returns_the_first_and_records_nothing_new(reviewed, coordinator):
    first = decide(reviewed, coordinator)
    assert decide(reviewed, coordinator) == first
    assert Decision.objects.count() == 1 and TrialAgreement.objects.count() == 1


def test_a_different_decision_after_the_first_is_refused(reviewed, coordinator):
    decide(reviewed, coordinator)
    with pytest.raises(DomainError):
        decide(reviewed, coordinator, outcome="afvis")


def test_approval_fixes_the_trial_agreement_and_later_edits_do_not_change_it(reviewed, coordinator, initiator):
    decision = decide(reviewed, coordinator)
    agreement = TrialAgreement.objects.get(initiative=reviewed)
    assert agreement.decision == decision
    assert agreement.hypothesis == "Hvis vi mødes, falder dobbeltbesøg."
    assert agreement.owner == initiator and agreement.owner_name == str(initiator)
    assert (agreement.start_date, agreement.end_date) == (reviewed.start_date, reviewed.end_date)
    assert agreement.indicators == [{"name": "Dobbeltbesøg", "unit": "antal", "baseline": "40.00", "target": "10.00"}]

    # Later changes to the application (by any route) leave the agreement as it was.
    Initiative.objects.filter(pk=reviewed.pk).update(
        hypothesis="En helt anden hypotese", end_date=reviewed.end_date + dt.timedelta(days=90)
    )
    Indicator.objects.filter(initiative=reviewed).update(target=Decimal("30"))
    agreement.refresh_from_db()
    assert agreement.hypothesis == "Hvis vi mødes, falder dobbeltbesøg."
    assert agreement.end_date == reviewed.end_date
    assert agreement.indicators[0]["target"] == "10.00"


def test_a_direct_coordinator_decision_is_recorded_as_an_override_with_its_reason(submitted, coordinator):
    services.initiative_approve(initiative_id=submitted.pk, actor=coordinator, note="Direkte godkendt.")
    decision = Decision.objects.get(initiative=submitted)
    assert decision.summary == "Direkte godkendt." and decision.override_reason == "Direkte godkendt."
    assert not decision.reasons.exists()
    assert TrialAgreement.objects.filter(initiative=submitted).exists()


def test_a_direct_coordinator_decision_still_needs_a_reason(submitted, coordinator):
    with pytest.raises(NoteRequired):
        services.initiative_approve(initiative_id=submitted.pk, actor=coordinator, note="")


def test_after_a_request_for_changes_the_resubmission_gets_a_new_round(
    reviewed, coordinator, initiator, reviewer, manager
):
    decide(reviewed, coordinator, outcome="tilbage")
    lifecycle.initiative_submit(initiative_id=reviewed.pk, actor=initiator)
    services.endorsement_record(initiative_id=reviewed.pk, actor=manager, verdict="anbefalet")
    services.reviewers_assign(initiative_id=reviewed.pk, actor=coordinator, reviewers=[reviewer], due_date=due())
    assert ReviewAssignment.objects.filter(initiative=reviewed, reviewer=reviewer).count() == 2
    assert assignment_of(reviewed, reviewer).state == ReviewAssignment.State.ASSIGNED


# --- Through the page ----------------------------------------------------------------------------


def test_the_decision_form_is_prefilled_from_the_reviews(reviewed, coordinator, client):
    client.force_login(coordinator)
    page = client.get(reverse("criteria:overview", args=[reviewed.pk])).content.decode()
    # reviewer: opfyldt, second reviewer: delvist opfyldt → the tie resolves conservatively.
    first = active_criteria()[0]
    assert '<option value="delvist_opfyldt" selected>' in page
    assert "Delvist opfyldt (1/2)." in page
    assert f'name="c{first.pk}-reason"' in page


def test_the_decision_page_keeps_what_was_typed_when_a_reason_is_missing(reviewed, coordinator, client):
    criteria = active_criteria()
    data = {"outcome": "godkend", "summary": "Min samlede begrundelse"}
    for c in criteria[1:]:
        data[f"c{c.pk}-verdict"] = "opfyldt"
        data[f"c{c.pk}-reason"] = f"Grund {c.order}"
    data[f"c{criteria[0].pk}-verdict"] = "opfyldt"
    client.force_login(coordinator)
    response = client.post(reverse("criteria:decide", args=[reviewed.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skriv en begrundelse for princip 1." in page
    assert "Min samlede begrundelse" in page and "Grund 9" in page
    reviewed.refresh_from_db()
    assert reviewed.status == Status.IN_REVIEW


def test_the_decision_page_asks_for_an_override_reason_when_the_rule_does_not_hold(in_review, coordinator, client):
    criteria = active_criteria()
    data = {"outcome": "afvis", "summary": "Afvist"}
    data |= {f"c{c.pk}-verdict": "ikke_opfyldt" for c in criteria}
    data |= {f"c{c.pk}-reason": "Nej" for c in criteria}
    client.force_login(coordinator)
    response = client.post(reverse("criteria:decide", args=[in_review.pk]), data)
    assert response.status_code == 200
    assert "Der er ikke nok indsendte bedømmelser" in response.content.decode()
    response = client.post(reverse("criteria:decide", args=[in_review.pk]), {**data, "override_reason": "Klart."})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.REJECTED


def test_a_direct_decision_works_even_without_any_criteria_set(submitted, coordinator):
    # Transactional tests flush the seeded set; the foundation's direct decisions must not depend on it.
    from criteria.models import CriteriaSet, Criterion

    Criterion.objects.all().delete()
    CriteriaSet.objects.all().delete()
    services.initiative_reject(initiative_id=submitted.pk, actor=coordinator, note="Afvist direkte.")
    decision = Decision.objects.get(initiative=submitted)
    assert decision.criteria_set is None and decision.outcome == "afvis"
