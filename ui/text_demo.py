"""``casebook --demo --text``: a local demo profile full of fictional children, printed.

Kept apart from ``ui.main`` so that starting the app imports none of it: the demo builder and
the text dashboard are a second or so of imports that a worker opening Casebook never needs.
It opens a local demo profile (no service), creating it the first time, and prints the caseload
dashboard with statuses in words, most urgent first.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from app import clock, codes
from app.dashboard import Dashboard, DashboardRow, build
from app.deadlines.engine import STATUS_WORDS, DueItem, Status
from app.errors import (
    CasebookError,
    InsecureBuild,
    KeyFileDamaged,
    MigrationFailed,
    ProfileLockedOut,
    StoreDamaged,
    TryAgainLater,
    WrongPassphrase,
)
from app.store import Profile, Store, failures
from app.store.atomic import fsync_directory
from app.store.paths import profiles_root
from ui.demo_service import DEMO_PASSPHRASE
from ui.main import data_root_or_none, log_path, profiles_root_or_none

DEMO_PROFILE = "demo"
DEMO_WORKER = "demo.worker"
DEMO_CHILDREN = 60
DEMO_VISITS_PER_CHILD = 8
DEMO_SEED = 2026
#: An unfinished demo build older than this was interrupted; a younger one may still be running.
_STALE_BUILD_SECONDS = 3600
_BUILD_PREFIX = ".demo-build-"

log = logging.getLogger(__name__)
Out = Callable[[str], None]


def run_demo(out: Out) -> int:
    """Open (or first create) the demo profile and print its dashboard. Returns the exit
    status: 0 whenever the outcome is explained, 1 only for a fault in Casebook itself."""
    folder = profiles_root_or_none()
    try:
        store = open_demo(out)
        with store:
            dashboard = build(store, clock.today())
    except StoreDamaged as exc:
        return _damaged(exc, out)
    except KeyFileDamaged as exc:
        log.warning("demo key file damaged: %s", exc.detail)
        out(f"{exc}\n\n{start_afresh(folder)}")
        return 0
    except WrongPassphrase:
        out(
            "The demo profile's passphrase has been changed, so Casebook cannot open it with the "
            f"published one ({DEMO_PASSPHRASE!r}). It has been left as it is.\n\n"
            f"{start_afresh(folder)}"
        )
        return 0
    except InsecureBuild as exc:
        out(
            f"{exc}\nCasebook needs the SQLCipher library it was tested with. Rebuild the "
            "environment with `make clean-venv` and then `make run`."
        )
        return 0
    except MigrationFailed as exc:
        out(f"{exc}\n\n{start_afresh(folder)}")
        return 0
    except CasebookError as exc:
        log.warning("demo could not be opened: %s", exc)
        out(f"The demo profile could not be opened: {exc}\n\n{start_afresh(folder)}")
        return 0
    except OSError as exc:
        out(
            f"Casebook could not use its data folder ({exc.filename or data_root_or_none()}): "
            f"{exc.strerror or exc}.\nCheck there is free disk space and that you can write "
            "there, or set CASEBOOK_DATA_DIR to a folder you can write to, then run it again."
        )
        return 0
    except Exception as exc:
        if failures.is_busy(exc):
            out(
                "The demo profile is busy: another Casebook is saving to it right now. Wait for "
                "it to finish, then run this again."
            )
            return 0
        if failures.is_database_failure(exc):
            return _damaged(exc, out)
        log.exception("unexpected failure in the text front end")
        out(
            "Something went wrong inside Casebook while opening the demo. This is a bug, not "
            f"something you did. Details are in {log_path() or 'the log'}; please report it."
        )
        return 1
    print_dashboard(dashboard, out, today=clock.today())
    out(
        f"\nDemo profile: {DEMO_PROFILE!r} (passphrase {DEMO_PASSPHRASE!r}; fictional children "
        "only)."
    )
    return 0


def open_demo(out: Out) -> Store:
    """The unlocked demo store, made (fully populated) on first use.

    The demo is built in a hidden folder and moved into place only when complete, so an
    interrupted first run never leaves a half-filled demo behind. Its lock-out counter is
    reset when needed: the passphrase is public, so the lock-out protects nothing here.
    """
    root = profiles_root()
    _remove_stale_builds(root)
    if not (root / DEMO_PROFILE).exists():
        out(f"Creating the demo profile ({DEMO_CHILDREN} fictional children); this takes a moment.")
        _create_demo(root)
    profile = Profile.open(DEMO_PROFILE)
    try:
        store = profile.unlock(DEMO_PASSPHRASE)
    except (ProfileLockedOut, TryAgainLater):
        profile.reset_lockout()
        store = profile.unlock(DEMO_PASSPHRASE)
    try:
        _refill_if_empty(store, out)
    except BaseException:
        store.lock()
        raise
    return store


def print_dashboard(dashboard: Dashboard, out: Out, *, today: date, width: int = 0) -> None:
    """The dashboard as a text table: one row per child, their open items one per line in the
    last column, statuses always in words."""
    children = dashboard.children
    # A terminal's own width; 160 when the output goes to a file or a pipe.
    width = width or max(shutil.get_terminal_size((160, 24)).columns, 110)
    counts = {s: sum(r.worst is s for r in children) for s in Status}
    out(f"Caseload on {today:%A %d %B %Y}: {len(children)} children")
    out(
        f"{counts[Status.OVERDUE]} with something overdue, {counts[Status.DUE_SOON]} with "
        f"something due within two weeks, {counts[Status.UPCOMING]} on track, "
        f"{counts[Status.DONE]} with nothing due.\n"
    )
    columns = (("Status", 8), ("Child (age)", 26), ("Legal status", 26), ("Placement", 26))
    fixed = sum(w for _, w in columns) + 2 * len(columns)
    items_width = max(width - fixed, 30)
    out(_line([*(_fit(h, w) for h, w in columns), "Next statutory items"], columns))
    out(_line(["-" * w for _, w in columns] + ["-" * items_width], columns))
    for row in children:
        lines = [_item_text(i, items_width) for i in row.open_items[:3]] or ["Nothing due"]
        cells = [
            STATUS_WORDS[row.worst] if row.open_items else "-",
            f"{row.name} ({row.age})",
            _code_and(row.legal_status_code, row.legal_status),
            _placement_cell(row),
        ]
        out(
            _line(
                [_fit(c, w) for c, (_, w) in zip(cells, columns, strict=True)] + [lines[0]], columns
            )
        )
        for more in lines[1:]:
            out(_line([""] * len(columns) + [more], columns))

    attention = [h for h in dashboard.households if h.worst in (Status.OVERDUE, Status.DUE_SOON)]
    if attention:
        out(f"\nCarer households needing attention ({len(attention)}):")
        for household in attention:
            first, *rest = [_item_text(i, items_width) for i in household.open_items[:3]]
            label = f"{household.name} ({household.carer_type})"
            out(f"  {_fit(label, fixed - 4):<{fixed - 2}}{first}")
            for more in rest:
                out(f"  {'':<{fixed - 2}}{more}")
    _legend(children, out)


# ---- Private API


def _damaged(exc: Exception, out: Out) -> int:
    log.warning("demo store damaged: %s", exc)
    message = exc if isinstance(exc, StoreDamaged) else StoreDamaged(detail=str(exc))
    out(
        f"{message}\n\n"
        "This is the demo profile, so nothing real is at risk. To start the demo afresh:\n"
        f"    .venv/bin/casebook-store set-aside {DEMO_PROFILE}\n"
        "    make run"
    )
    return 0


def _create_demo(root: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=_BUILD_PREFIX, dir=root))
    try:
        # Profile.create puts the profile in <staging>/profiles/<name>; it is moved from there.
        profile = Profile.create(DEMO_PROFILE, DEMO_PASSPHRASE, worker=DEMO_WORKER, root=staging)
        with profile.unlock(DEMO_PASSPHRASE) as store:
            _fill(store)
        os.rename(profile.path, root / DEMO_PROFILE)
        fsync_directory(root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _fill(store: Store) -> None:
    # The demo builder is not part of the app: only a first run (or a refill) imports it.
    from demo.laptop import populate

    populate(
        store,
        children=DEMO_CHILDREN,
        visits_per_child=DEMO_VISITS_PER_CHILD,
        seed=DEMO_SEED,
        today=clock.today(),
    )


def _refill_if_empty(store: Store, out: Out) -> None:
    """A demo whose damaged database was set aside comes back empty: fill it again."""
    from demo.laptop import has_children

    if not has_children(store):
        out("The demo profile is empty (it was probably rebuilt); filling it again.")
        _fill(store)


def _remove_stale_builds(root: Path) -> None:
    """Hidden folders left by a first run that was interrupted. They hold only demo data."""
    for path in root.glob(f"{_BUILD_PREFIX}*"):
        try:
            if time.time() - path.stat().st_mtime > _STALE_BUILD_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def start_afresh(folder: Path | None, name: str = DEMO_PROFILE) -> str:
    where = folder / name if folder else f"the {name!r} profile folder"
    return (
        "It holds only made-up children. To start a fresh demo, move that folder out of the way "
        f"(or delete it):\n    {where}\nthen run `make run` again."
    )


def _line(cells: Sequence[str], columns: Sequence[tuple[str, int]]) -> str:
    parts = [f"{c:<{w}}" for c, (_, w) in zip(cells, columns, strict=False)]
    parts += list(cells[len(columns) :])
    return "  ".join(parts).rstrip()


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _item_text(item: DueItem, width: int) -> str:
    """Status and date first, so they survive when a long title has to be shortened."""
    return _fit(f"{STATUS_WORDS[item.status]:<8}  {item.due:%d %b %Y}  {item.title}", width)


def _code_and(code: str | None, label: str) -> str:
    return f"{code} {label}" if code else label


def _placement_cell(row: DashboardRow) -> str:
    if row.placement_code is None:
        return row.placement
    return f"{row.placement_code} {row.carers or row.placement}"


def _legend(children: Sequence[DashboardRow], out: Out) -> None:
    """The codes used above, in full: workers know most of them, visitors do not."""
    statuses = sorted({r.legal_status_code for r in children if r.legal_status_code})
    places = sorted({r.placement_code for r in children if r.placement_code})
    if not statuses and not places:
        return
    out("\nLegal status codes used above:")
    for code in statuses:
        in_list = code in codes.code_list("legal_status")
        out(f"  {code:<4} {codes.label('legal_status' if in_list else 'permanence_order', code)}")
    out("Placement codes used above (SSDA903):")
    for code in places:
        out(f"  {code:<4} {codes.label('placement_type', code)}")
