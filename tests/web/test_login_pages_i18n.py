"""The hosted login pages speak the user's language: ``ui_locales`` first, then
``Accept-Language``, and every message of the pages has a translation in every catalog."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from authgate.email.i18n import LOCALES
from authgate.passwords.policy import PasswordPolicy
from authgate.passwords.rules import LEVELS
from authgate.web.i18n import accepted_languages, page_locale, translations
from authgate.web.login import SCOPE_DESCRIPTIONS
from tests.http.authorize_helpers import Pkce, authorize_params, spa

TEMPLATES = Path(__file__).parents[2] / "src" / "authgate" / "web" / "templates"
WEB = Path(__file__).parents[2] / "src" / "authgate" / "web"


def _messages() -> set[str]:
    found: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        found |= set(re.findall(r'_\("((?:[^"\\]|\\.)*)"\)', template.read_text()))
    for module in WEB.glob("*.py"):
        found |= set(re.findall(r'error\s*=\s*"([^"]+)"', module.read_text()))
    found |= {"Wrong email or password.", "Something went wrong"}
    found |= set(SCOPE_DESCRIPTIONS.values())
    for level in LEVELS:  # the password rules the signup and reset pages show
        for rule in PasswordPolicy(level=level).rules:
            explained = rule.explain()
            found |= {explained["message"], *(i["message"] for i in explained.get("items", []))}
    return found


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale != "en"])
def test_every_message_is_translated(locale: str) -> None:
    catalog = translations(locale)
    missing = [msg for msg in sorted(_messages()) if catalog.gettext(msg) == msg]
    assert missing == []


def test_language_choice() -> None:
    assert accepted_languages("de;q=0.5, fr-CA, ja;q=0.9, *;q=0.1") == ["fr-CA", "ja", "de"]
    assert page_locale("es", "fr", ("en",)) == "es"
    assert page_locale("xx en", "fr", ("en",)) == "fr"
    assert page_locale(None, "pt-BR, de;q=0.4", ("en",)) == "de"
    assert page_locale(None, None, ("ja",)) == "ja"
    assert page_locale(None, "garbage;q=abc", ("en",)) == "en"


async def _login_page(
    client: httpx.AsyncClient, admin: dict[str, str], headers: dict[str, str], **extra: str
) -> httpx.Response:
    app = await spa(client, admin)
    response = await client.get("/authorize", params=authorize_params(app, Pkce.new(), **extra))
    return await client.get(response.headers["location"], headers=headers)


async def test_ui_locales_choose_the_page_language(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    page = await _login_page(client, admin, {"Accept-Language": "de"}, ui_locales="fr-FR es")
    assert '<html lang="fr">' in page.text
    assert "Mot de passe" in page.text
    assert "Se connecter" in page.text


async def test_accept_language_chooses_the_page_language(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    page = await _login_page(client, admin, {"Accept-Language": "ja,en;q=0.5"})
    assert '<html lang="ja">' in page.text
    assert "パスワード" in page.text
    english = await _login_page(client, admin, {})
    assert '<html lang="en">' in english.text
    assert "Password" in english.text
