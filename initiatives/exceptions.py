from django.utils.translation import gettext as _

# The base lives in the core (the unit tree refuses with DomainErrors too); imported from
# here as before.
from slagelse_ou.exceptions import DomainError


class TransitionNotAllowed(DomainError):
    def __init__(self, *, current_label: str, action_label: str):
        super().__init__(
            _("Handlingen “%(action)s” kan ikke udføres, når prøvehandlingen har status “%(status)s”.")
            % {"action": action_label, "status": current_label}
        )


class ActionForbidden(DomainError):
    pass


class IncompleteApplication(DomainError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Ansøgningen mangler: %(missing)s.") % {"missing": ", ".join(missing)})


class NoteRequired(DomainError):
    def __init__(self):
        super().__init__(_("Skriv en begrundelse."))


class SubmissionClosed(DomainError):
    """The chosen ansøgningsrunde is not open (or continuous intake is off)."""
