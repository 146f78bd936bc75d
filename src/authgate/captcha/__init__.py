"""Bot detection and CAPTCHA (reference §3.1, "Bot detection"): when to challenge, the built-in
proof-of-work challenge, and the adapters of third-party CAPTCHA providers."""
