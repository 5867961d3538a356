"""The module graph: one direction, no circles, each concern in its own module.

Imports are read from the source (``import`` and ``from`` statements at any
depth, so a late import inside a function counts as an edge too; imports
under ``if TYPE_CHECKING:`` are only for annotations and do not).
"""

from __future__ import annotations

import ast
from pathlib import Path

import perfrubric

PACKAGE = Path(perfrubric.__file__).parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts) or "__init__"


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        name = node.module or ""
        if not name.startswith("perfrubric"):
            return []
        base = name.removeprefix("perfrubric").lstrip(".")
    else:
        here = module.split(".") if module != "__init__" else []
        # a package's __init__ is its own package; a module's package is its parent
        is_package = (PACKAGE / Path(*here) / "__init__.py").exists() if here else True
        package = here if is_package else here[:-1]
        up = package[: len(package) - (node.level - 1)] if node.level > 1 else package
        base = ".".join([*up, *([node.module] if node.module else [])])
    targets = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}" if base else alias.name
        if (PACKAGE / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                PACKAGE / Path(*candidate.split(".")) / "__init__.py").exists():
            targets.append(candidate)
        elif base:
            targets.append(base)
    return targets


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                skip.update(id(n) for n in ast.walk(inner))
    return skip


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_nodes(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                edges.update(_resolve(module, node))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("perfrubric."):
                        edges.add(alias.name.removeprefix("perfrubric."))
        graph[module] = {e for e in edges if e != module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_graph_is_read() -> None:
    graph = _graph()
    # loading uses the three modules it is made of
    assert {"files.settings", "rubrics.extending", "rubrics.building"} <= graph["rubrics.loading"]
    assert "rubrics.loading" in graph["rubrics"]


def test_no_import_circles() -> None:
    graph = _graph()
    # The package __init__ re-exports everything and nothing imports it back,
    # except subpackages' own __init__ re-exporting their modules.
    cycles = [c for c in _cycles(graph) if "__init__" not in c]
    assert cycles == []


def test_no_module_imports_the_package_root() -> None:
    graph = _graph()
    assert [m for m, edges in graph.items() if "__init__" in edges] == []


def test_loading_concerns_are_apart() -> None:
    graph = _graph()
    # merging extends does not validate; reading positions neither merges nor builds
    assert "rubrics.building" not in graph["rubrics.extending"]
    assert not {"rubrics.building", "rubrics.extending", "rubrics.loading"} & graph["files.settings"]


def test_import_perfrubric_loads_only_what_scoring_needs() -> None:
    """`import perfrubric` defers what a first score does not need (benchmarks/README.md)."""
    import os
    import subprocess
    import sys

    deferred = ["babel", "cattrs", "importlib.metadata", "hashlib", "perfrubric.engine.datacheck",
                "perfrubric.batch", "perfrubric.narrative", "perfrubric.views",
                "importlib.resources"]
    code = ("import sys, perfrubric; "
            f"print([m for m in {deferred!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)})
    assert out.stdout.strip() == "[]"
    # and what was deferred still works: the names load on first use
    import perfrubric as pr
    assert callable(pr.check_data)


# -- stages --------------------------------------------------------------------------------

#: The stages in the order data flows; a stage imports only stages before it:
#: files → expressions → data → rule kinds → rubrics → engine → writing → tables
#: and analysis. "foundation" is the three top-level modules every stage uses.
ORDER = ["foundation", "files", "expr", "data", "indicators", "rubrics", "engine",
         "narrative", "views", "batch", "analysis", "testing"]
FOUNDATION = {"errors", "decimals", "units"}
#: the top-level paths kept for modules that moved (each re-exports one module)
SHIMS = {"model", "printed", "facts", "form_view", "schema"}


def _stage(module: str) -> str | None:
    head = module.split(".")[0]
    if head in FOUNDATION:
        return "foundation"
    return head if head in ORDER else None


def test_stages_import_only_downwards() -> None:
    graph = _graph()
    upward = []
    for module, edges in graph.items():
        stage = _stage(module)
        if stage is None:
            continue
        for edge in edges:
            target = _stage(edge)
            if target is None or target == stage:
                continue
            if ORDER.index(target) > ORDER.index(stage):
                upward.append(f"{module} -> {edge}")
    assert upward == []


def test_presentation_is_never_imported_below_it() -> None:
    graph = _graph()
    presentation = {"narrative", "views", "batch", "analysis", "cli"}
    for module, edges in graph.items():
        if _stage(module) in {"foundation", "files", "expr", "data", "indicators", "rubrics",
                              "engine"}:
            assert not {e.split(".")[0] for e in edges} & presentation, module


def test_at_most_twelve_modules_at_the_top_and_none_over_700_lines() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
    assert set(top) >= SHIMS
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 700}
    assert long == {}
