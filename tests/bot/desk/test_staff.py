"""Agent accounts: password hashes, the SHOPKEEPER_AGENTS format, sessions, presence."""

from __future__ import annotations

import json

import pytest

from bot.desk import staff as agents
from bot.desk.staff import SESSIONS, AgentDirectory, check_password, hash_password, parse_accounts
from bot.errors import ConfigError, Unauthorized
from bot.stores.memory import MemoryStore


def test_hash_and_check() -> None:
    encoded = hash_password("correct horse", iterations=1000)
    assert encoded.startswith("pbkdf2_sha256$1000$") and "correct horse" not in encoded
    assert check_password("correct horse", encoded)
    assert not check_password("wrong", encoded)
    assert not check_password("correct horse", "garbage")
    assert hash_password("x", iterations=1000) != hash_password("x", iterations=1000), "salted"


def test_parse_accounts() -> None:
    a, b = hash_password("a", iterations=1000), hash_password("b", iterations=1000)
    assert parse_accounts(f" ana:{a} , bo:{b},") == {"ana": a, "bo": b}
    assert parse_accounts("") == {}
    with pytest.raises(ConfigError, match="hash-password"):
        parse_accounts("ana:plaintext")
    with pytest.raises(ConfigError):
        parse_accounts(f"bad name:{a}")


def test_sessions_presence_and_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore()
    directory = AgentDirectory(store, {"ana": hash_password("pw", iterations=1000)})
    with pytest.raises(Unauthorized):
        directory.sign_in("ana", "nope")
    with pytest.raises(Unauthorized):
        directory.sign_in("eve", "pw")
    token = directory.sign_in("ana", "pw")
    assert token not in json.dumps(store.fields(SESSIONS)), "only the token's hash is stored"
    assert directory.authenticate(token) == "ana"
    assert directory.online() == ["ana"]
    with pytest.raises(Unauthorized):
        directory.authenticate(None)

    later = agents.now() + agents.SESSION_TTL_S + 1
    monkeypatch.setattr(agents, "now", lambda: later)
    assert directory.online() == [], "not seen within the window"
    with pytest.raises(Unauthorized, match="expired"):
        directory.authenticate(token)


def test_removed_account_loses_its_sessions() -> None:
    store = MemoryStore()
    token = AgentDirectory(store, {"ana": hash_password("pw", iterations=1000)}).sign_in("ana", "pw")
    with pytest.raises(Unauthorized):
        AgentDirectory(store, {}).authenticate(token)


def test_cli_hash_password_prints_a_usable_hash() -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    result = CliRunner().invoke(app, ["hash-password"], input="long-enough-pw\nlong-enough-pw\n")
    assert result.exit_code == 0, result.output
    encoded = result.output.split()[-1]  # after the prompts, which a pipe leaves on one line
    assert check_password("long-enough-pw", encoded) and parse_accounts(f"ana:{encoded}")
    short = CliRunner().invoke(app, ["hash-password"], input="short\n")
    assert short.exit_code != 0
