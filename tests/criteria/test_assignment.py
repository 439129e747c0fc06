"""Coordinators assign reviewers (several at once, with a deadline); assignment moves a
submitted application to "under bedømmelse"; object permissions are granted on assignment
and revoked on unassignment, inside the services, audited; reviewers are notified."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria import services
from criteria.exceptions import EndorsementMissing, ReviewLocked
from criteria.models import CriteriaEvent, Review, ReviewAssignment
from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import InitiativeEvent, Status
from slagelse_ou.models import Notification
from tests.criteria.helpers import assignment_of, due, submit_review


def test_assigning_reviewers_moves_the_application_into_review_with_a_draft_review_each(
    in_review, reviewer, second_reviewer
):
    assert in_review.status == Status.IN_REVIEW
    assignments = ReviewAssignment.objects.filter(initiative=in_review)
    assert {a.reviewer for a in assignments} == {reviewer, second_reviewer}
    assert {a.due_date for a in assignments} == {due()}
    assert Review.objects.filter(assignment__in=assignments, submitted_at__isnull=True).count() == 2
    assert InitiativeEvent.objects.filter(initiative=in_review, action="start_review").exists()


def test_assignment_grants_the_reviewer_view_on_the_application_and_is_audited(in_review, reviewer, client):
    fresh = type(reviewer).objects.get(pk=reviewer.pk)
    assert fresh.has_perm("initiatives.view_initiative", in_review)
    assert not fresh.has_perm("initiatives.change_initiative", in_review)
    assert CriteriaEvent.objects.filter(
        initiative=in_review, action="reviewer_assign", data__reviewer=reviewer.pk
    ).exists()
    grant = CriteriaEvent.objects.get(initiative=in_review, action="permission_grant", data__user=reviewer.pk)
    assert grant.data["perm"] == "view_initiative"
    client.force_login(reviewer)
    assert client.get(in_review.get_absolute_url()).status_code == 200


def test_each_reviewer_is_notified_of_the_assignment_with_a_link_to_the_review(in_review, reviewer, second_reviewer):
    for user in (reviewer, second_reviewer):
        note = Notification.objects.get(recipient=user, subject__startswith="Du er bedt om at bedømme")
        assert note.url == reverse("criteria:review", args=[assignment_of(in_review, user).pk])


def test_unassigning_revokes_the_permission_audits_it_and_tells_the_reviewer(in_review, coordinator, reviewer, client):
    assignment = assignment_of(in_review, reviewer)
    services.reviewer_unassign(assignment_id=assignment.pk, actor=coordinator)
    assert not ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    fresh = type(reviewer).objects.get(pk=reviewer.pk)
    assert not fresh.has_perm("initiatives.view_initiative", in_review)
    assert CriteriaEvent.objects.filter(action="reviewer_unassign", data__reviewer=reviewer.pk).exists()
    assert CriteriaEvent.objects.filter(action="permission_revoke", data__user=reviewer.pk).exists()
    assert Notification.objects.filter(recipient=reviewer, subject__startswith="Du skal ikke længere").exists()
    client.force_login(reviewer)
    assert client.get(in_review.get_absolute_url()).status_code == 404
    assert client.get(reverse("criteria:review", args=[assignment.pk])).status_code == 404


def test_a_submitted_review_cannot_be_unassigned(in_review, coordinator, reviewer):
    assignment = submit_review(in_review, reviewer)
    with pytest.raises(ReviewLocked):
        services.reviewer_unassign(assignment_id=assignment.pk, actor=coordinator)
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists()


def test_only_a_coordinator_assigns_and_unassigns(endorsed, in_review, manager, committee_member, reviewer):
    for actor in (manager, committee_member):
        with pytest.raises(ActionForbidden):
            services.reviewers_assign(initiative_id=endorsed.pk, actor=actor, reviewers=[reviewer], due_date=due())
        with pytest.raises(ActionForbidden):
            services.reviewer_unassign(assignment_id=assignment_of(in_review, reviewer).pk, actor=actor)


def test_without_the_managers_endorsement_the_coordinator_must_give_a_reason(submitted, coordinator, reviewer):
    with pytest.raises(EndorsementMissing):
        services.reviewers_assign(initiative_id=submitted.pk, actor=coordinator, reviewers=[reviewer], due_date=due())
    assert not ReviewAssignment.objects.exists()
    services.reviewers_assign(
        initiative_id=submitted.pk,
        actor=coordinator,
        reviewers=[reviewer],
        due_date=due(),
        note="Lederen er på ferie; ansøgeren har bedt os gå videre.",
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW
    event = InitiativeEvent.objects.get(initiative=submitted, action="start_review")
    assert event.note == "Lederen er på ferie; ansøgeren har bedt os gå videre."


def test_with_the_step_switched_off_no_reason_is_needed(submitted, coordinator, reviewer, settings):
    settings.MANAGER_ENDORSEMENT_ENABLED = False
    services.reviewers_assign(initiative_id=submitted.pk, actor=coordinator, reviewers=[reviewer], due_date=due())
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW


def test_a_deadline_in_the_past_is_refused(endorsed, coordinator, reviewer):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(DomainError, match="Fristen"):
        services.reviewers_assign(
            initiative_id=endorsed.pk, actor=coordinator, reviewers=[reviewer], due_date=yesterday
        )


def test_more_reviewers_can_be_added_while_in_review(in_review, coordinator, other_reviewer):
    services.reviewers_assign(initiative_id=in_review.pk, actor=coordinator, reviewers=[other_reviewer], due_date=due())
    assert ReviewAssignment.objects.current().filter(initiative=in_review).count() == 3


def test_reviewers_cannot_be_assigned_to_a_draft(draft, coordinator, reviewer):
    with pytest.raises(DomainError, match="kun tildeles"):
        services.reviewers_assign(initiative_id=draft.pk, actor=coordinator, reviewers=[reviewer], due_date=due())


def test_the_assignment_page_keeps_what_was_typed_when_the_reason_is_missing(submitted, coordinator, reviewer, client):
    client.force_login(coordinator)
    response = client.post(
        reverse("criteria:assign", args=[submitted.pk]),
        {"reviewers": [reviewer.pk], "due_date": due().isoformat(), "note": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Skriv, hvorfor bedømmelsen skal i gang" in page
    assert f'value="{due().isoformat()}"' in page
    assert f'value="{reviewer.pk}"' in page and "checked" in page
    assert not ReviewAssignment.objects.exists()


def test_the_assignment_page_assigns_and_redirects_to_the_overview(endorsed, coordinator, reviewer, client):
    client.force_login(coordinator)
    response = client.post(
        reverse("criteria:assign", args=[endorsed.pk]), {"reviewers": [reviewer.pk], "due_date": due().isoformat()}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("criteria:overview", args=[endorsed.pk])
    assert assignment_of(endorsed, reviewer)
