"""Tenant signing keys: generation, encryption at rest, rotation and revocation."""
