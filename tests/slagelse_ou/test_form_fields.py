"""`choice_inputs` (slagelse_ou/templatetags/form_fields.py) draws radio buttons and checkboxes
exactly as templates/_field.html's loop over the field did, escaping included."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template

from slagelse_ou.lib.widgets import FastCheckboxSelectMultiple

CHOICES = [("a", "Æbler & <pærer>"), ("b", 'Bananer "gule"'), (3, "Tre")]

# The loop as _field.html had it before the filter.
LOOP = Template(
    "{% for choice in field %}"
    '{% with kind=field.field.widget.input_type %}<div class="form-group-{{ kind }}"><input type="{{ kind }}" '
    'class="form-{{ kind }}" name="{{ choice.data.name }}" value="{{ choice.data.value }}" '
    'id="{{ choice.id_for_label }}"{% if choice.data.selected %} checked{% endif %}><label class="form-label" '
    'for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endwith %}'
    "{% endfor %}"
)
FILTER = Template("{% load form_fields %}{{ field|choice_inputs }}")


class Choices(forms.Form):
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, required=False)
    boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False)
    fast = forms.MultipleChoiceField(choices=CHOICES, widget=FastCheckboxSelectMultiple, required=False)


def drawn(template: Template, field) -> str:
    return template.render(Context({"field": field})).replace("\n  ", "")


@pytest.mark.parametrize("data", [None, {"radio": "b", "boxes": ["a", "3"], "fast": ["a", "3"]}, {"radio": "x"}])
@pytest.mark.parametrize("name", ["radio", "boxes", "fast"])
def test_the_filter_draws_what_the_loop_drew(data, name):
    form = Choices(data)
    assert drawn(FILTER, form[name]) == drawn(LOOP, form[name])


def test_the_fast_checkboxes_give_the_same_choices_as_djangos():
    form = Choices({"boxes": ["3"], "fast": ["3"]})
    django_boxes = [(c.data["value"], c.data["selected"], c.id_for_label, c.choice_label) for c in form["boxes"]]
    fast_boxes = [(c.data["value"], c.data["selected"], c.id_for_label, c.choice_label) for c in form["fast"]]
    assert [(str(v), *rest) for v, *rest in fast_boxes] == [
        (str(v), s, i.replace("boxes", "fast"), label) for v, s, i, label in django_boxes
    ]
    assert "Æbler &amp; &lt;pærer&gt;" in drawn(FILTER, form["fast"])
