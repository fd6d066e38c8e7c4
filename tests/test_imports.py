"""The import graph shows the pipeline: read with ``ast`` (imports inside functions included),
it has no cycle, and every import goes down the layers of ``docs/ARCHITECTURE.md``.

    top        pipeline, engine, watch, web, cli, the package itself (``manysides/__init__``)
    stages     clean -> ingest -> analyze -> cluster -> compare -> report (each may import the
               stages before it, never one after it; ingest reads inputs and builds clean
               articles with the cleaner, so clean sits below it)
    store      store/ (its migrations included): imports the floor only
    floor      errors, settings, models, contract, text, datafiles, outlets, lexicons, workers:
               no stage

An import inside a function is allowed only for a third-party package that is heavy or
optional (a model runtime, Ray, Playwright, the web server), with a comment on its line or the
line above saying why; never for a manysides module or the standard library.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "manysides"

FLOOR = 0
STORE = 1
STAGES = ("clean", "ingest", "analyze", "cluster", "compare", "report")
TOP = STORE + len(STAGES) + 1
LAYER_OF_TOP_NAME = {
    **{name: FLOOR for name in (
        "errors", "settings", "models", "contract", "text", "outlets", "lexicons", "datafiles",
        "workers",
        "data", "sample",
    )},
    "store": STORE,
    "migrations": STORE,
    **{stage: STORE + 1 + i for i, stage in enumerate(STAGES)},
    **{name: TOP for name in ("pipeline", "engine", "watch", "web", "cli")},
}
LAYER_NAMES = {FLOOR: "floor", STORE: "store", TOP: "top",
               **{STORE + 1 + i: stage for i, stage in enumerate(STAGES)}}


@dataclass(frozen=True)
class Import:
    """One ``import`` of a manysides module (or a third-party one inside a function)."""

    source: str  # the importing module, "manysides.cluster.story"
    target: str  # the module imported, resolved to one that exists
    line: int
    local: bool  # inside a function
    type_only: bool  # under ``if TYPE_CHECKING:``


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    """The longest existing module that ``name`` (a module or ``module.attribute``) names."""
    while name not in MODULES and "." in name:
        name = name.rpartition(".")[0]
    return name


def _imported_names(node: ast.Import | ast.ImportFrom, module: str, path: Path) -> list[str]:
    """The modules (or ``module.attribute`` names) an import statement names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        prefix = base + ("." + node.module if node.module else "")
    else:
        prefix = node.module or ""
    # ``from package import submodule`` imports the submodule; ``from module import name``
    # imports the module.
    return [f"{prefix}.{alias.name}" for alias in node.names]


def _nodes_under(tree: ast.AST, kinds: tuple[type, ...]) -> set[int]:
    return {id(inner) for outer in ast.walk(tree) if isinstance(outer, kinds)
            for inner in ast.walk(outer)}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    return {id(inner) for outer in ast.walk(tree)
            if isinstance(outer, ast.If) and "TYPE_CHECKING" in ast.unparse(outer.test)
            for inner in ast.walk(outer)}


def _commented(lines: list[str], index: int) -> bool:
    """Whether the import on ``lines[index]``, or the run of imports it ends, has a comment on
    one of its lines or on the line just above it."""
    while index > 0 and lines[index - 1].strip().startswith(("import ", "from ")):
        if "#" in lines[index]:
            return True
        index -= 1
    return "#" in lines[index] or (index > 0 and "#" in lines[index - 1])


def _imports() -> tuple[list[Import], list[str]]:
    """Every import of a manysides module; and the forbidden function-local imports."""
    found: list[Import] = []
    local_problems: list[str] = []
    for module, path in MODULES.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        local = _nodes_under(tree, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        type_only = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _imported_names(node, module, path)
            ours = sorted({_resolve(n) for n in names if n.split(".")[0] == "manysides"})
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if id(node) in local:
                top = names[0].split(".")[0]
                commented = _commented(lines, node.lineno - 1)
                if ours:
                    local_problems.append(f"{where}: imports {', '.join(ours)} in a function")
                elif top in sys.stdlib_module_names:
                    local_problems.append(f"{where}: imports the standard {top} in a function")
                elif not commented:
                    local_problems.append(f"{where}: imports {top} in a function without a "
                                          "comment saying why (heavy or optional)")
            for target in ours:
                if target != module:
                    found.append(Import(module, target, node.lineno, id(node) in local,
                                        id(node) in type_only))
    return found, local_problems


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return TOP  # the package's __init__ exports the library API from every layer
    return LAYER_OF_TOP_NAME[parts[1]]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


IMPORTS, LOCAL_PROBLEMS = _imports()


def test_every_module_has_a_layer() -> None:
    missing = sorted({m for m in MODULES if "." in m and m.split(".")[1] not in LAYER_OF_TOP_NAME})
    assert not missing, f"modules outside every layer (add them to LAYER_OF_TOP_NAME): {missing}"


def test_no_import_inside_a_function_but_heavy_optional_ones() -> None:
    assert not LOCAL_PROBLEMS, "\n".join(LOCAL_PROBLEMS)


def test_imports_go_down_the_layers() -> None:
    wrong = []
    for imp in IMPORTS:
        source, target = _layer(imp.source), _layer(imp.target)
        if target > source:  # same layer: allowed, the cycle test keeps it a tree
            wrong.append(f"{imp.source}:{imp.line} ({LAYER_NAMES[source]}) imports "
                         f"{imp.target} ({LAYER_NAMES[target]})")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_import_graph_has_no_cycle() -> None:
    edges: dict[str, set[str]] = {}
    for imp in IMPORTS:
        if not imp.type_only:
            edges.setdefault(imp.source, set()).add(imp.target)
    cycles = _cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_checker_sees_cycles_and_function_local_imports() -> None:
    """The checks above can fail: a two-module cycle is found, a local import is seen."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    tree = ast.parse("def f():\n    from manysides import models\n")
    assert _nodes_under(tree, (ast.FunctionDef,)) & {id(n) for n in ast.walk(tree)
                                                    if isinstance(n, ast.ImportFrom)}


@pytest.mark.parametrize("name", ["manysides.pipeline", "manysides.report.render"])
def test_modules_resolve(name: str) -> None:
    assert _resolve(name + ".something") == name
