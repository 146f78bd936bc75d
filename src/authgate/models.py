"""Every ORM model, imported in one place for Alembic and the schema test."""

from authgate.apis.models import ResourceServer
from authgate.blocks.models import LoginBlock
from authgate.branding.models import Branding, PromptText
from authgate.client_grants.models import ClientGrant
from authgate.clients.models import Client
from authgate.config.models import ConfigState
from authgate.connections.models import Connection, ConnectionClient
from authgate.db import Base
from authgate.email.models import EmailMessage, EmailProvider, EmailTemplate
from authgate.grants.models import UserGrant
from authgate.jobs.models import Job
from authgate.keys.models import SigningKey
from authgate.logs.models import LogEvent
from authgate.protection.models import ProtectionSetting, ThrottleBucket
from authgate.sessions.models import LoginSession
from authgate.tenants.models import Tenant, TenantDomain
from authgate.tickets.models import Ticket
from authgate.tokens.models import AuthorizationCode, RefreshToken
from authgate.users.models import PasswordHistory, User

__all__ = [
    "AuthorizationCode",
    "Base",
    "Branding",
    "Client",
    "ClientGrant",
    "ConfigState",
    "Connection",
    "ConnectionClient",
    "EmailMessage",
    "EmailProvider",
    "EmailTemplate",
    "Job",
    "LogEvent",
    "LoginBlock",
    "LoginSession",
    "PasswordHistory",
    "PromptText",
    "ProtectionSetting",
    "RefreshToken",
    "ResourceServer",
    "SigningKey",
    "Tenant",
    "TenantDomain",
    "ThrottleBucket",
    "Ticket",
    "User",
    "UserGrant",
]
