"""The error every business rule raises when it refuses a change."""

from __future__ import annotations


class RuleError(ValueError):
    """A rule refused the change; ``field`` names the form field or JSON key it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
