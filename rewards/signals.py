"""The words of payout signals: why a line is held, made from the facts the signal keeps.

A signal stores its facts (`params`, JSON) and its sentence in English (`detail`: what the API
shows, and all that rows from before `params` have). Both come from `signal_text`, under English
when the signal is written (whoever's request writes it) and in the reader's locale when a page
shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forum.i18n import DEFAULT_LOCALE, ngettext, speaking
from forum.i18n import gettext as _
from rewards.labels import system_reasons

Params = Mapping[str, Any]


def _serial_kudos(p: Params) -> str:
    return (
        _(
            "%(giver)s gave %(n)s kudos worth %(points)s of the member's %(total)s kudos points "
            "in %(period)s (%(share)s %%)."
        )
        % p
    )


def _reciprocal_accepts(p: Params) -> str:
    return (
        _(
            "%(other)s accepted %(n)s of the member's answers and the member accepted "
            "%(back)s of theirs in %(period)s."
        )
        % p
    )


def _shared_signup_address(p: Params) -> str:
    return (
        _(
            "Signed up from %(address)s, like %(asker)s, who accepted %(n)s of the member's "
            "answers in %(period)s."
        )
        % p
    )


def _new_account(p: Params) -> str:
    return (
        ngettext(
            "Account %(days)s day old at the cut-off earned %(earned)s points in %(period)s "
            "(limit %(limit)s).",
            "Account %(days)s days old at the cut-off earned %(earned)s points in %(period)s "
            "(limit %(limit)s).",
            int(p["days"]),
        )
        % p
    )


def _fast_accept(p: Params) -> str:
    found = [
        _("answer %(answer)s (question %(question)s) after %(seconds)s s") % answer
        for answer in p["answers"]
    ]
    if p["more"]:
        found.append(_("and %(num)s more") % {"num": p["more"]})
    return _("Accepted within %(limit)s s of posting: %(answers)s.") % {
        "limit": p["limit"],
        "answers": "; ".join(found),
    }


def _suspended(p: Params) -> str:
    return _("The member is suspended.")


def _deferred(p: Params) -> str:
    return _("Finance deferred this member's line in %(period)s: %(reason)s") % p


def _missing_address(p: Params) -> str:
    methods = {"cash": _("cash"), "charity": _("charity")}
    method = methods.get(p["method"], p["method"])
    return _("The member chose %(method)s but gave no payout address or charity.") % {
        "method": method
    }


def _suspended_after_close(p: Params) -> str:
    return _("Suspended after the close: %(reason)s") % p


def _reversed_after_close(p: Params) -> str:
    # The events are the system reasons of rewards.actions.awards (stored in English), and
    # finance's fraud reversal, which names its own reason.
    events = {**system_reasons(), "fraud reversal": _("fraud reversal")}
    event = events.get(p["event"], p["event"])
    if p.get("reason"):
        event = f"{event}: {p['reason']}"
    return ngettext(
        "%(points)s point reversed after the close: %(event)s",
        "%(points)s points reversed after the close: %(event)s",
        int(p["points"]),
    ) % {"points": p["points"], "event": event}


_TEXTS: dict[str, Callable[[Params], str]] = {
    "serial_kudos": _serial_kudos,
    "reciprocal_accepts": _reciprocal_accepts,
    "shared_signup_address": _shared_signup_address,
    "new_account": _new_account,
    "fast_accept": _fast_accept,
    "suspended": _suspended,
    "deferred": _deferred,
    "missing_address": _missing_address,
    "suspended_after_close": _suspended_after_close,
    "reversed_after_close": _reversed_after_close,
}


def exported_note() -> str:
    return _("The batch's file was exported already: recall this payment if you can.")


def signal_text(code: str, params: Params) -> str:
    """The signal's sentence in the current locale; `params["exported"]` adds the note that
    the batch's file may be at the bank already."""
    text = _TEXTS[code](params)
    return f"{text} {exported_note()}" if params.get("exported") else text


def english_detail(code: str, params: Params) -> str:
    """The sentence stored with the signal: English, and no longer than its column."""
    with speaking(DEFAULT_LOCALE):
        return signal_text(code, params)[:500]


def shown_detail(code: str, params: Params | None, detail: str) -> str:
    """What a page shows: the sentence in the reader's locale, or the stored English one for a
    signal without facts (written before they were kept, or held with a sentence only)."""
    if params is None or code not in _TEXTS:
        return detail
    try:
        return signal_text(code, params)
    except (KeyError, TypeError, ValueError):  # facts of another shape: the stored sentence
        return detail
