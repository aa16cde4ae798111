"""Every status the shopper HTTP API answers with, against a FakeService."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.testing.service import FakeService

ADMIN = "admin-secret"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response: object, status: int, code: str | None = None) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert set(error) == {"code", "message"} and error["message"]
    if code is not None:
        assert error["code"] == code
    assert "Traceback" not in response.text  # type: ignore[attr-defined]
    return error


# ------------------------------------------------------------------ start


def test_start_conversation_201(client: TestClient, service: FakeService) -> None:
    response = client.post("/v1/conversations", json={"channel": "web", "locale": "zh", "identity": None})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"conversation_id", "token"}
    stored = service.store.get(body["conversation_id"])
    assert stored is not None and stored.locale == "zh" and stored.channel == "web"


def test_start_conversation_with_empty_body_uses_defaults(client: TestClient, service: FakeService) -> None:
    response = client.post("/v1/conversations")
    assert response.status_code == 201
    stored = service.store.get(response.json()["conversation_id"])
    assert stored is not None and stored.locale is None and stored.channel == "web"


def test_start_conversation_with_signed_identity(client: TestClient, service: FakeService) -> None:
    good = client.post("/v1/conversations", json={"identity": {"customer_id": "u1", "signature": "good"}})
    assert good.status_code == 201
    stored = service.store.get(good.json()["conversation_id"])
    assert stored is not None and stored.customer is not None and stored.customer.customer_id == "u1"
    bad = client.post("/v1/conversations", json={"identity": {"customer_id": "u1", "signature": "forged"}})
    assert_error(bad, 401, "unauthorized")


@pytest.mark.parametrize(
    "body",
    [{"locale": "fr"}, {"channel": "Not A Channel!"}, {"identity": {"customer_id": "u1"}}, {"locale": 5}],
)
def test_start_conversation_invalid_fields_422(client: TestClient, body: dict[str, object]) -> None:
    assert_error(client.post("/v1/conversations", json=body), 422, "invalid_request")


def test_start_conversation_malformed_json_400(client: TestClient) -> None:
    response = client.post("/v1/conversations", content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(response, 400, "malformed_json")
    assert_error(client.post("/v1/conversations", json=["a", "list"]), 400, "malformed_json")


# ------------------------------------------------------------------ post message


def test_post_message_200_with_replies_and_citations(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    response = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "Can I return shoes?"}, headers=auth(token)
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "bot"
    assert body["replies"][0]["text"] == "You said: Can I return shoes?"
    assert body["replies"][0]["citations"] == [
        {
            "source": "policies/returns.md",
            "title": "Returns and refunds",
            "snippet": "You can return any item within 30 days.",
        }
    ]
    assert "trace" not in body


def test_post_message_handoff_changes_state(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    response = client.post(f"/v1/conversations/{cid}/messages", json={"text": "I want a human"}, headers=auth(token))
    assert response.json()["state"] == "waiting_for_agent"
    metrics = client.get("/metrics").text
    assert "shopkeeper_turns_total 1" in metrics and "shopkeeper_handoffs_total 1" in metrics


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}])
def test_post_message_without_token_401(
    client: TestClient, conversation: tuple[str, str], headers: dict[str, str]
) -> None:
    cid, _ = conversation
    assert_error(
        client.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}, headers=headers), 401, "unauthorized"
    )


def test_post_message_with_another_conversations_token_403(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, _ = conversation
    other_token = client.post("/v1/conversations", json={}).json()["token"]
    response = client.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}, headers=auth(other_token))
    assert_error(response, 403, "forbidden")
    assert_error(client.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}, headers=auth("garbage")), 403)


def test_post_message_unknown_conversation_404(client: TestClient, conversation: tuple[str, str]) -> None:
    _, token = conversation
    assert_error(
        client.post("/v1/conversations/c_nope/messages", json={"text": "hi"}, headers=auth(token)), 404, "not_found"
    )


def test_post_message_bad_json_400(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    headers = {**auth(token), "Content-Type": "application/json"}
    assert_error(
        client.post(f"/v1/conversations/{cid}/messages", content=b'{"text": ', headers=headers), 400, "malformed_json"
    )
    assert_error(client.post(f"/v1/conversations/{cid}/messages", content=b"", headers=headers), 400, "malformed_json")
    assert_error(
        client.post(f"/v1/conversations/{cid}/messages", content=b"\xff\xfe", headers=headers), 400, "malformed_json"
    )


def test_post_message_missing_or_wrong_type_text_422(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    error = assert_error(client.post(f"/v1/conversations/{cid}/messages", json={"txt": "hi"}, headers=auth(token)), 422)
    assert "text" in error["message"]
    assert_error(client.post(f"/v1/conversations/{cid}/messages", json={"text": 42}, headers=auth(token)), 422)


def test_post_message_empty_text_400(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    assert_error(
        client.post(f"/v1/conversations/{cid}/messages", json={"text": "   "}, headers=auth(token)),
        400,
        "empty_message",
    )


def test_post_message_text_over_limit_413(
    client: TestClient, conversation: tuple[str, str], service: FakeService
) -> None:
    cid, token = conversation
    response = client.post(f"/v1/conversations/{cid}/messages", json={"text": "x" * 201}, headers=auth(token))
    assert_error(response, 413, "message_too_long")
    assert service.turns == []


def test_body_over_limit_413(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    response = client.post(f"/v1/conversations/{cid}/messages", json={"text": "y" * 5_000}, headers=auth(token))
    assert_error(response, 413, "body_too_large")

    def chunks() -> object:  # no Content-Length: the limit still holds
        for _ in range(10):
            yield b"z" * 500

    response = client.post(f"/v1/conversations/{cid}/messages", content=chunks(), headers=auth(token))
    assert_error(response, 413, "body_too_large")


def test_trace_only_with_admin_token(client: TestClient, conversation: tuple[str, str], service: FakeService) -> None:
    cid, token = conversation
    refused = client.post(f"/v1/conversations/{cid}/messages?trace=1", json={"text": "hi"}, headers=auth(token))
    assert_error(refused, 403, "forbidden")
    assert service.turns == []  # refused before the turn ran
    response = client.post(f"/v1/conversations/{cid}/messages?trace=1", json={"text": "hi"}, headers=auth(ADMIN))
    assert response.status_code == 200
    trace = response.json()["trace"]
    assert trace["engine"] == "embedded" and trace["model_input"] == "hi" and trace["handoff"] is None
    assert set(trace) >= {"language", "intent", "sentiment", "tool_calls", "timings_ms"}


def test_unexpected_exception_500_without_payload(
    client: TestClient, conversation: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    cid, token = conversation
    response = client.post(f"/v1/conversations/{cid}/messages", json={"text": "boom my card 4111"}, headers=auth(token))
    error = assert_error(response, 500, "internal")
    assert "4111" not in error["message"]
    assert "4111" not in caplog.text
    assert "RuntimeError" in caplog.text
    assert 'shopkeeper_errors_total{kind="turn"} 1' in client.get("/metrics").text


# ------------------------------------------------------------------ transcript


def test_get_transcript(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    client.post(f"/v1/conversations/{cid}/messages", json={"text": "hello"}, headers=auth(token))
    body = client.get(f"/v1/conversations/{cid}/messages", headers=auth(token)).json()
    assert body["state"] == "bot"
    assert [(m["seq"], m["role"], m["text"]) for m in body["messages"]] == [
        (1, "shopper", "hello"),
        (2, "bot", "You said: hello"),
    ]
    assert body["messages"][1]["citations"][0]["title"] == "Returns and refunds"
    assert set(body["messages"][0]) >= {"id", "seq", "role", "text", "citations", "created_at", "author"}
    after = client.get(f"/v1/conversations/{cid}/messages?after=1", headers=auth(token)).json()
    assert [m["seq"] for m in after["messages"]] == [2]


def test_get_transcript_auth_errors(client: TestClient, conversation: tuple[str, str]) -> None:
    cid, token = conversation
    assert_error(client.get(f"/v1/conversations/{cid}/messages"), 401)
    assert_error(client.get(f"/v1/conversations/{cid}/messages", headers=auth("nope")), 403)
    assert_error(client.get("/v1/conversations/c_missing/messages", headers=auth(token)), 404)
    assert_error(client.get(f"/v1/conversations/{cid}/messages?after=-1", headers=auth(token)), 422)
    assert client.get(f"/v1/conversations/{cid}/messages", headers=auth(ADMIN)).status_code == 200


def test_unknown_route_and_method_are_json_errors(client: TestClient) -> None:
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    assert_error(client.get("/v1/conversations"), 405, "method_not_allowed")


def test_cors_allows_the_widget_on_another_origin(client: TestClient) -> None:
    response = client.options(
        "/v1/conversations",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in ("*", "https://shop.example")
