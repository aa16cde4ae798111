"""Two real server processes over one real redis-server: cross-replica delivery, atomic claim, restart without
loss, and the whole handoff in Chromium (the shopper's widget on replica A, the agent console on replica B)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from bot.desk.staff import hash_password
from bot.testing.processes import ServerProcess
from bot.testing.redis_server import RedisServer
from tests.e2e.conftest import Server, copy_data_dir

pytestmark = pytest.mark.timeout(900)

ADMIN = "replica-admin-token"
AGENTS = {"ana": "ana-password", "bo": "bo-password"}
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
# The docs' screenshots are refreshed only on request, so a test run does not rewrite tracked files.
SHOTS = DOCS_IMG if os.environ.get("SHOPKEEPER_UPDATE_SCREENSHOTS") else Path(tempfile.mkdtemp(prefix="shots-"))
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def replicas(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    if not RedisServer.available():
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    accounts = ",".join(f"{name}:{hash_password(pw, iterations=20_000)}" for name, pw in AGENTS.items())
    with RedisServer() as redis_url:
        settings = {"SHOPKEEPER_REDIS_URL": redis_url, "SHOPKEEPER_AGENTS": accounts, "SHOPKEEPER_ADMIN_TOKEN": ADMIN}
        root = tmp_path_factory.mktemp("replicas")
        # Each replica has its own copy of the built shop and index: only Redis is shared, as in production.
        a = ServerProcess(copy_data_dir(server.data_dir, root / "a"), settings).start()
        b = ServerProcess(copy_data_dir(server.data_dir, root / "b"), settings).start()
        try:
            a.wait_ready()
            b.wait_ready()
            yield a, b
        finally:
            a.stop()
            b.stop()


def sign_in(base_url: str, name: str) -> dict[str, str]:
    response = httpx.post(f"{base_url}/v1/agent/sessions", json={"name": name, "password": AGENTS[name]}, timeout=30)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def waiting_conversation(base_url: str) -> tuple[str, str]:
    started = httpx.post(f"{base_url}/v1/conversations", json={"locale": "en"}, timeout=30).json()
    cid, token = started["conversation_id"], started["token"]
    turn = httpx.post(
        f"{base_url}/v1/conversations/{cid}/messages",
        json={"text": "I want to talk to a human"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    assert turn.json()["state"] == "waiting_for_agent", turn.text
    return cid, token


def frames_until(ws: object, predicate: object, timeout_s: float = 10.0) -> list[dict[str, object]]:
    """Reads frames until one satisfies predicate (returned last)."""
    got: list[dict[str, object]] = []
    deadline = time.monotonic() + timeout_s
    while True:
        frame = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))  # type: ignore[attr-defined]
        got.append(frame)
        if predicate(frame):  # type: ignore[operator]
            return got


def is_agent_message(text: str) -> object:
    def check(frame: dict[str, object]) -> bool:
        message = frame.get("message")
        return frame.get("type") == "message" and isinstance(message, dict) and message.get("text") == text

    return check


def test_agent_reply_through_b_reaches_shopper_on_a_within_a_second(
    replicas: tuple[ServerProcess, ServerProcess],
) -> None:
    from websockets.sync.client import connect

    a, b = replicas
    ana = sign_in(b.base_url, "ana")  # an agent signed in first: a handoff waits for a person
    cid, token = waiting_conversation(a.base_url)
    queue = httpx.get(f"{b.base_url}/v1/agent/queue", headers=ana, timeout=30).json()["entries"]
    assert cid in [e["conversation_id"] for e in queue], "replica B sees the queue that replica A filled"
    assert httpx.post(f"{b.base_url}/v1/agent/conversations/{cid}/claim", headers=ana, timeout=30).status_code == 200
    with connect(f"{a.ws_url}/v1/conversations/{cid}/stream?token={token}") as ws:
        frames_until(ws, lambda f: f.get("type") == "state")
        started = time.perf_counter()
        sent = httpx.post(
            f"{b.base_url}/v1/agent/conversations/{cid}/messages",
            json={"text": "Hi, Ana here"},
            headers=ana,
            timeout=30,
        )
        assert sent.status_code == 201
        frames = frames_until(ws, is_agent_message("Hi, Ana here"), timeout_s=5)
        elapsed = time.perf_counter() - started
        assert frames[-1]["message"]["role"] == "agent"  # type: ignore[index]
        assert elapsed < 1.0, f"delivery across replicas took {elapsed:.3f} s"


def test_claim_is_atomic_across_replicas(replicas: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = replicas
    for _ in range(3):
        ana, bo = sign_in(a.base_url, "ana"), sign_in(b.base_url, "bo")
        cid, _ = waiting_conversation(a.base_url)
        barrier = threading.Barrier(2)
        statuses: dict[str, int] = {}

        def claim(name: str, base_url: str, headers: dict[str, str]) -> None:
            barrier.wait()
            response = httpx.post(f"{base_url}/v1/agent/conversations/{cid}/claim", headers=headers, timeout=30)
            statuses[name] = response.status_code

        threads = [
            threading.Thread(target=claim, args=("ana", a.base_url, ana)),
            threading.Thread(target=claim, args=("bo", b.base_url, bo)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses.values()) == [200, 409], statuses


def test_no_message_lost_while_replica_a_restarts(replicas: tuple[ServerProcess, ServerProcess]) -> None:
    from websockets.sync.client import connect

    a, b = replicas
    ana = sign_in(b.base_url, "ana")  # an agent signed in first: a handoff waits for a person
    cid, token = waiting_conversation(a.base_url)
    httpx.post(f"{b.base_url}/v1/agent/conversations/{cid}/claim", headers=ana, timeout=30)
    with connect(f"{a.ws_url}/v1/conversations/{cid}/stream?token={token}") as ws:
        frames = frames_until(ws, lambda f: f.get("type") == "state")
        httpx.post(f"{b.base_url}/v1/agent/conversations/{cid}/messages", json={"text": "before"}, headers=ana)
        frames += frames_until(ws, is_agent_message("before"))
    last_seq = max(f["message"]["seq"] for f in frames if f.get("type") == "message")  # type: ignore[index]

    a.stop()  # the shopper's replica goes away; the agent keeps writing through B
    for text in ("while A was down 1", "while A was down 2", "while A was down 3"):
        sent = httpx.post(f"{b.base_url}/v1/agent/conversations/{cid}/messages", json={"text": text}, headers=ana)
        assert sent.status_code == 201
    a.start()
    a.wait_ready()
    with connect(f"{a.ws_url}/v1/conversations/{cid}/stream?token={token}&after={last_seq}") as ws:
        resumed = frames_until(ws, is_agent_message("while A was down 3"))
    texts = [f["message"]["text"] for f in resumed if f.get("type") == "message"]  # type: ignore[index]
    assert texts == ["while A was down 1", "while A was down 2", "while A was down 3"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def test_handoff_in_the_browser_widget_on_a_console_on_b(
    replicas: tuple[ServerProcess, ServerProcess], browser: object
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    a, b = replicas
    errors: list[str] = []

    console = browser.new_context(viewport={"width": 1360, "height": 800}, locale="en-US").new_page()
    console.on("pageerror", lambda exc: errors.append(f"console: {exc}"))
    console.goto(f"{b.base_url}/console")
    console.get_by_label("Name").fill("ana")
    console.get_by_label("Password").fill(AGENTS["ana"])
    console.get_by_role("button", name="Sign in").click()
    expect(console.get_by_role("heading", name="Queue")).to_be_visible()
    expect(console.locator("#conn")).to_have_text("live", timeout=15_000)

    shop = browser.new_context(viewport={"width": 1200, "height": 760}, locale="en-US").new_page()
    shop.on("pageerror", lambda exc: errors.append(f"widget: {exc}"))
    shop.goto(f"{a.base_url}/?locale=en")
    shop.get_by_role("button", name="Open chat").click()
    box = shop.get_by_role("textbox", name="Type your message")
    box.fill("My parcel never arrived, I want to talk to a human")
    box.press("Enter")
    expect(shop.get_by_text("Waiting for an agent")).to_be_visible(timeout=120_000)

    # The conversation appears live in the console on the other replica.
    entry = console.locator("#entries button").filter(has_text="My parcel never arrived")
    expect(entry).to_be_visible(timeout=10_000)
    entry.click()
    expect(console.get_by_role("log", name="Transcript")).to_contain_text("My parcel never arrived", timeout=10_000)
    console.get_by_role("button", name="Claim").click()
    reply = console.get_by_role("textbox", name="Reply to the shopper")
    expect(reply).to_be_visible()
    console.get_by_label("Internal note").fill("Check the courier claim first")
    console.get_by_role("button", name="Add note").click()
    expect(console.locator("#notes")).to_contain_text("Check the courier claim first")
    reply.fill("Hi, this is Ana. I'm sorry about your parcel; let me look into it.")
    console.get_by_role("button", name="Send").click()

    shopper_log = shop.get_by_role("log")
    expect(shopper_log.locator(".msg.agent")).to_contain_text("let me look into it", timeout=5_000)
    expect(shop.get_by_text("You're chatting with a person")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    shop.screenshot(path=str(SHOTS / "widget-handoff.png"))
    console.screenshot(path=str(SHOTS / "console.png"))
    assert "Check the courier claim first" not in shopper_log.inner_text(), "notes stay internal"

    console.get_by_role("button", name="Release to bot").click()
    expect(shop.get_by_text("Assistant · replies instantly")).to_be_visible(timeout=10_000)
    bots_before = shopper_log.locator(".msg.bot[data-seq]").count()
    box.fill("What is your return policy?")
    box.press("Enter")
    expect(shopper_log.locator(".msg.bot[data-seq]")).to_have_count(bots_before + 1, timeout=120_000)

    console.locator("#lang").click()  # the language switch (labelled "Language", shows 中文)
    expect(console.get_by_role("heading", name="排队列表")).to_be_visible()
    console.screenshot(path=str(SHOTS / "console-zh.png"))
    assert errors == []
