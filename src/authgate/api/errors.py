"""The Management API error shape (DESIGN §3.4):
``{"statusCode", "error", "message", "errorCode"}``."""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import Response

from authgate.http.responses import json_response


def management_error(
    status: int, message: str, error_code: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    body: dict[str, object] = {
        "statusCode": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
    }
    if error_code:
        body["errorCode"] = error_code
    return json_response(body, status=status, headers=headers)
