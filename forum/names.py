"""Names that cannot impersonate: a member's username or display name may not be, or carry as a
word, staff, admin, moderator, peerdesk (or Dutch medewerker, beheerder), nor equal or nearly
equal a staff member's name, in any script or case.

Names are compared by their skeleton (Unicode TR39's idea): NFKC, every character that looks
like an ASCII one replaced by it (Unicode's confusables, through confusable-homoglyphs; before
and after case folding, so capitals of other scripts are caught too), case folded, the
characters that pass for one another folded together (i, l, 1, |; o, 0; a, 4, @; ...) and
"rn" read as "m". A reserved word must be a word of the name (a Cyrillic "Staff", "the_admin",
"m0derator", "staff1", "stafff"), not a part of one: "Stafford", "badminton" and "Chad Minter"
are names like any other.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

from forum.i18n import gettext as _
from forum.models import Role, User

# The pseudonym of an erased account (forum.actions.data_rights): nobody registers one.
ERASED_PREFIX = "deleted-"
RESERVED = ("staff", "admin", "moderator", "peerdesk", "medewerker", "beheerder")
_FOLD = str.maketrans(
    {"i": "l", "1": "l", "|": "l", "!": "l", "0": "o", "3": "e", "4": "a", "@": "a", "5": "s",
     "$": "s"}
)  # fmt: skip
_WORDS = re.compile(r"[^\W_]+")
# Below this length only an exact match counts as resembling (one letter off "sam" is "pam").
_NEAR_FROM = 5
MAX_CHECKED = 200  # longer input is refused by the field's own limit first


def _ascii_lookalikes(text: str) -> str:
    found = confusables.is_confusable(text, greedy=True) or []
    mapped: dict[str, str] = {}
    for char in found:
        if char["character"].isascii():
            continue  # ASCII look-alikes of each other are folded later (i, l, 1, |)
        lookalike = next((h["c"] for h in char["homoglyphs"] if h["c"].isascii()), None)
        if lookalike:
            mapped[char["character"]] = lookalike
    return "".join(mapped.get(ch, ch) for ch in text)


@lru_cache(maxsize=4096)
def _shape(text: str) -> tuple[str, ...]:
    """The words of `text` as ASCII look-alikes, case folded, digits kept."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHECKED])
    text = _ascii_lookalikes(_ascii_lookalikes(text).casefold()).casefold()
    return tuple(_WORDS.findall(text))


def _skeleton_of(word: str) -> str:
    return word.translate(_FOLD).replace("rn", "m").replace("vv", "w")


def skeleton(name: str) -> str:
    """The whole name's skeleton, its separators dropped."""
    return _skeleton_of("".join(_shape(name)))


_RESERVED = tuple(_skeleton_of(w) for w in RESERVED)


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


def _padded(word: str, reserved: str) -> bool:
    """The reserved word itself, or with one letter slipped in ("stafff", "adrmin")."""
    if word == reserved:
        return True
    return len(word) == len(reserved) + 1 and any(
        word[:i] + word[i + 1 :] == reserved for i in range(len(word))
    )


def _reserved_word(name: str) -> bool:
    words = _shape(name)
    for word in (*words, "".join(words)):
        bare = word.strip("0123456789")  # "staff1", "2admin"
        for shape in {_skeleton_of(word), _skeleton_of(bare)}:
            if any(_padded(shape, r) for r in _RESERVED):
                return True
    return False


def impersonation_refused() -> str:
    return _("That name is kept for staff, or looks like a staff member's: choose another.")


async def impersonates(name: str) -> bool:
    """Whether `name` carries a reserved word or resembles a staff member's name."""
    if not skeleton(name):
        return False
    if _reserved_word(name):
        return True
    shape = skeleton(name)
    team = await User.filter(role__in=[r for r in Role if r != Role.MEMBER]).values_list(
        "username", "display_name"
    )
    return any(
        _near(shape, skeleton(staff_name))
        for username, display_name in team
        for staff_name in (username, display_name)
        if staff_name
    )
