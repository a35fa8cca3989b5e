"""Domain errors. The API and the portal translate each into one HTTP status."""

from __future__ import annotations

from django.utils.translation import gettext


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


class IdempotencyKeyReused(WorkflowError):
    """A channel's idempotency key (`Idempotency-Key`, `external_ref`, `external_id`) came again with another body.

    The IETF Idempotency-Key draft answers 422 here: answering with the first result would tell the client that
    what it sent now was stored, when it was not."""

    code = "idempotency_key_reused"
    status = 422

    def __init__(self) -> None:
        super().__init__(gettext(
            "Kunci idempotensi ini (Idempotency-Key, external_ref atau external_id) sudah dipakai untuk kiriman lain "
            "yang isinya berbeda; kiriman ini tidak disimpan. Kirim ulang isi yang sama untuk mendapat hasil "
            "pertama, atau pakai kunci baru untuk kiriman baru."
        ))
