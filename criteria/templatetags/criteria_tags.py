"""The criteria panel on the prøvehandling's detail page, computed here so that the
initiatives view needs no knowledge of reviews: `{% criteria_panel initiative as panel %}`."""

from __future__ import annotations

from django import template

from criteria.forms import EscalateForm
from criteria.permissions import can_endorse, can_escalate, can_see_reviews
from criteria.selectors import endorsement_pending, initiative_panel_rows
from initiatives.models import Status

register = template.Library()


@register.simple_tag(takes_context=True)
def criteria_panel(context, initiative) -> dict:
    """What this user may see of the criteria work on `initiative`. Everyone who can open
    the page sees the decision with its reasons per principle; only people with access to
    private fields see the manager's view and the trial agreement; reviews never appear
    here (reviewers and coordinators reach them through their own links)."""
    user = context["request"].user
    private = bool(context.get("private"))
    if initiative.status == Status.DRAFT:
        return {"decision": None}
    rows = initiative_panel_rows(initiative=initiative, user=user, private=private)
    panel: dict = {"decision": rows.decision}
    if not private:
        return panel
    endorsement = rows.endorsement
    pending = endorsement_pending(initiative=initiative, endorsement=endorsement)
    panel["endorsement"] = endorsement
    panel["endorsement_pending"] = pending
    panel["can_endorse"] = pending and can_endorse(user, initiative)
    panel["can_escalate"] = can_escalate(user, initiative, endorsement=endorsement)
    if panel["can_escalate"]:
        panel["escalate_form"] = EscalateForm()
    panel["can_see_reviews"] = can_see_reviews(user)
    panel["assignment"] = rows.assignment
    panel["agreement"] = rows.agreement
    return panel
