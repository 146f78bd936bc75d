"""Client grants: which scopes of which API a client may obtain on its own behalf."""
