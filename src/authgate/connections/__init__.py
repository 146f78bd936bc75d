"""Connections: where users come from (database, later social, enterprise, passwordless)."""
