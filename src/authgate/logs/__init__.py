"""The tenant log: every authentication and administration event, in Auth0's log object."""
