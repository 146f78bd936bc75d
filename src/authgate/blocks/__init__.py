"""Login blocks per identifier and IP (``/api/v2/user-blocks``), filled by brute-force
protection and released by administrators, unblock links and password resets."""
