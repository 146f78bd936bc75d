"""The end-session endpoint: OpenID Connect RP-Initiated Logout 1.0 §2-§4 (final, 2022);
reference §1.9 (Auth0's ``/oidc/logout``).

- ``id_token_hint`` (§2): "the OP MUST validate that it was the issuer of the ID Token": the
  signature with the tenant's published keys and an asymmetric allow-list (``alg: none``, HS256
  and foreign keys are refused: security.md §1.5 modified and bad hint modules), ``iss``, an ID
  token (``typ`` JWT, so an access or logout token is refused: cross-JWT confusion) whose
  ``aud`` names an application of the tenant. An expired hint is accepted (§2: the OP "SHOULD
  accept ID Tokens ... even when the exp time has passed").
- ``client_id`` (§2): with a hint, "the OP MUST verify that the Client Identifier matches".
- ``logout_hint`` (§2; Auth0: the session id): with a hint, it must equal the hint's ``sid``.
- ``post_logout_redirect_uri`` (§3): exactly one of the application's ``allowed_logout_urls``
  (the application of the hint or of ``client_id``; the tenant's list without either, as
  Auth0 does). Otherwise the OP "MUST NOT perform post-logout redirection" (§3, §4): an error
  page (``LogoutRefused``). ``state`` is returned only with a redirect (§3).
- ``ui_locales`` (§2) is carried to the pages.
- Confirmation (§2): the OP "MUST ask the End-User" whether to log out when there is no
  ``id_token_hint`` or the hint does not belong to the current session: ``needs_confirmation``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authgate.protocol import jose
from authgate.protocol.id_token import ID_TOKEN_TYP
from authgate.protocol.ports import ClientRecord, Directory, TenantRecord
from authgate.protocol.post_logout import LogoutRefused, is_registered, param

MAX_HINT_LENGTH = 16_384
BAD_HINT = "The id_token_hint is not a valid ID token issued by this tenant."


@dataclass(frozen=True, slots=True)
class IdTokenHint:
    client_id: str
    subject: str
    sid: str | None


@dataclass(frozen=True, slots=True)
class EndSessionRequest:
    client: ClientRecord | None
    hint: IdTokenHint | None
    post_logout_redirect_uri: str | None
    state: str | None = None
    logout_hint: str | None = None
    ui_locales: str | None = None

    @property
    def redirect_target(self) -> str | None:
        """The post-logout redirect with ``state`` added to its query (§3)."""
        uri = self.post_logout_redirect_uri
        if uri is None or self.state is None:
            return uri
        parts = urlsplit(uri)
        query = [*parse_qsl(parts.query, keep_blank_values=True), ("state", self.state)]
        return urlunsplit(parts._replace(query=urlencode(query)))


async def validate_end_session(
    params: dict[str, str],
    directory: Directory,
    tenant: TenantRecord,
    *,
    keys: Mapping[str, jose.PublicKey],
    algorithms: Collection[str],
) -> EndSessionRequest:
    client_id = param(params, "client_id")
    logout_hint = param(params, "logout_hint")
    token = params.get("id_token_hint") or None
    hint = client = None
    if token is not None:
        hint = _hint(token, keys, algorithms, tenant)
        if client_id is not None and client_id != hint.client_id:
            raise LogoutRefused("The client_id does not match the audience of the id_token_hint.")
        if logout_hint is not None and hint.sid is not None and logout_hint != hint.sid:
            raise LogoutRefused("The logout_hint does not match the sid of the id_token_hint.")
        client = await directory.client(hint.client_id)
        if client is None:
            raise LogoutRefused(BAD_HINT, detail="its audience is no application of the tenant")
    elif client_id is not None:
        client = await directory.client(client_id)
        if client is None:
            raise LogoutRefused("Unknown client_id.", detail=f"no client {client_id[:64]!r}")
    uri = param(params, "post_logout_redirect_uri")
    if uri is not None:
        registered = client.allowed_logout_urls if client else tenant.allowed_logout_urls
        if not is_registered(uri, registered):
            raise LogoutRefused(
                "The post_logout_redirect_uri is not in the Allowed Logout URLs of the "
                + ("application." if client else "tenant.")
            )
    return EndSessionRequest(
        client=client,
        hint=hint,
        post_logout_redirect_uri=uri,
        state=param(params, "state"),
        logout_hint=logout_hint,
        ui_locales=param(params, "ui_locales"),
    )


def _hint(
    token: str,
    keys: Mapping[str, jose.PublicKey],
    algorithms: Collection[str],
    tenant: TenantRecord,
) -> IdTokenHint:
    if len(token) > MAX_HINT_LENGTH:
        raise LogoutRefused(BAD_HINT, detail="id_token_hint too long")
    try:
        verified = jose.verify(token, keys, algorithms)
    except jose.JOSEError as exc:
        raise LogoutRefused(BAD_HINT, detail=str(exc)) from exc
    header, claims = verified.header, verified.claims
    if header.get("typ", ID_TOKEN_TYP) != ID_TOKEN_TYP:
        raise LogoutRefused(BAD_HINT, detail="typ is not that of an ID token")
    if claims.get("iss") != tenant.issuer:
        raise LogoutRefused(BAD_HINT, detail="issuer mismatch")
    subject, sid = claims.get("sub"), claims.get("sid")
    if not isinstance(subject, str) or not subject:
        raise LogoutRefused(BAD_HINT, detail="no sub")
    client_id = _audience(claims.get("aud"), claims.get("azp"))
    if client_id is None:
        raise LogoutRefused(BAD_HINT, detail="no single audience")
    return IdTokenHint(client_id, subject, sid if isinstance(sid, str) and sid else None)


def _audience(aud: object, azp: object) -> str | None:
    """The application an ID token was issued to: ``aud``, or ``azp`` among several (Core §2)."""
    if isinstance(aud, str):
        return aud or None
    if isinstance(aud, list) and isinstance(azp, str) and azp in aud:
        return azp
    return None


def needs_confirmation(
    request: EndSessionRequest, *, session_id: str | None, session_subject: str | None
) -> bool:
    """§2: ask the user unless a hint names the browser's current session (or there is none)."""
    if request.hint is None:
        # nothing to end and nowhere to go needs no question; anything else does
        return session_id is not None or request.post_logout_redirect_uri is not None
    if session_id is None:
        return False  # already logged out: logout is idempotent (§4)
    if request.logout_hint is not None and request.logout_hint != session_id:
        return True
    if request.hint.sid is not None:
        return request.hint.sid != session_id
    return request.hint.subject != session_subject
