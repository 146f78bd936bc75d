"""Request body limits (Auth0: 1 MB on the Management API), enforced before any parsing."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from authgate.http.errors import PayloadTooLarge, error_for_path, is_management

MAX_MANAGEMENT_BODY = 1024 * 1024
MAX_OTHER_BODY = 256 * 1024


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_MANAGEMENT_BODY if is_management(scope["path"]) else MAX_OTHER_BODY
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge
            return message

        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                response = error_for_path(
                    scope["path"],
                    413,
                    "The request body is too large.",
                    "payload_too_large",
                    "invalid_request",
                )
                await response(scope, _no_body, send)
                return
        await self.app(scope, limited, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
