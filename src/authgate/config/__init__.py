"""The configuration version and the per-process cache it invalidates."""
