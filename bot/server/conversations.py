"""The shopper's HTTP API: start a conversation, post a message, read the transcript."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from bot.server.deps import ServiceApi, bearer_token, get_metrics, get_service
from bot.server.errors import ApiError
from bot.server.limits import check_text, read_json
from bot.server.metrics import Metrics
from bot.server.turns import public_message, reply_json, run_turn
from bot.service import SignedIdentity
from bot.types import JSON

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


class IdentityIn(BaseModel):
    """A customer id signed by the shop's server (HMAC-SHA256 with the identity secret)."""

    customer_id: StrictStr = Field(min_length=1, max_length=200)
    signature: StrictStr = Field(min_length=1, max_length=200)
    expires_at: int | None = Field(None, ge=0, description="Unix seconds; when given it is part of what is signed.")


class StartIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    channel: StrictStr = Field("web", pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    locale: Literal["en", "zh"] | None = None
    identity: IdentityIn | None = None


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: StrictStr


_JSON_BODY = {"requestBody": {"content": {"application/json": {}}, "required": False}}


@router.post("", status_code=201, openapi_extra=_JSON_BODY)
async def start_conversation(request: Request, service: ServiceApi = Depends(get_service)) -> JSONResponse:
    body = await read_json(request, StartIn, empty_ok=True)
    identity = (
        SignedIdentity(
            customer_id=body.identity.customer_id,
            signature=body.identity.signature,
            expires_at=body.identity.expires_at,
        )
        if body.identity
        else None
    )
    conversation, token = service.start_conversation(channel=body.channel, locale=body.locale, identity=identity)
    return JSONResponse({"conversation_id": conversation.id, "token": token}, status_code=201)


@router.post("/{conversation_id}/messages", openapi_extra=_JSON_BODY, response_model=None)
async def post_message(
    conversation_id: str,
    request: Request,
    trace: bool = Query(False, description="Add the turn's trace (admin token only)."),
    service: ServiceApi = Depends(get_service),
    metrics: Metrics = Depends(get_metrics),
) -> dict[str, JSON]:
    token = bearer_token(request)
    # Authorise before reading the body: a stranger learns nothing from our validation errors.
    conversation = service.authorize(conversation_id, token)
    if trace and not service.is_admin(token):
        raise ApiError(403, "forbidden", "trace=1 needs the admin token")
    body = await read_json(request, MessageIn)
    text = check_text(body.text, service.settings.max_message_chars)
    result = await run_turn(service, metrics, conversation, text)
    response: dict[str, JSON] = {"replies": [reply_json(r) for r in result.replies], "state": result.state}
    if trace:
        response["trace"] = result.trace.to_json()
    return response


@router.get("/{conversation_id}/messages", response_model=None)
async def get_messages(
    conversation_id: str,
    request: Request,
    after: int = Query(0, ge=0, description="Only messages with seq greater than this."),
    service: ServiceApi = Depends(get_service),
) -> dict[str, JSON]:
    conversation = service.authorize(conversation_id, bearer_token(request))
    messages = service.transcript(conversation_id, after)
    return {"messages": [public_message(m) for m in messages], "state": conversation.state}
