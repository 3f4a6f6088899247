"""The house's shape (issue 16): no import cycle among our modules, no module too long to read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.paths import ROOT

PACKAGE = ROOT / "pacer_desktop"
MAX_LINES = 400
#: How a long module says why it is long: a comment in its first five lines that says it is long,
#: e.g. ``# 520 lines: the seven entry kinds' table reads better whole`` or ``# Long because …``.
WHY_LONG = re.compile(r"^\s*#.*\b(lines?|long)\b", re.IGNORECASE)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    # resources/ ships inside the package but lives outside this folder: it holds no code.
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(node: ast.AST):
    """Every import statement that runs, wherever it is (a function's body included); the body of
    ``if TYPE_CHECKING:`` never runs, so its imports are left out (its ``else:`` is kept)."""
    for child in ast.iter_child_nodes(node):
        runs = child.orelse if isinstance(child, ast.If) and _is_type_checking(child.test) else [child]
        for statement in runs:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                yield statement
            yield from _imports(statement)


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ours that ``node`` imports: ``from a import b`` is ``a.b`` when that is a
    module, else ``a`` itself."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        return {_nearest_known(name, known) for name in names} - {None}
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        module = ".".join(base + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    found = set()
    for alias in node.names:
        submodule = f"{module}.{alias.name}"
        found.add(submodule if submodule in known else _nearest_known(module, known))
    return found - {None}


def _nearest_known(name: str, known: set[str]) -> str | None:
    """``import a.b.c`` of ours stands for module ``a.b.c`` (or the nearest package of ours above it)."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in known:
            return ".".join(parts)
        parts.pop()
    return None


def module_graph() -> dict[str, set[str]]:
    """Module → the modules of ``pacer_desktop`` it imports (itself left out)."""
    modules = _modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[name] = set().union(*(_targets(node, name, is_package, known) for node in _imports(tree))) - {name}
    return graph


def tangles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import each other, however indirectly (Tarjan's strongly
    connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each tangle, written from its first module in sorted order back to it."""
    return sorted(_one_cycle(graph, group) for group in tangles(graph))


def _one_cycle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest way from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for other in sorted(graph[node] & group):
                if other == start:
                    return paths[node] + [start]
                if other not in paths:
                    paths[other] = paths[node] + [other]
                    following.append(other)
        frontier = following
    raise AssertionError(f"{sorted(group)} is not a cycle")


def _named(graph: dict[str, set[str]], groups: list[set[str]]) -> str:
    """A cycle through each group, and the group's other modules when it has more."""
    def short(name: str) -> str:
        return name.removeprefix("pacer_desktop.")
    lines = []
    for group in groups:
        cycle = _one_cycle(graph, group)
        rest = sorted(group - set(cycle))
        lines.append(" → ".join(map(short, cycle)) + (f" (tangled with {', '.join(map(short, rest))})" if rest else ""))
    return "import cycles:\n" + "\n".join(sorted(lines))


def test_the_graph_sees_imports_in_functions_but_not_for_type_checking():
    """The graph's own rules, on modules whose imports are known."""
    graph = module_graph()
    assert "pacer_desktop.ui.printing" in graph["pacer_desktop.ui.print_menu"]  # inside make_printer()
    assert "pacer_desktop.ui.main_window" not in graph["pacer_desktop.ui.print_menu"]  # TYPE_CHECKING only
    assert "pacer_desktop.cli.common" in graph["pacer_desktop.cli.front"]  # a relative import
    assert "pacer_desktop.selftest" in graph["pacer_desktop.cli.front"]  # `from .. import selftest`
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_import_cycle():
    """No module of ours imports, however indirectly, one that imports it back: an import inside a
    function counts (it only moves the cycle to run time), one under ``if TYPE_CHECKING:`` does not."""
    graph = module_graph()
    found = tangles(graph)
    assert not found, _named(graph, found)


def _too_long() -> list[str]:
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES and not any(WHY_LONG.match(line) for line in lines[:5]):
            long.append(f"{path.relative_to(ROOT)}: {len(lines)} lines")
    return long


def test_no_module_is_over_400_lines_without_saying_why():
    """A module over 400 lines says why in a comment in its first five lines (see ``WHY_LONG``);
    without a reason, its length is a sign that it does more than one job."""
    long = _too_long()
    assert not long, "modules over 400 lines with no reason at their top:\n" + "\n".join(long)


def _is_dataclass(node: ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "dataclass":
            return True
    return False


def test_every_dataclass_says_what_it_holds():
    """A model's docstring tells a newcomer what it is. Without one, ``dataclass`` writes its own
    from ``inspect.signature`` at import time: the start paid for about 35 such signatures."""
    bare = [f"{name}.{node.name}" for name, path in _modules().items()
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.ClassDef) and _is_dataclass(node) and ast.get_docstring(node) is None]
    assert bare == []
