"""Delivering stored messages: the transactional outbox.

A message row is written in the transaction of the change that causes it, so a mail exists
exactly when that change commits, and no HTTP response waits for an SMTP server. After the
commit, the worker that served the request tries the message at once in a background task;
every worker also polls for due messages, which covers retries, restarts and nodes that
crashed between commit and delivery.

Each attempt first claims its rows (``repository.claim``); a claim is a lease, so a worker
that dies mid-send lets another retry once the lease expires. Delivery is therefore at least
once: a crash after the server accepted a message but before it is marked ``sent`` can send it
twice, never zero times. Failed attempts are retried with exponential backoff (1, 2, 4 and 8
minutes); the fifth failure, or a permanent refusal, marks the message ``failed``.

Every ten minutes each worker also fails claims abandoned on their last attempt and deletes
``sent``, ``failed`` and ``outbox`` messages older than thirty days: they hold live links.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession

from authgate.core.clock import Clock
from authgate.core.randomness import random_token
from authgate.core.secretbox import DecryptionError, SecretBox
from authgate.db import Database
from authgate.email import repository, smtp
from authgate.email.message import build_mime, parse_mailbox
from authgate.email.rendering import RenderedMail
from authgate.email.repository import ClaimedMessage
from authgate.email.smtp import DeliveryError, SmtpTarget

log = logging.getLogger("authgate.email")

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=1)
LEASE = timedelta(minutes=10)
BATCH = 20
RETENTION = timedelta(days=30)
HOUSEKEEPING_EVERY = timedelta(minutes=10)
STOP_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class Route:
    """Where a tenant's mail goes: its own provider or the deployment's server."""

    target: SmtpTarget
    headers: dict[str, str] = field(default_factory=dict)


Resolver = Callable[[AsyncSession, str], Awaitable[Route | None]]


def seal(box: SecretBox, message_id: str, mail: RenderedMail) -> str:
    """The subject and bodies encrypted and bound to the message id."""
    payload = {"subject": mail.subject, "text": mail.text, "html": mail.html}
    return box.seal(json.dumps(payload).encode(), f"email-message:{message_id}")


def unseal(box: SecretBox, message_id: str, sealed: str) -> RenderedMail:
    payload = json.loads(box.open(sealed, f"email-message:{message_id}"))
    return RenderedMail(subject=payload["subject"], text=payload["text"], html=payload["html"])


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return BACKOFF * (1 << max(0, attempts - 1))


class Deliverer:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        box: SecretBox,
        resolve: Resolver,
        *,
        domain: str,
        poll_seconds: float,
    ) -> None:
        self._db = db
        self._clock = clock
        self._box = box
        self._resolve = resolve
        self._domain = domain
        self._poll_seconds = poll_seconds
        self._poller: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self._housekept_at: datetime | None = None

    # -- attempts --------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Claim up to ``BATCH`` due messages and attempt them; the number attempted."""
        return await self._claim_and_attempt(None)

    async def deliver(self, message_id: str) -> int:
        """Attempt one message now if it is still due (1), else do nothing (0)."""
        return await self._claim_and_attempt(message_id)

    async def _claim_and_attempt(self, message_id: str | None) -> int:
        now = self._clock.now()
        if message_id is None:
            async with self._db.unit_of_work(write=False) as session:
                if not await repository.any_due(session, now=now, max_attempts=MAX_ATTEMPTS):
                    return 0
        token = random_token(16)
        async with self._db.unit_of_work(write=True) as session:
            claimed = await repository.claim(
                session,
                now=now,
                lease_until=now + LEASE,
                token=token,
                max_attempts=MAX_ATTEMPTS,
                limit=1 if message_id else BATCH,
                message_id=message_id,
            )
        for message in claimed:
            await self._attempt(message, token)
        return len(claimed)

    async def _attempt(self, message: ClaimedMessage, token: str) -> None:
        try:
            async with self._db.unit_of_work(write=False) as session:
                route = await self._resolve(session, message.tenant_id)
            if route is None:
                await self._finish(message, token, "outbox")
                return
            mail = unseal(self._box, message.id, message.content)
            await smtp.send(
                route.target,
                self._mime(message, mail, route),
                sender=_envelope_sender(message.sender),
                recipient=message.recipient,
            )
        except DeliveryError as exc:
            await self._failed(message, token, exc.summary, permanent=exc.permanent)
        except DecryptionError:
            summary = "cannot decrypt with the current secret key"
            await self._failed(message, token, summary, permanent=True)
        except Exception as exc:
            log.error(_event("email_attempt_error", message), exc_info=exc)
            await self._failed(message, token, type(exc).__name__, permanent=False)
        else:
            await self._finish(message, token, "sent")
            log.info(_event("email_sent", message))

    def _mime(self, message: ClaimedMessage, mail: RenderedMail, route: Route) -> EmailMessage:
        return build_mime(
            message_id=message.id,
            domain=self._domain,
            sender=message.sender,
            recipient=message.recipient,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            date=self._clock.now(),
            locale=message.locale,
            headers=route.headers,
        )

    async def _failed(
        self, message: ClaimedMessage, token: str, summary: str, *, permanent: bool
    ) -> None:
        if permanent or message.attempts >= MAX_ATTEMPTS:
            await self._finish(message, token, "failed", error=summary)
            log.error({**_event("email_failed", message), "error": summary})
            return
        wait = backoff(message.attempts)
        next_at = self._clock.now() + wait
        await self._finish(message, token, "pending", error=summary, next_at=next_at)
        log.warning({**_event("email_retry", message), "error": summary, "retry_in": wait.seconds})

    async def _finish(
        self,
        message: ClaimedMessage,
        token: str,
        status: str,
        *,
        error: str | None = None,
        next_at: datetime | None = None,
    ) -> None:
        async with self._db.unit_of_work(write=True) as session:
            kept = await repository.finish(
                session,
                message.id,
                token,
                status=status,
                now=self._clock.now(),
                next_attempt_at=next_at,
                last_error=error,
            )
        if not kept:
            log.warning({**_event("email_claim_lost", message), "status": status})

    # -- background work -------------------------------------------------------------------

    def kick(self, message_id: str) -> None:
        """Attempt a just-committed message in the background (only in a serving worker)."""
        if self._poller is None:
            return
        task = asyncio.create_task(self._quietly(self.deliver(message_id)))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    def start(self) -> None:
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        """Stop polling; let attempts in flight finish for a moment, then cancel them."""
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        if self._inflight:
            _, pending = await asyncio.wait(set(self._inflight), timeout=STOP_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _poll(self) -> None:
        while True:
            await self._quietly(self._round())
            await asyncio.sleep(self._poll_seconds)

    async def _round(self) -> None:
        while await self.deliver_due() >= BATCH:
            pass
        now = self._clock.now()
        if self._housekept_at is not None and now - self._housekept_at < HOUSEKEEPING_EVERY:
            return
        async with self._db.unit_of_work(write=True) as session:
            await repository.fail_abandoned(session, now=now, max_attempts=MAX_ATTEMPTS)
            await repository.purge(session, before=now - RETENTION)
        self._housekept_at = now

    async def _quietly(self, work: Awaitable[object]) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error({"event": "email_outbox_error", "error": type(exc).__name__}, exc_info=exc)


def _envelope_sender(sender: str) -> str:
    parsed = parse_mailbox(sender)
    return parsed.addr_spec if parsed is not None else ""


def _event(name: str, message: ClaimedMessage) -> dict[str, object]:
    """A log record naming the message, never its recipient, content or links."""
    return {
        "event": name,
        "message_id": message.id,
        "tenant_id": message.tenant_id,
        "template": message.template,
        "attempt": message.attempts,
    }
