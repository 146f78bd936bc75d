"""Auth0 log event type codes used by Authgate (reference §4), with their descriptions."""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "s": "Success Login",
    "f": "Failed Login",
    "fp": "Failed Login (Incorrect Password)",
    "fu": "Failed Login (Invalid Email/Username)",
    "ss": "Success Signup",
    "fs": "Failed Signup",
    "scp": "Success Change Password",
    "fcp": "Failed Change Password",
    "scpr": "Success Change Password Request",
    "fcpr": "Failed Change Password Request",
    "sv": "Success Verification Email",
    "fv": "Failed Verification Email",
    "svr": "Success Verification Email Request",
    "fvr": "Failed Verification Email Request",
    "sce": "Success Change Email",
    "fce": "Failed Change Email",
    "scu": "Success Change Username",
    "sdu": "Successful User Deletion",
    "sapi": "Success API Operation",
    "fapi": "Failed API Operation",
    "sepft": "Success Exchange: Password for Access Token",
    "fepft": "Failed Exchange: Password for Access Token",
    "seacft": "Success Exchange: Authorization Code for Access Token",
    "feacft": "Failed Exchange: Authorization Code for Access Token",
    "sertft": "Success Exchange: Refresh Token for Access Token",
    "fertft": "Failed Exchange: Refresh Token for Access Token",
    "ssa": "Success Silent Auth",
    "fsa": "Failed Silent Auth",
    "slo": "Success Logout",
    "flo": "Failed Logout",
    "oidc_backchannel_logout_succeeded": "Successful OIDC Back-Channel Logout",
    "oidc_backchannel_logout_failed": "Failed OIDC Back-Channel Logout",
    "srrt": "Success Revocation",
    "seccft": "Client Credentials for Access Token",
    "feccft": "Failed Exchange of Client Credentials for Access Token",
    "limit_wc": "Blocked Account",
    "sui": "Success Users Import",
    "fui": "Failed Users Import",
}

FAILURES = frozenset(
    {
        "f",
        "fp",
        "fu",
        "fs",
        "feacft",
        "fertft",
        "flo",
        "fsa",
        "oidc_backchannel_logout_failed",
        "fcp",
        "fcpr",
        "fv",
        "fvr",
        "fce",
        "fapi",
        "feccft",
        "limit_wc",
        "fui",
    }
)

EXCHANGE_CODES: dict[str, tuple[str | None, str]] = {
    "client_credentials": ("seccft", "feccft"),
    "authorization_code": ("seacft", "feacft"),
    "refresh_token": ("sertft", "fertft"),
    "password": (None, "fepft"),
    "http://auth0.com/oauth/grant-type/password-realm": (None, "fepft"),
}
"""Success and failure log types of each token grant (None: the grant logs success itself)."""
