"""Thin routes of the Authentication API, the well-known documents and operations endpoints."""
