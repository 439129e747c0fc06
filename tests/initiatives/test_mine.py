"""“Mine prøvehandlinger” and `Initiative.objects.involving`: the initiatives a user owns or
is on the team of — through the object permissions the services grant and revoke."""

from __future__ import annotations

from django.urls import reverse

from initiatives import services
from initiatives.models import Initiative
from tests.factories import make_initiative


def test_involving_is_what_the_user_owns_and_what_they_are_on_the_team_of(initiator, team_member, outsider):
    owned = make_initiative(owner=initiator, title="Egen")
    on_team = make_initiative(owner=outsider, title="Andres, med i teamet")
    services.team_member_add(initiative_id=on_team.pk, actor=outsider, user=initiator)
    make_initiative(owner=outsider, title="Andres")

    assert set(Initiative.objects.involving(initiator)) == {owned, on_team}
    assert set(Initiative.objects.involving(team_member)) == set()


def test_a_colleague_removed_from_the_team_no_longer_finds_it_under_mine(client, draft, initiator, team_member):
    member = draft.team.get(user=team_member)
    client.force_login(team_member)
    assert draft.title in client.get(reverse("initiatives:mine")).content.decode()

    services.team_member_remove(initiative_id=draft.pk, actor=initiator, member_id=member.pk)

    assert draft.title not in client.get(reverse("initiatives:mine")).content.decode()
    assert not Initiative.objects.involving(team_member).exists()


def test_involving_can_be_narrowed_further_like_any_queryset(initiator):
    first = make_initiative(owner=initiator, title="Første")
    make_initiative(owner=initiator, title="Anden")

    assert list(Initiative.objects.filter(title="Første").involving(initiator)) == [first]
    assert Initiative.objects.involving(initiator).count() == 2
