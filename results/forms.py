"""Forms for status reports, the evaluation, the conclusion, the knowledge base's filters and
ordering reports. Every message is Danish; a form that fails keeps everything typed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.forms import DATE_WIDGET, DkfdsMixin
from initiatives.models import Outcome, Pejlemaerke, Round, TargetGroup
from results.charts import number
from results.models import ExemptionAnswer
from slagelse_ou.lib.widgets import FastSelect
from slagelse_ou.models import OrgUnit

TEXTAREA = {"rows": 4, "class": "form-input"}
DECIMAL_ERRORS = {"invalid": _("Skriv et tal, fx 12 eller 12,5.")}


def _decimal(label: str, help_text: str = "") -> forms.DecimalField:
    # localize=True: Danish readers write 12,5; the field accepts the comma.
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        error_messages=DECIMAL_ERRORS,
        widget=forms.TextInput(attrs={"class": "form-input input-width-s", "inputmode": "decimal"}),
    )


class StatusReportForm(DkfdsMixin, forms.Form):
    reported_on = forms.DateField(
        label=_("Målingerne er opgjort pr."),
        widget=DATE_WIDGET,
        error_messages={"required": _("Skriv datoen for målingerne."), "invalid": _("Skriv en gyldig dato.")},
    )
    narrative = forms.CharField(
        label=_("Hvad er der sket siden sidst?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Fortæl kort, hvad der er sket siden sidst.")},
    )
    obstacles = forms.CharField(label=_("Forhindringer"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    help_needed = forms.CharField(
        label=_("Hvad har I brug for hjælp til?"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Sekretariatet får besked, hvis I skriver noget her."),
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.fields["reported_on"].initial = timezone.localdate()
        for indicator in self.indicators:
            self.fields[f"indikator_{indicator.pk}"] = _decimal(
                f"{indicator.name} ({indicator.unit})",
                _("Udgangspunkt %(baseline)s, mål %(target)s. Lad feltet stå tomt, hvis I ikke har målt.")
                % {"baseline": number(indicator.baseline), "target": number(indicator.target)},
            )
        self._style()

    @property
    def measurement_fields(self):
        return [self[f"indikator_{indicator.pk}"] for indicator in self.indicators]

    def clean_reported_on(self):
        day = self.cleaned_data["reported_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Datoen for målingerne kan ikke ligge i fremtiden."))
        return day

    def measurements(self) -> dict:
        return {i.pk: self.cleaned_data.get(f"indikator_{i.pk}") for i in self.indicators}


class EvaluationForm(DkfdsMixin, forms.Form):
    effect_summary = forms.CharField(
        label=_("Hvilken effekt fik borgerne?"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    what_worked = forms.CharField(label=_("Hvad virkede?"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    what_did_not = forms.CharField(label=_("Hvad virkede ikke?"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    advice = forms.CharField(
        label=_("Råd til andre, der vil prøve noget lignende"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    recommended_outcome = forms.ChoiceField(
        label=_("Hvad anbefaler I?"), required=False, widget=forms.RadioSelect, choices=Outcome.choices
    )
    reason = forms.CharField(
        label=_("Begrundelse for anbefalingen"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    follow_up = forms.CharField(
        label=_("Opfølgning"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Ved skalering eller justering: planen for det videre forløb. Ved stop: en afsluttende note."),
    )

    def __init__(self, *args, results=(), rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.results = list(results)
        self.rules = list(rules)
        for row in self.results:
            self.fields[f"effekt_{row.order}"] = _decimal(
                _("Opnået: %(name)s (%(unit)s)") % {"name": row.name, "unit": row.unit},
                _("Aftalt: udgangspunkt %(baseline)s, mål %(target)s.")
                % {"baseline": number(row.baseline), "target": number(row.target)},
            )
            self.fields[f"effekt_{row.order}_kommentar"] = forms.CharField(
                label=_("Kommentar til %(name)s") % {"name": row.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
            )
        for rule in self.rules:
            self.fields[f"regel_{rule.pk}"] = forms.ChoiceField(
                label=_("Dispensationen fra “%(rule)s”") % {"rule": rule.rule},
                required=False,
                widget=forms.RadioSelect,
                choices=ExemptionAnswer.Answer.choices,
            )
            self.fields[f"regel_{rule.pk}_til"] = forms.DateField(
                label=_("Forlænges til"),
                required=False,
                widget=DATE_WIDGET,
                error_messages={"invalid": _("Skriv en gyldig dato.")},
            )
            self.fields[f"regel_{rule.pk}_note"] = forms.CharField(
                label=_("Bemærkning"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"})
            )
        self._style()

    @property
    def result_fields(self):
        return [(row, self[f"effekt_{row.order}"], self[f"effekt_{row.order}_kommentar"]) for row in self.results]

    @property
    def rule_fields(self):
        return [
            (rule, self[f"regel_{r}"], self[f"regel_{r}_til"], self[f"regel_{r}_note"])
            for rule in self.rules
            for r in [rule.pk]
        ]

    def clean(self):
        data = super().clean()
        for rule in self.rules:
            if data.get(f"regel_{rule.pk}") == ExemptionAnswer.Answer.EXTEND and not data.get(f"regel_{rule.pk}_til"):
                self.add_error(f"regel_{rule.pk}_til", _("Skriv, hvor længe dispensationen skal forlænges."))
        return data

    def evaluation_data(self) -> dict:
        return {
            key: self.cleaned_data.get(key, "")
            for key in (
                "effect_summary",
                "what_worked",
                "what_did_not",
                "advice",
                "recommended_outcome",
                "reason",
                "follow_up",
            )
        }

    def indicator_results(self) -> dict:
        return {
            row.order: (
                self.cleaned_data.get(f"effekt_{row.order}"),
                self.cleaned_data.get(f"effekt_{row.order}_kommentar", ""),
            )
            for row in self.results
        }

    def exemption_answers(self) -> dict:
        answers = {}
        for rule in self.rules:
            answer = self.cleaned_data.get(f"regel_{rule.pk}")
            if answer:
                answers[rule.pk] = {
                    "answer": answer,
                    "extended_until": self.cleaned_data.get(f"regel_{rule.pk}_til"),
                    "note": self.cleaned_data.get(f"regel_{rule.pk}_note", ""),
                }
        return answers


class ExemptionAnswerForm(DkfdsMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("Svar"),
        choices=ExemptionAnswer.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg om dispensationen skal gøres permanent, forlænges eller ophøre.")},
    )
    extended_until = forms.DateField(
        label=_("Forlænges til"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Skriv en gyldig dato.")},
    )
    note = forms.CharField(
        label=_("Bemærkning"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"})
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == ExemptionAnswer.Answer.EXTEND and not data.get("extended_until"):
            self.add_error("extended_until", _("Skriv, hvor længe dispensationen skal forlænges."))
        return data


class ConcludeForm(DkfdsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Udfald"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg et udfald: skaleret, videreført med justering eller stoppet.")},
    )
    note = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
        error_messages={"required": _("Skriv en begrundelse.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class KnowledgeFilterForm(forms.Form):
    q = forms.CharField(label=_("Søg i erfaringerne"), required=False, max_length=200)
    udfald = forms.ChoiceField(label=_("Udfald"), required=False, choices=[("", _("Alle udfald")), *Outcome.choices])
    pejlemaerke = forms.ModelChoiceField(
        label=_("Pejlemærke"),
        required=False,
        queryset=Pejlemaerke.objects.all(),
        empty_label=_("Alle pejlemærker"),
    )
    enhed = forms.ModelChoiceField(
        label=_("Enhed"),
        required=False,
        queryset=OrgUnit.objects.all(),
        empty_label=_("Alle enheder"),
        widget=FastSelect,  # every unit of the municipality
    )
    maalgruppe = forms.ChoiceField(
        label=_("Målgruppe"),
        required=False,
        choices=[("", _("Alle målgrupper")), *TargetGroup.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enhed"].label_from_instance = lambda unit: ("— " * unit.depth) + unit.name
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-input" if name == "q" else "form-select"

    def to_filters(self):
        from results.selectors import KnowledgeFilters

        if not self.is_valid():
            return KnowledgeFilters()
        data = self.cleaned_data
        return KnowledgeFilters(
            q=(data.get("q") or "").strip(),
            outcome=data.get("udfald") or "",
            unit=data["enhed"].pk if data.get("enhed") else None,
            pejlemaerke=data["pejlemaerke"].pk if data.get("pejlemaerke") else None,
            target_group=data.get("maalgruppe") or "",
        )


class RoundReportForm(DkfdsMixin, forms.Form):
    runde = forms.ModelChoiceField(
        label=_("Ansøgningsrunde"),
        queryset=Round.objects.all(),
        empty_label=_("Vælg runde"),
        error_messages={"required": _("Vælg den ansøgningsrunde, rapporten skal handle om.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class PortfolioReportForm(DkfdsMixin, forms.Form):
    fra = forms.DateField(
        label=_("Fra og med"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Vælg periodens første dag."), "invalid": _("Skriv en gyldig dato.")},
    )
    til = forms.DateField(
        label=_("Til og med"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Vælg periodens sidste dag."), "invalid": _("Skriv en gyldig dato.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("fra") and data.get("til") and data["til"] < data["fra"]:
            self.add_error("til", _("Slutdatoen skal ligge efter startdatoen."))
        return data


class DashboardFilterForm(forms.Form):
    runde = forms.ModelChoiceField(
        label=_("Ansøgningsrunde"),
        required=False,
        queryset=Round.objects.all(),
        empty_label=_("Alle runder"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["runde"].widget.attrs["class"] = "form-select"
