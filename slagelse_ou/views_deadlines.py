"""Views for deadlines and notifications: "Mine frister", the coordinators' overdue page,
the unread badge (htmx) and notification preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from slagelse_ou import reminders
from slagelse_ou.models import User


@login_required
@require_http_methods(["GET"])
def my_deadlines(request):
    return render(
        request, "deadlines/deadline_mine.html", {"deadlines": reminders.deadlines_for_user(user=request.user)}
    )


@login_required
@require_http_methods(["GET"])
def overdue(request):
    if not request.user.is_coordinator:
        raise PermissionDenied
    return render(request, "deadlines/deadline_overdue.html", {"rows": reminders.overdue_flags_open()})


@require_http_methods(["GET"])
def notification_badge(request):
    # Polled by htmx from every page (base.html); the count comes from the context processor.
    response = render(request, "base.html#notification-badge")
    response["Cache-Control"] = "private, no-store"
    return response


class PreferencesForm(forms.Form):
    notification_preference = forms.ChoiceField(
        label=gettext_lazy("Hvornår vil du have e-mail?"),
        choices=User.DigestPreference.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Vælg straks eller dagligt sammendrag.")},
    )
    email_non_essential = forms.BooleanField(
        label=gettext_lazy("Send mig også e-mail om ikke-væsentlige notifikationer (fx tidlige påmindelser)"),
        required=False,
        help_text=gettext_lazy("Frister på dagen, overskredne frister og eskaleringer sendes altid."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    initial = {"notification_preference": user.notification_preference, "email_non_essential": user.email_non_essential}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        reminders.user_notification_preferences_set(
            user=user,
            preference=form.cleaned_data["notification_preference"],
            email_non_essential=form.cleaned_data["email_non_essential"],
        )
        messages.success(request, _("Dine indstillinger for notifikationer er gemt."))
        return redirect("deadlines:preferences")
    return render(request, "deadlines/notification_preferences.html", {"form": form})
