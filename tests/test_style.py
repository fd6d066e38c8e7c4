"""Code shape rules that ruff does not check: a function over ``MAX_LINES`` lines, or one kept
above ruff's complexity limit (``# noqa: C901``), says in its docstring why it is kept whole."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "manysides"
MAX_LINES = 60
REASON = "Kept whole"


def _functions() -> list[tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef, list[str]]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((path, node, lines))
    return found


def test_long_or_complex_functions_say_why_they_are_kept_whole() -> None:
    unexplained = []
    for path, node, lines in _functions():
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        signature = lines[node.lineno - 1:node.body[0].lineno - 1]
        complex_ = any("noqa: C901" in line for line in signature)
        if (length > MAX_LINES or complex_) and REASON not in (ast.get_docstring(node) or ""):
            unexplained.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} "
                               f"({length} lines{', C901' if complex_ else ''})")
    assert not unexplained, (f"split these or say '{REASON}: why' in the docstring:\n"
                             + "\n".join(unexplained))
