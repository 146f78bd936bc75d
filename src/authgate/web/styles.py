"""The tenant stylesheet, ``GET /u/branding.css``, made from ``/api/v2/branding``.

The hosted pages send ``style-src 'self'``, so the colors cannot go into inline styles; they
become CSS custom properties of a stylesheet of the page's own origin instead: ``--accent``
(Auth0's ``colors.primary``, the buttons), ``--accent-text`` (black or white, whichever contrasts
more with it, per WCAG relative luminance), ``--page-background`` (a color or Auth0's
``linear-gradient`` object) and the custom font (``font.url``, a font file as Auth0 requires,
https://auth0.com/docs/api/management/v2/branding/patch-branding). Colors were checked to be
``#rgb``/``#rrggbb`` and the angle to be a number when stored; the font URL is written as an
escaped CSS string, so nothing a tenant sends can end a rule.

Served from the configuration cache. Pages link it as ``/u/branding.css?v=<version>``: a
request naming the current version may be cached for a year (a change of branding changes the
link); any other is revalidated with its ``ETag``.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from authgate.branding.view import BrandingView, Gradient
from authgate.http.tenancy import resolve_tenant, services_of

FONT_FAMILY = "authgate-tenant-font"


def _channels(color: str) -> tuple[float, float, float]:
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of a ``#rgb``/``#rrggbb`` color."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in _channels(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def text_color_on(color: str) -> str:
    """``#000000`` or ``#ffffff``: the one with the higher contrast ratio on ``color``."""
    luminance = relative_luminance(color)
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return "#000000" if on_black > on_white else "#ffffff"


def css_string(value: str) -> str:
    """A double-quoted CSS string; quotes, backslashes and controls hex-escaped."""
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7F else ch
        for ch in value
    )
    return f'"{escaped}"'


def _background(value: str | Gradient) -> str:
    if isinstance(value, Gradient):
        return f"linear-gradient({value.angle_deg:g}deg, {value.start}, {value.end})"
    return value


def stylesheet(view: BrandingView) -> str:
    """The CSS of ``view``; empty (a comment) when the tenant set no style."""
    properties: list[str] = []
    rules: list[str] = []
    if view.primary_color:
        properties.append(f"--accent: {view.primary_color};")
        properties.append(f"--accent-text: {text_color_on(view.primary_color)};")
    if view.page_background:
        properties.append(f"--page-background: {_background(view.page_background)};")
        rules.append("body { background: var(--page-background); }")
    if view.font_url:
        rules.insert(
            0,
            f"@font-face {{ font-family: {FONT_FAMILY}; src: url({css_string(view.font_url)}); "
            "font-display: swap; }",
        )
        rules.append(f"body {{ font-family: {FONT_FAMILY}, system-ui, sans-serif; }}")
    if properties:
        rules.insert(1 if view.font_url else 0, ":root { " + " ".join(properties) + " }")
    return "\n".join(rules or ["/* no tenant styles */"]) + "\n"


router = APIRouter(include_in_schema=False)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@router.get("/u/branding.css")
async def branding_css(request: Request, v: str = "") -> Response:
    tenant = await resolve_tenant(request)
    view = await services_of(request).branding.view(tenant.id)
    etag = f'"{view.version or "none"}"'
    headers = {
        "ETag": etag,
        "Cache-Control": IMMUTABLE if v and v == view.version else REVALIDATE,
        "X-Content-Type-Options": "nosniff",
        "Vary": "Host",
    }
    if etag in (tag.strip() for tag in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    return Response(stylesheet(view), media_type="text/css", headers=headers)
