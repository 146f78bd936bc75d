"""Single-use, expiring links bound to one user: email verification and password change."""
