"""Child process for the crash test: saves records forever, reporting each commit on stdout."""

from __future__ import annotations

import sys
from pathlib import Path

from app.store import Profile
from tests.app import factories


def main() -> None:
    root, passphrase = Path(sys.argv[1]), sys.stdin.readline().rstrip("\n")
    store = Profile.open("alice", root=root).unlock(passphrase)
    n = 0
    while True:
        with store.write() as session:
            child = factories.child(given_name=f"Child{n}")
            session.add(child)
            session.flush()
            session.add(factories.visit(child.id, observations="x" * 5000))
        n += 1
        sys.stdout.write(f"{n}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
