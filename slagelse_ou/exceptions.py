"""The portal's domain errors, shared by every app: an expected refusal with a Danish message.
`DomainError` is the base of every app's exceptions (initiatives/exceptions.py re-exports the
shared ones), so a view or the admin catches them all. Views turn `ActionForbidden` into 403
and any other `DomainError` into a form error, never a 500."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """An expected refusal; views show `message` to the user in Danish."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ActionForbidden(DomainError):
    """The actor may see the object but not do this (403)."""


class NoteRequired(DomainError):
    def __init__(self):
        super().__init__(_("Skriv en begrundelse."))


class UnitMoveRefused(DomainError):
    """A unit cannot be put under itself or under a unit below it."""
