"""The code's shape: which packages may import which, no import cycles, and no library's internals leaked.

Every module's imports are read from its source (module level and inside functions). Data flows one way —
vault → credentials → checks → ranking → formats — and the command line sits on top: nothing imports it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "reuse_audit"
#: The only places allowed to import a UI library.
UI_LIBRARIES = {
    "typer": ("cli",),
    "click": ("cli",),
    "rich": ("cli", "report", "plan", "bounces", "hygiene"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, at module level outside TYPE_CHECKING) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            top_level.add(id(node))
        elif isinstance(node, ast.Try):
            top_level.update(id(n) for n in node.body if isinstance(n, ast.Import | ast.ImportFrom))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from package import module" imports that module (and the package's __init__ first)
            for alias in node.names:
                out.append((f"{node.module}.{alias.name}", id(node) in top_level))
            out.append((node.module, id(node) in top_level))
    return out


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def test_nothing_outside_the_command_line_imports_it() -> None:
    entry_points = ("reuse_audit.cli", "reuse_audit.__main__", "reuse_audit.launch")
    offenders = [(name, target) for name, path in modules().items() if not name.startswith(entry_points)
                 for target, _top in imports(path) if target.split(".")[:2] == ["reuse_audit", "cli"]]
    assert offenders == []


def test_ui_libraries_live_only_in_the_command_line_and_the_formats() -> None:
    offenders = []
    for name, path in modules().items():
        package = name.split(".")[1] if name.count(".") else ""
        for target, _top in imports(path):
            library = target.split(".")[0]
            if library in UI_LIBRARIES and package not in UI_LIBRARIES[library]:
                offenders.append((name, target))
    assert offenders == []


def name_is_parent(package: str, module: str) -> bool:
    return module.startswith(package + ".")


def test_the_module_level_imports_have_no_cycle() -> None:
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        for target, top in imports(path):
            if top and target in known and target != name:
                graph[name].add(target)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if name_is_parent(nxt, node):
                continue  # a module always imports its package's __init__ first: not a cycle of ours
            if state.get(nxt) == 1:
                cycle.extend(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, [*path, nxt]):
                return True
        state[node] = 2
        return False

    for start in sorted(known):
        if state.get(start) is None and visit(start, [start]):
            break
    assert cycle == [], " -> ".join(cycle)


def test_domain_packages_do_not_reach_up_into_plans_and_formats() -> None:
    # the vault, the checks and the exposure layer know nothing of plans, reports or mail
    lower = ("reuse_audit.vault", "reuse_audit.checks", "reuse_audit.exposure", "reuse_audit.services",
             "reuse_audit.breaches")
    upper = ("reuse_audit.plan", "reuse_audit.report", "reuse_audit.bounces", "reuse_audit.hygiene")
    offenders = [(name, target) for name, path in modules().items() if name.startswith(lower)
                 for target, _top in imports(path) if target.startswith(upper)]
    assert offenders == []


def test_no_library_logger_is_reconfigured() -> None:
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        assert ".propagate = False" not in text, name
        assert 'getLogger("flufl' not in text and "getLogger('pykeepass" not in text, name
