"""The eval harness: reports on disk, thresholds that fail --smoke, the suite registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import cli
from bot.errors import BadInput
from eval import harness
from eval.harness import Chart, SuiteOptions, SuiteResult


def _tiny(pass_rate: float) -> harness.Suite:
    def run(options: SuiteOptions) -> SuiteResult:
        return SuiteResult(
            name="tiny",
            metrics={"pass_rate": pass_rate, "latency_p95_ms": 12.5, "cases": 2.0},
            thresholds={"pass_rate": 0.9},
            ceilings={"latency_p95_ms": 1000.0},
            details=[
                {"id": "a", "passed": True, "problems": ""},
                {"id": "b|c", "passed": pass_rate == 1.0, "problems": "reply has none of ['x']"},
            ],
            charts=[Chart("bars", "Tiny bars", lambda ax: ax.bar(["a", "b"], [1.0, pass_rate]))],
            notes=["Two made-up cases."],
        )

    return run


def test_report_folder_has_markdown_json_and_png(tmp_path: Path) -> None:
    result = _tiny(0.5)(SuiteOptions(settings=cli.Settings()))

    written = harness.write_report(result, tmp_path / "tiny", smoke=True)

    assert sorted(p.name for p in written) == ["bars.png", "report.json", "report.md"]
    assert (tmp_path / "tiny" / "bars.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads((tmp_path / "tiny" / "report.json").read_text())
    assert data["suite"] == "tiny" and data["smoke"] is True and data["passed"] is False
    assert data["metrics"]["pass_rate"] == 0.5 and data["thresholds"] == {"pass_rate": 0.9}
    assert data["failures"] == ["pass_rate is 0.5, below the threshold 0.9"]
    assert data["charts"] == ["bars.png"] and len(data["details"]) == 2
    md = (tmp_path / "tiny" / "report.md").read_text()
    assert "| pass_rate | 0.5 | >= 0.9 |" in md
    assert "![bars](bars.png)" in md
    assert "b\\|c" in md  # table cells are escaped
    assert "Two made-up cases." in md


def test_thresholds_and_ceilings() -> None:
    ok = SuiteResult("s", {"rate": 0.95, "ms": 100.0}, thresholds={"rate": 0.9}, ceilings={"ms": 200.0})
    slow = SuiteResult("s", {"rate": 0.95, "ms": 300.0}, thresholds={"rate": 0.9}, ceilings={"ms": 200.0})
    unmeasured = SuiteResult("s", {}, thresholds={"rate": 0.9})

    assert ok.passed and ok.failures() == []
    assert not slow.passed and slow.failures() == ["ms is 300, above the ceiling 200"]
    assert unmeasured.failures() == ["rate was not measured (needs >= 0.9)"]


@pytest.mark.parametrize(("pass_rate", "exit_code"), [(1.0, 0), (0.5, 1)])
def test_smoke_run_fails_on_regression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pass_rate: float, exit_code: int
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(harness._SUITES, "tiny", _tiny(pass_rate))

    result = CliRunner().invoke(cli.app, ["eval", "tiny", "--smoke", "--report", str(tmp_path / "out")])

    assert result.exit_code == exit_code, result.output
    assert (tmp_path / "out" / "report.md").exists()
    assert "pass_rate" in result.stdout
    if exit_code:
        assert "FAIL pass_rate is 0.5, below the threshold 0.9" in result.stdout
    else:
        assert "PASS" in result.stdout


def test_without_smoke_a_low_figure_is_reported_not_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(harness._SUITES, "tiny", _tiny(0.5))

    result = CliRunner().invoke(cli.app, ["eval", "tiny"])

    assert result.exit_code == 0
    assert (tmp_path / "reports" / "tiny" / "report.json").exists()


def test_suites_register_and_load_on_demand() -> None:
    assert "smoke" in harness.available_suites()
    assert harness.get_suite("smoke") is harness._SUITES["smoke"]
    with pytest.raises(BadInput, match="no eval suite called 'nope'"):
        harness.get_suite("nope")
