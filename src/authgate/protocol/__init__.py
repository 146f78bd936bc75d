"""OAuth 2.0 / OpenID Connect logic, independent of the web framework and of storage."""
