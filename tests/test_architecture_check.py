"""scripts/check_architecture.py: the app-cycle and function-import checks of the test command."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "check_architecture", ROOT / "scripts" / "check_architecture.py"
)
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def test_a_two_app_cycle_and_a_longer_one_are_found_and_a_chain_is_not():
    graph = {
        "orders": {"payments": ["x"]},
        "payments": {"orders": ["y"]},
        "a": {"b": ["1"]},
        "b": {"c": ["2"]},
        "c": {"a": ["3"]},
        "checkout": {"orders": ["z"]},
    }
    assert sorted(check.cycles(graph)) == [["a", "b", "c"], ["orders", "payments"]]
    assert check.cycles({"checkout": {"orders": ["z"]}, "orders": {"common": ["w"]}}) == []


def test_the_code_as_it_is_has_no_app_cycle():
    assert check.cycles(check.app_graph()) == []


def test_the_baseline_reads_back_what_was_written(tmp_path, monkeypatch):
    monkeypatch.setattr(check, "BASELINE", tmp_path / "baseline")
    check.write_baseline({"wanshang/x.py": (3, "an import cycle with y"), "wanshang/z.py": (0, "gone")})
    assert check.read_baseline() == {"wanshang/x.py": (3, "an import cycle with y")}
