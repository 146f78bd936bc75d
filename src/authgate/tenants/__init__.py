"""Tenants: host-based resolution, issuers and tenant settings (DESIGN §3.3)."""
