"""Payout reads: batches with their totals, a batch's lines, the CSV export, members' statements
and finance's period report. No writes."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from babel.core import Locale
from babel.numbers import NumberPattern

from forum import validation as v
from forum.db import as_datetime, fetch_dicts
from forum.errors import Conflict
from forum.i18n import current_locale, ngettext
from forum.i18n import gettext as _
from forum.models import User
from forum.settings import get_settings
from rewards.labels import batch_state_label
from rewards.models import (
    BatchState,
    LedgerAccount,
    LineState,
    PayoutAppeal,
    PayoutApproval,
    PayoutBatch,
    PayoutDecision,
    PayoutLine,
    PayoutSignal,
)
from rewards.periods import Period, period_of
from rewards.signals import shown_detail

LINE_PAGE = 100
METHODS = ("cash", "credit", "charity")
# Lines whose points are (or will be) paid out by the batch.
PAYOUT_STATES = (LineState.PENDING, LineState.HELD, LineState.PAID)


# Pending lines whose member's balance is below zero: points the line counted were taken back
# after the close. From the few negative accounts, not the batch's many lines.
_BELOW_ZERO = """
SELECT l.id AS id, u.username AS username, a.balance AS balance
FROM ledger_accounts a
JOIN payout_lines l ON l.member_id = a.user_id AND l.batch_id = ?
JOIN users u ON u.id = a.user_id
WHERE a.kind = 'member' AND a.balance < 0 AND l.state = 'pending'
ORDER BY l.id
"""


async def lines_below_zero(batch: PayoutBatch) -> list[dict[str, Any]]:
    return await fetch_dicts(_BELOW_ZERO, [batch.id])


def below_zero_message(lines: list[dict[str, Any]]) -> str:
    first = lines[0]
    message = _(
        "Line %(id)s of %(member)s cannot be paid: the member's balance is %(balance)s points, "
        "below zero, because points the line counted were taken back after the close. Reject "
        "the line (its points go back to the member), forfeit it, or reduce it to the points "
        "that still stand."
    ) % {"id": first["id"], "member": first["username"], "balance": first["balance"]}
    if len(lines) > 1:
        more = len(lines) - 1
        message += " " + ngettext(
            "%(num)d more line likewise.", "%(num)d more lines likewise.", more
        ) % {"num": more}
    return message


def money(cents: int) -> str:
    """Cents as the decimal amount the API and the CSV show, e.g. 1234 -> "12.34"."""
    return str((Decimal(int(cents)) / 100).quantize(Decimal("0.01")))


@cache
def _currency_format(locale: str) -> tuple[Locale, NumberPattern]:
    # List pages show an amount per row: the locale's data is parsed once per process.
    parsed = Locale.parse(locale)
    return parsed, parsed.currency_formats["standard"]


def money_in(amount: int | str | Decimal, currency: str) -> str:
    """An amount with its currency as the current locale writes it ("€ 1,65" in Dutch, "€1.65"
    in English). An int is cents (a row's `cents`); a str or Decimal is the amount itself
    ("1.65", what `money` gives)."""
    value = Decimal(amount) / 100 if isinstance(amount, int) else Decimal(amount)
    parsed, pattern = _currency_format(current_locale())
    return pattern.apply(value, parsed, currency=currency)


@dataclass
class BatchSummary:
    batch: PayoutBatch
    line_count: int = 0
    held_count: int = 0
    total_points: int = 0
    total_cents: int = 0
    payable_cents: int = 0
    approvers: tuple[str, ...] = ()
    approvals_required: int = 1


_TOTALS = f"""
SELECT batch_id, COUNT(*) AS line_count,
       SUM(CASE WHEN state = 'held' THEN 1 ELSE 0 END) AS held_count,
       SUM(CASE WHEN state IN {tuple(s.value for s in PAYOUT_STATES)} THEN points ELSE 0 END)
           AS total_points,
       SUM(CASE WHEN state IN {tuple(s.value for s in PAYOUT_STATES)} THEN cents ELSE 0 END)
           AS total_cents,
       SUM(CASE WHEN state = 'pending' THEN cents ELSE 0 END) AS payable_cents
FROM payout_lines WHERE batch_id IN ({{ids}}) GROUP BY batch_id
"""


async def summarize(batches: list[PayoutBatch]) -> list[BatchSummary]:
    if not batches:
        return []
    ids = [b.id for b in batches]
    found = {
        int(r["batch_id"]): r
        for r in await fetch_dicts(_TOTALS.format(ids=", ".join(["?"] * len(ids))), ids)
    }
    approvals = await PayoutApproval.filter(batch_id__in=ids).values(
        "batch_id", "version", "approver__username"
    )
    two = get_settings().two_approver_cents
    result = []
    for batch in batches:
        r = found.get(batch.id, {})
        payable = int(r.get("payable_cents") or 0)
        result.append(
            BatchSummary(
                batch=batch,
                line_count=int(r.get("line_count") or 0),
                held_count=int(r.get("held_count") or 0),
                total_points=int(r.get("total_points") or 0),
                total_cents=int(r.get("total_cents") or 0),
                payable_cents=payable,
                approvers=tuple(
                    a["approver__username"]
                    for a in approvals
                    if a["batch_id"] == batch.id and a["version"] == batch.version
                ),
                approvals_required=2 if payable > two else 1,
            )
        )
    return result


async def list_batches() -> list[BatchSummary]:
    return await summarize(await PayoutBatch.all().order_by("-cutoff"))


async def get_summary(batch: PayoutBatch) -> BatchSummary:
    return (await summarize([batch]))[0]


@dataclass
class LinePage:
    items: list[dict[str, Any]]
    next_after: int | None


async def list_lines(
    batch: PayoutBatch, *, state: Any = None, method: Any = None, after: Any = None
) -> LinePage:
    """A page of the batch's lines in member order, with their signals; filters are optional."""
    errors = v.Errors()
    filters: dict[str, Any] = {"batch_id": batch.id}
    if state not in (None, ""):
        filters["state"] = v.choice(errors, "state", state, tuple(LineState), _("State"))
    if method not in (None, ""):
        filters["method"] = v.choice(errors, "method", method, METHODS, _("Method"))
    if after not in (None, ""):
        filters["id__gt"] = v.int_id(errors, "after", after)
    errors.raise_if_any()
    lines = await _line_rows(filters, LINE_PAGE + 1)
    more = len(lines) > LINE_PAGE
    lines = lines[:LINE_PAGE]
    return LinePage(items=lines, next_after=lines[-1]["id"] if more else None)


async def was_exported(batch: PayoutBatch) -> bool:
    exported: bool = await PayoutDecision.filter(batch_id=batch.id, action="export").exists()
    return exported


async def members_below_zero(member_ids: list[int]) -> set[int]:
    """Those of the members whose balance is below zero (points taken back after a close)."""
    rows = await LedgerAccount.filter(user_id__in=member_ids, balance__lt=0).values("user_id")
    return {int(r["user_id"]) for r in rows}


async def list_decisions(batch: PayoutBatch, limit: int = 50) -> list[dict[str, Any]]:
    """The batch's audit trail, newest first: decisions, approvals and the payment."""
    return (
        await PayoutDecision.filter(batch_id=batch.id)
        .order_by("-created_at", "-id")
        .limit(limit)
        .values(
            "action",
            "line_id",
            "reason",
            "created_at",
            actor="actor__username",
            member="line__member__username",
        )
    )


async def get_line(batch: PayoutBatch, line_id: int) -> dict[str, Any]:
    return (await _line_rows({"batch_id": batch.id, "id": line_id}, 1))[0]


async def _line_rows(filters: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    lines = (
        await PayoutLine.filter(**filters)
        .order_by("id")
        .limit(limit)
        .values(
            "id",
            "member_id",
            "points",
            "cents",
            "method",
            "address",
            "state",
            "reason",
            "decided_at",
            member="member__username",
            decided_by="decided_by__username",
        )
    )
    signals = await PayoutSignal.filter(line_id__in=[line["id"] for line in lines]).values(
        "line_id", "code", "detail", "params"
    )
    for line in lines:
        line["amount"] = money(line["cents"])
        # `detail` is the stored English sentence (the API's); `text` the current locale's.
        line["signals"] = [
            {
                "code": s["code"],
                "detail": s["detail"],
                "text": shown_detail(s["code"], s["params"], s["detail"]),
            }
            for s in signals
            if s["line_id"] == line["id"]
        ]
    return lines


async def export_csv(batch: PayoutBatch, method: Any) -> str:
    """One payout method's approved, unheld lines as the CSV its payer reads (409 before
    approval). Cash: a mass-payout file; credit: what the billing system credits; charity:
    the total per charity."""
    errors = v.Errors()
    chosen = v.choice(errors, "method", method, METHODS, _("Method"))
    errors.raise_if_any()
    if batch.state not in (BatchState.APPROVED, BatchState.PAID):
        raise Conflict(
            _("A batch in the state “%(state)s” cannot be exported: approve it first.")
            % {"state": batch_state_label(batch.state.value)}
        )
    state = LineState.PENDING if batch.state == BatchState.APPROVED else LineState.PAID
    lines = (
        PayoutLine.filter(batch_id=batch.id, method=chosen, state=state)
        .order_by("id")
        .values_list("id", "member_id", "cents", "address")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    currency = batch.currency
    if chosen == "charity":
        totals: dict[str, list[int]] = {}
        for _line, _member, cents, address in await lines:
            entry = totals.setdefault(str(address), [0, 0])
            entry[0] += int(cents)
            entry[1] += 1
        writer.writerow(["charity", "amount", "currency", "donors"])
        for charity, (cents, donors) in sorted(totals.items()):
            writer.writerow([_cell(charity), money(cents), currency, donors])
    elif chosen == "cash":
        writer.writerow(["recipient", "amount", "currency", "member_reference", "line"])
        for line_id, member_id, cents, address in await lines:
            writer.writerow([_cell(address), money(cents), currency, f"PD-{member_id}", line_id])
    else:
        writer.writerow(["member_reference", "amount", "currency", "line"])
        for line_id, member_id, cents, _address in await lines:
            writer.writerow([f"PD-{member_id}", money(cents), currency, line_id])
    return out.getvalue()


_PHONE = re.compile(r"[+-]?[\d ()-]+")


def _cell(text: str) -> str:
    """Member-typed text never starts a spreadsheet formula; a phone number stays as it is."""
    risky = text[:1] in ("=", "@", "\t", "\r") or (
        text[:1] in ("+", "-") and not _PHONE.fullmatch(text)
    )
    return "'" + text if risky else text


# A member's points in a period: earned from the pool, and taken back to it (with why).
_MEMBER_PERIOD = """
SELECT CAST(COALESCE(SUM(CASE WHEN t.credit_id = ? THEN t.amount ELSE 0 END), 0) AS BIGINT)
           AS earned,
       CAST(COALESCE(SUM(CASE WHEN t.debit_id = ? THEN t.amount ELSE 0 END), 0) AS BIGINT)
           AS reversed
FROM ledger_transfers t
WHERE t.member_id = ? AND t.created_at >= ? AND t.created_at < ? AND t.kind NOT LIKE 'payout%'
"""
_MEMBER_REVERSALS = """
SELECT t.kind AS kind, t.amount AS amount, t.reason AS reason, t.created_at AS created_at
FROM ledger_transfers t
WHERE t.member_id = ? AND t.debit_id = ? AND t.created_at >= ? AND t.created_at < ?
  AND t.kind NOT LIKE 'payout%'
ORDER BY t.created_at DESC LIMIT 20
"""


async def list_statements(member: User, *, now: Any, limit: int = 12) -> list[dict[str, Any]]:
    """Per period, newest first: the open period, then each closed one."""
    settings = get_settings()
    account = await _account_id(member)
    batches = await PayoutBatch.all().order_by("-cutoff").limit(limit)
    periods: list[tuple[Period, PayoutBatch | None]] = []
    current = period_of(now, settings.payout_period)
    if not any(b.period == current.label for b in batches):
        periods.append((current, None))
    # Each batch keeps its own dates: the kind of periods may have changed since.
    periods += [(Period(b.period, b.starts_at, b.cutoff), b) for b in batches]
    lines = {
        line["batch_id"]: line
        for line in await PayoutLine.filter(
            member_id=member.id, batch_id__in=[b.id for b in batches]
        ).values("id", "batch_id", "points", "cents", "method", "state", "reason")
    }
    appeals = {
        a["line_id"]: {**a, "state": a["state"].value}
        for a in await PayoutAppeal.filter(
            line_id__in=[line["id"] for line in lines.values()]
        ).values("line_id", "message", "state", "answer", "created_at", "decided_at")
    }
    result = []
    for period, batch in periods:
        window = [period.starts_at, period.cutoff]
        sums = (await fetch_dicts(_MEMBER_PERIOD, [account, account, member.id, *window]))[0]
        reversals = await fetch_dicts(_MEMBER_REVERSALS, [member.id, account, *window])
        for reversal in reversals:
            reversal["created_at"] = as_datetime(reversal["created_at"])
        line = lines.get(batch.id) if batch else None
        result.append(
            {
                "period": period.label,
                "starts_at": period.starts_at,
                "cutoff": period.cutoff,
                "state": batch.state.value if batch else "open",
                "earned": int(sums["earned"] or 0),
                "reversed": int(sums["reversed"] or 0),
                "reversals": reversals,
                "line_state": line["state"].value if line else None,
                "line_id": line["id"] if line else None,
                "appeal": appeals.get(line["id"]) if line else None,
                "paid": int(line["points"]) if line and line["state"] == LineState.PAID else 0,
                "points": int(line["points"]) if line else 0,
                "method": line["method"] if line else None,
                "amount": money(line["cents"]) if line else None,
                "currency": batch.currency if batch else settings.currency,
                "paid_at": batch.paid_at
                if batch and line and line["state"] == LineState.PAID
                else None,
            }
        )
    return result


async def _account_id(member: User) -> int:
    account = await LedgerAccount.get_or_none(user_id=member.id)
    return account.id if account else 0
