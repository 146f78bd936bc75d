"""Attack protection: brute-force protection, suspicious IP throttling, breached password
detection, bot detection and rate limits (reference §3.1, §3.4; security.md §5)."""
