"""The list filters' units and pejlemærker come from the cache (selectors.initiative_filter_choices)
and follow every change: a unit added, renamed or deleted, a pejlemærke renamed — also when a
list page was read while the change was being committed, and without Redis."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.forms import FilterForm
from initiatives.models import Pejlemaerke
from initiatives.selectors import _filter_choices_key
from slagelse_ou.models import OrgUnit
from slagelse_ou.services import org_unit_create

PUBLIC = reverse("initiatives:public_list")
STAFF = reverse("initiatives:staff_list")


def option(unit) -> str:
    return f'<option value="{unit.pk}">{"— " * unit.depth}{unit.name}</option>'


def page(client, url: str = PUBLIC) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


class ModelChoices(forms.Form):
    """The two fields as FilterForm had them before their options came from the cache."""

    enhed = forms.ModelChoiceField(queryset=OrgUnit.objects.all(), required=False, empty_label="Alle enheder")
    pejlemaerke = forms.ModelChoiceField(
        queryset=Pejlemaerke.objects.all(), required=False, empty_label="Alle pejlemærker"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enhed"].label_from_instance = lambda unit: ("— " * unit.depth) + unit.name


def options(bound_field) -> list[tuple[str, str, str]]:
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', str(bound_field))


@pytest.mark.parametrize("chosen", [False, True])
def test_the_options_are_those_the_model_choice_fields_offered(units, chosen):
    data = {"enhed": str(units["center"].pk), "pejlemaerke": str(Pejlemaerke.objects.last().pk)} if chosen else None
    FilterForm(data)  # fills the cache
    cached, before = FilterForm(data), ModelChoices(data)
    for name in ("enhed", "pejlemaerke"):
        assert options(cached[name]) == options(before[name])
    assert len(options(cached["enhed"])) == 1 + len(units)


def test_a_unit_added_after_a_list_was_shown_is_offered_at_once(client, units):
    assert option(units["jobcenter"]) in page(client)  # the choices are now cached

    unit = org_unit_create(name="Ungeenheden", kind="enhed", parent=units["omraade"])

    assert option(unit) in page(client)


def test_a_renamed_unit_is_offered_under_its_new_name(client, units):
    page(client)
    unit = units["plejecentret"]
    unit.name = "Plejecenter Nord"
    unit.save(update_fields=["name"])

    html = page(client)
    assert option(unit) in html
    assert ">— — — Plejecentret<" not in html


def test_a_deleted_unit_is_no_longer_offered(client, units):
    unit = org_unit_create(name="Midlertidig enhed", kind="enhed", parent=units["center"])
    assert option(unit) in page(client)

    unit.delete()

    assert "Midlertidig enhed" not in page(client)


def test_a_renamed_pejlemaerke_is_offered_under_its_new_name(client, db):
    pejlemaerke = Pejlemaerke.objects.order_by("number").first()
    page(client)
    pejlemaerke.text = "Et nyt pejlemærke"
    pejlemaerke.save()

    assert f'<option value="{pejlemaerke.pk}">Et nyt pejlemærke</option>' in page(client)


def test_a_list_read_while_a_rename_commits_does_not_keep_the_old_name(
    client, units, django_capture_on_commit_callbacks
):
    unit = units["jobcenter"]
    with django_capture_on_commit_callbacks(execute=True):
        unit.name = "Jobcenter Slagelse"
        unit.save(update_fields=["name"])
        # Another web process read the units before this commit and cached what it saw.
        cache.set(_filter_choices_key(), {"units": [(unit.pk, "— — Jobcenter")], "pejlemaerker": []})

    assert option(unit) in page(client)


def test_a_list_page_reads_no_units_or_pejlemaerker_once_they_are_cached(client, coordinator, units):
    client.force_login(coordinator)
    page(client, STAFF)
    with CaptureQueriesContext(connection) as captured:
        html = page(client, STAFF)

    assert option(units["hjemmeplejen"]) in html
    assert not [q["sql"] for q in captured if 'FROM "initiatives_pejlemaerke"' in q["sql"]]
    assert not [q["sql"] for q in captured if 'ORDER BY "slagelse_ou_orgunit"."path"' in q["sql"]]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }


def test_without_redis_the_choices_are_read_from_the_database(client, units, redis_down):
    assert option(units["hjemmeplejen"]) in page(client)
