"""The names finance sees for payout states, methods, decisions and signals, and the words of
the English reasons the system stores, in the current locale. Templates read them through
templates/rewards/_payout_labels.html; messages made in Python through the `*_label` helpers."""

from __future__ import annotations

from forum.i18n import gettext as _

# Reasons the system stores in English, translated when shown: ledger entries' (rewards.actions.
# awards) and payout lines' (the close's and the payment's holds).
CAPPED = "Daily kudos cap reached"
KUDOS_WITHDRAWN = "Kudos withdrawn"
ACCEPT_CHANGED = "Accepted answer changed"
ACCEPT_CLEARED = "Accepted answer cleared"
ACCEPT_HIDDEN = "Accepted answer hidden or removed"
POST_REMOVED = "Post removed by staff"
HELD_BY_CLOSE = "Held by the close: see its signals."
SUSPENDED_REASON = "Held at payment: the member is suspended."
BELOW_ZERO_REASON = "Held at payment: the member's balance is below zero."
ACCOUNT_ERASED = "Account erased at the member's request"


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
    return {
        HELD_BY_CLOSE: _("Held by the close: see its signals."),
        SUSPENDED_REASON: _("Held at payment: the member is suspended."),
        BELOW_ZERO_REASON: _("Held at payment: the member's balance is below zero."),
        ACCOUNT_ERASED: _("Account erased at the member's request"),
    }


def system_reasons() -> dict[str, str]:
    return {
        CAPPED: _("Daily kudos cap reached"),
        KUDOS_WITHDRAWN: _("Kudos withdrawn"),
        POST_REMOVED: _("Post removed by staff"),
        ACCEPT_CHANGED: _("Accepted answer changed"),
        ACCEPT_CLEARED: _("Accepted answer cleared"),
        ACCEPT_HIDDEN: _("Accepted answer hidden or removed"),
        ACCOUNT_ERASED: _("Account erased at the member's request"),
    }


def batch_state_label(state: str) -> str:
    return batch_states().get(state, state)


def line_state_label(state: str) -> str:
    return line_states().get(state, state)


def action_label(action: str) -> str:
    return actions().get(action, action)
