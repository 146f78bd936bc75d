"""Languages of the hosted pages (issue of DESIGN §3.5: pages localized through Babel catalogs).

The locales are the mails' (``email.i18n.LOCALES``). A page's language is the first of the
request's ``ui_locales`` (OpenID Connect Core §3.1.2.1) that has a catalog, else the first
``Accept-Language`` choice by quality (RFC 9110 §12.5.4) that has one, else the tenant's first
enabled locale, else English. Catalogs are ``translations/<locale>.po``, compiled in memory once.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from authgate.email.i18n import LOCALES, SOURCE_LOCALE, choose_locale

CATALOGS = Path(__file__).parent / "translations"


@functools.cache
def translations(locale: str) -> gettext.NullTranslations:
    if locale not in LOCALES or locale == SOURCE_LOCALE:
        return gettext.NullTranslations()
    with (CATALOGS / f"{locale}.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def accepted_languages(header: str | None) -> list[str]:
    """``Accept-Language`` tags by decreasing quality (ties keep their order)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "")[:512].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def page_locale(
    ui_locales: str | None, accept_language: str | None, tenant_locales: tuple[str, ...]
) -> str:
    if ui_locales:
        chosen = choose_locale([ui_locales], ())
        if chosen != SOURCE_LOCALE or ui_locales.split()[0].lower().startswith("en"):
            return chosen
    return choose_locale(accepted_languages(accept_language), tenant_locales)
