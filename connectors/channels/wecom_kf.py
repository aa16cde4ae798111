"""WeChat customer service (微信客服) over WeCom: the callback only announces messages; kf/sync_msg fetches them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.types import Inbound, Outgoing
from connectors.channels.base import button_fallback, items, obj, text_of
from connectors.channels.outbound import Outbound, coded_json

KF_EVENT = "kf_msg_or_event"
CHAT_PREFIX = "kf:"
"""KF chat ids are kf:{open_kfid}:{external_userid}; WeCom userids cannot hold a colon, so app chats never clash."""
FROM_CUSTOMER = 3
"""sync_msg origin: 3 the WeChat customer, 4 a system event, 5 a servicer typing in the WeCom client."""
PAGE_LIMIT = 1000
MAX_PAGES = 10
MAX_CONTENT_BYTES = 2048
"""kf/send_msg refuses text.content longer than this (bytes, UTF-8)."""
MAX_AGE_S = 3600.0
"""Customer messages older than this are not answered: after a restart without a cursor, sync_msg replays 3 days."""


@dataclass(frozen=True)
class KfNotice(Inbound):
    """The kf_msg_or_event callback: no message yet, only which account to sync and the callback's token."""

    open_kfid: str = ""
    sync_token: str = ""


def notice_of(fields: dict[str, str]) -> list[Inbound]:
    """The decrypted callback fields as a KfNotice ([] when Token or OpenKfId is missing)."""
    open_kfid, token = fields.get("OpenKfId", ""), fields.get("Token", "")
    if not open_kfid or not token:
        return []
    # The token is per callback, so a retried callback is deduplicated by it; its messages by msgid.
    return [
        KfNotice(
            event_id=f"kf-sync:{token}",
            chat_id=f"{CHAT_PREFIX}{open_kfid}",
            user_id="",
            text="",
            open_kfid=open_kfid,
            sync_token=token,
        )
    ]


def describe(msg: dict[str, Any]) -> str:
    """The customer's text, or a readable stand-in for the other documented msgtypes ("" for events)."""
    kind = text_of(msg.get("msgtype"))
    body = obj(msg.get(kind))
    if kind == "text":
        return text_of(body.get("content"))
    if kind == "location":
        name = text_of(body.get("name")) or text_of(body.get("address"))
        where = f"{_num(body.get('latitude'))}, {_num(body.get('longitude'))}"
        return f"[location {where}{' ' + name if name else ''}]"
    if kind == "link":
        return f"[link {text_of(body.get('title'))}]".replace(" ]", "]")
    if kind == "miniprogram":
        return f"[mini program {text_of(body.get('title'))}]".replace(" ]", "]")
    if kind == "business_card":
        return "[business card]"
    if kind in ("image", "voice", "video", "file"):
        return f"[{kind}]"
    return ""


def _num(value: Any) -> str:
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


def inbound_of(msg: dict[str, Any], now: float) -> Inbound | None:
    """One sync_msg entry as a shopper message; None for servicer/system entries, events and stale messages."""
    if msg.get("origin") != FROM_CUSTOMER:
        return None
    msgid, open_kfid = text_of(msg.get("msgid")), text_of(msg.get("open_kfid"))
    user = text_of(msg.get("external_userid"))
    text = describe(msg)
    sent = msg.get("send_time")
    stale = isinstance(sent, (int, float)) and now - float(sent) > MAX_AGE_S
    if not msgid or not open_kfid or not user or not text or stale:
        return None
    return Inbound(event_id=f"kf:{msgid}", chat_id=f"{CHAT_PREFIX}{open_kfid}:{user}", user_id=user, text=text)


def clip(text: str, limit: int = MAX_CONTENT_BYTES) -> str:
    """The text cut to limit UTF-8 bytes on a character boundary."""
    return text.encode()[:limit].decode(errors="ignore")


def kf_address(recipient: str) -> tuple[str, str] | None:
    """(open_kfid, external_userid) of a KF chat id; None for an app user id."""
    if not recipient.startswith(CHAT_PREFIX):
        return None
    open_kfid, _, user = recipient[len(CHAT_PREFIX) :].partition(":")
    return (open_kfid, user) if open_kfid and user else None


class KfClient:
    """sync_msg with a cursor per open_kfid, and send_msg.

    The cursor lives in this process's memory: the shared webhook state offers claims and chat links, no
    key-value. After a restart the first sync replays up to 3 days; msgid claims and MAX_AGE_S keep those
    from being answered twice.
    """

    def __init__(
        self,
        api_base: str,
        outbound: Outbound,
        access_token: Callable[[], Awaitable[str]],
        clock: Callable[[], float] = time.time,
        platform: str = "wecom",
    ) -> None:
        self._api_base = api_base.rstrip("/")
        self._outbound = outbound
        self._access_token = access_token
        self.clock = clock
        self._platform = platform
        self._cursors: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def cursor(self, open_kfid: str) -> str:
        return self._cursors.get(open_kfid, "")

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        token = await self._access_token()
        response = await self._outbound.request(
            self._platform, "POST", f"{self._api_base}/cgi-bin/kf/{path}", params={"access_token": token}, json=body
        )
        return coded_json(self._platform, response, f"kf/{path} failed")

    async def pull(self, notice: KfNotice) -> list[Inbound]:
        """Every customer message since the stored cursor, following has_more; the cursor advances page by page."""
        lock = self._locks.setdefault(notice.open_kfid, asyncio.Lock())
        found: list[Inbound] = []
        async with lock:  # two callbacks for one account must not read from the same cursor at once
            for _ in range(MAX_PAGES):
                body = {
                    "cursor": self.cursor(notice.open_kfid),
                    "token": notice.sync_token,
                    "limit": PAGE_LIMIT,
                    "open_kfid": notice.open_kfid,
                }
                answer = await self._post("sync_msg", body)
                now = self.clock()
                found += [m for m in (inbound_of(msg, now) for msg in items(answer.get("msg_list"))) if m]
                next_cursor = text_of(answer.get("next_cursor"))
                if next_cursor:
                    self._cursors[notice.open_kfid] = next_cursor
                if not answer.get("has_more") or not next_cursor:
                    break
        return found

    async def send(self, out: Outgoing, open_kfid: str, user: str) -> None:
        await self._post(
            "send_msg",
            {
                "touser": user,
                "open_kfid": open_kfid,
                "msgtype": "text",
                "text": {"content": clip(button_fallback(out))},
            },
        )
