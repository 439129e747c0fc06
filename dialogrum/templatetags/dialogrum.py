from django import template

from dialogrum.selectors import initiative_dialog_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def initiative_dialog(context, initiative):
    """For a prøvehandling's page: the minutes attached to it that the reader may see, and
    whether to link to its room (a room not created yet starts public, so it is visible to
    whoever sees the trial; an existing one may have been closed to members). One query."""
    return initiative_dialog_panel(user=context["request"].user, initiative=initiative)
