"""Catalogue (CSV, JSON, JSONL) and PDF loaders: field mapping, bad records reported, the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import BadInput
from knowledge.catalogue import FieldMapping
from knowledge.loaders import load_paths


def _pdf(text: str) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, one line), built by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_csv_with_a_field_mapping_gives_one_product_per_row(tmp_path: Path) -> None:
    (tmp_path / "shop.csv").write_text(
        "sku,name,blurb,cost,options,link\n"
        "L-1,Brass lamp,Warm light for reading,49.00,brass; black,https://shop.example/l1\n"
        "K-2,Kettle,Boils fast,35.50,,\n"
        ",Nameless,no id,1,,\n",
        encoding="utf-8",
    )
    mapping = FieldMapping.parse("id=sku,title=name,description=blurb,price=cost,variants=options,url=link")
    result = load_paths([tmp_path / "shop.csv"], mapping=mapping)
    lamp, kettle = result.documents
    assert (lamp.source, lamp.kind, lamp.title, lamp.url) == (
        "shop.csv#L-1",
        "product",
        "Brass lamp",
        "https://shop.example/l1",
    )
    assert (
        "Warm light for reading" in lamp.text and "Price: 49.00" in lamp.text and "Variants: brass; black" in lamp.text
    )
    assert kettle.source == "shop.csv#K-2" and "Variants" not in kettle.text
    assert [name for name, _ in result.failed] == ["shop.csv#3"]


def test_json_nested_keys_variant_objects_and_chinese(tmp_path: Path) -> None:
    products = {
        "products": [
            {
                "id": 7,
                "title": "亚麻被套",
                "body": {"text": "透气柔软的亚麻被套"},
                "price": {"amount": "89.00"},
                "variants": [{"name": "大号 沙色"}, {"options": {"size": "king", "colour": "sage"}}],
            },
        ]
    }
    (tmp_path / "cat.json").write_text(json.dumps(products, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "more.jsonl").write_text(
        '{"id": "a", "title": "Mug"}\n\n{"id": "b", "title": "Bowl"}\n', encoding="utf-8"
    )
    mapping = FieldMapping.parse({"description": "body.text", "price": "price.amount"})
    result = load_paths([tmp_path], kind="product", mapping=mapping)
    assert result.failed == []
    by_source = {d.source: d for d in result.documents}
    duvet = by_source["cat.json#7"]
    assert duvet.language == "zh" and "透气柔软" in duvet.text and "89.00" in duvet.text
    assert "大号 沙色" in duvet.text and "size king" in duvet.text
    assert set(by_source) == {"cat.json#7", "more.jsonl#a", "more.jsonl#b"}


def test_broken_catalogues_and_bad_mappings_are_clear(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "odd.json").write_text('{"hello": 1}', encoding="utf-8")
    result = load_paths([tmp_path])
    failed = dict(result.failed)
    assert "not valid JSON" in failed["bad.json"] and "list of product objects" in failed["odd.json"]
    with pytest.raises(BadInput, match="unknown field 'colour'"):
        FieldMapping.parse("colour=c")
    with pytest.raises(BadInput, match="field=column"):
        FieldMapping.parse("title")


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    (tmp_path / "manual.pdf").write_bytes(_pdf("Descale the kettle every month."))
    (doc,) = load_paths([tmp_path / "manual.pdf"]).documents
    assert "Descale the kettle every month." in doc.text and doc.title == "Manual"


def test_a_catalogue_file_owns_its_products_on_re_ingestion(tmp_path: Path) -> None:
    from bot.settings import Settings
    from knowledge import HashingEmbedder, KnowledgeBase

    kb = KnowledgeBase.open(Settings(data_dir=tmp_path / "data"), embedder=HashingEmbedder())
    shop = tmp_path / "shop.csv"
    shop.write_text("id,title,price\n1,Brass lamp,49\n2,Kettle,35\n", encoding="utf-8")
    first = kb.ingest_paths([shop], kind="product")
    assert (first.added, first.failed) == (2, [])
    shop.write_text("id,title,price\n1,Brass lamp,45\n", encoding="utf-8")
    second = kb.ingest_paths([shop], kind="product")
    assert (second.updated, second.removed) == (1, 1)
    assert [p.source for p in kb.search("kettle", k=5)] == ["shop.csv#1"]
