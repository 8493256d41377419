"""Translations: Babel catalogues read from the committed `.po` files at start-up.

The locale of a request is the member's own choice when logged in, otherwise the browser's
Accept-Language; templates call `_()` / `ngettext()` through Jinja's i18n extension.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("en", "nl")
DEFAULT_LOCALE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: ContextVar[str] = ContextVar("peerdesk_locale", default=DEFAULT_LOCALE)


@cache
def catalog(locale: str) -> NullTranslations:
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT_LOCALE or not po.is_file():
        return NullTranslations()
    with po.open("rb") as fh:
        messages = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    buffer.seek(0)
    return Translations(buffer)


def use_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """Translate into `locale` inside the block (a mail in its recipient's language)."""
    token = _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current.reset(token)


def current_locale() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return catalog(_current.get()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(_current.get()).ungettext(singular, plural, n)


@lru_cache(maxsize=512)
def negotiate(accept_language: str) -> str:
    """The best of our locales for an Accept-Language header."""
    wanted = []
    for part in accept_language.split(",")[:20]:
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag:
            wanted.append(tag)
    return negotiate_locale(wanted, list(LOCALES)) or DEFAULT_LOCALE
