"""Input rules shared by the HTML forms and the JSON API: one function per kind of value."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from forum.errors import Unavailable, ValidationFailed
from forum.i18n import gettext as _

USERNAME_RE = re.compile(r"[A-Za-z0-9_.-]{3,30}")  # always used with fullmatch
SLUG_RE = re.compile(r"[a-z0-9-]{1,50}")
MAX_ID = 2**31 - 1
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
# Text the database cannot store (NUL, lone surrogates) or nobody should see (control characters).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


# The longest value a query parameter may have (a search, a cursor, a slug): a 10 KB one is a 400.
MAX_QUERY_VALUE = 1000
# Free text that its handler cleans itself (a search for "roaming<NUL>data" searches "roaming
# data"): only its length is checked here.
FREE_TEXT_PARAMETERS = frozenset({"q"})


def bad_query_parameter(items: list[tuple[str, str]]) -> str | None:
    """The first query parameter (name or value) that is too long or unclean, else None. Every
    request's query goes through this one check before any handler reads it, so no parameter that
    names a board, a state or a slug reaches the database with a NUL byte or 10 KB in it."""
    for name, value in items:
        if len(name) > 100 or len(value) > MAX_QUERY_VALUE or not is_clean(name):
            return name[:40]
        if name not in FREE_TEXT_PARAMETERS and not is_clean(value):
            return name[:40]
    return None


class Errors:
    """Collects one message per field, then raises them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


def raise_kept(errors: Errors, kept: dict[str, str]) -> None:
    """Raise the errors; or, when the only fault is a well-formed value kept for others (a name
    kept for staff), refuse it as a taken one is: 409."""
    if kept and not errors.errors:
        raise Unavailable(kept)
    for field, message in kept.items():
        errors.add(field, message)
    errors.raise_if_any()


def text(errors: Errors, field: str, value: Any, *, min_len: int, max_len: int, label: str) -> str:
    """A normalized, stripped string within the length bounds, or '' with an error recorded.
    The least length counts the text as sent (the API's document can say that, not NFC)."""
    if not isinstance(value, str):
        errors.add(field, _("%(label)s must be text.") % {"label": label})
        return ""
    if _FORBIDDEN.search(value):
        errors.add(
            field, _("%(label)s contains characters that are not allowed.") % {"label": label}
        )
        return ""
    sent = len(value.strip())
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if sent < min_len:
        errors.add(
            field,
            _("%(label)s must be at least %(n)d characters.") % {"label": label, "n": min_len},
        )
    elif len(value) > max_len:
        errors.add(
            field, _("%(label)s must be at most %(n)d characters.") % {"label": label, "n": max_len}
        )
    return value


def tags(errors: Errors, value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [t for t in re.split(r"[,\s]+", value) if t]
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        errors.add("tags", _("Tags must be a list of words."))
        return []
    cleaned = list(dict.fromkeys(t.strip().lower() for t in value if t.strip()))
    if len(cleaned) > 5:
        errors.add("tags", _("Use at most 5 tags."))
    elif not all(TAG_RE.match(t) for t in cleaned):
        errors.add("tags", _("Tags are 1–30 lowercase letters, digits or dashes."))
    return cleaned[:5]


def choice(errors: Errors, field: str, value: Any, options: tuple[str, ...], label: str) -> str:
    if not isinstance(value, str) or value not in options:
        errors.add(
            field,
            _("%(label)s must be one of: %(options)s.")
            % {"label": label, "options": ", ".join(options)},
        )
        return ""
    return value


def integer(errors: Errors, field: str, value: Any, *, low: int, high: int, label: str) -> int:
    """A whole number from low to high (a form's digits count), or 0 with an error recorded."""
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 12:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.add(
            field,
            _("%(label)s must be a whole number from %(low)d to %(high)d.")
            % {"label": label, "low": low, "high": high},
        )
        return 0
    return value


def int_id(errors: Errors, field: str, value: Any) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and is_number(value) and len(value) < 12:
        value = int(value)
    if not is_id(value):
        errors.add(field, _("%(field)s must be a positive integer id.") % {"field": field})
        return 0
    return value


_IBAN_RE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def iban(errors: Errors, field: str, value: str, label: str) -> str:
    """An IBAN (ISO 13616: country, check digits, account; mod 97 == 1), in groups of four."""
    compact = re.sub(r"[\s-]+", "", value).upper()
    valid = bool(_IBAN_RE.fullmatch(compact))
    if valid:  # letters count as 10..35, the first four characters moved to the end
        rearranged = compact[4:] + compact[:4]
        valid = int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
    if not valid:
        errors.add(
            field,
            _("%(label)s must be a valid IBAN for cash payouts, such as NL91 ABNA 0417 1643 00.")
            % {"label": label},
        )
        return value
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def is_number(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²", which int() refuses."""
    return value.isascii() and value.isdecimal()


def is_id(value: object) -> bool:
    """A value that can be a primary key on both databases (a positive 32-bit integer)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def is_clean(value: str) -> bool:
    """Text without NUL, lone surrogates or control characters (what a database may refuse)."""
    return not _FORBIDDEN.search(value)


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 12, 31, tzinfo=UTC)


def moment(errors: Errors, field: str, value: Any) -> datetime | None:
    """An ISO 8601 time with a UTC offset (or a date, meaning its first UTC moment), in UTC;
    None when absent. A bound of a range: a time before 1970 or after 9000 is taken as the
    earliest or latest one both databases store (nothing lies beyond them)."""
    if value in (None, ""):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time(), UTC)
    if isinstance(value, str) and len(value) <= 40:
        try:
            if len(value) == 10:
                value = datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
            else:
                value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    parsed: datetime | None = None
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            parsed = min(max(value.astimezone(UTC), EARLIEST), LATEST)
        except OverflowError:  # year 1 at +05:00 is before year 1 in UTC, 9999 at -05:00 after
            parsed = EARLIEST if value.year < 2000 else LATEST
    if parsed is None:
        errors.add(
            field,
            _("%(field)s must be a date (2026-11-27) or a time with a UTC offset.")
            % {"field": field},
        )
        return None
    return parsed
