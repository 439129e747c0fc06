from __future__ import annotations

from typing import cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ideas import spam
from ideas.models import OPEN_STATUSES, PUBLIC_STATUSES, Area, Idea, IdeaStatus, SubmitterKind
from initiatives.forms import ColleagueChoiceField, DkfdsMixin
from slagelse_ou.lib.widgets import FastSelect
from slagelse_ou.models import OrgUnit, User

TEXTAREA = forms.Textarea(attrs={"rows": 6, "class": "form-input"})


class IdeaForm(DkfdsMixin, forms.Form):
    """The public idea form. The honeypot and the signed start time are checked by the view
    (ideas.spam), so the person's own input errors come first and read as such."""

    title = forms.CharField(
        label=_("Idéens titel"),
        max_length=200,
        help_text=_("En kort overskrift, fx “Fælles spisning for ensomme ældre”."),
        error_messages={
            "required": _("Skriv en titel på idéen."),
            "max_length": _("Titlen må højst være %(limit_value)d tegn (den er %(show_value)d)."),
        },
    )
    description = forms.CharField(
        label=_("Beskriv idéen"),
        max_length=5000,
        widget=TEXTAREA,
        help_text=_(
            "Hvad vil du gerne have afprøvet, og hvilket problem løser det for borgerne? "
            "Skriv ikke følsomme oplysninger om dig selv eller andre."
        ),
        error_messages={
            "required": _("Beskriv idéen – bare et par linjer."),
            "max_length": _("Beskrivelsen må højst være %(limit_value)d tegn (den er %(show_value)d)."),
        },
    )
    area = forms.ChoiceField(
        label=_("Område"),
        choices=[("", _("Vælg område")), *Area.choices],
        error_messages={"required": _("Vælg det område, idéen handler om.")},
    )
    submitter_kind = forms.ChoiceField(
        label=_("Jeg er"),
        choices=SubmitterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg, om du er borger, virksomhed, forening eller andet.")},
    )
    submitter_name = forms.CharField(
        label=_("Dit navn (frivilligt)"),
        max_length=200,
        required=False,
        help_text=_("Vises aldrig offentligt."),
    )
    email = forms.EmailField(
        label=_("Din e-mail (frivilligt)"),
        required=False,
        help_text=_(
            "Hvis du vil have besked, når der sker noget med idéen. Vi sender først en e-mail, "
            "hvor du bekræfter adressen. Vises aldrig offentligt."
        ),
        error_messages={
            "invalid": _("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk – eller lad feltet stå tomt.")
        },
    )
    consent = forms.BooleanField(
        label=_("Jeg har læst, hvordan kommunen behandler mine oplysninger, og giver samtykke til det."),
        error_messages={"required": _("Sæt kryds, hvis du giver samtykke – ellers kan vi ikke modtage idéen.")},
    )
    # Spam defences (ideas.spam): not shown; no `required`, the view judges them.
    hjemmeside = forms.CharField(
        label=_("Lad dette felt være tomt"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    startet = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["submitter_name"].widget.attrs["autocomplete"] = "name"
        if not self.is_bound:
            self.initial.setdefault(spam.STARTED_FIELD, spam.form_started_token())

    def restart_clock(self) -> None:
        """Give a re-shown form a fresh signed start time (the old one was missing, forged
        or expired), keeping everything the person typed."""
        data = cast(QueryDict, self.data).copy()  # bound to request.POST: it is being re-shown
        data[spam.STARTED_FIELD] = spam.form_started_token()
        self.data = data


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Søg"), required=False, max_length=200)
    omraade = forms.ChoiceField(label=_("Område"), required=False, choices=[("", _("Alle områder")), *Area.choices])
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, statuses=PUBLIC_STATUSES, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Alle statusser")), *[(s, IdeaStatus(s).label) for s in statuses]]
        self.fields["q"].widget.attrs.update({"class": "form-input", "type": "search"})
        for name in ("omraade", "status"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def values(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "area": "", "status": ""}
        data = self.cleaned_data
        return {"q": data["q"], "area": data["omraade"], "status": data["status"]}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse til den, der sendte idéen"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-input"}),
        error_messages={"required": _("Skriv en begrundelse – den sendes til den, der har sendt idéen.")},
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Læg sammen med"),
        queryset=Idea.objects.none(),
        widget=FastSelect,
        error_messages={
            "required": _("Vælg den idé, den skal lægges sammen med."),
            "invalid_choice": _("Vælg en åben idé fra listen."),
        },
    )
    note = forms.CharField(
        label=_("Bemærkning (frivillig)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
    )

    def __init__(self, *args, idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        into = cast(forms.ModelChoiceField, self.fields["into"])
        into.queryset = Idea.objects.filter(status__in=OPEN_STATUSES).exclude(pk=idea.pk).order_by("title")
        # Set per instance: the stubs type it as a method, which mypy won't let an instance replace.
        into.label_from_instance = lambda other: f"#{other.pk} {other.title}"  # type: ignore[method-assign, assignment]
        self.fields["into"].widget.attrs["class"] = "form-select"


class ConvertForm(forms.Form):
    owner = ColleagueChoiceField(
        label=_("Ejer af prøvehandlingen"),
        queryset=User.objects.none(),
        widget=FastSelect,
        error_messages={
            "required": _("Vælg den medarbejder, der skal eje prøvehandlingen."),
            "invalid_choice": _("Vælg en medarbejder fra listen."),
        },
    )
    owning_unit = forms.ModelChoiceField(
        label=_("Ansvarlig enhed"),
        required=False,
        queryset=OrgUnit.objects.all(),
        widget=FastSelect,
        empty_label=_("Ejerens enhed"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True, unit__isnull=False).select_related("unit")
        self.fields["owning_unit"].label_from_instance = lambda unit: ("— " * unit.depth) + unit.name
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class PersonalDataForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mailadresse"),
        error_messages={
            "required": _("Skriv den e-mailadresse, anmodningen gælder."),
            "invalid": _("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk."),
        },
    )
    confirm = forms.BooleanField(
        label=_("Ja, slet alt om denne adresse – idéer, historik og e-mails. Det kan ikke fortrydes."), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"class": "form-input", "autocomplete": "off"})
