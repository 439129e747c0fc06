"""`manage.py seed_demo`: a plausible municipality, and never by accident in production."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from initiatives.models import Initiative, InitiativeEvent, Status
from slagelse_ou import roles
from slagelse_ou.models import OrgUnit, User


def test_seed_demo_refuses_when_debug_is_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_builds_units_one_user_per_role_and_40_trials_in_every_state(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")

    kinds = set(OrgUnit.objects.values_list("kind", flat=True))
    assert kinds == {"kommune", "omraade", "center", "enhed"}
    for role in roles.ALL_ROLES:
        assert User.objects.filter(groups__name=role).exists(), role
    assert Initiative.objects.count() >= 40
    assert set(Initiative.objects.values_list("status", flat=True)) == set(Status.values)
    # Teams, indicators and a history of events on every trial (made through the services).
    assert not Initiative.objects.annotate(n=Count("team")).filter(n=0).exists()
    assert not Initiative.objects.annotate(n=Count("indicators")).filter(n=0).exists()
    concluded = Initiative.objects.filter(status=Status.CONCLUDED).first()
    assert (
        list(InitiativeEvent.objects.filter(initiative=concluded, from_status__gt="").values_list("action", flat=True))[
            -1
        ]
        == "conclude"
    )
    printed = capsys.readouterr().out
    assert "Prøv-Slagelse-2026" in printed and "sekretariat" in printed

    before = Initiative.objects.count()
    call_command("seed_demo", "--if-empty")  # a second `make run` changes nothing
    assert Initiative.objects.count() == before
    assert "findes allerede" in capsys.readouterr().out
