"""The package's layout follows its dependencies: every subpackage imports on its own, no two subpackages import
each other (directly or round a longer loop, counting imports inside functions too), and every command-line
module is called ``command.py``. A cycle is what let the crawler know about the pipeline and the scoring about
the reports; this test keeps new ones out."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "egov_crawl"
TOP_LEVEL = {"cli", "cli_boundary", "__main__"}  # the command-line app sits above everything


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> Iterator[str]:
    """Every egov_crawl module ``path`` imports, at any depth of the code (not only the top of the file)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)  # ``from egov_crawl import thai``


def unit(module: str) -> str | None:
    """The subpackage (or top-level module) ``module`` belongs to: ``egov_crawl.scoring.checks.x`` → ``scoring``."""
    parts = module.split(".")
    if parts[0] != "egov_crawl" or len(parts) < 2:
        return None
    return parts[1] if (PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").is_file() else None


def dependency_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        source = unit(module_name(path))
        if source is None or source in TOP_LEVEL:
            continue
        targets = {unit(m) for m in imported(path)} - {None, source}
        graph.setdefault(source, set()).update(t for t in targets if t is not None)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The loops of ``graph`` (strongly connected components of more than one unit), Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_two_subpackages_import_each_other() -> None:
    graph = dependency_graph()
    assert {"crawler", "spiders", "scoring", "report", "store", "facts"} <= set(graph)  # the walk saw the tree
    loops = cycles(graph)
    assert not loops, "import cycles between subpackages: " + "; ".join(" ↔ ".join(loop) for loop in loops)


def test_the_cycle_finder_finds_a_loop() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.slow  # one Python child process per subpackage
@pytest.mark.parametrize(
    "name", sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
)
def test_each_subpackage_imports_on_its_own(name: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import egov_crawl.{name}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_command_line_modules_are_named_one_way() -> None:
    """``command.py`` in each subpackage; ``cli.py`` (the app), ``cli_options.py``, ``cli_boundary.py`` at the top."""
    odd = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.parent != PACKAGE and (path.stem in {"cli", "commands"} or path.stem.startswith("cli_"))
    ]
    assert odd == []


HANDFUL = 8  # deferred imports the package may keep, each with its reason on the line


def deferred_imports() -> list[tuple[str, int, str]]:
    """Imports inside function bodies: (file, line, the source line)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for func in ast.walk(ast.parse(source)):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):  # ``if TYPE_CHECKING:`` sits at module level
                    found.append((str(path.relative_to(PACKAGE.parent)), node.lineno, lines[node.lineno - 1]))
    return sorted(set(found))


def test_imports_inside_functions_are_few_and_say_why() -> None:
    """An import inside a function hides a dependency from whoever reads the top of the file; the few that stay
    (Scrapy and its reactor kept out of the parent process, a lifeline bound before the slow imports) say why
    on the line."""
    deferred = deferred_imports()
    unexplained = [f"{file}:{line}: {text.strip()}" for file, line, text in deferred if "#" not in text]
    assert not unexplained, "imports inside functions without a reason comment:\n" + "\n".join(unexplained)
    assert len(deferred) <= HANDFUL, "\n".join(f"{f}:{n}" for f, n, _ in deferred)
