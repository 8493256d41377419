"""The names finance sees for payout states, methods and decisions, in the current locale, for
messages made in Python: the words (and msgids) of templates/rewards/_payout_labels.html."""

from __future__ import annotations

from forum.i18n import gettext as _


def batch_state_label(state: str) -> str:
    labels = {
        "closing": _("Closing"),
        "review": _("In review"),
        "approved": _("Approved"),
        "paying": _("Being paid"),
        "paid": _("Paid"),
        "open": _("Open"),
    }
    return labels.get(state, state)


def line_state_label(state: str) -> str:
    labels = {
        "pending": _("To pay"),
        "held": _("Held"),
        "rejected": _("Rejected"),
        "forfeited": _("Forfeited"),
        "deferred": _("Deferred"),
        "paid": _("Paid"),
        "returned": _("Returned"),
    }
    return labels.get(state, state)


def action_label(action: str) -> str:
    labels = {
        "hold": _("Hold"),
        "release": _("Release"),
        "reject": _("Reject (points back to the member)"),
        "forfeit": _("Forfeit (points back to the pool)"),
        "defer": _("Defer to next period"),
        "return": _("Payment returned"),
        "reduce": _("Reduce to the points that still stand"),
    }
    return labels.get(action, action)
