"""SQL for branding rows and prompt texts.

The branding row of a tenant is created on its first change with an insert that ignores a
concurrent creation (``ON CONFLICT DO NOTHING`` on both engines), then read ``FOR UPDATE`` so
two concurrent changes of different fields cannot overwrite each other (PostgreSQL locks the
row; SQLite's writers are serialized by ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from authgate.branding.models import Branding, PromptText


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def branding(session: AsyncSession, tenant_id: str) -> Branding | None:
    return await session.get(Branding, tenant_id)


async def locked(session: AsyncSession, tenant_id: str, now: datetime) -> Branding:
    """The tenant's branding row, created if missing and locked for this transaction."""
    values = {
        "tenant_id": tenant_id,
        "settings": {},
        "prompts": {},
        "created_at": now,
        "updated_at": now,
    }
    insert = _insert(session)
    await session.execute(insert(Branding).values(**values).on_conflict_do_nothing())
    stmt = (
        select(Branding)
        .where(Branding.tenant_id == tenant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar_one()


async def prompt_text(
    session: AsyncSession, tenant_id: str, prompt: str, language: str
) -> PromptText | None:
    return await session.get(PromptText, (tenant_id, prompt, language))


async def save_prompt_text(
    session: AsyncSession,
    tenant_id: str,
    *,
    prompt: str,
    language: str,
    texts: dict[str, dict[str, str]],
    now: datetime,
) -> None:
    """Replace the texts of ``prompt`` in ``language``; no texts at all removes the row."""
    key = (
        (PromptText.tenant_id == tenant_id)
        & (PromptText.prompt == prompt)
        & (PromptText.language == language)
    )
    if not texts:
        await session.execute(delete(PromptText).where(key))
        return
    values = {
        "tenant_id": tenant_id,
        "prompt": prompt,
        "language": language,
        "texts": texts,
        "updated_at": now,
    }
    stmt = _insert(session)(PromptText).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["tenant_id", "prompt", "language"],
        set_={"texts": stmt.excluded.texts, "updated_at": stmt.excluded.updated_at},
    )
    await session.execute(stmt)
