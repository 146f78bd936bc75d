"""Connection strategies registered by their wire name (STYLE §2).

A strategy declares the ``options`` it accepts and how its users are identified. Later
strategies (social, enterprise, passwordless) register here without touching the callers.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from authgate.connections.strategies import database


@dataclass(frozen=True)
class Strategy:
    name: str
    provider: str
    """The ``identities[].provider`` and ``user_id`` prefix of its users."""
    options_model: type[BaseModel]
    is_database: bool = False
    is_social: bool = False


STRATEGIES: dict[str, Strategy] = {
    database.STRATEGY: Strategy(
        name=database.STRATEGY,
        provider="auth0",
        options_model=database.DatabaseOptions,
        is_database=True,
    ),
}
