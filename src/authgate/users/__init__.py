"""Users of a tenant: profile, credentials, metadata, search."""
