"""FastSelect renders what Django's Select renders — the same options, labels, escaping and
selection — without a template per option and without counting a model choice list."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from slagelse_ou.lib.widgets import FastSelect
from slagelse_ou.models import OrgUnit

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')
CHOICES = [("", "Alle"), ("a", "Æbler & <pærer>"), ("b", "Bananer"), (3, "Tre")]


class DjangoForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.all(), required=False, empty_label="Alle enheder")
    kind = forms.ChoiceField(choices=CHOICES, required=False)


class FastForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=OrgUnit.objects.all(), required=False, empty_label="Alle enheder", widget=FastSelect
    )
    kind = forms.ChoiceField(choices=CHOICES, required=False, widget=FastSelect)


def rendered(form: forms.Form, name: str) -> tuple[list[tuple[str, str, str]], str]:
    html = str(form[name])
    return OPTION.findall(html), html[: html.index(">") + 1]


@pytest.mark.parametrize(
    "data",
    [None, {}, {"kind": "a"}, {"kind": "3"}, {"kind": "findes-ikke"}, {"unit": "unit"}, {"unit": "999999"}],
)
def test_fast_select_renders_the_same_options_and_selection_as_djangos_select(units, data):
    if data and data.get("unit") == "unit":
        data = {"unit": str(units["center"].pk), "kind": "b"}
    for name in ("unit", "kind"):
        fast_options, fast_tag = rendered(FastForm(data), name)
        django_options, django_tag = rendered(DjangoForm(data), name)
        assert fast_options == django_options
        assert sorted(fast_tag.split()) == sorted(django_tag.split())


def test_fast_select_escapes_labels(db):
    html = str(FastForm()["kind"])
    assert "Æbler &amp; &lt;pærer&gt;" in html
    assert "<pærer>" not in html


def test_a_model_choice_select_is_read_in_one_query_without_a_count(units):
    with CaptureQueriesContext(connection) as captured:
        html = str(FastForm(initial={"unit": units["center"].pk})["unit"])
    assert len(captured) == 1
    assert "COUNT(" not in captured[0]["sql"]
    assert f'<option value="{units["center"].pk}" selected>Center for Ældre</option>' in html
