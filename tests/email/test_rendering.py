"""The built-in mails in five languages, escaping, locale choice and the catalogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from authgate.email.i18n import LOCALES, choose_locale
from authgate.email.rendering import BUILT_IN
from authgate.services import Services
from tests.email.conftest import enqueue, stored

TRANSLATIONS = Path(__file__).parents[2] / "src/authgate/email/translations"
TEMPLATES = Path(__file__).parents[2] / "src/authgate/email/templates"

SUBJECTS = {
    "en": "Verify your email address for default",
    "es": "Verifica tu dirección de correo electrónico para default",
    "fr": "Vérifiez votre adresse e-mail pour default",
    "de": "Bestätigen Sie Ihre E-Mail-Adresse für default",
    "ja": "default のメールアドレスを確認してください",
}
LIFETIMES = {"en": "5 days", "es": "5 días", "fr": "5\xa0jours", "de": "5 Tage", "ja": "5 日"}


async def _render(services: Services, **options: Any) -> Any:
    message_id = await enqueue(services, **options)
    assert message_id is not None
    return await stored(services, message_id)


@pytest.mark.parametrize("locale", LOCALES)
async def test_verify_email_in_each_language(services: Services, locale: str) -> None:
    message = await _render(services, locales=[locale])
    assert message.locale == locale
    assert message.mail.subject == SUBJECTS[locale]
    assert LIFETIMES[locale] in message.mail.text
    assert LIFETIMES[locale] in message.mail.html
    assert f'<html lang="{locale}">' in message.mail.html
    assert "https://authgate.test/u/email-verification?ticket=T0K3N-secret" in message.mail.text


@pytest.mark.parametrize("template", BUILT_IN)
@pytest.mark.parametrize("locale", LOCALES)
async def test_every_built_in_mail_renders_in_every_language(
    services: Services, template: str, locale: str
) -> None:
    message = await _render(
        services,
        template=template,
        locales=[locale],
        application={"name": "Shop"},
        inviter={"name": "Grace"},
    )
    english = await _render(
        services, template=template, application={"name": "Shop"}, inviter={"name": "Grace"}
    )
    assert message.mail.subject
    assert message.mail.text.strip()
    if template != "security_alert":  # the administrators' alert carries no link
        assert "https://authgate.test/u/email-verification" in message.mail.html
    if locale != "en":
        assert message.mail.subject != english.mail.subject
        assert message.mail.text != english.mail.text


async def test_user_controlled_values_are_escaped_in_html(
    services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    patch = {"friendly_name": "<b>Acme</b>", "support_url": "https://acme.test/help?a=1&b=2"}
    assert (
        await client.patch("/api/v2/tenants/settings", json=patch, headers=admin)
    ).status_code == 200
    message = await _render(
        services,
        template="user_invitation",
        user={"email": "x@example.com", "name": "<script>alert(1)</script>"},
        inviter={"name": '<img src=x onerror="alert(2)">'},
        organization={"display_name": "Team & <i>Co</i>"},
    )
    html = message.mail.html
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in html
    assert "Team &amp; &lt;i&gt;Co&lt;/i&gt;" in html
    assert "&lt;b&gt;Acme&lt;/b&gt;" in html
    assert 'href="https://acme.test/help?a=1&amp;b=2"' in html
    assert message.mail.subject == "You are invited to join Team & <i>Co</i>"
    greeting = await _render(
        services, user={"email": "x@example.com", "name": "<script>alert(1)</script>"}
    )
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt;," in greeting.mail.html
    assert "Hello <script>alert(1)</script>," in greeting.mail.text


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (["fr-CA"], "fr"),
        (["pt-BR", "de-AT"], "de"),
        (["es-419 fr"], "es"),
        (["ja_JP"], "ja"),
        ([None, "DE"], "de"),
        (["pt"], "en"),
        ([], "en"),
    ],
)
async def test_locale_choice_falls_back_to_the_language(
    services: Services, requested: list[Any], expected: str
) -> None:
    assert (await _render(services, locales=requested)).locale == expected


async def test_locale_falls_back_to_the_tenant_first_enabled_locale(
    services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    patch = {"enabled_locales": ["fr-CA", "en"]}
    assert (
        await client.patch("/api/v2/tenants/settings", json=patch, headers=admin)
    ).status_code == 200
    assert (await _render(services, locales=["pt-BR"])).locale == "fr"
    assert (await _render(services, locales=["ja"])).locale == "ja"


def test_choose_locale_without_any_known_language() -> None:
    assert choose_locale(["xx"], ["pt", "de"]) == "en"


async def test_tenant_branding_appears_in_the_mail(
    services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    patch = {
        "friendly_name": "Acme",
        "picture_url": "https://acme.test/logo.png",
        "support_email": "help@acme.test",
        "support_url": "https://acme.test/help",
    }
    assert (
        await client.patch("/api/v2/tenants/settings", json=patch, headers=admin)
    ).status_code == 200
    message = await _render(services, template="reset_email", locales=["de"])
    assert message.mail.subject == "Setzen Sie Ihr Passwort für Acme zurück"
    assert message.sender == "Acme <no-reply@authgate.test>"
    assert '<img src="https://acme.test/logo.png" alt="Acme"' in message.mail.html
    assert "help@acme.test" in message.mail.text
    assert "https://acme.test/help" in message.mail.text
    assert "Gesendet von Acme." in message.mail.text


async def test_without_a_transport_mail_stays_in_the_development_outbox(
    services: Services,
) -> None:
    message = await _render(services)
    assert message.status == "outbox"
    assert await services.email.deliver_due() == 0
    assert (await stored(services, message.id)).attempts == 0


@pytest.mark.parametrize(
    "address", ["a@b.test\r\nBcc: evil@x.test", "a@b.test, evil@x.test", "<a@b.test>", "no-at-sign"]
)
async def test_addresses_that_could_inject_headers_or_recipients_are_not_queued(
    services: Services, address: str
) -> None:
    assert await enqueue(services, to=address) is None
    async with services.db.unit_of_work(write=False) as session:
        assert await services.email.messages(session) == []


@pytest.mark.parametrize("link", ["javascript:alert(1)", "/relative/path", "data:text/html,x"])
async def test_links_must_be_absolute_http_urls(services: Services, link: str) -> None:
    with pytest.raises(ValueError, match="http"):
        await enqueue(services, url=link)


def test_every_catalog_translates_every_message_of_the_templates() -> None:
    extracted = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(TEMPLATES),
            method_map=[
                ("**.html", "jinja2.ext:babel_extract"),
                ("**.txt", "jinja2.ext:babel_extract"),
            ],
            options_map={"**": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
        )
    }
    assert len(extracted) > 25
    for locale in LOCALES:
        if locale == "en":
            continue
        with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        translated = {m.id: m for m in catalog if m.id}
        assert set(translated) == extracted, locale
        for message in translated.values():
            assert message.string, (locale, message.id)
            assert not message.fuzzy, (locale, message.id)
        assert list(catalog.check()) == [], locale


async def test_configuration_changes_reach_the_next_mail(
    services: Services, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    assert (await _render(services)).mail.subject == SUBJECTS["en"]
    patch = {"friendly_name": "Acme"}
    assert (
        await client.patch("/api/v2/tenants/settings", json=patch, headers=admin)
    ).status_code == 200
    assert (await _render(services)).mail.subject == "Verify your email address for Acme"
    off = {"template": "verify_email", "enabled": False}
    assert (
        await client.post("/api/v2/email-templates", json=off, headers=admin)
    ).status_code == 200
    assert await enqueue(services) is None
    back = {"enabled": True, "subject": "Hi {{ user.email }}"}
    url = "/api/v2/email-templates/verify_email"
    assert (await client.patch(url, json=back, headers=admin)).status_code == 200
    assert (await _render(services)).mail.subject == "Hi ada@example.com"
    provider = {"name": "smtp", "credentials": {"smtp_host": "127.0.0.1", "smtp_port": 9}}
    assert (
        await client.post("/api/v2/emails/provider", json=provider, headers=admin)
    ).status_code == 201
    assert (await _render(services)).status == "pending"
    assert (await client.delete("/api/v2/emails/provider", headers=admin)).status_code == 204
    assert (await _render(services)).status == "outbox"
