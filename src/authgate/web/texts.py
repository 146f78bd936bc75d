"""The tenant's custom texts on the hosted pages (``/api/v2/prompts/{prompt}/custom-text/
{language}``, reference §2.2 and the prompts section; Auth0's keys per screen).

A page looks up the texts of its prompt and screen in the page's language; a key that is set
replaces the page's own (translated) text, and ``${clientName}`` and ``${companyName}`` in it
are replaced by the application's name and the tenant's ``friendly_name``. Texts are plain:
the templates escape them. The keys each page reads:

- ``login`` / ``login``: ``pageTitle``, ``title``, ``description``, ``buttonText``,
  ``signupActionText``, ``signupActionLinkText``, ``forgotPasswordText``;
- ``signup`` / ``signup``: ``pageTitle``, ``title``, ``description``, ``buttonText``,
  ``loginActionText``, ``loginActionLinkText``;
- ``consent`` / ``consent``: ``pageTitle``, ``title``, ``acceptButtonText``,
  ``declineButtonText``;
- ``reset-password`` / ``reset-password-request``: ``pageTitle``, ``title``, ``description``,
  ``buttonText``, ``backToLoginLinkText``;
- ``reset-password`` / ``reset-password``: ``pageTitle``, ``title``, ``description``,
  ``buttonText``.
"""

from __future__ import annotations

from authgate.protocol.ports import TenantRecord
from authgate.services import Services

SCREENS = {
    "login.html": ("login", "login"),
    "signup.html": ("signup", "signup"),
    "consent.html": ("consent", "consent"),
    "reset_request.html": ("reset-password", "reset-password-request"),
    "reset_password.html": ("reset-password", "reset-password"),
}


async def custom_texts(
    services: Services,
    tenant: TenantRecord,
    template: str,
    locale: str,
    client_name: str | None = None,
) -> dict[str, str]:
    """The custom texts of ``template``'s screen in ``locale``, variables filled in."""
    found = SCREENS.get(template)
    if found is None:
        return {}
    prompt, screen = found
    texts = await services.branding.texts(tenant.id, prompt, locale)
    keys = texts.get(screen) or {}
    values = {
        "${clientName}": client_name or "",
        "${companyName}": tenant.friendly_name or tenant.name,
    }
    filled: dict[str, str] = {}
    for key, text in keys.items():
        result = text
        for variable, value in values.items():
            result = result.replace(variable, value)
        filled[key] = result
    return filled
