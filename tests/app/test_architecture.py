"""The domain layer stays free of UI and network code (STYLE.md convention 1)."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = (
    "PySide6",
    "shiboken6",
    "requests",
    "fastapi",
    "httpx",
    "uvicorn",
    "ui",
    "sync",
    "server",
)
ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_app_imports_neither_qt_nor_http_nor_outer_layers() -> None:
    """No module under app/ imports Qt, an HTTP library, or the ui/sync/server packages."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(FORBIDDEN))
        for path in (ROOT / "app").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 20  # the scan really looked at the package
