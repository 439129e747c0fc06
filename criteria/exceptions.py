"""Refusals from criteria services. All are `DomainError`s, so views show their Danish
message as a form error; `ActionForbidden` (from initiatives) becomes a 403."""

from django.utils.translation import gettext as _

from initiatives.exceptions import DomainError


class ConflictOfInterest(DomainError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


class ReviewLocked(DomainError):
    def __init__(self):
        super().__init__(_("Bedømmelsen er indsendt og kan ikke længere ændres."))


class IncompleteReview(DomainError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Bedømmelsen kan ikke indsendes endnu: %(missing)s") % {"missing": " ".join(missing)})


class DecisionRuleNotMet(DomainError):
    def __init__(self, *, submitted: int, required: int):
        self.submitted = submitted
        self.required = required
        super().__init__(
            _(
                "Der er %(submitted)s indsendte bedømmelser, og der kræves %(required)s. "
                "Skriv en begrundelse for at træffe afgørelse alligevel."
            )
            % {"submitted": submitted, "required": required}
        )


class IncompleteDecision(DomainError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            _("Afgørelsen mangler vurdering og begrundelse for princip %(missing)s.") % {"missing": ", ".join(missing)}
        )


class EndorsementMissing(DomainError):
    def __init__(self):
        super().__init__(
            _(
                "Ledelsen har ikke anbefalet ansøgningen. Skriv en begrundelse for at gå videre "
                "med bedømmelsen alligevel."
            )
        )
