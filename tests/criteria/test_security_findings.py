"""Issue 13, items 1, 5 and 9: each test was written first and seen failing on the old code.

1. An assigned reviewer counted as an owner of the trial's dialogue room (the room rule
   used "owner or anyone in the object-permission table", and reviewers are granted view
   there): they read a members-only room, made it public and invited people.
5. A reviewer who declined still read the application at /bedoemmelser/<id>/.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from criteria import services
from dialogrum import services as room_services
from dialogrum.models import Visibility
from dialogrum.permissions import can_view_room, is_room_owner
from tests.criteria.helpers import assignment_of, submit_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_only_room(in_review, initiator):
    room = room_services.room_for_initiative_ensure(initiative=in_review)
    room_services.room_update(room_id=room.pk, actor=initiator, title="", description="", visibility=Visibility.MEMBERS)
    return room


@pytest.mark.parametrize("submitted_review", [False, True])
def test_an_assigned_reviewer_is_not_an_owner_of_the_trial_s_members_only_room(
    client, in_review, reviewer, members_only_room, citizen, submitted_review
):
    if submitted_review:
        submit_review(in_review, reviewer)
    client.force_login(reviewer)
    room = members_only_room

    assert not is_room_owner(reviewer, room)
    assert client.get(reverse("dialogrum:room_detail", args=[room.pk])).status_code == 404
    edit = client.post(
        reverse("dialogrum:room_edit", args=[room.pk]),
        {"title": "", "description": "", "visibility": Visibility.PUBLIC},
    )
    assert edit.status_code == 404
    invite = client.post(reverse("dialogrum:room_members", args=[room.pk]), {"query": citizen.username})
    assert invite.status_code == 404
    room.refresh_from_db()
    assert room.visibility == Visibility.MEMBERS
    assert not can_view_room(citizen, room)  # the citizen was not invited


def test_the_trial_s_owner_and_team_still_own_the_room(in_review, initiator, members_only_room):
    assert is_room_owner(initiator, members_only_room)


def test_a_reviewer_who_declined_no_longer_reads_the_application(client, in_review, reviewer):
    assignment = assignment_of(in_review, reviewer)
    services.review_decline(assignment_id=assignment.pk, actor=reviewer, reason="Inhabil")
    client.force_login(reviewer)

    assert client.get(reverse("criteria:review", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("initiatives:detail", args=[in_review.pk])).status_code == 404
