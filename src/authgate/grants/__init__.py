"""Consent remembered as grants: what a user allowed an application to do at an API."""
