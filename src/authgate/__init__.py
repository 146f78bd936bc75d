"""Authgate: a self-hosted identity and access management server speaking Auth0's wire protocol."""

__version__ = "0.1.0"
