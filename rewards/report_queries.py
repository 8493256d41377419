"""Finance's period report (PRODUCT.md §3): what the community cost and what it saved.

Points issued and reversed come from the ledger in the period; paid, held and forfeited from the
period's batch; community-solved questions are those whose standing accepted answer, accepted in
the period, was written by a member rather than staff. The deflection estimate is those
questions times the cost of a staff contact, minus the payout cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forum.db import fetch_dicts
from forum.settings import get_settings
from rewards.models import AWARD_KINDS, LineState, PayoutBatch
from rewards.payout_queries import METHODS, money
from rewards.periods import parse_period

_POOL = "(SELECT id FROM ledger_accounts WHERE key = 'pool')"
_FLOWS = f"""
SELECT CAST(COALESCE(SUM(CASE WHEN t.debit_id = {_POOL} THEN t.amount ELSE 0 END), 0) AS BIGINT)
           AS issued,
       CAST(COALESCE(SUM(CASE WHEN t.credit_id = {_POOL} AND t.kind <> 'payout_forfeit'
                              THEN t.amount ELSE 0 END), 0) AS BIGINT) AS reversed
FROM ledger_transfers t WHERE t.created_at >= ? AND t.created_at < ?
"""
_LINES = """
SELECT method, state, COUNT(*) AS n, CAST(SUM(points) AS BIGINT) AS points,
       CAST(SUM(cents) AS BIGINT) AS cents
FROM payout_lines WHERE batch_id = ? GROUP BY method, state
"""
_AWARDS = ", ".join(f"'{k.value}'" for k in AWARD_KINDS)
_TOP = f"""
SELECT u.username AS username, CAST(SUM(t.amount) AS BIGINT) AS points
FROM ledger_transfers t JOIN users u ON u.id = t.member_id
WHERE t.kind IN ({_AWARDS}) AND t.created_at >= ? AND t.created_at < ?
  AND NOT EXISTS (SELECT 1 FROM ledger_transfers r WHERE r.reverses_id = t.id)
GROUP BY u.username ORDER BY 2 DESC, 1 LIMIT 10
"""
_SOLVED = """
SELECT COUNT(DISTINCT a.question_id) AS n
FROM acceptances a JOIN answers an ON an.id = a.answer_id
WHERE a.created_at >= ? AND a.created_at < ? AND a.active_question_id IS NOT NULL
  AND an.is_staff = ?
"""


@dataclass
class PeriodReport:
    period: str
    state: str
    currency: str
    issued: int = 0
    reversed: int = 0
    paid: int = 0
    held: int = 0
    forfeited: int = 0
    pending: int = 0
    returned: int = 0
    by_method: list[dict[str, Any]] = field(default_factory=list)
    top_earners: list[dict[str, Any]] = field(default_factory=list)
    community_solved: int = 0
    staff_solved: int = 0
    payout_cents: int = 0
    staff_contact_cost: Decimal = Decimal(0)

    @property
    def cost_per_solved(self) -> Decimal | None:
        if not self.community_solved:
            return None
        per = Decimal(self.payout_cents) / 100 / self.community_solved
        return per.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def deflection(self) -> Decimal:
        saved = self.community_solved * self.staff_contact_cost
        return (saved - Decimal(self.payout_cents) / 100).quantize(Decimal("0.01"))

    def as_dict(self) -> dict[str, Any]:
        per = self.cost_per_solved
        return {
            "period": self.period,
            "state": self.state,
            "currency": self.currency,
            "points": {
                "issued": self.issued,
                "reversed": self.reversed,
                "paid": self.paid,
                "held": self.held,
                "forfeited": self.forfeited,
                "pending": self.pending,
                "returned": self.returned,
            },
            "by_method": self.by_method,
            "top_earners": self.top_earners,
            "community_solved_questions": self.community_solved,
            "staff_solved_questions": self.staff_solved,
            "payout_cost": money(self.payout_cents),
            "cost_per_solved_question": str(per) if per is not None else None,
            "staff_contact_cost": str(self.staff_contact_cost),
            "deflection_estimate": str(self.deflection),
        }


async def get_period_report(label: Any) -> PeriodReport:
    settings = get_settings()
    period = parse_period(label, settings.payout_period)
    batch = await PayoutBatch.get_or_none(period=period.label)
    window = [period.starts_at, period.cutoff]
    report = PeriodReport(
        period=period.label,
        state=batch.state.value if batch else "open",
        currency=batch.currency if batch else settings.currency,
        staff_contact_cost=settings.staff_contact_cost,
    )
    flows = (await fetch_dicts(_FLOWS, window))[0]
    report.issued, report.reversed = int(flows["issued"]), int(flows["reversed"])
    report.top_earners = [
        {"member": r["username"], "points": int(r["points"])}
        for r in await fetch_dicts(_TOP, window)
    ]
    report.community_solved = int((await fetch_dicts(_SOLVED, [*window, False]))[0]["n"])
    report.staff_solved = int((await fetch_dicts(_SOLVED, [*window, True]))[0]["n"])
    if batch is not None:
        methods: dict[str, dict[str, Any]] = {
            m: {"method": m, "lines": 0, "points": 0, "cents": 0} for m in METHODS
        }
        for r in await fetch_dicts(_LINES, [batch.id]):
            state, points, cents = str(r["state"]), int(r["points"]), int(r["cents"])
            if state in (LineState.PAID, LineState.PENDING):
                report.payout_cents += cents
                entry = methods.setdefault(
                    str(r["method"]), {"method": r["method"], "lines": 0, "points": 0, "cents": 0}
                )
                entry["lines"] += int(r["n"])
                entry["points"] += points
                entry["cents"] += cents
            if hasattr(report, state):
                setattr(report, state, getattr(report, state) + points)
        report.by_method = [
            {**m, "amount": money(m["cents"])} for m in methods.values() if m["lines"]
        ]
    return report
