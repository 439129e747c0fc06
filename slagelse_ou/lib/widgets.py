"""Form widgets shared across apps."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A single `<select>` rendered in Python, with the same markup as Django's Select.

    Django renders every `<option>` through a template (~70 µs each). The list filters offer
    every unit and the team form every colleague, so at a municipality's size the options
    were most of the page's time (`make bench`). Option groups fall back to Django's widget.
    """

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(iter(self.choices))  # iter(): list() would ask a ModelChoiceIterator for a COUNT
        if any(isinstance(label, list | tuple) for _, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        chosen = False  # like Django: in a single select only the first match is selected

        def options():
            nonlocal chosen
            for option_value, label in choices:
                option_value = "" if option_value is None else str(option_value)
                is_selected = not chosen and option_value in selected
                chosen = chosen or is_selected
                yield option_value, mark_safe(" selected") if is_selected else "", label

        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", '<option value="{}"{}>{}</option>', options()),
        )
