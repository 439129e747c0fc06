"""Initiative.pejlemaerke_ids (what the lists filter on) always equals the M2M table it copies,
whichever side changes it and however: the application form, the services, add/remove/clear
from either model, and a pejlemærke deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from initiatives.models import Initiative, Pejlemaerke
from tests.factories import make_initiative
from tests.initiatives.test_forms import application


def pejl(*numbers: int) -> list[Pejlemaerke]:
    return list(Pejlemaerke.objects.filter(number__in=numbers).order_by("pk"))


def stored(initiative: Initiative) -> list[int]:
    return Initiative.objects.values_list("pejlemaerke_ids", flat=True).get(pk=initiative.pk)


def in_table(initiative: Initiative) -> list[int]:
    return sorted(initiative.pejlemaerker.values_list("pk", flat=True))


@pytest.fixture
def trial(initiator):
    return make_initiative(owner=initiator)  # with pejlemærke 1, through initiative_create


def test_the_service_stores_the_chosen_pejlemaerker(trial):
    assert stored(trial) == in_table(trial) == [p.pk for p in pejl(1)]
    assert trial.pejlemaerke_ids == stored(trial)  # the instance in hand too


def test_every_change_from_the_initiative_side_is_copied(trial):
    trial.pejlemaerker.add(*pejl(2, 3))
    assert stored(trial) == in_table(trial) == [p.pk for p in pejl(1, 2, 3)]
    trial.pejlemaerker.remove(*pejl(1))
    assert stored(trial) == [p.pk for p in pejl(2, 3)]
    trial.pejlemaerker.set(pejl(1))
    assert stored(trial) == [p.pk for p in pejl(1)]
    trial.pejlemaerker.clear()
    assert stored(trial) == [] and trial.pejlemaerke_ids == []


def test_a_later_save_of_the_same_instance_keeps_them(trial):
    trial.pejlemaerker.set(pejl(2, 3))
    trial.title = "Nyt navn"
    trial.save()
    assert stored(trial) == [p.pk for p in pejl(2, 3)]


def test_every_change_from_the_pejlemaerke_side_is_copied(trial, initiator):
    other = make_initiative(owner=initiator)
    second = pejl(2)[0]
    second.initiative_set.add(trial, other)
    assert stored(trial) == stored(other) == [p.pk for p in pejl(1, 2)]
    second.initiative_set.remove(other)
    assert stored(other) == [p.pk for p in pejl(1)]
    pejl(1)[0].initiative_set.clear()
    assert stored(trial) == [second.pk] and stored(other) == []


def test_deleting_a_pejlemaerke_removes_it_from_every_list(trial):
    trial.pejlemaerker.add(*pejl(2))
    extra = Pejlemaerke.objects.create(number=9, text="Et fjerde pejlemærke")
    trial.pejlemaerker.add(extra)
    assert extra.pk in stored(trial)
    extra.delete()
    assert stored(trial) == in_table(trial) == [p.pk for p in pejl(1, 2)]


def test_editing_the_application_changes_what_the_pejlemaerke_filter_finds(client, initiator, coordinator):
    client.force_login(initiator)
    response = client.post(reverse("initiatives:create"), application(initiator.unit, save=""))
    assert response.status_code == 302
    initiative = Initiative.objects.get()

    def found(number: int) -> bool:
        client.force_login(coordinator)
        page = client.get(reverse("initiatives:staff_list"), {"pejlemaerke": pejl(number)[0].pk})
        return initiative.get_absolute_url() in page.content.decode()

    assert found(1) and not found(2)
    client.force_login(initiator)
    data = application(initiator.unit, save="", pejlemaerker=[str(pejl(2)[0].pk)])
    assert client.post(reverse("initiatives:edit", args=[initiative.pk]), data).status_code == 302
    assert found(2) and not found(1)
