"""The domain layer stays free of UI and network code (STYLE.md convention 1)."""

from __future__ import annotations

import ast
import re
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
    "demo",
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
    """No module under app/ imports Qt, an HTTP library, or the ui/sync/server/demo packages."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(FORBIDDEN))
        for path in (ROOT / "app").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 20  # the scan really looked at the package


#: The laptop's sync tables and the models that map them: ``app.replica`` owns them.
SYNC_TABLES = (
    "outbox",
    "profile_state",
    "sync_base",
    "sync_waiting",
    "sync_kept_removal",
    "resync_seen",
    "trigger_pause",
)
SYNC_MODELS = (
    "OutboxEntry",
    "ProfileState",
    "SyncBase",
    "WaitingVersion",
    "KeptRemoval",
    "ResyncSeen",
    "TriggerPause",
)
#: Where those tables may be named: their owner, the store under it, the models and the
#: migrations that make them.
OWNERS = ("app/replica/", "app/store/", "app/models/", "app/migrations/")
_SQL_VERB = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|REPLACE)\b")
_TABLE = re.compile(r"\b(" + "|".join(SYNC_TABLES) + r")\b")


def _touches_sync_tables(path: Path) -> list[str]:
    """The sync models this module imports, and the SQL text in it naming a sync table."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # A model named for type hints only (``if TYPE_CHECKING:``) reads and writes nothing.
    hints = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in hints:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app."):
            found += [alias.name for alias in node.names if alias.name in SYNC_MODELS]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _SQL_VERB.search(node.value)
            and _TABLE.search(node.value)
        ):
            found.append(node.value[:60])
    return found


def test_only_the_replica_touches_the_laptops_sync_tables() -> None:
    """Outside ``app.replica`` (and the store, models and migrations under it) no module of the
    laptop's code imports a sync table's model or holds SQL naming one of those tables."""
    touching, scanned = {}, 0
    for package in ("app", "sync", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            if name.startswith(OWNERS):
                continue
            scanned += 1
            found = _touches_sync_tables(path)
            if found:
                touching[name] = found
    assert touching == {}
    assert scanned > 100  # the scan really looked at the packages


def test_the_scan_for_sync_tables_sees_a_model_import_and_raw_sql(tmp_path: Path) -> None:
    """The check above would notice a module that imports ``ProfileState`` or runs SQL on the
    outbox, and lets a model named only for type hints be."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "from app.models import Child, ProfileState\n"
        "if TYPE_CHECKING:\n"
        "    from app.models import OutboxEntry\n"
        "QUERY = 'DELETE FROM outbox WHERE id = ?'\n"
        "WORDS = 'select the outbox in the menu'\n",
        encoding="utf-8",
    )
    assert _touches_sync_tables(sample) == ["ProfileState", "DELETE FROM outbox WHERE id = ?"]


#: What the desktop client's screens never import: SQL and HTTP go through app/ and sync/.
UI_FORBIDDEN = ("sqlalchemy", "sqlcipher3", "requests", "urllib3", "httpx")


def _ui_modules() -> list[Path]:
    found = sorted((ROOT / "ui").rglob("*.py"))
    assert len(found) > 40  # the scan really looked at the package
    return found


def _store_transactions(path: Path) -> list[int]:
    """Lines calling ``read()``, ``read_rows()`` or ``write()`` on something named a store
    (``store``, ``self._store``, ``opened.store``...)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ("read", "read_rows", "write"):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if "store" in name.lower():
            lines.append(node.lineno)
    return lines


def test_ui_imports_neither_sql_nor_http() -> None:
    """No module under ui/ imports SQLAlchemy, the database driver or an HTTP library: the
    screens are handed plain values by app/ and sync/."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(UI_FORBIDDEN))
        for path in _ui_modules()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_ui_never_opens_a_store_transaction() -> None:
    """No module under ui/ opens a read or write on the store: app/ functions take the
    ``Store`` and return plain values, so a screen never holds a session."""
    offenders = {str(path.relative_to(ROOT)): _store_transactions(path) for path in _ui_modules()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_transaction_check_sees_one() -> None:
    """The check above finds a store transaction where there is one (else it could not fail)."""
    sample = ROOT / "app" / "child_search.py"
    assert _store_transactions(sample)


#: What ``sync/`` may take from SQLAlchemy: sessions, connections and dialects to hand on, never
#: what builds or runs a statement. SQL, raw or built, lives in ``app.replica`` and ``app.store``.
SYNC_SQLALCHEMY_ALLOWED = {"Session", "Connection", "Dialect", "Engine"}
#: SQL in a string literal (f-strings read with their holes filled): the verbs as SQL writes
#: them, upper case and followed by what only a statement has, so prose mentioning an update
#: or a SELECT key is not flagged.
_RAW_SQL = re.compile(
    r"\bSELECT\b.*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\S+\s+SET\b"
    r"|\bDELETE\s+FROM\b|\bREPLACE\s+INTO\b|\bON\s+CONFLICT\b|\bPRAGMA\s+\w"
    r"|\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|TRIGGER|VIEW)\b|\bjson_each\b",
    re.DOTALL,
)
#: Methods that run SQL text given to them.
_RUNS_TEXT = {"exec_driver_sql", "executescript", "text"}


def _string_value(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "x" for part in node.values
        )
    return None


def _holds_sql(path: Path) -> list[str]:
    """What in this module builds or runs SQL: SQLAlchemy statement builders imported (``text``,
    ``select``, ``insert``, ``update``, ``delete``, ``func``...), SQL in string literals, and
    calls that run SQL text. Docstrings and other bare strings are prose, not statements."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prose = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and _string_value(node.value) is not None
    }
    inside_fstring = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [
                f"import {alias.name}"
                for alias in node.names
                if alias.name not in SYNC_SQLALCHEMY_ALLOWED
            ]
        elif isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.startswith("sqlalchemy")]
        elif isinstance(node, ast.Call):
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if name in _RUNS_TEXT:
                found.append(f"{name}()")
        elif id(node) not in prose and id(node) not in inside_fstring:
            text = _string_value(node)
            if text is not None and _RAW_SQL.search(text):
                found.append(text[:60])
    return found


#: Modules of sync/ allowed to build SQL: none (kept as a name so an exception is explicit).
SYNC_SQL_LEFT: dict[str, list[str]] = {}


def test_sync_holds_no_sql() -> None:
    """``sync/`` decides and talks to the service; every statement it has run is named in
    ``app.replica`` (or ``app.store``), so the SQL a sync runs can be read in one place."""
    modules = sorted((ROOT / "sync").rglob("*.py"))
    assert len(modules) > 25  # the scan really looked at the package
    found = {path.relative_to(ROOT).as_posix(): _holds_sql(path) for path in modules}
    assert {k: v for k, v in found.items() if v} == SYNC_SQL_LEFT


def test_the_sql_scan_sees_built_and_raw_sql(tmp_path: Path) -> None:
    """The check above notices each way a module could hold SQL, and lets prose, ORM session
    calls and the allowed SQLAlchemy names be (else it could fail for nothing, or never)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Docstrings may say UPDATE visits SET text or SELECT a FROM b."""\n'
        "from sqlalchemy import Dialect, select, text\n"
        "from sqlalchemy.orm import Session\n"
        "import sqlalchemy.sql\n"
        "def f(session: Session, name: str) -> None:\n"
        "    session.delete(name)\n"
        "    {}.update(a=1)\n"
        "    session.connection().exec_driver_sql('x')\n"
        "    text('y')\n"
        "    query = f'UPDATE {name} SET a = ?'\n"
        "    other = 'INSERT INTO visit (id) VALUES (?)'\n"
        "    words = 'select the records to update'\n",
        encoding="utf-8",
    )
    assert _holds_sql(sample) == [
        "import select",
        "import text",
        "import sqlalchemy.sql",
        "exec_driver_sql()",
        "text()",
        "UPDATE x SET a = ?",
        "INSERT INTO visit (id) VALUES (?)",
    ]
