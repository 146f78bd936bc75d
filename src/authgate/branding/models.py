"""Tables of a tenant's branding (``/api/v2/branding``) and prompts (``/api/v2/prompts``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from authgate.db import Base, UTCDateTime


class Branding(Base):
    """One row per tenant that changed anything; a tenant without a row has Auth0's defaults.

    ``settings`` holds the wire fields of ``/branding`` that were set (``colors``,
    ``favicon_url``, ``logo_url``, ``font``); ``prompts`` those of ``/prompts``;
    ``universal_login_template`` the page template, ``None`` when the tenant has none.
    """

    __tablename__ = "branding"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prompts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    universal_login_template: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PromptText(Base):
    """A tenant's custom text of one prompt in one language: ``{screen: {key: text}}``."""

    __tablename__ = "prompt_custom_texts"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    prompt: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
