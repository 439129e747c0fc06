"""Form widgets shared across apps."""

from __future__ import annotations

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.functional import Promise
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A single `<select>` rendered in Python, with the same markup as Django's Select.

    Django renders every `<option>` through a template (~70 µs each). The list filters offer
    every unit and the team form every colleague, so at a municipality's size the options
    were most of the page's time (`make bench`). Option groups fall back to Django's widget.
    Only for long lists (every unit, every colleague, every open idea); a select with a handful
    of options uses Django's Select. tests/slagelse_ou/test_fast_select.py compares the two.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(iter(self.choices))  # iter(): list() would ask a ModelChoiceIterator for a COUNT
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        chosen = False  # like Django: in a single select only the first match is selected
        # Plain strings with the escaping format_html applies: format_html per option, and
        # Django's escape functions checking every argument for laziness, were most of the
        # select's time with a municipality's units (`make bench`).
        options = []
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            is_selected = not chosen and option_value in selected
            chosen = chosen or is_selected
            options.append(
                f'<option value="{_escape(option_value)}"{" selected" if is_selected else ""}>{_escape(label)}</option>'
            )
        return mark_safe(  # every value above is escaped
            f'<select name="{_escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>{"".join(options)}</select>'
        )


def _escape(text) -> str:
    """django.utils.html.conditional_escape (safe strings as they are, the rest escaped)."""
    if isinstance(text, Promise):
        text = str(text)
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """CheckboxSelectMultiple whose choices are iterated without Django's per-option context.

    Templates that draw each box themselves (templates/_field.html: `{% for choice in field %}`)
    read only the name, value, label, selection and id of each; Django builds a full option
    context per choice for them (attrs copied, wrap_label, template names …), which was a
    quarter of the review overview with its ~100 reviewers (`make bench`). The ids, values and
    labels are the ones Django gives; `render()` is Django's own.
    """

    def subwidgets(self, name, value, attrs=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id")
        selected = {str(v) for v in self.format_value(value)}
        for index, (option_value, label) in enumerate(self.choices):
            option_value = "" if option_value is None else option_value
            option_attrs = {**attrs, "id": self.id_for_label(base_id, index)} if base_id else dict(attrs)
            yield {
                "name": name,
                "value": option_value,
                "label": label,
                "selected": str(option_value) in selected,
                "index": str(index),
                "attrs": option_attrs,
                "type": self.input_type,
                "template_name": self.option_template_name,
                "wrap_label": True,
            }
