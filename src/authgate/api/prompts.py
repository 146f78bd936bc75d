"""``/api/v2/prompts`` and ``/api/v2/prompts/{prompt}/custom-text/{language}``.

Sources: https://auth0.com/docs/api/management/v2/prompts/get-prompts,
https://auth0.com/docs/api/management/v2/prompts/patch-prompts,
https://auth0.com/docs/api/management/v2/prompts/get-custom-text-by-language and
https://auth0.com/docs/api/management/v2/prompts/put-custom-text-by-language (the texts sent
replace those of that prompt and language).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from authgate.api.dependencies import Caller, ServicesDep, SessionDep, TenantDep, require
from authgate.branding.schemas import CustomTexts, PromptSettingsPatch
from authgate.http.responses import json_response

router = APIRouter(prefix="/api/v2", tags=["prompts"])
CUSTOM_TEXT_PATH = "/prompts/{prompt}/custom-text/{language}"


@router.get("/prompts")
async def get_settings(
    caller: Annotated[Caller, Depends(require("read:prompts"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return json_response(await services.branding.prompts.settings(session, tenant.id))


@router.patch("/prompts")
async def update_settings(
    caller: Annotated[Caller, Depends(require("update:prompts"))],
    body: PromptSettingsPatch,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    return json_response(await services.branding.prompts.update(session, tenant.id, body))


@router.get(CUSTOM_TEXT_PATH)
async def get_custom_text(
    prompt: str,
    language: str,
    caller: Annotated[Caller, Depends(require("read:prompts"))],
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    texts = await services.branding.prompts.custom_text(session, tenant.id, prompt, language)
    return json_response(texts)


@router.put(CUSTOM_TEXT_PATH)
async def set_custom_text(
    prompt: str,
    language: str,
    caller: Annotated[Caller, Depends(require("update:prompts"))],
    body: CustomTexts,
    tenant: TenantDep,
    session: SessionDep,
    services: ServicesDep,
) -> Response:
    texts = await services.branding.prompts.set_custom_text(
        session, tenant.id, prompt, language, body.root
    )
    return json_response(texts)
