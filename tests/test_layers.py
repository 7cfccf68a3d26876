"""The package's imports follow its data flow (see the README's architecture section).

corpus -> preprocess -> vectorize -> models -> evaluate -> comparisons -> plots, each stage
importing only earlier stages and the small shared modules; the application layer (pipeline,
run folders, sweeps, comparing a run, reports, the library API) sits on top and the CLI on
that. Every import counts, those inside functions too: a function-level import that runs
against the flow is a module holding two things.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import topiclab

SRC = Path(topiclab.__file__).parent
SHARED = {"errors", "names", "checks", "_io", "cache", "cluster", "csv_out"}
STAGES = [{"corpus"}, {"preprocess"}, {"vectorize"}, {"models"}, {"evaluate", "select", "validation"},
          {"comparisons", "distinctive", "over_time", "model_effects"}, {"plots", "webfont", "time_plots", "effect_plots"}]
APPLICATION = {"config", "pipeline", "runfolder", "sweeps", "compare_runs", "report", "ldavis", "apply", "api",
               "curation", "intrusion_sheets", "compare_extra", "document_tokens"}
TOP = {"cli", "cli_label", "cli_intrusion"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module imported, names imported from it) for every topiclab import in the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "topiclab":
            yield node.lineno, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "topiclab":
                    yield node.lineno, alias.name, []


def _stage(module: str) -> tuple[str, int]:
    """('shared' | 'stage' | 'application' | 'top', rank) of a topiclab module."""
    top = module.split(".")[1] if "." in module else ""
    if top in SHARED:
        return "shared", 0
    for rank, names in enumerate(STAGES, 1):
        if top in names:
            return "stage", rank
    if top in APPLICATION:
        return "application", len(STAGES) + 1
    if top in TOP:
        return "top", len(STAGES) + 2
    raise AssertionError(f"{module}: no layer; add it to SHARED, STAGES, APPLICATION or TOP in {__file__}")


MODULES = _modules()


@pytest.mark.parametrize("module", [m for m in MODULES if m != "topiclab"])
def test_imports_run_with_the_flow(module: str):
    kind, rank = _stage(module)
    for line, target, _ in _imports(MODULES[module]):
        where = f"{MODULES[module].relative_to(SRC.parent)}:{line} imports {target}"
        assert target != "topiclab", f"{where}: import from the module that defines the name instead"
        t_kind, t_rank = _stage(target)
        if kind == "shared":
            assert t_kind == "shared", f"{where}: a shared module imports only shared modules"
        elif kind == "stage":
            assert t_kind == "shared" or t_rank < rank or (t_rank == rank and target.split(".")[1] == module.split(
                ".")[1]) or (t_rank == rank and target.split(".")[1] in STAGES[rank - 1]), \
                f"{where}: a stage imports only earlier stages and the shared modules"
        elif kind == "application":
            assert t_kind != "top", f"{where}: the application layer does not import the CLI"
        pkg = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]
        if pkg != "topiclab" and module != pkg:
            assert target != pkg, f"{where}: inside a package import from the submodule, not the package"


def test_no_import_cycles():
    graph = {m: {t for _, t, _ in _imports(p) if t in MODULES} for m, p in MODULES.items()}
    for module, path in MODULES.items():  # a package's __init__ re-exports: importing it imports its parts
        if path.name == "__init__.py":
            graph[module] |= {m for m in MODULES if m.startswith(module + ".") and m.count(".") == module.count(".") + 1
                              and m in graph[module]}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt == node or (MODULES[nxt].name == "__init__.py" and node.startswith(nxt + ".")):
                continue
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail[trail.index(nxt):], nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_no_private_name_is_imported_from_another_module():
    files = sorted([*SRC.rglob("*.py"), *(SRC.parents[1] / "tests").glob("*.py"),
                    *(SRC.parents[1] / "bench").glob("*.py"), *(SRC.parents[1] / "experiments").rglob("*.py")])
    for path in files:
        for line, target, names in _imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            assert not private, f"{path}:{line} imports {', '.join(private)} from {target}: private to that module"


def test_package_init_files_only_re_export():
    for path in MODULES.values():
        if path.name != "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)
                   and n.name not in ("__getattr__", "__dir__")]
        assert not defined, f"{path}: defines {', '.join(defined)}; put them in a module and re-export them"


def test_the_version_is_stated_once():
    pyproject = (SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{topiclab.__version__}"' in pyproject
