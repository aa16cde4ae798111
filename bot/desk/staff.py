"""Human agent accounts: hashed passwords from settings, sessions and presence in the shared store, working hours."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import ConfigError, Unauthorized
from bot.types import now, token_hash

ITERATIONS = 200_000
SESSION_TTL_S = 12 * 3600
#: An agent counts as online this long after their last request or websocket heartbeat.
ONLINE_WINDOW_S = 90.0
SESSIONS = "agents:sessions"
PRESENCE = "agents:online"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class FieldStore(Protocol):
    """The named-field part of MemoryStore and RedisStore: small strings grouped by scope."""

    def field_get(self, scope: str, name: str) -> str | None: ...

    def field_set(self, scope: str, name: str, value: str) -> None: ...

    def field_set_if_absent(self, scope: str, name: str, value: str) -> bool: ...

    def field_delete(self, scope: str, name: str, expected: str | None = None) -> bool: ...

    def fields(self, scope: str) -> dict[str, str]: ...


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """'pbkdf2_sha256$iterations$salt$hash' with url-safe base64 parts (no ':' or ',', so it fits in settings)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, encoded: str) -> bool:
    try:
        scheme, iterations, salt, digest = encoded.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        actual = hashlib.pbkdf2_hmac("sha256", password.encode(), _unb64(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, _unb64(digest))


def parse_accounts(spec: str) -> dict[str, str]:
    """'ana:HASH,bo:HASH' -> {name: hash}; a malformed entry stops startup with a sentence."""
    accounts: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        name, sep, encoded = entry.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_.\-]{1,40}", name) or not encoded.startswith("pbkdf2_sha256$"):
            raise ConfigError(
                f"SHOPKEEPER_AGENTS entry {name or entry[:20]!r} must look like name:pbkdf2_sha256$... "
                "(make the hash with `shopkeeper hash-password` or `python -m bot.desk.staff`)"
            )
        accounts[name] = encoded
    return accounts


@dataclass(frozen=True)
class OpeningHours:
    """Days and a daily window in one time zone; `always` when no hours are configured."""

    days: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo
    text: str

    @classmethod
    def parse(cls, spec: str, timezone: str = "UTC") -> "OpeningHours | None":
        """'09:00-18:00' or 'mon-fri 09:00-18:00'; empty -> None (always open)."""
        spec = spec.strip().lower()
        if not spec:
            return None
        match = re.fullmatch(r"(?:([a-z]{3})(?:-([a-z]{3}))?\s+)?(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", spec)
        if not match or any(d and d not in _DAYS for d in match.group(1, 2)):
            raise ConfigError(f"SHOPKEEPER_AGENT_HOURS {spec!r} must look like 'mon-fri 09:00-18:00' or '09:00-18:00'")
        first, last = match.group(1) or "mon", match.group(2) or match.group(1) or "sun"
        a, b = _DAYS.index(first), _DAYS.index(last)
        days = frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(0, b + 1)])
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"SHOPKEEPER_AGENT_TIMEZONE {timezone!r} is not a known IANA time zone") from None
        start = time(int(match.group(3)), int(match.group(4)))
        end = time(int(match.group(5)), int(match.group(6)))
        return cls(days=days, start=start, end=end, zone=zone, text=f"{spec} ({timezone})")

    def is_open(self, at: float) -> bool:
        local = datetime.fromtimestamp(at, self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end


class AgentDirectory:
    """Who may sign in, their sessions (shared by every replica through the store) and who is online."""

    def __init__(self, store: FieldStore, accounts: dict[str, str]) -> None:
        self.store = store
        self.accounts = accounts

    def sign_in(self, name: str, password: str) -> str:
        encoded = self.accounts.get(name)
        # Hash even for an unknown name so timing does not tell which names exist.
        ok = check_password(password, encoded or _dummy_hash()) and encoded is not None
        if not ok:
            raise Unauthorized("wrong agent name or password")
        token = secrets.token_urlsafe(32)
        session = json.dumps({"agent": name, "expires": now() + SESSION_TTL_S})
        self.store.field_set(SESSIONS, token_hash(token), session)
        self.seen(name)
        return token

    def authenticate(self, token: str | None) -> str:
        """The agent name behind a session token; Unauthorized when missing, unknown or expired."""
        if not token:
            raise Unauthorized("missing agent bearer token")
        raw = self.store.field_get(SESSIONS, token_hash(token))
        if raw is None:
            raise Unauthorized("unknown or signed-out agent token")
        session = json.loads(raw)
        if float(session["expires"]) < now() or session["agent"] not in self.accounts:
            self.store.field_delete(SESSIONS, token_hash(token))
            raise Unauthorized("the agent session has expired; sign in again")
        name = str(session["agent"])
        self.seen(name)
        return name

    def sign_out(self, token: str) -> None:
        self.store.field_delete(SESSIONS, token_hash(token))

    def seen(self, name: str) -> None:
        self.store.field_set(PRESENCE, name, repr(now()))

    def online(self) -> list[str]:
        cutoff = now() - ONLINE_WINDOW_S
        return sorted(name for name, at in self.store.fields(PRESENCE).items() if float(at) >= cutoff)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not a password", salt=b"0123456789abcdef")


def main() -> None:
    """`python -m bot.desk.staff`: prompts for a password and prints the hash for SHOPKEEPER_AGENTS."""
    import getpass
    import sys

    password = getpass.getpass("Agent password: ")
    if len(password) < 8:
        sys.exit("The password must be at least 8 characters long.")
    if getpass.getpass("Again: ") != password:
        sys.exit("The two passwords differ.")
    print(hash_password(password))


if __name__ == "__main__":
    main()
