"""conformance/report.py: the results files every client suite writes and the table made of them
(pure; no server, no kubectl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance import report


def test_results_round_trip_sorted(tmp_path: Path) -> None:
    path = report.write_results("kubectl-1.28", {"b": "fail", "a": "pass"}, tmp_path)
    assert path == tmp_path / "kubectl-1.28.json"
    assert list(json.loads(path.read_text())) == ["a", "b"]
    assert report.load_all(tmp_path) == {"kubectl-1.28": {"a": "pass", "b": "fail"}}


def test_unknown_status_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown statuses"):
        report.write_results("python", {"a": "passed"}, tmp_path)
    assert not (tmp_path / "python.json").exists()


def test_malformed_results_file(tmp_path: Path) -> None:
    (tmp_path / "fabric8.json").write_text('["pass"]')
    with pytest.raises(ValueError, match="fabric8.json"):
        report.load_all(tmp_path)


def test_table_columns_rows_and_totals() -> None:
    results = {
        "zeta": {"x": "pass"},
        "client-go": {"watch": "pass", "x": "skip"},
        "kubectl-1.37": {"x": "fail", "watch": "pass"},
        "kubectl-1.24": {"x": "pass"},
    }
    assert report.render(results).splitlines() == [
        "| scenario | kubectl-1.24 | kubectl-1.37 | client-go | zeta |",
        "|---|---|---|---|---|",
        "| watch |  | pass | pass |  |",
        "| x | pass | **FAIL** | skip | pass |",
        "| **pass** | 1 | 1 | 1 | 1 |",
        "| **fail** | 0 | 1 | 0 | 0 |",
        "| **skip** | 0 | 0 | 1 | 0 |",
    ]


def test_markdown_file(tmp_path: Path) -> None:
    report.write_results("python", {"crud": "pass"}, tmp_path)
    target = tmp_path / "results.md"
    text = report.write_markdown(tmp_path, target)
    assert target.read_text() == text
    assert "| crud | pass |" in text.splitlines()
    assert report.render({}) == "(no results files in conformance/results/)"
