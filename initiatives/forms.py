from __future__ import annotations

from typing import cast

import filetype
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from initiatives.models import (
    ExternalPartner,
    Indicator,
    Initiative,
    Mantra,
    Outcome,
    Pejlemaerke,
    Round,
    RuleChallenge,
    Status,
    TeamMember,
)
from initiatives.selectors import SORTS, colleague_matches, colleagues, initiative_filter_choices
from slagelse_ou.lib.widgets import FastSelect
from slagelse_ou.models import OrgUnit

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d")


class DkfdsMixin:
    """Adds DKFDS classes so templates can render fields plainly."""

    fields: dict[str, forms.Field]  # mixed into a forms.Form / forms.ModelForm

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-input"
            widget.attrs.setdefault("class", css)


class InitiativeForm(DkfdsMixin, forms.ModelForm):
    pejlemaerker = forms.ModelMultipleChoiceField(
        label=_("Pejlemærker"),
        queryset=Pejlemaerke.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mantras = forms.ModelMultipleChoiceField(
        label=_("Mantraer"),
        queryset=Mantra.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "problem",
            "idea",
            "hypothesis",
            "expected_effect",
            "pejlemaerker",
            "mantras",
            "target_group",
            "owning_unit",
            "resources",
            "start_date",
            "end_date",
            "evaluation_date",
            "risks",
            "round",
            "status_report_interval_weeks",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "evaluation_date": DATE_WIDGET,
            **{
                name: forms.Textarea(attrs={"rows": 4, "class": "form-input"})
                for name in ("summary", "problem", "idea", "hypothesis", "expected_effect", "resources", "risks")
            },
        }
        error_messages = {
            "title": {"required": _("Skriv en titel – så kan du gemme kladden og skrive resten senere.")},
            "owning_unit": {"required": _("Vælg den enhed, der er ansvarlig for prøvehandlingen.")},
        }

    # Fields checked as the user leaves them (htmx); the page works the same without JS.
    INLINE_VALIDATED = ("title", "owning_unit", "start_date", "end_date", "evaluation_date")

    def __init__(self, *args, validate_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if validate_url:
            for name in self.INLINE_VALIDATED:
                self.fields[name].widget.attrs.update(
                    {
                        "hx-post": validate_url,
                        "hx-trigger": "change",
                        "hx-include": "closest form",
                        "hx-target": "closest .form-group",
                        "hx-swap": "outerHTML",
                        "hx-sync": "closest form:abort",
                    }
                )
        owning_unit = cast(forms.ModelChoiceField, self.fields["owning_unit"])
        owning_unit.queryset = OrgUnit.objects.all()
        # Set per instance: the stubs type it as a method, which mypy won't let an instance replace.
        owning_unit.label_from_instance = lambda unit: ("— " * unit.depth) + unit.name  # type: ignore[method-assign, assignment]
        _round_field(self.fields["round"], current=self.instance.round_id if self.instance.pk else None)
        self._style()

    def clean(self):
        data = super().clean()
        start, end, evaluation = (
            data.get("start_date"),
            data.get("end_date"),
            data.get("evaluation_date"),
        )
        if start and end and end < start:
            self.add_error("end_date", _("Slutdatoen skal ligge efter startdatoen."))
        if end and evaluation and evaluation < end:
            self.add_error("evaluation_date", _("Evalueringsdatoen skal ligge efter slutdatoen."))
        return data


class IndicatorForm(DkfdsMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target"]
        error_messages = {
            "name": {"required": _("Skriv indikatorens navn.")},
            "unit": {"required": _("Skriv en måleenhed, fx “antal” eller “%”.")},
            "baseline": {
                "required": _("Skriv udgangspunktet som et tal."),
                "invalid": _("Skriv et tal."),
            },
            "target": {"required": _("Skriv målet som et tal."), "invalid": _("Skriv et tal.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        for name in ("baseline", "target"):
            self.fields[name].localize = True
            self.fields[name].widget = forms.TextInput(attrs={"class": "form-input", "inputmode": "decimal"})
            self.fields[name].widget.is_localized = True


class PartnerForm(DkfdsMixin, forms.ModelForm):
    class Meta:
        model = ExternalPartner
        fields = ["name", "kind", "contribution"]
        error_messages = {"name": {"required": _("Skriv partnerens navn.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RuleChallengeForm(DkfdsMixin, forms.ModelForm):
    class Meta:
        model = RuleChallenge
        fields = ["rule", "kind", "exemption_needed"]
        widgets = {"exemption_needed": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"rule": {"required": _("Beskriv den regel, der udfordres.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=1, max_num=20, validate_max=True)
PartnerFormSet = forms.formset_factory(PartnerForm, extra=1, max_num=20, validate_max=True)
RuleChallengeFormSet = forms.formset_factory(RuleChallengeForm, extra=1, max_num=20, validate_max=True)

FORMSETS = {
    "indicators": (IndicatorFormSet, ["name", "unit", "baseline", "target"]),
    "partners": (PartnerFormSet, ["name", "kind", "contribution"]),
    "rule_challenges": (RuleChallengeFormSet, ["rule", "kind", "exemption_needed"]),
}


def formset_rows(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if form.has_changed() and form.cleaned_data]


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
    )
    outcome = forms.ChoiceField(label=_("Udfald"), required=False, choices=[("", "—")])

    def __init__(self, *args, outcome_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outcome_choices:
            self.fields["outcome"].choices = [("", _("Vælg udfald")), *outcome_choices]
            self.fields["outcome"].widget.attrs["class"] = "form-select"


class _ColleagueChoices(forms.models.ModelChoiceIterator):
    """("pk", "Name (Unit)") straight from values_list. There is one option per colleague in
    the municipality; building a User and an OrgUnit object for each only to print two names
    was most of an editor's detail page (~80 ms for 2,000 colleagues; `make bench`)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "first_name", "last_name", "username", "unit__name")
        for pk, first_name, last_name, username, unit_name in rows:
            yield (pk, f"{f'{first_name} {last_name}'.strip() or username} ({unit_name})")


class ColleagueChoiceField(forms.ModelChoiceField):
    iterator = _ColleagueChoices


class TeamMemberForm(forms.Form):
    """A colleague for the team, found by what the editor types, not picked from a list of
    every employee: that list was 2,000 options (a fifth of an editor's detail page) and no
    way to find anyone. The typed text is matched by `initiatives.selectors.colleague_matches`;
    one match is taken, several are offered as choices (`matches`, also shown while typing
    with htmx), none is an error. A chosen `user` (one of the offered) wins over the text."""

    kollega = forms.CharField(
        label=_("Kollega"),
        required=False,
        max_length=200,
        help_text=_("Skriv navn, brugernavn eller e-mail."),
    )
    user = forms.IntegerField(required=False, widget=forms.HiddenInput)  # rendered as radio buttons, see matches
    role = forms.ChoiceField(label=_("Rolle i teamet"), choices=TeamMember.Role.choices, initial=TeamMember.Role.MEMBER)

    MATCHES_SHOWN = 10

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        # team.all(): the detail page has prefetched the team.
        self.taken = [initiative.owner_id, *(member.user_id for member in initiative.team.all())]
        self.text = (self.data.get("kollega") or "").strip()[:200] if self.is_bound else ""
        found = colleague_matches(self.text, exclude=self.taken, limit=self.MATCHES_SHOWN + 1) if self.text else []
        self.matches = found[: self.MATCHES_SHOWN]  # [(pk, "Name (Unit)")]
        self.more_matches = len(found) > self.MATCHES_SHOWN
        self.fields["kollega"].widget.attrs.update({"class": "form-input", "autocomplete": "off"})
        self.fields["role"].widget.attrs["class"] = "form-select"

    @property
    def chosen(self) -> int | None:
        """The offered colleague to show as chosen: the one posted, or the only match."""
        try:
            posted = int(self.data.get("user") or 0) if self.is_bound else 0
        except ValueError:
            posted = 0
        offered = [pk for pk, _label in self.matches]
        return posted if posted in offered else (offered[0] if len(offered) == 1 else None)

    def clean(self):
        data = super().clean()
        user_id = data.get("user")
        if user_id:
            data["user"] = colleagues(exclude=self.taken).filter(pk=user_id).first()
            if data["user"] is None:
                self.add_error("kollega", _("Vælg en kollega fra listen."))
        elif not self.text:
            self.add_error("kollega", _("Skriv navnet på en kollega."))
        elif len(self.matches) == 1:
            data["user"] = colleagues(exclude=self.taken).get(pk=self.matches[0][0])
        elif not self.matches:
            self.add_error(
                "kollega",
                _("Ingen kollega passer til “%(text)s”. Prøv med et andet navn, brugernavn eller e-mail.")
                % {"text": self.text},
            )
        else:
            self.add_error(
                "kollega", _("Flere kolleger passer til “%(text)s”. Vælg én herunder.") % {"text": self.text}
            )
        return data


ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Bilag"), error_messages={"required": _("Vælg en fil.")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("Filen er for stor (%(size)s). Den må højst fylde %(max)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
                }
            )
        head = upload.read(8192)
        upload.seek(0)
        kind = filetype.guess(head)
        # The type is read from the content, never from the name or the browser's claim.
        if kind is None or kind.mime not in ALLOWED_TYPES:
            raise forms.ValidationError(
                _("Filtypen er ikke tilladt. Tilladte typer: %(types)s.")
                % {"types": ", ".join(sorted(set(ALLOWED_TYPES.values())))}
            )
        self.content_type = kind.mime
        return upload


class FilterForm(forms.Form):
    # Full-text search (initiatives/search.py); templates/initiatives/_filters.html renders it.
    q = forms.CharField(label=_("Søg"), required=False, max_length=200)
    # FastSelect only for the unit filter: it lists every unit, on every list page (`make bench`);
    # the others have a handful of options, and Django's Select draws them.
    status = forms.ChoiceField(label=_("Status"), required=False)
    # Their options come from the cache (see __init__), and so does validation.
    enhed = forms.TypedChoiceField(label=_("Enhed"), required=False, coerce=int, empty_value=None, widget=FastSelect)
    pejlemaerke = forms.TypedChoiceField(label=_("Pejlemærke"), required=False, coerce=int, empty_value=None)
    aar = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)
    udfald = forms.ChoiceField(label=_("Udfald"), required=False, choices=[("", _("Alle udfald")), *Outcome.choices])
    sorter = forms.ChoiceField(
        label=_("Sortér efter"),
        required=False,
        choices=[
            # "relevans" first: it is what a search submits; without a search it means "opdateret".
            ("relevans", _("Bedste match (ved søgning)")),
            ("opdateret", _("Senest opdateret")),
            ("oprettet", _("Senest oprettet")),
            ("titel", _("Titel")),
            ("status", _("Status")),
            ("start", _("Startdato")),
        ],
    )

    def __init__(self, *args, statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = statuses or Status.choices
        self.fields["status"].choices = [("", _("Alle statusser")), *statuses]
        from django.utils import timezone

        this_year = timezone.localdate().year
        self.fields["aar"].choices = [
            ("", _("Alle år")),
            *[(y, str(y)) for y in range(this_year, this_year - 8, -1)],
        ]
        # The options from the cache, as plain tuples: a model instance per unit, on every list
        # page, cost more than the rest of the form (`make bench`). A chosen unit or pejlemærke
        # is valid when it is one of them, so validating costs no query either.
        choices = initiative_filter_choices()
        for name, key, empty in (
            ("enhed", "units", _("Alle enheder")),
            ("pejlemaerke", "pejlemaerker", _("Alle pejlemærker")),
        ):
            self.fields[name].choices = [("", empty), *choices[key]]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    @property
    def chosen_unit(self) -> tuple[int, str] | None:
        """(pk, name) of the unit filtered on, if the form is valid and one is chosen."""
        if not self.is_bound or not self.is_valid() or not self.cleaned_data.get("enhed"):
            return None
        unit_id = self.cleaned_data["enhed"]
        return next(((pk, name) for pk, _path, name in initiative_filter_choices()["tree"] if pk == unit_id), None)

    def to_filters(self):
        from initiatives.selectors import InitiativeFilters

        if not self.is_valid():
            return InitiativeFilters()
        data = self.cleaned_data
        q = (data.get("q") or "").strip()
        # Searching sorts by relevance unless the person chose another order.
        sort = data.get("sorter") or ("relevans" if q else "opdateret")
        return InitiativeFilters(
            q=q,
            outcome=data.get("udfald") or "",
            status=data.get("status") or "",
            unit=data.get("enhed"),
            pejlemaerke=data.get("pejlemaerke"),
            year=data.get("aar"),
            sort=sort if sort in SORTS or sort == "relevans" else "opdateret",
        )


def _round_field(field, *, current: int | None) -> None:
    """Rounds still accepting applications (and the one already chosen, even if closed, so
    an edit never silently drops it); the empty choice is continuous intake when allowed."""
    from django.db.models import Q
    from django.utils import formats, timezone

    field.queryset = Round.objects.filter(Q(application_deadline__gte=timezone.localdate()) | Q(pk=current))
    field.label_from_instance = lambda r: (
        _("%(title)s (ansøgningsfrist %(date)s)")
        % {
            "title": r.title,
            "date": formats.date_format(r.application_deadline, "j. F Y"),
        }
    )
    field.empty_label = _("Løbende optag (ingen runde)") if settings.CONTINUOUS_INTAKE else _("Vælg en runde")
    field.help_text = _("Søger du i en ansøgningsrunde, skal ansøgningen være indsendt senest på fristen.")
