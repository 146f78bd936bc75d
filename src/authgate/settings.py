"""The one settings tree of Authgate (DESIGN §3.2).

Every field is read from an ``AUTHGATE_*`` environment variable (and, through the CLI, from a
flag of the same name). Nothing here is read at import time: the CLI or the tests build a
``Settings`` object and hand it to ``create_app(settings)``.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class UnsafeConfiguration(ValueError):
    """A setting that production refuses."""


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    """Configuration of one Authgate deployment."""

    model_config = SettingsConfigDict(env_prefix="AUTHGATE_", extra="ignore", frozen=True)

    env: Literal["development", "production"] = "development"
    """`production` refuses unsafe defaults (see `check_production`)."""

    data_dir: Path = Path("./var")
    """SQLite database, generated development secrets, bootstrap credentials, local CA."""

    database_url: str | None = None
    """SQLAlchemy URL: ``sqlite+aiosqlite:///...`` or ``postgresql+asyncpg://...``."""

    redis_url: str | None = None
    """Redis for shared counters, cache invalidation and rate limits across nodes."""

    redis_prefix: str = Field(default="authgate:", max_length=64)
    """Prefix of every Redis key Authgate writes (several deployments can share a Redis)."""

    issuer: str = "http://127.0.0.1:8080/"
    """Public base URL of the default tenant; a trailing slash is added when missing."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=256)

    tls_cert: Path | None = None
    """PEM certificate chain; with ``tls_key`` the server speaks HTTPS directly."""
    tls_key: Path | None = None

    secret_key: SecretStr | None = None
    """Master key that encrypts private keys and secrets at rest; generated in development."""

    bootstrap_client_id: str | None = None
    bootstrap_client_secret: SecretStr | None = None

    smtp_url: SecretStr | None = None
    """``smtp://user:pass@host:port`` (or ``smtps://``) for outgoing mail."""

    testing: bool = False
    """Enables test-only hooks (a server clock offset); refused in production."""

    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    """Comma-separated IPs or CIDRs whose ``X-Forwarded-*`` headers are believed."""

    captcha_difficulty: int = Field(default=16, ge=1, le=32)
    """Leading zero bits the built-in challenge asks for (about 2^n hashes in the browser)."""

    captcha_verify_urls: dict[str, str] = Field(default_factory=dict)
    """JSON: verification endpoint per CAPTCHA provider, replacing the provider's own (for a
    proxy or a test double), e.g. ``{"hcaptcha": "http://127.0.0.1:9000/siteverify"}``."""

    breached_passwords_range_url: str | None = None
    """A k-anonymity range API (the Pwned Passwords ``/range/{prefix}`` shape) consulted by
    breached password detection after the local data; only 5 hex characters of a SHA-1 leave."""

    breached_passwords_timeout: float = Field(default=2.0, gt=0, le=30)
    """Seconds the range API may take before the password counts as not known."""

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    access_log: bool = True

    log_retention_days: int = Field(default=30, ge=1, le=3650)
    """Tenant log events older than this are deleted."""

    config_poll_seconds: float = Field(default=2.0, gt=0)
    """How often a worker re-reads the configuration version from the database."""

    @field_validator("issuer")
    @classmethod
    def _issuer_is_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("AUTHGATE_ISSUER must be an absolute http(s) URL")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("AUTHGATE_ISSUER must not have a query, fragment or credentials")
        return value if value.endswith("/") else value + "/"

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @model_validator(mode="after")
    def _tls_pair(self) -> Settings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("AUTHGATE_TLS_CERT and AUTHGATE_TLS_KEY must be given together")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'authgate.db').resolve()}"

    @property
    def issuer_host(self) -> str:
        return urlsplit(self.issuer).hostname or ""

    def check_production(self) -> None:
        """Refuse to start a production deployment with a dangerous default."""
        if self.env != "production":
            return
        if self.secret_key is None or len(self.secret_key.get_secret_value()) < 32:
            raise UnsafeConfiguration(
                "AUTHGATE_SECRET_KEY (at least 32 characters) is required in production"
            )
        if self.testing:
            raise UnsafeConfiguration("AUTHGATE_TESTING cannot be enabled in production")
        if urlsplit(self.issuer).scheme != "https" and not _is_loopback(self.issuer_host):
            raise UnsafeConfiguration("an http issuer is only allowed on a loopback host")
