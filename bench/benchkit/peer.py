"""The peer: panva's ``oidc-provider`` v9 from npm, installed into ``bench/.scratch/peer`` and run
as one node process with the committed configuration ``bench/peer/provider.mjs``."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

from benchkit.procs import Server, SetupError, free_port, run_checked, wait_until_ready
from benchkit.targets import BENCH_AUDIENCE, BENCH_SCOPE, DISCOVERY_PATH, Target, discover

PACKAGE = "oidc-provider"
MAJOR = "9"
CONFIG = Path(__file__).resolve().parent.parent / "peer" / "provider.mjs"
CLIENT_ID = "bench"


def install_peer(scratch: Path) -> Path:
    """``npm install oidc-provider@9`` into ``scratch/peer`` (skipped when already there)."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise SetupError(f"{tool} is not installed; the peer needs Node.js and npm")
    peer_dir = scratch / "peer"
    peer_dir.mkdir(parents=True, exist_ok=True)
    manifest = peer_dir / "package.json"
    if not manifest.exists():
        manifest.write_text(json.dumps({"name": "authgate-bench-peer", "private": True}) + "\n")
    if not installed_version(peer_dir).startswith(f"{MAJOR}."):
        print(f"installing {PACKAGE}@{MAJOR} into {peer_dir}", flush=True)
        run_checked(
            ["npm", "install", "--no-audit", "--no-fund", f"{PACKAGE}@{MAJOR}"],
            cwd=peer_dir,
            what=f"npm install {PACKAGE}@{MAJOR}",
        )
    shutil.copyfile(CONFIG, peer_dir / CONFIG.name)
    return peer_dir


def installed_version(peer_dir: Path) -> str:
    package_json = peer_dir / "node_modules" / PACKAGE / "package.json"
    try:
        return str(json.loads(package_json.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return ""


def start_peer(peer_dir: Path, run_dir: Path, stack: ExitStack) -> Target:
    """Start one node process of oidc-provider and return the running target; ``stack`` stops
    it."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    client_secret = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "NODE_ENV": "production",
        "PEER_PORT": str(port),
        "PEER_CLIENT_ID": CLIENT_ID,
        "PEER_CLIENT_SECRET": client_secret,
        "PEER_AUDIENCE": BENCH_AUDIENCE,
        "PEER_SCOPE": BENCH_SCOPE,
    }
    server = Server(
        name=PACKAGE,
        command=["node", CONFIG.name],
        log_path=run_dir / "peer.log",
        env=env,
        cwd=peer_dir,
    )
    version = f"{PACKAGE} {installed_version(peer_dir)}, node {_node_version()}"
    target = Target(PACKAGE, version, server, {})
    stack.callback(server.stop)
    server.start()
    wait_until_ready(server, base_url + DISCOVERY_PATH)
    body = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": client_secret,
            "resource": BENCH_AUDIENCE,
            "scope": BENCH_SCOPE,
        }
    )
    target.endpoints = discover(base_url, body)
    return target


def _node_version() -> str:
    return run_checked(["node", "--version"], what="node --version").strip()
