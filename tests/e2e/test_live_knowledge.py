"""Knowledge changes reach the running server process within seconds, no restart: `shopkeeper ingest`
from another process on the same data dir, and the admin upload."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Server, server_env

pytestmark = pytest.mark.timeout(900)

#: Seconds a change may take to reach the server's searches (the check runs about every second).
WITHIN_S = 10.0


def _reply(client: httpx.Client, question: str) -> dict[str, Any]:
    """The bot's reply body to `question` in a fresh conversation."""
    started = client.post("/v1/conversations", json={"channel": "web", "locale": "en", "identity": None})
    assert started.status_code == 201, started.text
    body: dict[str, Any] = started.json()
    reply = client.post(
        f"/v1/conversations/{body['conversation_id']}/messages",
        json={"text": question},
        headers={"Authorization": f"Bearer {body['token']}"},
    )
    assert reply.status_code == 200, reply.text
    answer: dict[str, Any] = reply.json()
    return answer


def _cited(client: httpx.Client, question: str) -> set[str]:
    """The sources the bot cites answering `question`."""
    return {c["source"] for r in _reply(client, question)["replies"] for c in r["citations"]}


def _text(client: httpx.Client, question: str) -> str:
    return "\n".join(r["text"] for r in _reply(client, question)["replies"])


def _until_cited(client: httpx.Client, question: str, source: str) -> float:
    started = time.monotonic()
    while source not in _cited(client, question):
        if time.monotonic() - started > WITHIN_S:
            pytest.fail(f"{source} not cited for {question!r} within {WITHIN_S} s")
        time.sleep(0.5)
    return time.monotonic() - started


def _cli_ingest(server: Server, *args: str) -> str:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "shopkeeper"), "ingest", *args],
        env=server_env(server.data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_a_cli_ingest_reaches_the_running_server(server: Server, tmp_path: Path) -> None:
    tag = secrets.token_hex(3)
    folder = tmp_path / "pages"
    folder.mkdir()
    page = f"engraving-{tag}.md"
    (folder / page).write_text(
        "# Engraving\n\nWe engrave initials on any leather wallet for $6. Engraving adds two business days.\n",
        encoding="utf-8",
    )
    question = "Can you engrave initials on a leather wallet?"
    with httpx.Client(base_url=server.base_url, timeout=120) as client:
        assert page not in _cited(client, question)
        _cli_ingest(server, str(folder))
        waited = _until_cited(client, question, page)
        print(f"CLI ingest reached the server in {waited:.1f} s")
        # Removing it (the folder is owned whole) reaches the server too.
        (folder / page).unlink()
        (folder / "placeholder.md").write_text("# Placeholder\n\nNothing to see.\n", encoding="utf-8")
        _cli_ingest(server, str(folder))
        started = time.monotonic()
        while page in _cited(client, question):
            assert time.monotonic() - started < WITHIN_S, "the removed page is still cited"
            time.sleep(0.5)


def test_an_admin_upload_of_a_catalogue_is_answered_as_catalogue_data(server: Server) -> None:
    tag = secrets.token_hex(3)
    name = f"kettles-{tag}.csv"
    rows = f"id,title,description,price\nKET-{tag},Enamel camp kettle,A 1.5 litre enamel camp kettle.,$49.00\n"
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    with httpx.Client(base_url=server.base_url, timeout=300) as client:
        uploaded = client.post(
            "/v1/admin/knowledge",
            headers=headers,
            data={"kind": "product"},
            files={"files": (name, rows.encode(), "text/csv")},
        )
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["added"] >= 1
        # The product the shopper asks about, named with its price, right after the upload.
        text = _text(client, "How much is the enamel camp kettle?")
        assert "Enamel camp kettle" in text and "49" in text, text
        # Deleted from the uploads folder and re-indexed: gone as data too.
        (server.data_dir / "uploads" / "product" / name).unlink()
        assert client.post("/v1/admin/knowledge/reindex", headers=headers).json()["removed"] >= 1
        assert "Enamel camp kettle" not in _text(client, "How much is the enamel camp kettle?")
