"""The demo package sits above the product (issue 24): app, sync, server and ui reach it only
where a demo starts, and it is kept in modules of one idea."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("app", "sync", "server", "ui")
#: The only product modules that may import ``demo``, each inside the function that starts a
#: demo: ``casebook --demo --text`` fills its profile, ``casebook-server demo`` loads a service.
DEMO_ENTRY_POINTS = {"ui/text_demo.py", "server/cli.py"}


def _demo_imports(path: Path) -> list[tuple[int, bool]]:
    """(line, inside a function) of every import of the ``demo`` package in ``path``."""
    found: list[tuple[int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names = [child.module]
            if any(name.split(".")[0] == "demo" for name in names):
                found.append((getattr(child, "lineno", 0), in_function))
            nested = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, in_function or nested)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def test_product_packages_import_the_demo_only_where_a_demo_starts() -> None:
    """No module of app, sync, server or ui imports the demo package, except the two entry
    points that start a demo, and those only inside the function that needs it: opening
    Casebook or running the service never loads demo code."""
    offenders: dict[str, list[int]] = {}
    scanned = 0
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            scanned += 1
            name = path.relative_to(ROOT).as_posix()
            imports = _demo_imports(path)
            allowed = name in DEMO_ENTRY_POINTS
            bad = [line for line, lazy in imports if not (allowed and lazy)]
            if bad:
                offenders[name] = bad
    assert offenders == {}
    assert scanned > 100  # the scan really looked at the packages
    for entry in DEMO_ENTRY_POINTS:  # and the entry points are still where they say
        assert _demo_imports(ROOT / entry), f"{entry} no longer starts a demo: update the list"


def test_the_demo_lives_outside_the_product_in_modules_of_one_idea() -> None:
    """No demo module is left in the product packages, and none in ``demo/`` is over 600
    lines (app/demo.py was 1,289 before it was split by idea)."""
    stray = [
        path.relative_to(ROOT).as_posix()
        for package in PRODUCT
        for path in (ROOT / package).rglob("demo*.py")
        if path.parent.name != "tests"
    ]
    # The desktop's launchers for demo mode may stay in ui/: they start a demo service and sign
    # in to it (ui.main --demo), they make no data.
    assert set(stray) <= {"ui/demo_process.py", "ui/demo_service.py"}
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in (ROOT / "demo").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}
    assert len(list((ROOT / "demo").rglob("*.py"))) > 10
