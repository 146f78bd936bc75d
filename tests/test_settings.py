"""Settings (DESIGN §3.2) and the production guard rails."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from authgate.settings import Settings, UnsafeConfiguration

SECRET = "s" * 40


def _settings(**values: object) -> Settings:
    return Settings(**values)  # type: ignore[arg-type]


def test_defaults() -> None:
    settings = _settings()
    assert settings.issuer == "http://127.0.0.1:8080/"
    assert settings.port == 8080
    assert settings.resolved_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.resolved_database_url.endswith("var/authgate.db")


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AUTHGATE_ISSUER", "https://id.example.com")
    monkeypatch.setenv("AUTHGATE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AUTHGATE_TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    settings = Settings()
    assert settings.issuer == "https://id.example.com/"
    assert settings.data_dir == tmp_path
    assert settings.trusted_proxies == ("10.0.0.0/8", "::1")


@pytest.mark.parametrize(
    "values",
    [
        {"issuer": "ftp://x/"},
        {"issuer": "https://x/?a=b"},
        {"issuer": "https://user:pw@x/"},
        {"trusted_proxies": "not-a-network"},
        {"tls_cert": "/tmp/cert.pem"},
        {"port": 70000},
    ],
)
def test_invalid_settings_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _settings(**values)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"issuer": "https://id.example.com/"}, "AUTHGATE_SECRET_KEY"),
        ({"issuer": "https://id.example.com/", "secret_key": "short"}, "AUTHGATE_SECRET_KEY"),
        ({"issuer": "http://id.example.com/", "secret_key": SECRET}, "http issuer"),
        (
            {"issuer": "https://id.example.com/", "secret_key": SECRET, "testing": True},
            "AUTHGATE_TESTING",
        ),
    ],
)
def test_production_refuses_unsafe_configuration(values: dict[str, object], reason: str) -> None:
    settings = _settings(env="production", **values)
    with pytest.raises(UnsafeConfiguration, match=reason):
        settings.check_production()


@pytest.mark.parametrize(
    "issuer",
    [
        "https://id.example.com/",
        "http://127.0.0.1:8080/",
        "http://localhost/",
        "http://[::1]:9000/",
    ],
)
def test_production_accepts_safe_configuration(issuer: str) -> None:
    _settings(env="production", issuer=issuer, secret_key=SECRET).check_production()


def test_development_tolerates_everything() -> None:
    _settings(issuer="http://id.example.com/", testing=True).check_production()
