"""What the hosted pages need of a tenant's branding, detached from any session.

A ``BrandingView`` is built once per configuration change and kept in the configuration
cache, so rendering a page reads no database on a warm cache. ``version`` changes whenever
anything that the tenant stylesheet (``/u/branding.css``) is made of changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Gradient:
    """Auth0's ``page_background`` gradient (``type`` is always ``linear-gradient``)."""

    start: str
    end: str
    angle_deg: float


@dataclass(frozen=True)
class BrandingView:
    primary_color: str | None = None
    page_background: str | Gradient | None = None
    logo_url: str | None = None
    favicon_url: str | None = None
    font_url: str | None = None
    template: str | None = None
    """The tenant's universal-login page template (untrusted text), or ``None``."""
    version: str = field(default="")

    @property
    def has_styles(self) -> bool:
        return bool(self.primary_color or self.page_background or self.font_url)

    def origins(self, *names: str) -> tuple[str, ...]:
        """The origins of the named URL fields that are set (for the page's CSP)."""
        found: list[str] = []
        for name in names:
            url = getattr(self, name)
            if url:
                parts = urlsplit(url)
                origin = f"{parts.scheme}://{parts.netloc}"
                if origin not in found:
                    found.append(origin)
        return tuple(found)


DEFAULT_VIEW = BrandingView()


def view_of(settings: Mapping[str, Any], template: str | None) -> BrandingView:
    """The view of stored ``/branding`` settings (already validated on write)."""
    colors = settings.get("colors") or {}
    background = colors.get("page_background")
    if isinstance(background, Mapping):
        background = Gradient(
            start=str(background["start"]),
            end=str(background["end"]),
            angle_deg=float(background["angle_deg"]),
        )
    styles = {"colors": colors, "font": settings.get("font") or {}}
    digest = hashlib.sha256(json.dumps(styles, sort_keys=True).encode()).hexdigest()
    return BrandingView(
        primary_color=colors.get("primary"),
        page_background=background,
        logo_url=settings.get("logo_url"),
        favicon_url=settings.get("favicon_url"),
        font_url=(settings.get("font") or {}).get("url"),
        template=template,
        version=digest[:16],
    )
