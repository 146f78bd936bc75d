"""Languages of the built-in mails: gettext catalogs, locale choice and localized durations.

The catalogs are the ``.po`` files under ``translations/<locale>/LC_MESSAGES/``, compiled in
memory the first time a locale is used (``babel.messages.mofile``): the repository holds no
binary ``.mo`` file that could drift from its source, and compiling five small catalogs costs a
few milliseconds once per process. English is the source language and needs no catalog.
``babel.cfg`` holds the extraction mapping and the commands that refresh the catalogs after a
template changes; ``tests/email/test_rendering.py`` fails when a catalog misses a message.

Locale choice: the first requested locale (``user_metadata.locale``, ``ui_locales``...) that has
a catalog, where a region falls back to its language (``fr-CA`` → ``fr``); else the tenant's
first enabled locale; else English. The requested locale is honoured even when the tenant did
not enable it for its hosted pages.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from babel.dates import format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LOCALE = "en"
LOCALES = ("en", "es", "fr", "de", "ja")
TRANSLATIONS = Path(__file__).parent / "translations"


@functools.cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalog of ``locale`` (one of ``LOCALES``)."""
    if locale not in LOCALES:
        raise ValueError(f"no catalog for locale {locale!r}")
    if locale == SOURCE_LOCALE:
        return gettext.NullTranslations()
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _language_tags(requested: Iterable[str | None]) -> list[str]:
    """Tags in preference order; ``ui_locales``-style space-separated lists are split."""
    tags: list[str] = []
    for item in requested:
        if isinstance(item, str):
            tags.extend(part.replace("_", "-").strip() for part in item.split())
    return [tag for tag in tags if tag]


def _match(tag: str) -> str | None:
    """``fr-CA`` → ``fr``: an exact catalog, else the tag's language."""
    lowered = tag.lower()
    if lowered in LOCALES:
        return lowered
    language = lowered.split("-", 1)[0]
    return language if language in LOCALES else None


def choose_locale(requested: Iterable[str | None], tenant_locales: Iterable[str] = ()) -> str:
    """The first requested locale we have a catalog for, else the tenant's first enabled
    locale (when we have it), else English."""
    for tag in _language_tags(requested):
        if (found := _match(tag)) is not None:
            return found
    for tag in list(tenant_locales)[:1]:
        if (found := _match(tag)) is not None:
            return found
    return SOURCE_LOCALE


def describe_duration(seconds: int, locale: str) -> str:
    """A link lifetime in words: ``5 days``, ``5 jours``, ``5 日``."""
    return str(
        format_timedelta(timedelta(seconds=seconds), threshold=1, format="long", locale=locale)
    )
