"""The team form offers every active colleague with a unit, named “Name (Unit)”, except the
owner and those already on the team."""

from __future__ import annotations

from initiatives.forms import TeamMemberForm
from slagelse_ou import roles
from tests.factories import UserFactory


def test_the_team_form_offers_colleagues_by_name_and_unit_but_not_the_owner_or_the_team(
    draft, initiator, team_member, outsider, manager, units
):
    nameless = UserFactory(username="uden.navn", first_name="", last_name="", unit=units["jobcenter"],
                           roles=[roles.MEDARBEJDER])  # fmt: skip
    UserFactory(username="stoppet", unit=units["jobcenter"], is_active=False)
    UserFactory(username="uden.enhed", unit=None)

    choices = dict(TeamMemberForm(initiative=draft).fields["user"].choices)

    assert "" in choices  # the empty choice comes first, as before
    offered = {pk: label for pk, label in choices.items() if pk != ""}
    assert set(offered) == {outsider.pk, manager.pk, nameless.pk}
    assert offered[outsider.pk] == f"{outsider.get_full_name()} (Plejecentret)"
    assert offered[nameless.pk] == "uden.navn (Jobcenter)"


def test_the_team_form_accepts_an_offered_colleague_and_refuses_one_already_on_the_team(draft, team_member, outsider):
    assert TeamMemberForm({"user": outsider.pk, "role": "deltager"}, initiative=draft).is_valid()
    form = TeamMemberForm({"user": team_member.pk, "role": "deltager"}, initiative=draft)
    assert not form.is_valid()
    assert form.errors["user"] == ["Vælg en kollega fra listen."]
