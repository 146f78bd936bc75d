"""APIs (Auth0 resource servers), including the system Management API."""
