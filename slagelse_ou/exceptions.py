"""The portal's expected refusals. `DomainError` is the base of every app's exceptions
(initiatives/exceptions.py re-exports it), so a view or the admin catches them all."""

from __future__ import annotations


class DomainError(Exception):
    """An expected refusal; views show `message` to the user in Danish."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnitMoveRefused(DomainError):
    """A unit cannot be put under itself or under a unit below it."""
