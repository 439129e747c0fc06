"""Conflict of interest: never the owner or a team member; by default nobody from the owning
unit (or below it) and no manager of it (REVIEW_EXCLUDE_OWNING_UNIT); the reviewer declares
no conflict before scoring, or declines with a reason and the coordinator is told."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from criteria import services
from criteria.exceptions import ConflictOfInterest
from criteria.models import CriteriaEvent, ReviewAssignment
from criteria.selectors import eligible_reviewers
from initiatives.exceptions import ActionForbidden, DomainError
from slagelse_ou import roles
from slagelse_ou.models import Notification
from tests.criteria.helpers import assignment_of, due
from tests.factories import OrgUnitFactory, UserFactory


def assign(initiative, coordinator, *reviewers):
    return services.reviewers_assign(
        initiative_id=initiative.pk, actor=coordinator, reviewers=list(reviewers), due_date=due()
    )


def make_reviewer(unit, *extra_roles):
    return UserFactory(unit=unit, roles=[roles.KRITERIEBEDOMMER, *extra_roles])


def also_reviewer(user):
    """Give an existing persona the reviewer role (a fresh object: roles are cached)."""
    user.groups.add(Group.objects.get_or_create(name=roles.KRITERIEBEDOMMER)[0])
    return type(user).objects.get(pk=user.pk)


def test_the_owner_can_never_review_their_own_application(endorsed, coordinator, initiator):
    with pytest.raises(ConflictOfInterest, match="ejer prøvehandlingen"):
        assign(endorsed, coordinator, also_reviewer(initiator))
    assert not ReviewAssignment.objects.exists()


def test_a_team_member_can_never_review_the_application(endorsed, coordinator, team_member):
    with pytest.raises(ConflictOfInterest, match="med i teamet"):
        assign(endorsed, coordinator, also_reviewer(team_member))


def test_a_reviewer_from_the_owning_unit_is_refused_by_default(endorsed, coordinator, units):
    with pytest.raises(ConflictOfInterest, match="den ansvarlige enhed"):
        assign(endorsed, coordinator, make_reviewer(units["hjemmeplejen"]))


def test_a_reviewer_from_a_unit_below_the_owning_unit_is_refused_by_default(endorsed, coordinator, units):
    below = OrgUnitFactory(name="Hjemmeplejen Nord", parent=units["hjemmeplejen"])
    with pytest.raises(ConflictOfInterest, match="den ansvarlige enhed"):
        assign(endorsed, coordinator, make_reviewer(below))


def test_a_manager_of_the_owning_unit_is_refused_by_default(endorsed, coordinator, manager):
    with pytest.raises(ConflictOfInterest, match="leder for den ansvarlige enhed"):
        assign(endorsed, coordinator, manager)


def test_the_setting_allows_reviewers_from_the_owning_unit(endorsed, coordinator, units, manager, settings):
    settings.REVIEW_EXCLUDE_OWNING_UNIT = False
    colleague = make_reviewer(units["hjemmeplejen"])
    assign(endorsed, coordinator, colleague, manager)
    assert ReviewAssignment.objects.filter(initiative=endorsed).count() == 2


def test_the_setting_never_allows_the_owner_or_the_team(endorsed, coordinator, team_member, settings):
    settings.REVIEW_EXCLUDE_OWNING_UNIT = False
    with pytest.raises(ConflictOfInterest):
        assign(endorsed, coordinator, also_reviewer(team_member))


def test_a_manager_of_another_unit_can_serve_as_reviewer(endorsed, coordinator, units):
    other_manager = UserFactory(unit=units["jobcenter"], roles=[roles.LEDER])
    units["jobcenter"].managers.add(other_manager)
    assign(endorsed, coordinator, other_manager)
    assert assignment_of(endorsed, other_manager)


def test_an_employee_without_the_reviewer_role_cannot_be_assigned(endorsed, coordinator, outsider):
    with pytest.raises(ConflictOfInterest, match="hverken kriteriebedømmer eller leder"):
        assign(endorsed, coordinator, outsider)


def test_one_conflict_among_several_reviewers_assigns_nobody(endorsed, coordinator, reviewer, manager):
    with pytest.raises(ConflictOfInterest):
        assign(endorsed, coordinator, reviewer, manager)
    assert not ReviewAssignment.objects.exists()
    endorsed.refresh_from_db()
    assert endorsed.status == "indsendt"


def test_a_reviewer_cannot_be_assigned_twice_in_one_round(in_review, coordinator, reviewer):
    with pytest.raises(ConflictOfInterest, match="allerede bedømmer"):
        assign(in_review, coordinator, reviewer)


def test_the_assignment_form_offers_exactly_the_reviewers_without_a_conflict(
    endorsed, units, reviewer, second_reviewer, manager, team_member, initiator
):
    same_unit = make_reviewer(units["hjemmeplejen"])
    below = make_reviewer(OrgUnitFactory(name="Hjemmeplejen Syd", parent=units["hjemmeplejen"]))
    for user in (team_member, initiator):
        also_reviewer(user)
    offered = set(eligible_reviewers(initiative=endorsed))
    assert offered == {reviewer, second_reviewer}
    assert not offered & {same_unit, below, manager, team_member, initiator}


def test_the_reviewer_must_declare_no_conflict_before_scoring(in_review, reviewer):
    assignment = assignment_of(in_review, reviewer)
    with pytest.raises(DomainError, match="Erklær først"):
        services.review_save(assignment_id=assignment.pk, actor=reviewer, scores={}, recommendation="godkend")
    services.review_declare(assignment_id=assignment.pk, actor=reviewer)
    assignment.refresh_from_db()
    assert assignment.state == ReviewAssignment.State.DECLARED and assignment.declared_at
    assert CriteriaEvent.objects.filter(action="review_declare", actor=reviewer).exists()


def test_the_declaration_is_refused_when_the_reviewer_has_since_joined_the_team(in_review, reviewer, initiator):
    # The team can be changed while the application is back with the applicant; here the
    # row is added directly to simulate a team that changed after the assignment.
    from initiatives.models import TeamMember

    TeamMember.objects.create(initiative=in_review, user=reviewer)
    with pytest.raises(ConflictOfInterest, match="med i teamet"):
        services.review_declare(assignment_id=assignment_of(in_review, reviewer).pk, actor=reviewer)


def test_only_the_assigned_reviewer_can_declare(in_review, reviewer, second_reviewer):
    with pytest.raises(ActionForbidden):
        services.review_declare(assignment_id=assignment_of(in_review, reviewer).pk, actor=second_reviewer)


def test_declining_needs_a_reason(in_review, reviewer):
    with pytest.raises(DomainError, match="hvorfor du afslår"):
        services.review_decline(assignment_id=assignment_of(in_review, reviewer).pk, actor=reviewer, reason=" ")


def test_declining_revokes_access_tells_the_coordinator_and_is_audited(in_review, reviewer, coordinator, client):
    assignment = assignment_of(in_review, reviewer)
    services.review_decline(assignment_id=assignment.pk, actor=reviewer, reason="Min søster leder enheden.")
    assignment.refresh_from_db()
    assert assignment.state == ReviewAssignment.State.DECLINED
    assert assignment.decline_reason == "Min søster leder enheden."
    note = Notification.objects.get(recipient=coordinator, subject__contains="har afslået")
    assert "Min søster leder enheden." in note.body
    assert CriteriaEvent.objects.filter(action="permission_revoke", data__user=reviewer.pk).exists()
    client.force_login(reviewer)
    assert client.get(in_review.get_absolute_url()).status_code == 404


def test_a_declined_reviewer_cannot_score(in_review, reviewer):
    assignment = assignment_of(in_review, reviewer)
    services.review_decline(assignment_id=assignment.pk, actor=reviewer, reason="Inhabil.")
    with pytest.raises(DomainError, match="afslået"):
        services.review_declare(assignment_id=assignment.pk, actor=reviewer)
