"""Chunking: heading paths, size limits per language, sentence boundaries, metadata."""

from __future__ import annotations

from bot.types import Document
from knowledge import DEMO_KNOWLEDGE_DIR
from knowledge.chunking import MAX_CHARS, chunk_document, document_hash, sections
from knowledge.loaders import load_folder


def test_sections_follow_the_heading_path() -> None:
    text = "# Title\n\nIntro.\n\n## Refunds\n\nText A.\n\n### Timing\n\nText B.\n\n## Exchanges\n\nText C."
    assert sections(text) == [
        (["Title"], "Intro."),
        (["Title", "Refunds"], "Text A."),
        (["Title", "Refunds", "Timing"], "Text B."),
        (["Title", "Exchanges"], "Text C."),
    ]


def test_chunks_carry_section_and_metadata() -> None:
    doc = Document(
        source="orders/o1.md", title="Title", text="# Title\n\nIntro.\n\n## Refunds\n\n### Timing\n\nFive days.",
        kind="order", language="en", url="https://shop.example/o1", updated_at="2025-01-01", customer_id="cus_1",
    )
    chunks = chunk_document(doc, root="/kb")
    assert [(c.section, c.text) for c in chunks] == [("", "Intro."), ("Refunds > Timing", "Five days.")]
    meta = chunks[1].metadata()
    assert meta == {
        "source": "orders/o1.md", "title": "Title", "section": "Refunds > Timing", "language": "en",
        "kind": "order", "position": 1, "url": "https://shop.example/o1", "updated_at": "2025-01-01",
        "customer_id": "cus_1", "doc_hash": document_hash(doc), "root": "/kb",
    }
    assert chunks[1].embedding_text().startswith("Title > Refunds > Timing\n")
    assert len({c.id for c in chunks}) == 2


def test_long_sections_split_at_sentences_within_the_limit() -> None:
    sentence = "Returns are accepted within thirty days of delivery for unused items. "
    en = Document(source="a.md", title="A", text="## Long\n\n" + sentence * 40, language="en")
    zh_sentence = "签收后三十天内可以退货，商品须未经使用。"
    zh = Document(source="b.md", title="B", text="## 长\n\n" + zh_sentence * 60, language="zh")
    for doc in (en, zh):
        chunks = chunk_document(doc)
        assert len(chunks) > 1
        assert all(len(c.text) <= MAX_CHARS[doc.language] for c in chunks)
        assert all(c.text.endswith((".", "。")) for c in chunks)  # never cut mid-sentence
        assert all(c.section == ("Long" if doc.language == "en" else "长") for c in chunks)


def test_hash_ignores_updated_at_only() -> None:
    doc = Document(source="a.md", title="A", text="x", updated_at="2024")
    assert document_hash(doc) == document_hash(Document(source="a.md", title="A", text="x", updated_at="2025"))
    assert document_hash(doc) != document_hash(Document(source="a.md", title="A", text="y"))


def test_demo_policies_chunk_within_limits() -> None:
    for doc in load_folder(DEMO_KNOWLEDGE_DIR).documents:
        chunks = chunk_document(doc)
        assert len(chunks) >= 5, doc.source
        assert all(0 < len(c.text) <= MAX_CHARS[doc.language] for c in chunks)
        assert all(c.language == doc.language and c.title == doc.title for c in chunks)
