"""The names finance sees for payout states, methods, decisions and signals, and the words of
the English reasons the system stores, in the current locale. Templates read them through
templates/rewards/_payout_labels.html; messages made in Python through the `*_label` helpers."""

from __future__ import annotations

from forum.i18n import gettext as _


def batch_states() -> dict[str, str]:
    return {
        "closing": _("Closing"),
        "review": _("In review"),
        "approved": _("Approved"),
        "paying": _("Being paid"),
        "paid": _("Paid"),
        "open": _("Open"),
    }


def line_states() -> dict[str, str]:
    return {
        "pending": _("To pay"),
        "held": _("Held"),
        "rejected": _("Rejected"),
        "forfeited": _("Forfeited"),
        "deferred": _("Deferred"),
        "paid": _("Paid"),
        "returned": _("Returned"),
    }


def methods() -> dict[str, str]:
    return {"cash": _("Cash"), "credit": _("Airtime credit"), "charity": _("Charity")}


def actions() -> dict[str, str]:
    return {
        "hold": _("Hold"),
        "release": _("Release"),
        "reject": _("Reject (points back to the member)"),
        "forfeit": _("Forfeit (points back to the pool)"),
        "defer": _("Defer to next period"),
        "return": _("Payment returned"),
        "reduce": _("Reduce to the points that still stand"),
    }


def signals() -> dict[str, str]:
    return {
        "serial_kudos": _("Serial kudos"),
        "reciprocal_accepts": _("Reciprocal accepting"),
        "shared_signup_address": _("Shared sign-up address"),
        "new_account": _("Very new account"),
        "fast_accept": _("Accepted within a minute"),
        "suspended": _("Suspended member"),
        "deferred": _("Deferred last period"),
        "missing_address": _("No payout address"),
        "suspended_after_close": _("Suspended after the close"),
        "reversed_after_close": _("Points taken back after the close"),
    }


def batch_actions() -> dict[str, str]:
    return {
        "approve": _("approved the batch"),
        "paid": _("marked the batch paid"),
        "export": _("exported the file"),
    }


def line_reasons() -> dict[str, str]:
    """Reasons the system gives payout lines, stored in English (rewards.actions.fraud_signals
    and payout_payments)."""
    return {
        "Held by the close: see its signals.": _("Held by the close: see its signals."),
        "Held at payment: the member is suspended.": _("Held at payment: the member is suspended."),
        "Held at payment: the member's balance is below zero.": _(
            "Held at payment: the member's balance is below zero."
        ),
    }


def system_reasons() -> dict[str, str]:
    """Reasons the system gives ledger entries, stored in English (rewards.actions.awards)."""
    return {
        "Daily kudos cap reached": _("Daily kudos cap reached"),
        "Kudos withdrawn": _("Kudos withdrawn"),
        "Post removed by staff": _("Post removed by staff"),
        "Accepted answer changed": _("Accepted answer changed"),
        "Accepted answer cleared": _("Accepted answer cleared"),
        "Accepted answer hidden or removed": _("Accepted answer hidden or removed"),
    }


def batch_state_label(state: str) -> str:
    return batch_states().get(state, state)


def line_state_label(state: str) -> str:
    return line_states().get(state, state)


def action_label(action: str) -> str:
    return actions().get(action, action)
