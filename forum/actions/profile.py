"""Profile: display name, locale, payout choice and e-mail notifications of the member themself."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from forum import validation as v
from forum.i18n import gettext as _
from forum.models import PayoutMethod, Role, User
from forum.names import impersonates, impersonation_refused
from forum.settings import Settings

_UNSET: Any = object()


async def check_update_profile(
    settings: Settings,
    user: User,
    *,
    display_name: Any = _UNSET,
    locale: Any = _UNSET,
    payout_method: Any = _UNSET,
    payout_address: Any = _UNSET,
    email_notifications: Any = _UNSET,
) -> User:
    """Only the fields given change; an error in any field changes nothing."""
    errors = v.Errors()
    kept: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if display_name is not _UNSET:
        changes["display_name"] = v.text(
            errors, "display_name", display_name, min_len=0, max_len=60, label=_("Display name")
        )
        chosen = changes["display_name"]
        # Checked when it changes: a name from before a staff member joined stays.
        if (
            chosen
            and chosen != user.display_name
            and "display_name" not in errors.errors
            and user.role == Role.MEMBER
            and await impersonates(chosen)
        ):
            kept["display_name"] = impersonation_refused()
    if locale is not _UNSET:
        changes["locale"] = v.choice(errors, "locale", locale, settings.locales, _("Locale"))
    if payout_method is not _UNSET:
        method = v.choice(
            errors, "payout_method", payout_method, settings.payout_methods, _("Payout method")
        )
        changes["payout_method"] = PayoutMethod(method) if method else None
    if payout_address is not _UNSET:
        changes["payout_address"] = v.text(
            errors,
            "payout_address",
            payout_address,
            min_len=0,
            max_len=200,
            label=_("Payout address"),
        )
    method_after = changes.get("payout_method") or user.payout_method
    address_after = changes.get("payout_address", user.payout_address)
    if (
        method_after == PayoutMethod.CASH
        and address_after
        and "payout_address" not in errors.errors
    ):
        # Cash goes to a bank account: a mistyped IBAN is refused now, not bounced at payout.
        iban = v.Errors()
        changes["payout_address"] = v.iban(
            iban, "payout_address", address_after, _("Payout address")
        )
        kept.update(iban.errors)  # it does not suit the payout method (stored or sent): 409
    if email_notifications is not _UNSET:
        if isinstance(email_notifications, bool):
            changes["email_notifications"] = email_notifications
        else:
            errors.add("email_notifications", _("E-mail notifications must be true or false."))
    v.raise_kept(errors, kept)
    if changes:
        async with in_transaction():
            await User.filter(id=user.id).update(**changes)
        await user.refresh_from_db()
    return user
