"""A tiny static web server for the single-page application the browser tests load: its page,
its script, auth0-spa-js from the npm package in ``tests/e2e/node`` (no CDN) and a
``config.js`` naming the Authgate domain and client id. It runs in a thread on its own port, so
the app's origin differs from the authorization server's, as in production."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests.e2e.server import free_port

HERE = Path(__file__).parent
SPA_JS = HERE / "node/node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js"
PAGES = {"/", "/callback", "/profile"}
JS = "text/javascript; charset=utf-8"


class StaticSite:
    def __init__(self) -> None:
        assert SPA_JS.is_file(), "auth0-spa-js is missing: run `make node-deps`"
        self.files: dict[str, tuple[bytes, str]] = {
            "/app.js": ((HERE / "spa/app.js").read_bytes(), JS),
            "/auth0-spa-js.production.js": (SPA_JS.read_bytes(), JS),
        }
        self.page = (HERE / "spa/index.html").read_bytes()
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def configure(self, **config: str) -> None:
        """What the app's ``config.js`` says (the client exists only once the origin is known)."""
        self.files["/config.js"] = (f"window.AUTHGATE = {json.dumps(config)};\n".encode(), JS)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path in PAGES:
                    body, kind = site.page, "text/html; charset=utf-8"
                elif path in site.files:
                    body, kind = site.files[path]
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        return Handler

    def __enter__(self) -> StaticSite:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
