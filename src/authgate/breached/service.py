"""``BreachedPasswords``: is a password known from a data breach?

Sources, in order, the first "yes" wins:

1. Auth0's test passwords (any starting with ``AUTH0-TEST-``, and ``Paaf213XXYYZZ``,
   ``Paat739!!WWXXYYZZ``: https://auth0.com/docs/secure/attack-protection/breached-password-detection);
2. the bundled list: the 10,000 most common passwords of the zxcvbn frequency lists, which are
   drawn from leaked-password corpora (MIT licence, ``authgate/passwords/data/NOTICE``), exact
   and case-sensitive;
3. the corpus imported with ``authgate breached-passwords import`` (``breached.store``);
4. optionally a k-anonymity range API (``AUTHGATE_BREACHED_PASSWORDS_RANGE_URL``, the Pwned
   Passwords API shape, https://haveibeenpwned.com/API/v3#SearchingPwnedPasswordsByRange): only
   the first five hex characters of the SHA-1 leave the server; a timeout or an error counts as
   "not known" and is logged without the password or its hash.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import httpx

from authgate.breached.store import FILE_NAME, PrefixFile, prefix_of
from authgate.passwords.dictionary import common_passwords

log = logging.getLogger("authgate.breached")
TEST_PREFIX = "AUTH0-TEST-"
TEST_PASSWORDS = frozenset({"Paaf213XXYYZZ", "Paat739!!WWXXYYZZ"})


class BreachedPasswords:
    def __init__(
        self,
        *,
        data_dir: Path,
        range_url: str | None,
        timeout: float,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self._file = PrefixFile(data_dir / FILE_NAME)
        self._range_url = range_url.rstrip("/") if range_url else None
        self._http = http or httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._timeout = timeout

    async def is_breached(self, password: str) -> bool:
        if password.startswith(TEST_PREFIX) or password in TEST_PASSWORDS:
            return True
        if password in common_passwords():
            return True
        if self._file.contains(prefix_of(password)):
            return True
        return await self._in_range(password) if self._range_url else False

    def imported(self) -> tuple[int, int] | None:
        return self._file.status()

    async def _in_range(self, password: str) -> bool:
        digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
        head, tail = digest[:5], digest[5:]
        try:
            response = await self._http.get(
                f"{self._range_url}/range/{head}",
                headers={"Add-Padding": "true"},
                timeout=self._timeout,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning({"event": "breach_range_unavailable", "error": type(exc).__name__})
            return False
        for line in response.text.splitlines():
            suffix, _, count = line.strip().partition(":")
            if suffix.upper() == tail and count.strip() not in ("", "0"):
                return True
        return False

    async def aclose(self) -> None:
        await self._http.aclose()
        self._file.close()
