"""Loading the signed-in user once per request with what every page asks of them.

Django's ModelBackend reads the user, then each page asked again for the user's roles (group
names), the units they manage and their unread notifications: four queries before a view
did any work. `PortalBackend.get_user` reads all four in one (`User.objects.request_annotations`),
and the model's `role_names`, `managed_unit_paths` and `unread_notification_count` use what it
read.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from slagelse_ou.models import User


def request_user(user_id) -> User | None:
    """The user with their roles, managed units and unread count, in one query."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    return User.objects.annotate(**User.objects.request_annotations()).filter(pk=pk).first()


class PortalBackend(ModelBackend):
    """Signs in with username and password (ModelBackend); loads the user for each request."""

    def get_user(self, user_id):
        user = request_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
