"""Appeals against payout decisions, as finance reads them on a batch's page (the member reads
theirs on their statements: rewards.payout_queries.list_statements)."""

from __future__ import annotations

from typing import Any

from rewards.models import PayoutAppeal, PayoutBatch


async def list_appeals(batch: PayoutBatch) -> list[dict[str, Any]]:
    """The appeals about the batch's lines: open ones first, oldest first."""
    rows = await (
        PayoutAppeal.filter(line__batch_id=batch.id)
        .order_by("created_at", "id")
        .values(
            "id", "line_id", "message", "state", "answer", "created_at", "decided_at",
            member_id="member_id", member="member__username", line_state="line__state",
            points="line__points", decided_by="decided_by__username",
        )
    )  # fmt: skip
    for row in rows:
        row["state"], row["line_state"] = row["state"].value, row["line_state"].value
    return sorted(rows, key=lambda r: r["state"] != "open")
