"""Forms for the manager's view, the assignment, the review and the decision. They validate
with the same rules as the services (a service refusal becomes a form error), and every
bound form re-renders what was typed."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from criteria.models import Criterion, ManagerEndorsement, Recommendation, Verdict
from criteria.selectors import eligible_reviewers
from initiatives.models import Initiative
from slagelse_ou.lib.widgets import FastCheckboxSelectMultiple

TEXTAREA = {"rows": 3, "class": "form-input"}
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d")


def _radio(choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect(attrs={"class": "form-radio"}), **kwargs)


class EndorsementForm(forms.Form):
    verdict = _radio(
        ManagerEndorsement.Verdict.choices,
        label=_("Din vurdering"),
        error_messages={"required": _("Vælg din vurdering."), "invalid_choice": _("Vælg en af vurderingerne.")},
    )
    reason = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Skal udfyldes, når du sender tilbage eller ikke anbefaler. Ansøgeren og bedømmerne ser den."),
    )

    def clean(self):
        data = super().clean()
        if data.get("verdict") and data["verdict"] != ManagerEndorsement.Verdict.ENDORSED:
            if not data.get("reason", "").strip():
                self.add_error("reason", _("Skriv en begrundelse, så ansøgeren ved, hvad der skal til."))
        return data


class EscalateForm(forms.Form):
    note = forms.CharField(
        label=_("Hvorfor skal sekretariatet gå videre med ansøgningen?"),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Skriv en begrundelse til sekretariatet.")},
    )


class _ReviewerChoices(forms.models.ModelChoiceIterator):
    """("pk", "Name (Unit)") from values_list: a User and an OrgUnit per reviewer only to print
    two names cost more than the rest of the review overview's form (`make bench`)."""

    def __iter__(self):
        rows = self.queryset.values_list("pk", "first_name", "last_name", "username", "unit__name")
        for pk, first_name, last_name, username, unit_name in rows:
            yield (pk, f"{f'{first_name} {last_name}'.strip() or username} ({unit_name or _('ingen enhed')})")


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    iterator = _ReviewerChoices


class AssignForm(forms.Form):
    reviewers = ReviewerChoiceField(
        label=_("Bedømmere"),
        queryset=None,
        widget=FastCheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
        help_text=_("Kun bedømmere uden interessekonflikt vises: ikke ejer, team eller den ansvarlige enhed."),
        error_messages={
            "required": _("Vælg mindst én bedømmer."),
            "invalid_choice": _("En af de valgte kan ikke være bedømmer af denne ansøgning."),
            "invalid_pk_value": _("Vælg bedømmere fra listen."),
        },
    )
    due_date = forms.DateField(
        label=_("Frist for bedømmelsen"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Vælg en frist."), "invalid": _("Skriv fristen som en dato, fx 2026-03-01.")},
    )
    note = forms.CharField(
        label=_("Begrundelse for at gå videre uden ledelsens anbefaling"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(self, *args, initiative: Initiative, needs_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_reason = needs_reason
        reviewers = cast(forms.ModelMultipleChoiceField, self.fields["reviewers"])
        reviewers.queryset = eligible_reviewers(initiative=initiative)
        if not needs_reason:
            del self.fields["note"]

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("Fristen skal være i dag eller senere."))
        return due

    def clean(self):
        data = super().clean()
        if self.needs_reason and not data.get("note", "").strip():
            self.add_error(
                "note", _("Ledelsen har ikke anbefalet ansøgningen. Skriv, hvorfor bedømmelsen skal i gang.")
            )
        return data


class DeclareForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Jeg erklærer, at jeg ikke er inhabil: jeg ejer ikke ansøgningen, er ikke med i teamet og har "
            "ingen personlig eller økonomisk interesse i den."
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
        error_messages={"required": _("Sæt kryds for at erklære, at du ikke er inhabil – eller afslå bedømmelsen.")},
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Hvorfor afslår du?"),
        help_text=_("Fx en interessekonflikt eller manglende tid. Sekretariatet får besked."),
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": _("Skriv, hvorfor du afslår at bedømme ansøgningen.")},
    )


class ReviewForm(forms.Form):
    """A verdict and a justification per criterion, an overall recommendation and a comment.
    Everything is optional for a draft; `submitting=True` applies the service's rules."""

    recommendation = _radio(
        Recommendation.choices,
        label=_("Samlet anbefaling"),
        required=False,
        error_messages={"invalid_choice": _("Vælg en af anbefalingerne.")},
    )
    comment = forms.CharField(
        label=_("Kommentar til anbefalingen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-input"}),
    )

    def __init__(self, *args, criteria: list[Criterion], submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.submitting = submitting
        for criterion in criteria:
            n = {"n": criterion.order}
            self.fields[f"c{criterion.pk}-verdict"] = _radio(
                Verdict.choices,
                label=_("Vurdering af princip %(n)s") % n,
                required=False,
                error_messages={"invalid_choice": _("Vælg en af vurderingerne.")},
            )
            self.fields[f"c{criterion.pk}-justification"] = forms.CharField(
                label=_("Begrundelse for princip %(n)s") % n,
                required=False,
                widget=forms.Textarea(attrs=TEXTAREA),
                help_text=_("Skal udfyldes, medmindre princippet er opfyldt."),
            )

    @classmethod
    def initial_from(cls, review) -> dict[str, str]:
        initial = {"recommendation": review.recommendation, "comment": review.comment}
        for score in review.scores.all():
            initial[f"c{score.criterion_id}-verdict"] = score.verdict
            initial[f"c{score.criterion_id}-justification"] = score.justification
        return initial

    def principles(self):
        """(criterion, verdict field, justification field) for the template."""
        return [(c, self[f"c{c.pk}-verdict"], self[f"c{c.pk}-justification"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            c.pk: (data.get(f"c{c.pk}-verdict") or "", data.get(f"c{c.pk}-justification") or "") for c in self.criteria
        }

    def clean(self):
        data = super().clean()
        if self.submitting and not self.errors:
            from criteria.services import review_problems

            problems = review_problems(
                criteria=self.criteria,
                scores=self.scores(),
                recommendation=data.get("recommendation") or "",
                comment=data.get("comment") or "",
            )
            for name, message in problems.items():
                self.add_error(name, message)
        return data


class DecisionForm(forms.Form):
    """The decision with a public verdict and reason per principle, pre-filled from the
    reviews (`criteria.selectors.decision_initial`) and editable."""

    outcome = _radio(
        Recommendation.choices,
        label=_("Afgørelse"),
        error_messages={"required": _("Vælg en afgørelse."), "invalid_choice": _("Vælg en af afgørelserne.")},
    )
    summary = forms.CharField(
        label=_("Samlet begrundelse (offentlig)"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-input"}),
        error_messages={"required": _("Skriv en samlet begrundelse for afgørelsen.")},
    )
    override_reason = forms.CharField(
        label=_("Begrundelse for at afgøre uden nok bedømmelser"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(self, *args, criteria: list[Criterion], rule_holds: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.rule_holds = rule_holds
        if rule_holds:
            del self.fields["override_reason"]
        for criterion in criteria:
            n = {"n": criterion.order}
            self.fields[f"c{criterion.pk}-verdict"] = forms.ChoiceField(
                label=_("Vurdering af princip %(n)s") % n,
                choices=[("", _("Vælg vurdering")), *Verdict.choices],
                widget=forms.Select(attrs={"class": "form-select"}),
                error_messages={"required": _("Vælg en vurdering af princip %(n)s.") % n},
            )
            self.fields[f"c{criterion.pk}-reason"] = forms.CharField(
                label=_("Offentlig begrundelse for princip %(n)s") % n,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
                error_messages={"required": _("Skriv en begrundelse for princip %(n)s.") % n},
            )

    def principles(self):
        return [(c, self[f"c{c.pk}-verdict"], self[f"c{c.pk}-reason"]) for c in self.criteria]

    def reasons(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {c.pk: (data[f"c{c.pk}-verdict"], data[f"c{c.pk}-reason"]) for c in self.criteria}

    def clean(self):
        data = super().clean()
        if not self.rule_holds and not data.get("override_reason", "").strip():
            self.add_error(
                "override_reason",
                _("Der er ikke nok indsendte bedømmelser. Skriv, hvorfor afgørelsen skal træffes alligevel."),
            )
        return data
