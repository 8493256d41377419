"""Finance's period report (PRODUCT.md §3): what the community cost and what it saved.

Points issued and reversed come from the ledger in the period; paid, held and forfeited from the
period's batch; community-solved questions (forum.community_solved, the one definition) are
counted by when they were accepted. The deflection estimate is those questions times the cost of
a staff contact, minus the payout cost.

A paid period's report is frozen (rewards.models.PeriodSnapshot) in the transaction that marks its
batch paid; what changes later (an unaccept, a reversal, a decision on a line) is listed in the
report of the period it happens in, as "changes to earlier periods".
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forum.community_solved import COMMUNITY_ANSWER, COMMUNITY_JOINS, count_community_solved
from forum.db import fetch_dicts
from forum.settings import get_settings
from rewards.models import AWARD_KINDS, LineState, PayoutBatch, PeriodSnapshot
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
# Staff answers that stand accepted: shown beside the community's, never in the deflection.
_STAFF_SOLVED = """
SELECT COUNT(*) AS n
FROM acceptances a JOIN answers an ON an.id = a.answer_id
WHERE a.created_at >= ? AND a.created_at < ? AND a.active_question_id IS NOT NULL
  AND an.is_staff AND an.visibility = 'visible'
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
    # What arrived in this period for periods frozen before it (their reports stay as paid).
    changes: list[dict[str, Any]] = field(default_factory=list)
    frozen_at: datetime | None = None

    def figures(self) -> dict[str, Any]:
        """Everything a snapshot keeps, as JSON values."""
        kept = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "frozen_at"}
        kept["staff_contact_cost"] = str(self.staff_contact_cost)
        return kept

    @classmethod
    def thawed(cls, figures: dict[str, Any], *, frozen_at: datetime) -> PeriodReport:
        kept = {**figures, "staff_contact_cost": Decimal(figures["staff_contact_cost"])}
        return cls(**kept, frozen_at=frozen_at)

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
            "frozen_at": self.frozen_at,
            "changes_to_earlier_periods": self.changes,
        }


async def get_period_report(label: Any) -> PeriodReport:
    """The report of a period: as frozen when its batch was paid, or as the rows say now."""
    settings = get_settings()
    period = parse_period(label, settings.payout_period)
    batch = await PayoutBatch.get_or_none(period=period.label)
    snapshot = await PeriodSnapshot.get_or_none(period=period.label)
    if snapshot is not None:
        return PeriodReport.thawed(snapshot.figures, frozen_at=snapshot.created_at)
    return await compute_period_report(period.label, period.starts_at, period.cutoff, batch)


async def compute_period_report(
    label: str, starts_at: datetime, cutoff: datetime, batch: PayoutBatch | None
) -> PeriodReport:
    """The report from the rows as they are now (what a snapshot freezes)."""
    settings = get_settings()
    window = [starts_at, cutoff]
    report = PeriodReport(
        period=label,
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
    report.community_solved = await count_community_solved(starts_at, cutoff)
    report.staff_solved = int((await fetch_dicts(_STAFF_SOLVED, window))[0]["n"])
    report.changes = await _changes_to_earlier_periods(starts_at, cutoff)
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


# What happened in [?, ?) to periods frozen before it: each counted after its snapshot (what the
# snapshot already holds is not counted twice), in the period whose window the original falls in.
_FROZEN = """
JOIN period_snapshots s ON s.batch_id = b.id
"""
_REVERSED_EARLIER = f"""
SELECT b.period AS period, b.cents_num AS num, b.cents_den AS den,
       CAST(SUM(t.amount) AS BIGINT) AS points
FROM ledger_transfers t
JOIN ledger_transfers o ON o.id = t.reverses_id
JOIN payout_batches b ON o.created_at >= b.starts_at AND o.created_at < b.cutoff
{_FROZEN}
WHERE t.kind IN ('reversal', 'fraud_reversal') AND t.created_at >= ? AND t.created_at < ?
  AND t.created_at >= s.created_at AND b.cutoff <= ?
GROUP BY b.period, b.cents_num, b.cents_den
"""
# Community-solved acceptances of a frozen period cleared since (forum.community_solved).
_UNSOLVED_EARLIER = f"""
SELECT b.period AS period, COUNT(*) AS n
FROM acceptances a {COMMUNITY_JOINS}
JOIN payout_batches b ON a.created_at >= b.starts_at AND a.created_at < b.cutoff
{_FROZEN}
WHERE {COMMUNITY_ANSWER}
  AND a.cleared_at >= ? AND a.cleared_at < ? AND a.cleared_at >= s.created_at AND b.cutoff <= ?
GROUP BY b.period
"""
# Points a decision on a frozen period's line moved (reject, defer, return and reduce back to
# the member, forfeit to the pool), from the transfers themselves (key
# "payout-line:<line>:<action>[:...]").
_LINE_MOVES_EARLIER = f"""
SELECT b.period AS period, b.cents_num AS num, b.cents_den AS den, t.key AS key,
       t.amount AS points
FROM ledger_transfers t
JOIN payout_batches b ON t.ref = 'payout:' || b.period
{_FROZEN}
WHERE t.kind IN ('payout_release', 'payout_forfeit') AND t.created_at >= ? AND t.created_at < ?
  AND t.created_at >= s.created_at AND b.cutoff <= ?
"""


async def _changes_to_earlier_periods(
    starts_at: datetime, cutoff: datetime
) -> list[dict[str, Any]]:
    params = [starts_at, cutoff, starts_at]
    cost = get_settings().staff_contact_cost
    by_period: dict[str, dict[str, Any]] = {}

    def entry(period: str) -> dict[str, Any]:
        return by_period.setdefault(
            period,
            {
                "period": period,
                "reversed_points": 0,
                "reversed_amount": money(0),
                "unsolved_questions": 0,
                "deflection_change": str(Decimal(0).quantize(Decimal("0.01"))),
                "line_changes": [],
            },
        )

    for r in await fetch_dicts(_REVERSED_EARLIER, params):
        points = int(r["points"])
        item = entry(str(r["period"]))
        item["reversed_points"] = points
        item["reversed_amount"] = money(points * int(r["num"]) // int(r["den"]))
    for r in await fetch_dicts(_UNSOLVED_EARLIER, params):
        item = entry(str(r["period"]))
        item["unsolved_questions"] = int(r["n"])
        item["deflection_change"] = str((-int(r["n"]) * cost).quantize(Decimal("0.01")))
    moves: dict[tuple[str, str], dict[str, Any]] = {}
    for r in await fetch_dicts(_LINE_MOVES_EARLIER, params):
        _, line_id, action, *_ = str(r["key"]).split(":")
        move = moves.setdefault(
            (str(r["period"]), action), {"lines": set(), "points": 0, "cents": 0}
        )
        move["lines"].add(line_id)
        move["points"] += int(r["points"])
        move["cents"] += int(r["points"]) * int(r["num"]) // int(r["den"])
    for (period, action), move in sorted(moves.items()):
        entry(period)["line_changes"].append(
            {
                "action": action,
                "lines": len(move["lines"]),
                "points": move["points"],
                "amount": money(move["cents"]),
            }
        )
    return [by_period[p] for p in sorted(by_period)]
