"""Management API v2 (``/api/v2``): thin routes over the domain services."""
