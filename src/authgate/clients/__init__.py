"""Applications (Auth0 clients)."""
