"""Payout periods (PRODUCT.md §3): monthly ("2026-11") or semiannual, giffgaff's 1 Dec to 31 May
("2027-H1") and 1 Jun to 30 Nov ("2026-H2"). A period runs from 00:00 UTC on its first day to 00:00
UTC on the first day after it, its cut-off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from forum.errors import ValidationFailed
from forum.i18n import gettext as _

MONTHLY = "monthly"
SEMIANNUAL = "semiannual"
# ASCII digits only (\d also takes other scripts' digits); the years both databases store.
_YEAR = "(?:[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
_MONTH_RE = re.compile(f"({_YEAR})-(0[1-9]|1[0-2])")
_HALF_RE = re.compile(f"({_YEAR})-H([12])")


def period_pattern(kind: str) -> str:
    """The labels parse_period takes, as a regular expression for the API's document."""
    return f"^{(_MONTH_RE if kind == MONTHLY else _HALF_RE).pattern}$"


@dataclass(frozen=True)
class Period:
    label: str
    starts_at: datetime
    cutoff: datetime

    def finished(self, now: datetime) -> bool:
        return now >= self.cutoff


def _first(year: int, month: int) -> datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=UTC)


def _month(year: int, month: int) -> Period:
    return Period(f"{year:04d}-{month:02d}", _first(year, month), _first(year, month + 1))


def _half(year: int, half: int) -> Period:
    if half == 1:
        return Period(f"{year:04d}-H1", _first(year - 1, 12), _first(year, 6))
    return Period(f"{year:04d}-H2", _first(year, 6), _first(year, 12))


def parse_period(label: object, kind: str) -> Period:
    """The period a label names in this installation's kind of periods, or a 400 on `period`."""
    text = label if isinstance(label, str) else ""
    if kind == MONTHLY and (m := _MONTH_RE.fullmatch(text)):
        return _month(int(m[1]), int(m[2]))
    if kind == SEMIANNUAL and (m := _HALF_RE.fullmatch(text)):
        return _half(int(m[1]), int(m[2]))
    if kind == MONTHLY:
        message = _("period must be a monthly period such as 2026-11.")
    else:
        message = _(
            "period must be a semiannual period such as 2026-H2 (1 Jun to 30 Nov) or 2027-H1 "
            "(1 Dec to 31 May)."
        )
    raise ValidationFailed({"period": message})


def period_of(moment: datetime, kind: str) -> Period:
    """The period that contains `moment`."""
    moment = moment.astimezone(UTC)
    if kind == MONTHLY:
        return _month(moment.year, moment.month)
    if moment.month == 12:
        return _half(moment.year + 1, 1)
    return _half(moment.year, 1 if moment.month < 6 else 2)


def previous(period: Period, kind: str) -> Period:
    return period_of(period.starts_at - timedelta(seconds=1), kind)


def finished_periods(now: datetime, kind: str, *, since: datetime) -> list[Period]:
    """Every finished period from the one containing `since` up to the last one before `now`,
    oldest first."""
    periods = []
    period = previous(period_of(now, kind), kind)
    while period.cutoff > since:
        periods.append(period)
        period = previous(period, kind)
    return periods[::-1]
