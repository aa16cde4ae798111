"""The human agents' JSON API (/v1/agent/...): sign in, the queue, claim, reply, notes, assist, release, close,
and the messages shoppers left when nobody could answer."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from bot.desk.assist import canned_responses, suggest_replies
from bot.desk.handoff import HandoffDesk
from bot.server.deps import ServiceApi, bearer_token, get_service
from bot.server.errors import ApiError
from bot.stores.codec import message_to_json
from bot.types import JSON, Order

router = APIRouter(prefix="/v1/agent", tags=["agent"])

RECENT_ORDERS = 5


class SignInIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr = Field(min_length=1, max_length=40, description="The agent's account name.")
    password: StrictStr = Field(min_length=1, max_length=200)


class TextIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: StrictStr = Field(min_length=1, max_length=4000)


class SignedIn(BaseModel):
    token: str = Field(description="Bearer token for the other /v1/agent endpoints and the agent websocket.")
    agent: str


def desk_of(service: ServiceApi) -> HandoffDesk:
    desk: HandoffDesk | None = getattr(service, "handoff", None)
    if desk is None:
        raise ApiError(503, "no_desk", "the human-agent desk is not enabled on this service")
    return desk


def get_desk(service: ServiceApi = Depends(get_service)) -> HandoffDesk:
    return desk_of(service)


def current_agent(request: Request, desk: HandoffDesk = Depends(get_desk)) -> str:
    """The signed-in agent's name (`Authorization: Bearer <agent token>`); also marks them online."""
    return desk.directory.authenticate(bearer_token(request))


@router.post("/sessions", response_model=SignedIn, status_code=201)
def sign_in(body: SignInIn, desk: HandoffDesk = Depends(get_desk)) -> SignedIn:
    """Sign in with an account from SHOPKEEPER_AGENTS; the token lasts 12 hours."""
    return SignedIn(token=desk.directory.sign_in(body.name, body.password), agent=body.name)


@router.post("/sessions/end", status_code=204, response_model=None)
def sign_out(request: Request, agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)) -> None:
    desk.directory.sign_out(bearer_token(request) or "")


@router.get("/queue", response_model=None)
def queue(agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)) -> dict[str, JSON]:
    """Waiting conversations by priority (sentiment, sensitive topic, waiting time), then those held by agents."""
    entries: list[JSON] = list(desk.queue())
    return {"agent": agent, "entries": entries, "online": list(desk.directory.online())}


@router.get("/messages", response_model=None)
def messages(agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)) -> dict[str, JSON]:
    """Messages shoppers left when no agent could answer (tickets of kind "message"), newest first: answer each
    by email to its reply_to, then mark it answered. The conversation itself stayed with the bot."""
    found: list[JSON] = list(desk.messages())
    return {"messages": found}


@router.post("/messages/{message_id}/answered", response_model=None)
def answered(
    message_id: str, agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)
) -> dict[str, JSON]:
    """The agent replied by email: the message leaves the open list (404 when it is not open)."""
    return {"message": desk.answer_message(message_id, agent)}


@router.get("/conversations/{conversation_id}", response_model=None)
def conversation(
    conversation_id: str,
    after: int = Query(0, ge=0, description="Only transcript messages with seq greater than this."),
    agent: str = Depends(current_agent),
    service: ServiceApi = Depends(get_service),
) -> dict[str, JSON]:
    """The transcript, the queue entry, internal notes, and the verified customer with their recent orders."""
    desk = desk_of(service)
    conv = desk.store.get(conversation_id)
    if conv is None:
        raise ApiError(404, "not_found", f"conversation {conversation_id} not found")
    customer: JSON = None
    if conv.customer is not None:
        orders = getattr(service, "orders", None)
        recent = orders.list_orders(conv.customer.customer_id)[-RECENT_ORDERS:] if orders is not None else []
        customer = {
            "customer_id": conv.customer.customer_id,
            "name": conv.customer.name,
            "email": conv.customer.email,
            "verified_by": conv.customer.verified_by,
            "orders": [_order_json(o) for o in reversed(recent)],
        }
    return {
        "conversation": {
            "id": conv.id,
            "state": conv.state,
            "channel": conv.channel,
            "locale": conv.locale,
            "created_at": conv.created_at,
            "handoff_reason": conv.handoff_reason,
        },
        "agent": desk.holder(conversation_id),
        "entry": desk.entry(conversation_id),
        "customer": customer,
        "messages": [message_to_json(m) for m in desk.store.messages(conversation_id, after)],
        "notes": list(desk.notes(conversation_id)),
        "csat": desk.csat(conversation_id),
    }


@router.post("/conversations/{conversation_id}/claim", response_model=None)
def claim(
    conversation_id: str, agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)
) -> dict[str, JSON]:
    """Take a waiting conversation. Atomic across replicas: of two agents claiming at once, one gets 409."""
    conv = desk.claim(conversation_id, agent)
    return {"conversation_id": conv.id, "state": conv.state, "agent": agent}


@router.post("/conversations/{conversation_id}/messages", status_code=201, response_model=None)
def reply(
    conversation_id: str, body: TextIn, agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)
) -> dict[str, JSON]:
    """Reply to the shopper (only the agent holding the conversation); delivered wherever the shopper is."""
    return {"message": message_to_json(desk.reply(conversation_id, agent, body.text))}


@router.post("/conversations/{conversation_id}/notes", status_code=201, response_model=None)
def note(
    conversation_id: str, body: TextIn, agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)
) -> dict[str, JSON]:
    """An internal note: agents see it, the shopper never does."""
    return {"note": desk.note(conversation_id, agent, body.text)}


@router.get("/conversations/{conversation_id}/suggestions", response_model=None)
def suggestions(
    conversation_id: str, agent: str = Depends(current_agent), service: ServiceApi = Depends(get_service)
) -> dict[str, JSON]:
    """What the bot would answer to the shopper's last message (nothing is sent or stored)."""
    desk_of(service)  # 503 where the desk is off, like every agent route
    turns = getattr(service, "turns", None)
    if turns is None:
        return {"suggestions": []}
    found: list[JSON] = list(suggest_replies(turns, conversation_id))
    return {"suggestions": found}


@router.get("/canned", response_model=None)
def canned(locale: str = Query("en", pattern="^(en|zh)$"), agent: str = Depends(current_agent)) -> dict[str, JSON]:
    """Ready-made replies in the shopper's language, signed with the agent's name."""
    found: list[JSON] = list(canned_responses(locale, agent))
    return {"responses": found}


@router.post("/conversations/{conversation_id}/release", response_model=None)
def release(
    conversation_id: str, agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)
) -> dict[str, JSON]:
    """Hand the conversation back to the bot, which resumes with its dialogue state."""
    conv = desk.release(conversation_id, agent)
    return {"conversation_id": conv.id, "state": conv.state}


@router.post("/conversations/{conversation_id}/close", response_model=None)
def close(
    conversation_id: str, agent: str = Depends(current_agent), desk: HandoffDesk = Depends(get_desk)
) -> dict[str, JSON]:
    """Close the conversation; the shopper is asked for a 1-5 rating, stored as CSAT."""
    conv = desk.close(conversation_id, agent)
    return {"conversation_id": conv.id, "state": conv.state}


def _order_json(order: Order) -> dict[str, JSON]:
    return {
        "order_id": order.order_id,
        "status": order.status,
        "created_at": order.created_at,
        "total": round(sum(item.price for item in order.items), 2),
        "items": [item.name for item in order.items],
    }
