"""factory_boy factories. Initiatives are built through the services where state matters
(so permissions and events exist); `InitiativeFactory` is for bulk rows in queries tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group

from initiatives import services
from initiatives.models import Initiative, Pejlemaerke
from slagelse_ou.models import OrgUnit, User
from slagelse_ou.services import org_unit_create


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Enhed {n}")
    kind = OrgUnit.Kind.ENHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return org_unit_create(name=kwargs["name"], kind=kwargs["kind"], parent=kwargs.get("parent"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruger{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.dk")
    password = factory.django.Password("hemmelig-kode-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in extracted])


def complete_data(unit: OrgUnit, **overrides) -> dict:
    """Everything a submission needs, ready for `initiative_create`."""
    start = dt.date(2026, 1, 1)
    data = {
        "title": "Fælles morgenmøde for hjemmepleje og sygepleje",
        "summary": "Et fælles morgenmøde.",
        "problem": "Borgere fortæller det samme to gange.",
        "idea": "Vi mødes hver morgen på tværs.",
        "hypothesis": "Hvis vi mødes, falder dobbeltbesøg.",
        "expected_effect": "Færre dobbeltbesøg.",
        "owning_unit": unit,
        "start_date": start,
        "end_date": start + dt.timedelta(days=180),
        "evaluation_date": start + dt.timedelta(days=210),
    }
    data.update(overrides)
    return data


def make_initiative(*, owner: User, complete: bool = True, **overrides) -> Initiative:
    """A draft through `initiative_create`; complete=True fills everything submit checks."""
    if complete:
        return services.initiative_create(
            owner=owner,
            data=complete_data(overrides.pop("owning_unit", owner.unit), **overrides),
            pejlemaerker=Pejlemaerke.objects.filter(number=1),
            indicators=[{"name": "Dobbeltbesøg", "unit": "antal", "baseline": 40, "target": 10, "order": 0}],
        )
    return services.initiative_create(owner=owner, data={"title": overrides.get("title", "Kladde"), **overrides})
