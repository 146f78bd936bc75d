"""The scopes of the system Management API (Auth0's names, ``{action}:{resource}``)."""

from __future__ import annotations

_READ = """actions agents anomaly_blocks attack_protection authentication_methods branding
client_credentials client_grants client_keys client_summary clients connection_profiles connections
connections_keys connections_options current_user custom_domains custom_signing_keys
device_credentials email_provider email_templates encryption_keys event_streams events forms grants
guardian_enrollments guardian_factors hooks log_streams logs logs_users mfa_policies
organization_client_grants organization_connections organization_invitations
organization_member_roles organization_members organizations organizations_summary phone_providers
phone_templates prompts refresh_tokens resource_servers role_members roles rules rules_configs
self_service_profiles sessions signing_keys stats tenant_settings token_exchange_profiles
user_idp_tokens users"""
_CREATE = """actions authentication_methods client_credentials client_grants clients connections
connections_keys current_user_device_credentials custom_domains custom_signing_keys email_provider
email_templates encryption_keys event_streams forms guardian_enrollment_tickets hooks log_streams
organization_client_grants organization_connections organization_invitations
organization_member_roles organization_members organizations phone_providers phone_templates
resource_servers role_members roles rules self_service_profiles signing_keys user_tickets users"""
_UPDATE = """actions attack_protection authentication_methods branding client_credentials
client_grants client_keys clients connections connections_keys current_user_identities
current_user_metadata custom_domains custom_signing_keys email_provider email_templates
encryption_keys event_streams forms guardian_factors hooks log_streams mfa_policies
organization_connections organizations phone_providers phone_templates prompts refresh_tokens
resource_servers roles rules rules_configs self_service_profiles sessions signing_keys
tenant_settings token_exchange_profiles users users_app_metadata"""
_DELETE = """actions anomaly_blocks authentication_methods branding client_credentials
client_grants clients connections current_user current_user_device_credentials custom_domains
custom_signing_keys device_credentials email_provider encryption_keys event_streams forms grants
guardian_enrollments hooks log_streams organization_client_grants organization_connections
organization_invitations organization_member_roles organization_members organizations
phone_providers phone_templates refresh_tokens resource_servers role_members roles rules
rules_configs self_service_profiles sessions users"""

MANAGEMENT_SCOPES: tuple[str, ...] = tuple(
    f"{action}:{resource}"
    for action, resources in (
        ("read", _READ),
        ("create", _CREATE),
        ("update", _UPDATE),
        ("delete", _DELETE),
    )
    for resource in resources.split()
)


def describe(scope: str) -> str:
    action, _, resource = scope.partition(":")
    return f"{action.capitalize()} {resource.replace('_', ' ')}"
