"""The apps form layers: every import of every module (function-local ones included) points
down. ``core`` and ``rules`` import no app, ``rules`` nothing of Django, nothing imports the
top apps (``portal``, ``demo``), the graph of app-level imports has no cycle, and every app
imports only apps on lower floors of :data:`FLOORS` (the README's picture) or to its right
on its own floor.

A lower app that needs something only a higher app knows offers a hook the higher app
registers in its ``ready()`` (``core.access.register_scope``,
``calendars.services.register_daily``, ``assessments.prescription.register_receiving``,
``payments.hooks``), never an import.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # jiuzhu/
APPS = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
TOP = {"portal", "demo"}
# The README's picture, top floor first; on a floor an app may import the apps to its right.
FLOORS = [
    ["portal", "demo", "selfservice"],
    ["monitoring", "monthly", "upward", "archive"],
    ["socialwork", "emergency"],
    ["recertify", "xingfu", "contracts", "intake", "leads", "supervision", "payments"],
    ["applications"],
    ["funds", "points", "stations", "policy", "assessments", "verification", "catalogue", "documents", "exchange"],
    ["households", "calendars"],
    ["accounts", "audit", "regions"],
    ["core", "rules"],
]
# The engine is a pure library: none of these, and no other app of the project.
NOT_IN_RULES = {"django", "ninja", "rules", "simple_history", "django_fsm", "django_tasks",
                "django_tasks_db", "pydantic"}


def _modules() -> list[Path]:
    """Every module of the project except tests and migrations."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or parts[-1] == "conftest.py":
            continue
        if parts[-1].startswith("test_"):
            continue
        found.append(path)
    return found


def _node(path: Path) -> str:
    """The app a module belongs to, or the module's name for jiuzhu/*.py (api, urls, …)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "jiuzhu." + path.stem


def _imported(path: Path) -> list[tuple[str, int]]:
    """Absolute dotted names imported anywhere in the module, with their line."""
    module = ["jiuzhu", *path.relative_to(PACKAGE).with_suffix("").parts]
    package = module if path.name == "__init__.py" else module[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.append((target, node.lineno))
            # ``from jiuzhu import intake`` / ``from . import x`` name modules too.
            names += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return names


def _graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]],
                      dict[str, list[str]]]:
    """App → apps it imports; where each edge comes from; other top-level names per app."""
    edges: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    outside: dict[str, list[str]] = defaultdict(list)
    for path in _modules():
        source = _node(path)
        for name, line in _imported(path):
            parts = name.split(".")
            here = f"{path.relative_to(PACKAGE.parent)}:{line}"
            if parts[0] != "jiuzhu":
                outside[source].append(f"{here} {name}")
                continue
            if len(parts) < 2:
                continue
            target = parts[1] if parts[1] in APPS else "jiuzhu." + parts[1]
            if target != source and (parts[1] in APPS or (PACKAGE / f"{parts[1]}.py").exists()):
                edges[source].add(target)
                if here not in where[(source, target)]:
                    where[(source, target)].append(here)
    return edges, where, outside


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as [a, b, …, a], or None."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


@pytest.fixture(scope="module")
def graph():
    return _graph()


def test_the_parser_sees_function_local_and_relative_imports(tmp_path):
    module = PACKAGE / "intake" / "apps.py"
    names = {name for name, _line in _imported(module)}
    assert "jiuzhu.calendars.services" in names  # imported inside ready()
    assert "jiuzhu.intake.scopes" in names  # from . import scopes


def test_core_imports_no_app(graph):
    edges, where, _outside = graph
    found = {target: where[("core", target)] for target in sorted(edges.get("core", ()))}
    assert not found, f"core imports other apps (move the piece up, or offer a hook): {found}"


def test_rules_is_a_pure_library(graph):
    edges, where, outside = graph
    apps = {target: where[("rules", target)] for target in sorted(edges.get("rules", ()))}
    assert not apps, f"rules imports other apps: {apps}"
    impure = [entry for entry in outside.get("rules", [])
              if entry.split()[-1].split(".")[0] in NOT_IN_RULES]
    assert not impure, f"rules imports Django or a Django library: {impure}"


def test_nothing_imports_the_top_apps(graph):
    edges, where, _outside = graph
    found = {(s, t): where[(s, t)] for s, targets in edges.items() for t in targets
             if t in TOP and s not in TOP and not s.startswith("jiuzhu.")}
    assert not found, f"an app imports a top app (portal, demo): {found}"


def test_the_apps_form_no_cycle(graph):
    edges, where, _outside = graph
    cycle = _cycle(edges)
    if cycle:
        steps = [f"{a} -> {b} ({', '.join(where[(a, b)][:3])})"
                 for a, b in zip(cycle, cycle[1:], strict=False)]
        pytest.fail("import cycle " + " -> ".join(cycle) + ":\n  " + "\n  ".join(steps))


def test_the_cycle_finder_names_the_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_every_app_is_on_a_floor():
    placed = [app for floor in FLOORS for app in floor]
    assert sorted(placed) == APPS, "put every app on one floor of FLOORS (and the README)"


def test_every_import_points_down_or_right(graph):
    edges, where, _outside = graph
    position = {app: (level, index) for level, floor in enumerate(FLOORS)
                for index, app in enumerate(floor)}
    upward = {(s, t): where[(s, t)] for s, targets in edges.items() for t in targets
              if s in position and t in position and position[t] <= position[s]}
    assert not upward, f"imports up (or left) the floors of the README: {upward}"
