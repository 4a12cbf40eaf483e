"""The ``casebook`` entry point.

Until the Qt client lands this is a text front end: ``--demo`` opens (creating on first use) a
demo profile full of fictional children and prints the caseload dashboard. It must never fail
in a way that leaves a new developer stuck, so every problem is explained and the exit is clean.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import clock
from app.dashboard import rows
from app.deadlines.engine import STATUS_WORDS
from app.demo import populate
from app.errors import CasebookError, ProfileLockedOut, StoreDamaged, TryAgainLater
from app.store import Profile, Store

DEMO_PROFILE = "demo"
#: Published on purpose: the demo profile holds only made-up children.
DEMO_PASSPHRASE = "demo casebook passphrase"
DEMO_CHILDREN = 60


def open_demo() -> Store:
    if DEMO_PROFILE not in Profile.names():
        print("Creating the demo profile (fictional children only)...")
        Profile.create(DEMO_PROFILE, DEMO_PASSPHRASE, worker="demo.worker")
        store = Profile.open(DEMO_PROFILE).unlock(DEMO_PASSPHRASE)
        populate(store, children=DEMO_CHILDREN, visits_per_child=8, seed=2026, today=clock.today())
        return store
    profile = Profile.open(DEMO_PROFILE)
    try:
        return profile.unlock(DEMO_PASSPHRASE)
    except (ProfileLockedOut, TryAgainLater):
        profile.reset_lockout()  # the demo's passphrase is public; its lock-out protects nothing
        return profile.unlock(DEMO_PASSPHRASE)


def print_dashboard(store: Store) -> None:
    today = clock.today()
    with store.read() as session:
        found = rows(session, today)
    print(f"Caseload on {today:%A %d %B %Y}: {len(found)} children\n")
    print(f"{'Status':<9} {'Child':<22} {'Age':>3}  {'Legal status':<34} Next statutory items")
    print("-" * 120)
    for row in found:
        print(
            f"{STATUS_WORDS[row.worst]:<9} {row.name:<22.22} {row.age:>3}  "
            f"{row.legal_status:<34.34} {row.summary()}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="casebook", description="Casebook case recording")
    parser.add_argument("--demo", action="store_true", help="open the demo profile")
    args = parser.parse_args(argv)
    if not args.demo:
        print(
            "The desktop client is not built yet. Run `make run` (or `casebook --demo`) to "
            "see the demo caseload."
        )
        return 0
    try:
        store = open_demo()
    except StoreDamaged as exc:
        print(f"{exc}\nTo start the demo again: .venv/bin/casebook-store set-aside demo")
        return 0
    except CasebookError as exc:
        print(f"The demo profile could not be opened: {exc}")
        return 0
    with store:
        print_dashboard(store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
