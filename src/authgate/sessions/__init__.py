"""SSO sessions at the authorization server (OpenID Connect Core 1.0 §3.1.2.3, ASVS V7)."""
