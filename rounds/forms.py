from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.forms import DATE_WIDGET, DkfdsMixin
from initiatives.models import Round


class RoundForm(DkfdsMixin, forms.ModelForm):
    class Meta:
        model = Round
        fields = ["title", "description", "opens_on", "application_deadline", "review_deadline", "committee_meeting_on"]
        widgets = {
            "opens_on": DATE_WIDGET,
            "application_deadline": DATE_WIDGET,
            "review_deadline": DATE_WIDGET,
            "committee_meeting_on": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "title": {"required": _("Giv runden en titel.")},
            "opens_on": {"required": _("Vælg den dato, runden åbner."), "invalid": _("Skriv en gyldig dato.")},
            "application_deadline": {"required": _("Vælg ansøgningsfristen."), "invalid": _("Skriv en gyldig dato.")},
            "review_deadline": {"required": _("Vælg fristen for bedømmelse."), "invalid": _("Skriv en gyldig dato.")},
            "committee_meeting_on": {
                "required": _("Vælg datoen for udvalgsmødet."),
                "invalid": _("Skriv en gyldig dato."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        data = super().clean()
        opens, deadline = data.get("opens_on"), data.get("application_deadline")
        review, meeting = data.get("review_deadline"), data.get("committee_meeting_on")
        if opens and deadline and deadline < opens:
            self.add_error("application_deadline", _("Ansøgningsfristen skal ligge på eller efter åbningsdatoen."))
        if deadline and review and review < deadline:
            self.add_error("review_deadline", _("Fristen for bedømmelse skal ligge på eller efter ansøgningsfristen."))
        if review and meeting and meeting < review:
            self.add_error("committee_meeting_on", _("Udvalgsmødet skal ligge på eller efter fristen for bedømmelse."))
        return data

    def validate_constraints(self):
        # The database's check constraints say the same as clean(), in Danish above.
        return


class MilestoneForm(DkfdsMixin, forms.Form):
    title = forms.CharField(label=_("Milepæl"), max_length=200, error_messages={"required": _("Beskriv milepælen.")})
    due_on = forms.DateField(
        label=_("Dato"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Vælg en dato."), "invalid": _("Skriv en gyldig dato.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
