"""The project's own rules (scripts/lint_layers.py) hold for the tree, and catch breaches."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("lint_layers", ROOT / "scripts" / "lint_layers.py")
assert spec is not None
assert spec.loader is not None
lint_layers = importlib.util.module_from_spec(spec)
sys.modules["lint_layers"] = lint_layers
spec.loader.exec_module(lint_layers)


def test_the_tree_keeps_the_rules() -> None:
    assert lint_layers.problems() == []


def test_a_float_on_the_money_path_and_a_framework_in_the_domain_are_caught(tmp_path: Path) -> None:
    (tmp_path / "domain").mkdir()
    (tmp_path / "sources" / "newpay").mkdir(parents=True)
    (tmp_path / "sources" / "registry.py").write_text("")
    (tmp_path / "domain" / "bad.py").write_text(
        "import sqlalchemy\n\ndef total(x: str) -> float:\n    return float(x)\n"
    )
    found = lint_layers.problems(tmp_path)
    assert "domain/bad.py: the domain imports sqlalchemy" in found
    assert "domain/bad.py:3: float on the money path" in found
    assert "domain/bad.py:4: float on the money path" in found
    assert "sources/newpay: not registered in sources/registry.py" in found


def test_refusing_a_float_is_not_using_one(tmp_path: Path) -> None:
    (tmp_path / "domain").mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "registry.py").write_text("")
    (tmp_path / "domain" / "ok.py").write_text(
        "def check(v: object, timeout: float) -> bool:\n    return isinstance(v, bool | float)\n"
    )
    assert lint_layers.problems(tmp_path) == []
