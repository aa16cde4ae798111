"""The admin knowledge API over a real knowledge base: upload, re-index, describe; the admin token guards it."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.server import admin
from bot.server.app import create_app
from bot.settings import Settings
from bot.testing.service import FakeService
from knowledge import HashingEmbedder, KnowledgeBase

ADMIN = {"Authorization": "Bearer admin-secret"}


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[TestClient, KnowledgeBase, Path]]:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "returns.md").write_text("# Returns\n\nReturn items within 30 days.", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=policies, max_body_bytes=2_000)
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    kb.ingest_paths([policies])
    service = FakeService(settings, admin_token="admin-secret")
    service.retriever = kb  # type: ignore[attr-defined]
    with TestClient(create_app(service), raise_server_exceptions=False) as client:
        yield client, kb, policies


def test_upload_policies_and_a_catalogue_then_search_them(setup: tuple[TestClient, KnowledgeBase, Path]) -> None:
    client, kb, _ = setup
    # Bigger than the JSON body limit (2,000 bytes): multipart uploads have their own.
    policy = b"# Gift wrapping\n\nWe wrap gifts in recycled paper for $3.\n" + b"More words here. " * 200
    response = client.post(
        "/v1/admin/knowledge",
        headers=ADMIN,
        data={"kind": "policy"},
        files=[("files", ("../../gift wrap.md", policy, "text/markdown"))],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["saved"] == ["gift-wrap.md"] and body["added"] == 1 and body["failed"] == 0
    assert kb.search("gift wrapping paper", k=1)[0].source == "gift-wrap.md"

    csv = b"sku,name,cost\nL-1,Brass lamp,49\nbad,,1\n"
    response = client.post(
        "/v1/admin/knowledge",
        headers=ADMIN,
        data={"kind": "product", "fields": "id=sku,title=name,price=cost"},
        files=[("files", ("shop.csv", csv, "text/csv"))],
    )
    body = response.json()
    assert response.status_code == 200 and body["added"] == 1
    assert body["failed_files"] == [{"source": "shop.csv#2", "reason": "record 2 has no 'sku' or no 'name'"}]
    assert kb.search("brass lamp", k=1, kind="product")[0].source == "shop.csv#L-1"

    described = client.get("/v1/admin/knowledge", headers=ADMIN).json()
    assert described["uploads"] == {"policy": ["gift-wrap.md"], "product": ["shop.csv"]}
    assert described["model"] == "hashing-256" and described["chunks"] == kb.count()


def test_reindex_follows_the_policies_folder(setup: tuple[TestClient, KnowledgeBase, Path]) -> None:
    client, kb, policies = setup
    (policies / "returns.md").write_text("# Returns\n\nReturn items within 60 days.", encoding="utf-8")
    (policies / "privacy.md").write_text("# Privacy\n\nWe never sell your data.", encoding="utf-8")
    body = client.post("/v1/admin/knowledge/reindex", headers=ADMIN).json()
    assert (body["added"], body["updated"], body["removed"]) == (1, 1, 0)
    assert "60 days" in kb.search("return window", k=1)[0].text


def test_the_admin_token_and_the_limits_are_enforced(
    setup: tuple[TestClient, KnowledgeBase, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _, _ = setup
    files = [("files", ("a.md", b"# A\n\ntext", "text/markdown"))]
    assert client.get("/v1/admin/knowledge").status_code == 401
    assert client.post("/v1/admin/knowledge", files=files, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.post("/v1/admin/knowledge", headers=ADMIN, data={"kind": "order"}, files=files).status_code == 400
    assert client.post("/v1/admin/knowledge", headers=ADMIN, data={"kind": "policy"}).status_code == 415
    bad = client.post("/v1/admin/knowledge", headers=ADMIN, data={"fields": "colour=c"}, files=files)
    assert bad.status_code == 400 and "unknown field" in bad.json()["error"]["message"]
    monkeypatch.setattr(admin, "MAX_UPLOAD_BYTES", 100)
    big = client.post("/v1/admin/knowledge", headers=ADMIN, files=[("files", ("b.md", b"x" * 500, "text/markdown"))])
    assert big.status_code == 413
