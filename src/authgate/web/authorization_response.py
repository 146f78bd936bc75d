"""Rendering an authorization response in its response mode: a redirect for ``query`` and
``fragment``, an auto-submitted form for ``form_post``, a page that posts a message to the
client's origin for ``web_message``. Each carries the security headers of the hosted pages,
with the one change its mode needs (the form's target, the framing origin)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from authgate.protocol.response_modes import AuthorizationResponse
from authgate.web.render import SECURITY_HEADERS, environment


def render_response(request: Request, response: AuthorizationResponse) -> Response:
    del request
    if response.mode in ("query", "fragment"):
        # 302 (never 307) so that a POSTed password is not replayed to the client (BCP-05)
        return RedirectResponse(response.location, status_code=302, headers=SECURITY_HEADERS)
    if response.mode == "form_post":
        headers = _csp(form_action=response.origin)
        body = environment.get_template("form_post.html").render(response=response)
        return HTMLResponse(body, headers=headers)
    headers = _csp(frame_ancestors=response.origin)
    headers.pop("X-Frame-Options", None)
    message: dict[str, Any] = {"response": dict(response.params), "origin": response.origin}
    body = environment.get_template("web_message.html").render(message=message)
    return HTMLResponse(body, headers=headers)


def _csp(*, form_action: str = "'self'", frame_ancestors: str = "'none'") -> dict[str, str]:
    headers = dict(SECURITY_HEADERS)
    headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"form-action {form_action}; frame-ancestors {frame_ancestors}; base-uri 'none'"
    )
    return headers
