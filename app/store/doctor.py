"""Health checks on an unlocked profile, for the worker's "Check my data" and the service desk.

Each check says in plain words what it looked at and what it found. None of them change any
record: a failed check is a reason to keep the file and rebuild from the service, never to
"repair" case records in place. (The page check first has SQLite copy its log into the file, as
locking the profile does, so that it reads the pages SQLite itself would read.) A check that
cannot even run (because the damage it looks for makes the library raise) is itself reported as
failed; the doctor never crashes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy.exc import DBAPIError

from app.errors import StoreDamaged
from app.replica import outbox as replica_outbox
from app.store import migrate
from app.store.store import Store


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def run(store: Store) -> list[CheckResult]:
    results: list[CheckResult] = []

    def check(name: str, probe: Callable[[], tuple[bool, str]]) -> None:
        try:
            ok, detail = probe()
        except (DBAPIError, sqlcipher.DatabaseError, StoreDamaged) as exc:
            ok, detail = False, f"could not be checked ({type(exc).__name__}): the file is damaged"
        results.append(CheckResult(name, ok, detail))

    with store.engine.connect() as conn:
        raw: Any = conn.connection.driver_connection

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return list(raw.execute(sql).fetchall())

        def encryption() -> tuple[bool, str]:
            version, provider = rows("PRAGMA cipher_version"), rows("PRAGMA cipher_provider")
            name = version[0][0] if version else "missing"
            return bool(
                version
            ), f"SQLCipher {name} ({provider[0][0] if provider else '?'}), HMAC on"

        def temp_store() -> tuple[bool, str]:
            in_memory = rows("PRAGMA temp_store") == [(2,)]
            return in_memory, "temp_store=MEMORY" if in_memory else "temporary data may reach disk"

        def pages() -> tuple[bool, str]:
            # It reads the file directly, not through SQLite's log (``Store.file_settled``).
            with store.file_settled():
                failed = rows("PRAGMA cipher_integrity_check")
            if not failed:
                return True, "every page passed its HMAC check"
            listed = "; ".join(str(r[0]) for r in failed[:5])
            return False, f"{len(failed)} page(s) failed: {listed}"

        def structure() -> tuple[bool, str]:
            found = [str(r[0]) for r in rows("PRAGMA integrity_check")]
            return found == ["ok"], "; ".join(found[:5])

        def links() -> tuple[bool, str]:
            broken = rows("PRAGMA foreign_key_check")
            return not broken, "ok" if not broken else f"{len(broken)} record(s) point nowhere"

        def version() -> tuple[bool, str]:
            current, head = migrate.current_revision(conn), migrate.head_revision()
            return current == head, f"at {current}" + ("" if current == head else f", want {head}")

        check("Encryption", encryption)
        check("Temporary data stays in memory", temp_store)
        check("Encrypted pages intact", pages)
        check("Database structure", structure)
        check("Links between records", links)
        check("Database version", version)

    def outbox() -> tuple[bool, str]:
        with store.read() as session:
            pending, rejected = replica_outbox.counts_by_state(session)
        detail = f"{pending} waiting, {rejected} set aside by the service"
        if rejected:
            detail += (
                ": open Sync details, Open changes not accepted, and retry each or mark it "
                "dealt with (copy or export it first)"
            )
        return not rejected, detail

    check("Changes waiting to sync", outbox)
    return results
