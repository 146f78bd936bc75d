"""Node's openid-client (a certified OpenID relying party, version pinned in
tests/e2e/node/package-lock.json) against a running Authgate: discovery, the authorization
code flow with PKCE, state, nonce and ``iss`` checks, ID token signatures verified against the
JWKS, /userinfo, and refresh-token rotation. The node script holds the client's secrets (the
PKCE verifier); this test plays the browser at the hosted login page."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx

from tests.e2e import flows
from tests.e2e.server import LiveServer

NODE_DIR = Path(__file__).parent / "node"
SCRIPT = NODE_DIR / "openid_client_flow.mjs"
CALLBACK = "http://127.0.0.1:53682/callback"


def _node() -> str:
    node = shutil.which("node")
    assert node, "node is missing: `make node-deps` installs it"
    assert (NODE_DIR / "node_modules" / "openid-client").is_dir(), "run `make node-deps`"
    return node


def _line(process: subprocess.Popen[str]) -> dict[str, Any]:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, f"the node script said nothing: {process.stderr.read() if process.stderr else ''}"
    answer: dict[str, Any] = json.loads(line)
    assert "error" not in answer, answer
    return answer


def test_openid_client_code_flow_with_pkce(live_server: LiveServer) -> None:
    server = live_server
    with flows.management(server) as api:
        client_id = flows.public_app(api, "native", CALLBACK)
        user_id, email = flows.user(api)

    process = subprocess.Popen(
        [_node(), str(SCRIPT), server.issuer, client_id, CALLBACK],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=NODE_DIR,
    )
    try:
        url = _line(process)["authorization_url"]
        assert url.startswith(f"{server.issuer}authorize?")
        with httpx.Client(timeout=30) as browser:
            callback = flows.sign_in(browser, url, email, CALLBACK)
        assert process.stdin is not None
        process.stdin.write(callback.url + "\n")
        process.stdin.flush()
        result = _line(process)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()

    assert result["issuer"] == server.issuer
    assert result["iss_parameter_supported"] is True
    assert result["token_type"].lower() == "bearer"
    assert set(result["scope"].split()) == {"openid", "profile", "email", "offline_access"}
    assert result["expires_in"] > 0
    claims = result["claims"]
    assert (claims["iss"], claims["aud"], claims["sub"]) == (server.issuer, client_id, user_id)
    assert claims["email"] == email
    assert result["userinfo"]["sub"] == user_id
    assert result["userinfo"]["email"] == email
    assert result["replayed_code"]["error"] == "invalid_grant"
    assert result["refreshed"] == {"rotated": True, "sub": user_id}
    assert result["reused_refresh_token"]["error"] == "invalid_grant"
