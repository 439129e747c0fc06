from django import template

from dialogrum.models import Room
from dialogrum.permissions import can_view_room
from dialogrum.selectors import initiative_minutes_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def initiative_dialog(context, initiative):
    """For a prøvehandling's page: the minutes attached to it that the reader may see, and
    whether to link to its room (a room not created yet starts public, so it is visible to
    whoever sees the trial; an existing one may have been closed to members)."""
    user = context["request"].user
    room = Room.objects.filter(initiative=initiative).first()
    return {
        "minutes": initiative_minutes_for_user(user=user, initiative=initiative),
        "show_room": room is None or can_view_room(user, room),
    }
