"""Domain errors. The API and the portal translate each into one HTTP status."""

from __future__ import annotations


class WorkflowError(Exception):
    code = "workflow_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ActionNotAllowed(WorkflowError):
    """The user's role, or the user's team for this row, may not take this action."""

    code = "not_allowed"
    status = 403


class InvalidState(WorkflowError):
    """The complaint is not in a state where this action exists."""

    code = "invalid_state"
    status = 409


class StaleVersion(WorkflowError):
    """The client acted on a version of the complaint that has since changed."""

    code = "stale_version"
    status = 412


class InputError(WorkflowError):
    """Missing or malformed input; `errors` maps field names to messages."""

    code = "invalid_input"
    status = 400

    def __init__(self, errors: dict[str, list[str]], message: str = "Invalid input.") -> None:
        super().__init__(message)
        self.errors = errors

    def summary(self) -> str:
        """All messages on one line, for places that show no per-field errors."""
        return " ".join(str(message) for messages in self.errors.values() for message in messages)
