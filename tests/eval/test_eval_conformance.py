"""tau2-bench retail conformance: all 114 tasks replayed through our tool layer match tau2 (or the corrections)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from eval.conformance import TAU2_DIR, data_missing, differences, load_corrections, load_tasks, run_conformance

MISSING = data_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
DEFECT_TASKS = {"20", "21", "36", "37", "100"}


def test_all_114_tasks_conform(tmp_path: Path) -> None:
    report = run_conformance(workdir=tmp_path)
    mismatches = [f"task {r.task_id}: {m}" for r in report.results for m in r.mismatches]
    assert report.total == 114
    assert mismatches == [], "\n".join(mismatches[:40])
    assert report.passed == 114
    # Outside the corrected tasks our final database hashes exactly as tau2's does.
    assert {r.task_id for r in report.results if r.hash_match is None} == DEFECT_TASKS
    assert all(r.hash_match for r in report.results if not r.corrected)


def test_corrections_fix_only_the_documented_defect() -> None:
    """Each corrected item carries its own variant's price and options; tau2 copied the last pair's."""
    tasks: dict[Any, Any] = {t["task_id"]: t for t in load_tasks()}
    db: Any = json.loads((TAU2_DIR / "db.json").read_text(encoding="utf-8"))
    corrections: dict[str, Any] = load_corrections()
    assert set(corrections) == DEFECT_TASKS
    for task_id, fix in corrections.items():
        order_id = fix["order_id"]
        tau2_items = tasks[task_id]["changed"]["orders"][order_id]["items"]
        ours = fix["items"]
        assert [(i["item_id"], i["name"], i["product_id"]) for i in ours] == [
            (i["item_id"], i["name"], i["product_id"]) for i in tau2_items
        ]
        differing = [i for i, t in zip(ours, tau2_items) if i != t]
        assert differing, task_id
        for item in differing:
            variant = db["products"][item["product_id"]]["variants"][item["item_id"]]
            assert (item["price"], item["options"]) == (variant["price"], variant["options"])


def test_a_wrong_state_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison has teeth: tau2's own defective state for task 36 is a mismatch for us."""
    import eval.conformance as conformance

    monkeypatch.setattr(conformance, "load_corrections", lambda: {})
    report = run_conformance(task_ids=("36",), workdir=tmp_path)
    (result,) = report.results
    assert not result.passed
    assert any("/orders/#W9348897/items[0]/price" in m for m in result.mismatches)
    assert any(m.startswith("call #0 modify_pending_order_items") for m in result.mismatches)


def test_differences_compare_numbers_exactly() -> None:
    expected: Any = {"amount": 36.12999999999999, "items": [1, 2], "flag": True}
    actual: Any = copy.deepcopy(expected)
    assert list(differences(expected, actual)) == []
    actual["amount"] = 36.13
    actual["flag"] = 1
    actual["items"] = [1]
    found = list(differences(expected, actual))
    assert any(d.startswith("/amount") for d in found) and any(d.startswith("/flag") for d in found)
    assert any("1 entries, expected 2" in d for d in found)


def test_the_cli_prints_the_score_and_every_mismatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import eval.conformance as conformance
    from bot import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHOPKEEPER_DATA_DIR", str(tmp_path / "data"))
    ok = CliRunner().invoke(cli.app, ["eval", "conformance", "--smoke", "--report", str(tmp_path / "ok")])
    assert ok.exit_code == 0, ok.output
    assert "10/10" in ok.stdout and "PASS" in ok.stdout
    # Without the corrections, task 20 (in the smoke slice) no longer matches and each mismatch is listed.
    monkeypatch.setattr(conformance, "load_corrections", lambda: {})
    bad = CliRunner().invoke(cli.app, ["eval", "conformance", "--smoke", "--report", str(tmp_path / "bad")])
    assert bad.exit_code == 1
    assert "8/10" in bad.stdout and "task 20: final db: /orders/#W9911714/items[0]/price" in bad.stdout
    assert "task 36: call #0 modify_pending_order_items" in bad.stdout
