"""Names that cannot impersonate: a member's username or display name may not contain staff,
admin, moderator or peerdesk, nor equal or nearly equal a staff member's name, in any script or
case. Names are compared by their skeleton: NFKC, case folded, every character that looks like
a Latin one replaced by it (Unicode's confusables, TR39), the digits that pass for letters too
(0, 1, 3, 5), separators dropped: a Cyrillic "Staff", a full-width "ADMIN", "m0derator" and
"s.a.m_staff" all show themselves."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

from forum.i18n import gettext as _
from forum.models import Role, User

RESERVED = ("staff", "admin", "moderator", "peerdesk")
_DIGITS = str.maketrans({"0": "o", "1": "l", "3": "e", "5": "s", "|": "l"})
# Below this skeleton length only an exact match counts as resembling (one letter off "sam"
# is "pam", someone else).
_NEAR_FROM = 5


@lru_cache(maxsize=4096)
def skeleton(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    found = confusables.is_confusable(text, greedy=True, preferred_aliases=["latin"]) or []
    latin = {c["character"]: c["homoglyphs"][0]["c"] for c in found if c["homoglyphs"]}
    text = "".join(latin.get(ch, ch) for ch in text).casefold().translate(_DIGITS)
    text = "".join(ch for ch in text if ch.isalnum())
    return text.replace("rn", "m").replace("vv", "w")  # TR39's letter pairs that pass for one


def impersonation_refused() -> str:
    return _("That name is kept for staff, or looks like a staff member's: choose another.")


def _near(a: str, b: str) -> bool:
    """Equal, or one letter added, dropped or changed."""
    if a == b:
        return True
    if min(len(a), len(b)) < _NEAR_FROM or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


async def impersonates(name: str, *, exempt_id: int | None = None) -> bool:
    """Whether `name` contains a reserved word or resembles a staff member's name."""
    shape = skeleton(name)
    if not shape:
        return False
    if any(word in shape for word in RESERVED):
        return True
    team = await User.filter(role__in=[r for r in Role if r != Role.MEMBER]).values_list(
        "id", "username", "display_name"
    )
    return any(
        _near(shape, skeleton(staff_name))
        for staff_id, username, display_name in team
        if staff_id != exempt_id
        for staff_name in (username, display_name)
        if staff_name
    )
