"""Domain errors: each carries its HTTP status, a snake_case code and a human message.

One exception handler (forum.app) turns them into the API error body or a flash + redirect.
"""

from __future__ import annotations


class ForumError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(ForumError):
    """Bad input. `errors` maps each offending field to its message."""

    status = 400
    code = "validation_error"

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        message = "; ".join(f"{name}: {text}" for name, text in errors.items())
        super().__init__(message, field=next(iter(errors), None))


class NamesNothing(ValidationFailed):
    """A well-formed field that names something that does not exist (a board, a member, a
    one-time link's token): 404, each such field named; a form shows it as any other field
    error. Where the URL names a thing that is there (a question whose answer_id names none of
    its answers), the field is an Unavailable instead: a 404 would say the URL's thing is gone."""

    status = 404
    code = "not_found"


class Unavailable(ValidationFailed):
    """A well-formed field the current state refuses: a name kept for staff (as a taken one),
    a member who is not staff, a question that is itself a duplicate or not there, an answer
    that is not the question's: 409, each field named."""

    status = 409
    code = "conflict"


class WrongPassword(ValidationFailed):
    """The account's current password, asked again before a change, was wrong."""

    status = 403
    code = "wrong_password"


class NotAuthenticated(ForumError):
    status = 401
    code = "not_authenticated"


class Forbidden(ForumError):
    status = 403
    code = "forbidden"


class NotFound(ForumError):
    status = 404
    code = "not_found"


class Conflict(ForumError):
    status = 409
    code = "conflict"


class CsrfFailed(ValidationFailed):
    """A form whose token expired or is missing: a form with typed text shows it again, with
    this message, instead of losing it."""

    status = 403
    code = "csrf_failed"

    def __init__(self, message: str) -> None:
        super().__init__({"csrf_token": message})
        self.message = message
