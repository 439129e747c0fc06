"""Loading the signed-in user once per request with what every page asks of them.

Django's ModelBackend reads the user, then each page asked again for the user's roles (group
names), the units they manage and their unread notifications: four queries before a view
did any work. `PortalBackend.get_user` reads all four in one (`User.objects.request_annotations`),
and the model's `role_names`, `managed_unit_paths` and `unread_notification_count` use what it
read. The query is compiled once per process (slagelse_ou/lib/fold.py `document`): building it
cost more Python time than PostgreSQL spent running it.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from slagelse_ou.lib.fold import document, from_document, row_document
from slagelse_ou.models import User

REQUEST_DATA = ("_role_names", "_managed_paths", "_unread")


def _user_query(*, pk: int):
    return (
        User.objects.filter(pk=pk).order_by().values(doc=row_document(User, extra=User.objects.request_annotations()))
    )


def request_user(user_id) -> User | None:
    """The user with their roles, managed units and unread count, in one query."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    data = document(("request-user",), _user_query, pk=pk)
    if data is None:
        return None
    user = from_document(User, data)
    user.__dict__.update({name: data.get(name) or ([] if name != "_unread" else 0) for name in REQUEST_DATA})
    return user


class PortalBackend(ModelBackend):
    """Signs in with username and password (ModelBackend); loads the user for each request."""

    def get_user(self, user_id):
        user = request_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
