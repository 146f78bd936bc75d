"""Breach data: whether a password is known from public data breaches (``BreachedPasswords``)."""
