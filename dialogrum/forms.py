from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dialogrum.models import Meeting, MinutesLink, Room, Visibility
from initiatives.models import Initiative, Status
from initiatives.permissions import visible_initiatives
from slagelse_ou.models import User

MAX_POST_CHARS = 10_000
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-input"})


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-input")


MARKDOWN_HELP = _("Du kan skrive **fed**, *kursiv*, lister og links med Markdown.")


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["title", "description", "visibility"]
        widgets = {"description": _textarea(4), "visibility": forms.RadioSelect}
        error_messages = {
            "title": {"required": _("Skriv en titel på rummet.")},
            "visibility": {"required": _("Vælg, hvem der kan se rummet.")},
        }
        help_texts = {"visibility": _("Inviterede medlemmer kan altid se rummet.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.kind == Room.Kind.INITIATIVE:
            # A trial's room is named after the trial.
            del self.fields["title"]
        self.fields["visibility"].choices = Visibility.choices
        _style(self)


class ThreadForm(forms.Form):
    title = forms.CharField(
        label=_("Overskrift"),
        max_length=200,
        error_messages={
            "required": _("Skriv en overskrift."),
            "max_length": _("Overskriften må højst være %(limit_value)d tegn."),
        },
    )
    body = forms.CharField(
        label=_("Indlæg"),
        widget=_textarea(6),
        max_length=MAX_POST_CHARS,
        help_text=MARKDOWN_HELP,
        error_messages={
            "required": _("Skriv dit indlæg."),
            "max_length": _("Indlægget må højst være %(limit_value)d tegn."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Dit svar"),
        widget=_textarea(4),
        max_length=MAX_POST_CHARS,
        help_text=MARKDOWN_HELP,
        error_messages={
            "required": _("Skriv dit svar."),
            "max_length": _("Indlægget må højst være %(limit_value)d tegn."),
        },
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Begrundelse"),
        widget=_textarea(3),
        max_length=2000,
        error_messages={"required": _("Skriv en begrundelse.")},
    )


class InviteForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        error_messages={"required": _("Vælg en person."), "invalid_choice": _("Vælg en person fra listen.")},
    )
    as_owner = forms.BooleanField(label=_("Gør personen til ejer af rummet"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).select_related("unit")
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}" + (f" ({u.unit})" if u.unit_id else "")
        )
        _style(self)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "location", "online_url", "description"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
            "description": _textarea(4),
        }
        help_texts = {
            "location": _("Fx “Rådhuset, mødelokale 2”. Udfyld sted, onlinelink eller begge."),
            "starts_at": _("Dato og klokkeslæt, fx 2026-03-05 16:00."),
        }
        error_messages = {
            "title": {"required": _("Skriv en titel på mødet.")},
            "starts_at": {"required": _("Angiv, hvornår mødet starter."), "invalid": _("Skriv dato og klokkeslæt.")},
            "ends_at": {"required": _("Angiv, hvornår mødet slutter."), "invalid": _("Skriv dato og klokkeslæt.")},
            "online_url": {"invalid": _("Skriv en hel webadresse, der begynder med https://.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d-%m-%Y %H:%M"]
        _style(self)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Mødet skal slutte efter, det starter."))
        if not data.get("location") and not data.get("online_url") and "online_url" not in self.errors:
            self.add_error("location", _("Angiv et sted eller et onlinelink."))
        return data


def _initiative_choices(user):
    return visible_initiatives(user).exclude(status__in=[Status.DRAFT, Status.WITHDRAWN]).order_by("title")


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label=_("Dagsordenspunkt"), max_length=200, error_messages={"required": _("Skriv dagsordenspunktets titel.")}
    )
    description = forms.CharField(label=_("Beskrivelse"), required=False, widget=_textarea(2))
    initiative = forms.ModelChoiceField(
        label=_("Prøvehandling (valgfri)"), required=False, queryset=Initiative.objects.none(), empty_label=_("Ingen")
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "agenda_%s")  # unique ids: several forms share the meeting page
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = _initiative_choices(user)
        _style(self)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Referat"),
        widget=_textarea(12),
        max_length=50_000,
        help_text=MARKDOWN_HELP,
        error_messages={"required": _("Skriv referatet.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class MinutesAttachForm(forms.Form):
    initiative = forms.ModelChoiceField(
        label=_("Prøvehandling"),
        queryset=Initiative.objects.none(),
        error_messages={
            "required": _("Vælg en prøvehandling."),
            "invalid_choice": _("Vælg en prøvehandling fra listen."),
        },
    )
    purpose = forms.ChoiceField(label=_("Referatet er"), choices=MinutesLink.Purpose.choices)
    note = forms.CharField(label=_("Bemærkning (valgfri)"), required=False, widget=_textarea(2), max_length=2000)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "attach_%s")
        super().__init__(*args, **kwargs)
        qs = _initiative_choices(user)
        if not user.is_coordinator:
            qs = qs.filter(pk__in=Initiative.objects.involving(user).values("pk"))
        self.fields["initiative"].queryset = qs
        _style(self)


class ParticipantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Tilføj deltager"),
        queryset=User.objects.none(),
        error_messages={"required": _("Vælg en person."), "invalid_choice": _("Vælg en person fra listen.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "participant_%s")
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True)
        _style(self)
