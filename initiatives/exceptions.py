"""The trial's own refusals; the shared ones (DomainError, ActionForbidden, NoteRequired) are the
core's (slagelse_ou.exceptions) and importable from here as before."""

from django.utils.translation import gettext as _

from slagelse_ou.exceptions import ActionForbidden, DomainError, NoteRequired

__all__ = [
    "ActionForbidden",
    "DomainError",
    "IncompleteApplication",
    "NoteRequired",
    "SubmissionClosed",
    "TransitionNotAllowed",
]


class TransitionNotAllowed(DomainError):
    def __init__(self, *, current_label: str, action_label: str):
        super().__init__(
            _("Handlingen “%(action)s” kan ikke udføres, når prøvehandlingen har status “%(status)s”.")
            % {"action": action_label, "status": current_label}
        )


class IncompleteApplication(DomainError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Ansøgningen mangler: %(missing)s.") % {"missing": ", ".join(missing)})


class SubmissionClosed(DomainError):
    """The chosen ansøgningsrunde is not open (or continuous intake is off)."""
