"""Loaders: titles, languages, HTML text, and failures that do not stop the batch."""

from __future__ import annotations

from pathlib import Path

from bot.text import document_language
from knowledge import DEMO_KNOWLEDGE_DIR
from knowledge.loaders import html_to_text, load_folder, load_paths


def test_markdown_title_and_language_from_suffix(tmp_path: Path) -> None:
    (tmp_path / "returns.zh.md").write_text("# 退货政策\n\nThirty days. Thirty days. Thirty days.", encoding="utf-8")
    (tmp_path / "faq.en.md").write_text("Intro\n\n## Shipping\n\n免费", encoding="utf-8")
    docs = {d.source: d for d in load_folder(tmp_path).documents}
    assert docs["returns.zh.md"].title == "退货政策"
    assert docs["returns.zh.md"].language == "zh"  # the suffix wins over the mostly-English body
    assert docs["faq.en.md"].title == "Shipping"
    assert docs["faq.en.md"].language == "en"
    assert docs["faq.en.md"].kind == "policy" and docs["faq.en.md"].updated_at


def test_language_detected_without_suffix_and_title_from_stem(tmp_path: Path) -> None:
    (tmp_path / "gift-cards.txt").write_text("礼品卡永久有效，不可兑换现金。Visa 和 PayPal 均可。", encoding="utf-8")
    (tmp_path / "care_guide.txt").write_text("Wash linen at 40 degrees. Do not tumble dry.", encoding="utf-8")
    docs = {d.source: d for d in load_folder(tmp_path).documents}
    assert docs["gift-cards.txt"].language == "zh"
    assert docs["gift-cards.txt"].title == "Gift cards"
    assert docs["care_guide.txt"].language == "en"
    assert docs["care_guide.txt"].title == "Care guide"


def test_document_language() -> None:
    assert document_language("What is your return policy?") == "en"
    assert document_language("退货政策是什么") == "zh"
    assert document_language("请问 PayPal 退款多久到账？") == "zh"


def test_html_is_read_as_text_with_headings(tmp_path: Path) -> None:
    html = """<html><head><title>Care</title><style>p {color: red}</style></head><body>
    <nav>Home | Shop</nav><h1>Care &amp; cleaning</h1><p>Hand-wash <b>cast iron</b>.</p>
    <h2>Linen</h2><ul><li>Cold wash</li><li>Line dry</li></ul><script>alert(1)</script></body></html>"""
    title, text = html_to_text(html)
    assert title == "Care"
    assert "<" not in text and "alert" not in text and "color" not in text and "Home | Shop" not in text
    assert "# Care & cleaning" in text and "## Linen" in text and "Hand-wash cast iron." in text
    (tmp_path / "care.html").write_text(html, encoding="utf-8")
    (doc,) = load_folder(tmp_path).documents
    assert doc.title == "Care & cleaning"


def test_broken_and_unsupported_files_are_reported_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# Good\n\nFine text.", encoding="utf-8")
    (tmp_path / "broken.md").write_bytes(b"# Bad\n\n\xff\xfe\xfa not utf-8")
    (tmp_path / "catalogue.csv").write_text("id,name\n1,Lamp\n", encoding="utf-8")
    (tmp_path / "manual.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "letter.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    result = load_paths([tmp_path, tmp_path / "missing.md"])
    assert [d.source for d in result.documents] == ["good.md"]
    failed = dict(result.failed)
    assert set(failed) == {"broken.md", "catalogue.csv#1", "manual.pdf", "letter.docx", "empty.txt", "missing.md"}
    assert "UTF-8" in failed["broken.md"]
    assert "no 'title'" in failed["catalogue.csv#1"]
    assert "not a readable PDF" in failed["manual.pdf"] and "not supported yet" in failed["letter.docx"]
    assert "empty" in failed["empty.txt"]


def test_demo_policies_load_in_both_languages() -> None:
    result = load_folder(DEMO_KNOWLEDGE_DIR)
    assert result.failed == []
    assert len(result.documents) == 16
    by_source = {d.source: d for d in result.documents}
    for topic in ("shipping", "returns", "exchanges", "warranty", "payment", "privacy", "contact", "orders"):
        assert by_source[f"{topic}.en.md"].language == "en"
        assert by_source[f"{topic}.zh.md"].language == "zh"
        words = len(by_source[f"{topic}.en.md"].text.split())
        assert 300 <= words <= 800, (topic, words)
