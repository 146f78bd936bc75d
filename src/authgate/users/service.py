"""Users: creation and signup in database connections, profile and metadata changes, passwords
(policy, history, argon2id), email verification and password reset through tickets.

Password work runs off the event loop (``authgate.passwords``). Unknown users cost the same as
known ones where an attacker could compare (the reset request sends mail only for a real user,
but answers the same; mail delivery is never awaited by the request).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.connections.service import ConnectionRecord, ConnectionService
from authgate.connections.strategies.database import DatabaseOptions
from authgate.core.clock import Clock
from authgate.core.errors import Invalid, NotFound
from authgate.core.randomness import random_hex, random_token
from authgate.passwords import (
    PasswordHasher,
    PasswordPolicy,
    PasswordPolicyError,
    PersonalInfo,
    check,
    describe,
    reused,
)
from authgate.protocol.ports import TenantRecord
from authgate.tickets.schemas import EmailVerificationTicket, PasswordChangeTicket
from authgate.tickets.service import (
    DEFAULT_TTL_SECONDS,
    EMAIL_VERIFICATION,
    PASSWORD_CHANGE,
    TicketService,
)
from authgate.users import repository, search
from authgate.users.errors import PasswordRejected, UserExists
from authgate.users.models import PasswordHistory, User
from authgate.users.schemas import UserCreate, UserUpdate, merge_metadata
from authgate.users.wire import user_to_wire

INVITATION_TTL_SECONDS = 7 * 86_400


class Mailer(Protocol):
    async def enqueue(
        self,
        session: AsyncSession,
        *,
        tenant_id: str,
        template: str,
        to: str,
        locales: list[str],
        context: Mapping[str, Any],
    ) -> str | None: ...


@dataclass(frozen=True)
class Signup:
    connection: str
    email: str
    password: str
    client_id: str | None = None
    username: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    name: str | None = None
    nickname: str | None = None
    picture: str | None = None
    phone_number: str | None = None
    user_metadata: Mapping[str, Any] | None = None


def email_key(email: str | None) -> str | None:
    return unicodedata.normalize("NFC", email).lower() if email else None


def email_domain(key: str | None) -> str | None:
    """What ``email.domain`` searches: ``email_key`` after its last ``@`` (None without one)."""
    return key.rpartition("@")[2] if key and "@" in key else None


def _username_key(username: str | None) -> str | None:
    return username.lower() if username else None


def _personal(user: User) -> PersonalInfo:
    return PersonalInfo(
        email=user.email,
        username=user.username,
        name=user.name,
        nickname=user.nickname,
        user_metadata=user.user_metadata,
    )


class UserService:
    def __init__(
        self,
        clock: Clock,
        hasher: PasswordHasher,
        connections: ConnectionService,
        tickets: TicketService,
        mailer: Mailer,
    ) -> None:
        self._clock = clock
        self._hasher = hasher
        self._connections = connections
        self._tickets = tickets
        self._mailer = mailer

    # -- reading ---------------------------------------------------------------------------

    async def find(self, session: AsyncSession, tenant_id: str, user_id: str) -> User | None:
        """The user with this wire id (``auth0|…``), or None."""
        return await repository.by_user_id(session, tenant_id, user_id)

    async def get(self, session: AsyncSession, tenant_id: str, user_id: str) -> User:
        user = await repository.by_user_id(session, tenant_id, user_id)
        if user is None:
            raise NotFound("The user does not exist.", error_code="inexistent_user")
        return user

    async def search(
        self,
        session: AsyncSession,
        tenant_id: str,
        *,
        q: str | None,
        sort: str | None,
        connection: str | None,
        offset: int,
        limit: int,
        count: bool,
        max_results: int,
    ) -> tuple[list[User], int | None]:
        """Auth0's user search: Lucene-subset ``q``, ``sort``, the first ``max_results`` only.

        With ``count``, the total is counted up to ``max_results`` and no further, with or
        without ``q``: Auth0 answers ``total`` as "the total number of results in the query
        (max 1,000)" for the list users endpoint (Auth0 Community, "Paging the List Users
        query"), the same 1,000 its docs set as the most users a search can retrieve ("View
        Search Results by Page", "Limitation"). Counting a million matches to print a number
        nobody can page to would cost seconds.
        """
        if offset + limit > max_results:
            raise Invalid(
                f"You can only page through the first {max_results} results; narrow the query.",
                error_code="invalid_query_string",
            )
        try:
            matching = search.search_filter(q).sorted_by(sort)
            order = search.order_by(sort)
        except search.SearchSyntaxError as exc:
            raise Invalid(
                f"Query validation error: {exc}", error_code="invalid_query_string"
            ) from exc
        if connection is not None:
            record = await self._connections.record(tenant_id, connection)
            matching = matching.narrowed(User.connection_id == (record.id if record else ""))
        return await repository.search(
            session,
            tenant_id,
            matching=matching,
            order_by=order,
            offset=offset,
            limit=limit,
            count_up_to=max_results if count else None,
        )

    async def by_email(self, session: AsyncSession, tenant_id: str, email: str) -> list[User]:
        key = email_key(email)
        return await repository.by_email(session, tenant_id, key) if key else []

    async def render(
        self, session: AsyncSession, tenant: TenantRecord, users: list[User]
    ) -> list[dict[str, Any]]:
        names = await repository.connection_names(session, {u.connection_id for u in users})
        return [
            user_to_wire(
                user,
                connection=names.get(user.connection_id, ""),
                provider="auth0",
                issuer=tenant.issuer,
            )
            for user in users
        ]

    # -- creating --------------------------------------------------------------------------

    async def create(self, session: AsyncSession, tenant: TenantRecord, body: UserCreate) -> User:
        """``POST /api/v2/users``: an administrator creates a user in a database connection."""
        connection = await self._database(tenant.id, body.connection)
        if body.email is None:
            raise Invalid(
                "Payload validation error: 'Missing required property' on property email."
            )
        if body.password is None:
            raise Invalid(
                "Payload validation error: 'Missing required property' on property password."
            )
        user = self._new_user(tenant, connection, body.email, body.user_id)
        user.email_verified = body.email_verified
        self._set_username(user, connection, body.username)
        for name in ("given_name", "family_name", "name", "nickname", "picture", "phone_number"):
            setattr(user, name, getattr(body, name))
        user.phone_verified = body.phone_verified
        user.user_metadata = body.user_metadata
        user.app_metadata = body.app_metadata
        user.blocked = body.blocked
        await self._check_password(session, connection, user, body.password)
        user.password_hash = await self._hasher.hash(body.password)
        await self._insert(session, connection, user)
        send = body.verify_email if body.verify_email is not None else not body.email_verified
        if send:
            await self.send_verification(session, tenant, user, client_id=None)
        return user

    async def signup(self, session: AsyncSession, tenant: TenantRecord, request: Signup) -> User:
        """``POST /dbconnections/signup``: a user signs themselves up."""
        connection = await self._database(tenant.id, request.connection)
        options = self._options(connection)
        if options.disable_signup:
            raise Invalid("Public signup is disabled", error_code="operation_not_allowed")
        user = self._new_user(tenant, connection, request.email, None)
        self._set_username(user, connection, request.username)
        for name in ("given_name", "family_name", "name", "nickname", "picture", "phone_number"):
            setattr(user, name, getattr(request, name))
        user.user_metadata = dict(request.user_metadata or {})
        await self._check_password(session, connection, user, request.password)
        user.password_hash = await self._hasher.hash(request.password)
        await self._insert(session, connection, user)
        await self.send_verification(session, tenant, user, client_id=request.client_id)
        return user

    def _new_user(
        self, tenant: TenantRecord, connection: ConnectionRecord, email: str, custom_id: str | None
    ) -> User:
        now = self._clock.now()
        provider = connection.strategy.provider
        key = email_key(email)
        return User(
            id=random_hex(16),
            tenant_id=tenant.id,
            connection_id=connection.id,
            user_id=f"{provider}|{custom_id or random_hex(12)}",
            email=unicodedata.normalize("NFC", email).lower(),
            email_key=key,
            email_domain=email_domain(key),
            email_verified=False,
            phone_verified=False,
            user_metadata={},
            app_metadata={},
            blocked=False,
            logins_count=0,
            created_at=now,
            updated_at=now,
        )

    def _set_username(self, user: User, connection: ConnectionRecord, username: str | None) -> None:
        options = self._options(connection)
        if username is None:
            if options.requires_username:
                raise Invalid(
                    "Payload validation error: 'Missing required property' on property username."
                )
            user.username = user.username_key = None
            return
        if not options.requires_username:
            raise Invalid(
                "Payload validation error: the connection does not use usernames on property "
                "username."
            )
        bounds = options.validation.username
        if not bounds.min <= len(username) <= bounds.max:
            raise Invalid(
                f"Payload validation error: the username must be {bounds.min} to {bounds.max} "
                "characters on property username."
            )
        user.username, user.username_key = username, _username_key(username)

    async def _insert(
        self, session: AsyncSession, connection: ConnectionRecord, user: User
    ) -> None:
        if await repository.in_connection(session, connection.id, email_key=user.email_key):
            raise UserExists("email")
        if user.username_key and await repository.in_connection(
            session, connection.id, username_key=user.username_key
        ):
            raise UserExists("username")
        if await repository.by_user_id(session, user.tenant_id, user.user_id):
            raise UserExists("email")
        try:
            async with session.begin_nested():
                await repository.add(session, user)
        except IntegrityError as exc:
            raise UserExists("email") from exc
        await self._remember(session, user)

    # -- changing --------------------------------------------------------------------------

    async def update(
        self, session: AsyncSession, tenant: TenantRecord, user_id: str, body: UserUpdate
    ) -> User:
        user = await self.get(session, tenant.id, user_id)
        connection = await self._connection_of(session, tenant.id, user)
        changes = body.model_dump(exclude_unset=True)
        for name in ("connection", "client_id", "verify_phone_number"):
            changes.pop(name, None)
        verify_email = changes.pop("verify_email", None)
        password = changes.pop("password", None)
        for name, value in changes.items():
            if value is None and name not in {
                "given_name",
                "family_name",
                "name",
                "nickname",
                "picture",
                "phone_number",
                "username",
                "user_metadata",
                "app_metadata",
            }:
                raise Invalid(f"Payload validation error: {name} cannot be null.")
        if "user_metadata" in changes:
            user.user_metadata = _merged(user.user_metadata, changes.pop("user_metadata"), False)
        if "app_metadata" in changes:
            user.app_metadata = _merged(user.app_metadata, changes.pop("app_metadata"), True)
        email_changed = "email" in changes and email_key(changes["email"]) != user.email_key
        if email_changed:
            await self._change_email(session, connection, user, changes.pop("email"))
            if "email_verified" not in changes:
                user.email_verified = False
        changes.pop("email", None)
        if "username" in changes:
            await self._change_username(session, connection, user, changes.pop("username"))
        for name, value in changes.items():
            setattr(user, name, value)
        if password is not None:
            await self.set_password(session, connection, user, password)
        user.updated_at = self._clock.now()
        await session.flush()
        if verify_email or (email_changed and verify_email is None and not user.email_verified):
            await self.send_verification(session, tenant, user, client_id=body.client_id)
        return user

    async def _change_email(
        self, session: AsyncSession, connection: ConnectionRecord, user: User, email: str
    ) -> None:
        key = email_key(email)
        other = await repository.in_connection(session, connection.id, email_key=key)
        if other is not None and other.id != user.id:
            raise UserExists("email")
        user.email, user.email_key = unicodedata.normalize("NFC", email).lower(), key
        user.email_domain = email_domain(key)

    async def _change_username(
        self,
        session: AsyncSession,
        connection: ConnectionRecord,
        user: User,
        username: str | None,
    ) -> None:
        self._set_username(user, connection, username)
        if user.username_key is None:
            return
        other = await repository.in_connection(
            session, connection.id, username_key=user.username_key
        )
        if other is not None and other.id != user.id:
            raise UserExists("username")

    async def delete(self, session: AsyncSession, tenant_id: str, user_id: str) -> User:
        user = await self.get(session, tenant_id, user_id)
        await repository.delete_user(session, user)
        return user

    # -- passwords -------------------------------------------------------------------------

    async def set_password(
        self, session: AsyncSession, connection: ConnectionRecord, user: User, password: str
    ) -> None:
        await self._check_password(session, connection, user, password)
        user.password_hash = await self._hasher.hash(password)
        user.last_password_reset = self._clock.now()
        await session.flush()
        await self._remember(session, user)

    async def _check_password(
        self, session: AsyncSession, connection: ConnectionRecord, user: User, password: str
    ) -> None:
        options = self._options(connection)
        policy = PasswordPolicy.from_options(options.model_dump())
        try:
            check(policy, password, _personal(user))
        except PasswordPolicyError as exc:
            raise _rejected(exc) from exc
        history = options.password_history
        if history.enable and user.password_hash is not None:
            previous = await repository.password_history(session, user.id, history.size)
            if await reused(self._hasher, password, previous):
                raise PasswordRejected(
                    code="PasswordHistoryError",
                    name="PasswordHistoryError",
                    message="Password has previously been used",
                )

    async def _remember(self, session: AsyncSession, user: User) -> None:
        if user.password_hash is not None:
            await repository.remember_password(
                session,
                PasswordHistory(
                    user_pk=user.id,
                    password_hash=user.password_hash,
                    created_at=self._clock.now(),
                ),
            )

    # -- verification and reset ------------------------------------------------------------

    async def send_verification(
        self, session: AsyncSession, tenant: TenantRecord, user: User, *, client_id: str | None
    ) -> None:
        if not user.email or user.email_verified:
            return
        issued = await self._tickets.issue(
            session, tenant, user, EMAIL_VERIFICATION, client_id=client_id
        )
        await self._mail(session, tenant, user, "verify_email", issued.url, ttl=DEFAULT_TTL_SECONDS)

    async def request_password_reset(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        *,
        email: str,
        connection_name: str,
        client_id: str | None,
    ) -> User | None:
        """Send a reset link if such a user exists; the caller answers the same either way."""
        connection = await self._connections.record(tenant.id, connection_name)
        if connection is None or not connection.strategy.is_database:
            return None
        user = await repository.in_connection(session, connection.id, email_key=email_key(email))
        if user is None:
            return None
        issued = await self._tickets.issue(
            session, tenant, user, PASSWORD_CHANGE, client_id=client_id
        )
        await self._mail(session, tenant, user, "reset_email", issued.url, ttl=DEFAULT_TTL_SECONDS)
        return user

    async def password_change_ticket(
        self, session: AsyncSession, tenant: TenantRecord, request: PasswordChangeTicket
    ) -> str:
        """``POST /tickets/password-change``: a link for ``user_id`` or connection + email."""
        if request.user_id is not None:
            user = await self.get(session, tenant.id, request.user_id)
        else:
            user = await self._user_in_connection(
                session, tenant.id, str(request.connection_id), str(request.email)
            )
        issued = await self._tickets.issue(
            session,
            tenant,
            user,
            PASSWORD_CHANGE,
            ttl_seconds=request.ttl_sec,
            client_id=request.client_id,
            result_url=request.result_url,
            mark_email_as_verified=request.mark_email_as_verified,
            include_email_in_redirect=request.include_email_in_redirect,
        )
        return issued.url

    async def verification_ticket(
        self, session: AsyncSession, tenant: TenantRecord, request: EmailVerificationTicket
    ) -> str:
        """``POST /tickets/email-verification``."""
        user = await self.get(session, tenant.id, request.user_id)
        if not user.email:
            raise Invalid("The user has no email address.", error_code="invalid_body")
        issued = await self._tickets.issue(
            session,
            tenant,
            user,
            EMAIL_VERIFICATION,
            ttl_seconds=request.ttl_sec,
            client_id=request.client_id,
            result_url=request.result_url,
            include_email_in_redirect=request.include_email_in_redirect,
        )
        return issued.url

    async def resend_verification(
        self, session: AsyncSession, tenant: TenantRecord, user_id: str, client_id: str | None
    ) -> User:
        """``POST /jobs/verification-email``: send the verification mail again."""
        user = await self.get(session, tenant.id, user_id)
        if not user.email:
            raise Invalid("The user has no email address.", error_code="invalid_body")
        if user.email_verified:
            raise Invalid("The user's email is already verified.", error_code="invalid_body")
        await self.send_verification(session, tenant, user, client_id=client_id)
        return user

    async def _user_in_connection(
        self, session: AsyncSession, tenant_id: str, connection_id: str, email: str
    ) -> User:
        user = await repository.in_connection(session, connection_id, email_key=email_key(email))
        if user is None or user.tenant_id != tenant_id:
            raise NotFound("The user does not exist.", error_code="inexistent_user")
        return user

    async def verify_email(
        self, session: AsyncSession, tenant: TenantRecord, token: str
    ) -> tuple[User, str | None] | None:
        """Use a verification ticket; the user and its result URL, or None if it is not valid."""
        ticket = await self._tickets.consume(session, tenant.id, token, EMAIL_VERIFICATION)
        if ticket is None:
            return None
        user = await repository.by_pk(session, ticket.user_pk)
        if user is None or user.email_key != email_key(ticket.email):
            return None
        first_time = not user.email_verified
        user.email_verified = True
        user.updated_at = self._clock.now()
        await session.flush()
        if first_time:
            await self._mail(session, tenant, user, "welcome_email", None)
        return user, ticket.result_url

    async def reset_form(
        self, session: AsyncSession, tenant: TenantRecord, token: str
    ) -> tuple[str | None, list[RuleLine]] | None:
        """For a usable reset ticket: the user's email and the password rules to show."""
        ticket = await self._tickets.peek(session, tenant.id, token, PASSWORD_CHANGE)
        user = await repository.by_pk(session, ticket.user_pk) if ticket else None
        if user is None:
            return None
        connection = await self._connection_of(session, tenant.id, user)
        policy = PasswordPolicy.from_options(self._options(connection).model_dump())
        return user.email, rule_lines(describe(policy))

    async def password_rules(self, tenant_id: str, connection: str) -> list[RuleLine]:
        """The password rules of a database connection, as the signup page shows them."""
        record = await self._connections.record(tenant_id, connection)
        if record is None or not isinstance(record.options, DatabaseOptions):
            return []
        policy = PasswordPolicy.from_options(record.options.model_dump())
        return rule_lines(describe(policy))

    async def reset_password(
        self, session: AsyncSession, tenant: TenantRecord, token: str, password: str
    ) -> tuple[User, str | None] | None:
        """Check the new password, then use the ticket and set it, in one transaction."""
        ticket = await self._tickets.peek(session, tenant.id, token, PASSWORD_CHANGE)
        if ticket is None:
            return None
        user = await repository.by_pk(session, ticket.user_pk)
        if user is None:
            return None
        connection = await self._connection_of(session, tenant.id, user)
        await self._check_password(session, connection, user, password)
        if await self._tickets.consume(session, tenant.id, token, PASSWORD_CHANGE) is None:
            return None
        user.password_hash = await self._hasher.hash(password)
        user.last_password_reset = user.updated_at = self._clock.now()
        if ticket.mark_email_as_verified:
            user.email_verified = True
        await session.flush()
        await self._remember(session, user)
        await self._tickets.revoke_open(session, user, PASSWORD_CHANGE)
        await self._mail(session, tenant, user, "change_password", None)
        return user, ticket.result_url

    # -- helpers ---------------------------------------------------------------------------

    async def connection_of(
        self, session: AsyncSession, tenant_id: str, user: User
    ) -> ConnectionRecord:
        return await self._connection_of(session, tenant_id, user)

    async def _connection_of(
        self, session: AsyncSession, tenant_id: str, user: User
    ) -> ConnectionRecord:
        names = await repository.connection_names(session, {user.connection_id})
        record = await self._connections.record(tenant_id, names[user.connection_id])
        assert record is not None
        return record

    async def _database(self, tenant_id: str, name: str) -> ConnectionRecord:
        connection = await self._connections.record(tenant_id, name)
        if connection is None:
            raise Invalid("The connection does not exist.", error_code="inexistent_connection")
        if not connection.strategy.is_database:
            raise Invalid(
                "Users of this connection cannot be created this way.",
                error_code="operation_not_supported",
            )
        return connection

    @staticmethod
    def _options(connection: ConnectionRecord) -> DatabaseOptions:
        assert isinstance(connection.options, DatabaseOptions)
        return connection.options

    async def _mail(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        user: User,
        template: str,
        url: str | None,
        *,
        ttl: int | None = None,
    ) -> None:
        if not user.email:
            return
        locale = user.user_metadata.get("locale")
        await self._mailer.enqueue(
            session,
            tenant_id=tenant.id,
            template=template,
            to=user.email,
            locales=[locale] if isinstance(locale, str) else [],
            context={
                "user": {
                    "email": user.email,
                    "name": user.name,
                    "nickname": user.nickname,
                    "user_id": user.user_id,
                },
                "url": url,
                "ttl": ttl,
            },
        )

    async def invite(
        self,
        session: AsyncSession,
        tenant: TenantRecord,
        *,
        email: str,
        connection: str,
        ttl_seconds: int = INVITATION_TTL_SECONDS,
        result_url: str | None = None,
    ) -> tuple[User, str]:
        """Create a user with a password nobody knows and mail a password-change link as the
        invitation (``user_invitation``); the link marks the email verified when used."""
        record = await self._database(tenant.id, connection)
        user = self._new_user(tenant, record, email, None)
        self._set_username(user, record, None)
        user.password_hash = await self._hasher.hash(random_token(48))
        await self._insert(session, record, user)
        issued = await self._tickets.issue(
            session,
            tenant,
            user,
            PASSWORD_CHANGE,
            ttl_seconds=ttl_seconds,
            result_url=result_url,
            mark_email_as_verified=True,
        )
        await self._mail(session, tenant, user, "user_invitation", issued.url, ttl=ttl_seconds)
        return user, issued.url


class RuleLine(TypedDict):
    """A password rule as a page shows it: the sentence (its message template, ``format``
    arguments and item messages, so the page can translate them) and what the page's script
    checks as the user types (``web/static/password-policy.js``)."""

    text: str
    message: str
    format: list[Any]
    items: list[str]
    check: dict[str, Any]


def rule_lines(description: Mapping[str, Any]) -> list[RuleLine]:
    """Auth0's ``{rules: [{message, format, items}]}`` as sentences with their checks."""
    lines: list[RuleLine] = []
    for rule in description.get("rules", []):
        text = _formatted(rule)
        items = rule.get("items", [])
        words = [_formatted(item) for item in items]
        check: dict[str, Any] = {"code": rule.get("code", "")}
        if rule.get("format"):
            check["n"] = rule["format"][0]
        if items:
            check["classes"] = [item.get("code", "") for item in items]
        lines.append(
            {
                "text": f"{text} {', '.join(words)}" if words else text,
                "message": str(rule.get("message", "")),
                "format": list(rule.get("format", [])),
                "items": words,
                "check": check,
            }
        )
    return lines


def _formatted(rule: Mapping[str, Any]) -> str:
    message = str(rule.get("message", ""))
    try:
        return message % tuple(rule.get("format", []))
    except (TypeError, ValueError):
        return message


def _merged(current: dict[str, Any], patch: dict[str, Any], app: bool) -> dict[str, Any]:
    try:
        return merge_metadata(current, patch, app=app)
    except ValueError as exc:
        name = "app_metadata" if app else "user_metadata"
        raise Invalid(f"Payload validation error: '{exc}' on property {name}.") from exc


def _rejected(exc: PasswordPolicyError) -> PasswordRejected:
    """Auth0 sends ``code: invalid_password`` for every policy failure, told apart by ``name``."""
    return PasswordRejected(
        code="invalid_password",
        name=exc.name,
        message=exc.message,
        description=exc.description,
        policy=getattr(exc, "policy", None),
    )
