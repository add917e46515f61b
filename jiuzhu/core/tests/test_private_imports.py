"""No app imports another app's private helpers (names starting with "_")."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # jiuzhu/


def _app(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else ""


def test_no_private_name_is_imported_from_another_app():
    found = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith("jiuzhu.")):
                continue
            other = node.module.split(".")[1]
            if other == _app(path):
                continue
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}"
                      for alias in node.names
                      if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert found == []
