"""Expected refusals in the dialogrum. They share `DomainError` with the prøvehandlinger,
so views turn every one of them into a Danish message the same way."""

from initiatives.exceptions import ActionForbidden, DomainError

__all__ = ["ActionForbidden", "DomainError", "EditWindowClosed", "ReasonRequired"]


class EditWindowClosed(DomainError):
    pass


class ReasonRequired(DomainError):
    pass
