"""The ``casebook`` entry point.

- ``casebook``: the desktop app (first run, unlock, caseload).
- ``casebook --demo`` (what ``make run`` does): the desktop app signed in to a local demo
  service. The real central service is started on this machine (SQLite, demo data, a free
  port), a demo profile is registered with it as one worker's laptop and synced, and the window
  opens unlocked; the service stops when the app quits (see ``ui.demo_service``).
- ``casebook --demo --text``: the text front end. It opens a local demo profile full of
  fictional children (no service), creating it the first time, and prints the caseload
  dashboard.

It is the first thing a new developer or a curious manager runs, so it must never leave them
stuck: every problem they can meet (a damaged or locked demo, a data folder they cannot write
to, a demo service that will not start) is explained in plain words with what to do next, and
the exit is clean.

The text front end lives in ``ui.text_demo`` and the demo service in ``ui.demo_service``; both
are imported only when asked for, so a worker's ``casebook`` starts without them.

The demo's passphrase is published on purpose: the profile holds only made-up children, and
anyone evaluating the app must be able to open it.
"""

from __future__ import annotations

import argparse
import io
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.errors import CasebookError
from app.store.paths import data_root, profiles_root

log = logging.getLogger(__name__)
Out = Callable[[str], None]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="casebook", description="Casebook case recording")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="sign in to a local demo service (fictional children; set up on first use)",
    )
    parser.add_argument(
        "--as",
        dest="demo_as",
        choices=("worker", "manager"),
        default="worker",
        help="with --demo: open the app as the demo worker (default) or their team's manager",
    )
    parser.add_argument(
        "--text",
        action="store_true",
        help="with --demo: print a local demo profile's caseload instead of opening the app",
    )
    # ---- Installer checks (ui/self_test.py): kept apart from the app's own options.
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation with a throwaway profile, offscreen, and exit (0 = works)",
    )
    parser.add_argument("--time-to-unlock", action="store_true", help=argparse.SUPPRESS)
    args, qt_args = parser.parse_known_args(argv)
    if args.self_test or args.time_to_unlock:
        from ui import self_test

        return self_test.time_to_unlock(qt_args) if args.time_to_unlock else self_test.run(qt_args)
    if args.text and not args.demo:
        parser.error("--text needs --demo")
    if not args.demo:
        setup_logging()
        from ui.app import run_gui

        return run_gui([sys.argv[0], *qt_args])
    if not args.text:
        setup_logging()
        cannot = window_problem()
        if cannot is not None:
            print(cannot, file=sys.stderr)
            return 1
        return run_demo_gui([sys.argv[0], *qt_args], print, role=args.demo_as)
    # A console that cannot show a character (an old code page, LANG=C) gets a placeholder
    # instead of an exception half way through the table.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")
    setup_logging()
    from ui.text_demo import run_demo

    try:
        return run_demo(print)
    except KeyboardInterrupt:
        print("\nStopped. Run it again to carry on; a half-made demo is never kept.")
        return 0
    except BrokenPipeError:
        # The reader went away (`casebook --demo | head`): not an error. Point stdout at
        # nothing so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def run_demo_gui(qt_argv: list[str], out: Out, *, role: str = "worker") -> int:
    """``make run``: start the local demo service, open the demo profile signed in to it (the
    demo worker's laptop, or with ``role="manager"`` their manager's), run the app, and stop
    the service however the app ends."""
    from ui import demo_service
    from ui.app import run_gui
    from ui.demo_service import DEMO_PASSPHRASE
    from ui.text_demo import start_afresh

    out("Starting the local demo service (the first time it loads its demo data)…")
    try:
        with demo_service.running(role=role) as service:
            out(f"Demo service running at {service.url} (database in {service.folder}).")
            opened = demo_service.open_profile(service)
            out(
                f"Signed in as demo {role} {service.username!r}; "
                f"{opened.summary.received} records synced."
            )
            out(
                f"Demo profile {opened.profile.name!r}, passphrase {DEMO_PASSPHRASE!r} "
                "(public on purpose: fictional children only). Ctrl+L locks the app."
            )
            try:
                return run_gui(qt_argv, opened=(opened.profile, opened.store))
            finally:
                opened.store.lock()
                out("Demo service stopped.")
    except KeyboardInterrupt:
        out("\nStopped. Run it again to carry on.")
        return 0
    except demo_service.DemoServiceFailed as exc:
        log.warning("demo service failed: %s", exc)
        out(
            f"{exc}\n\n`make run` can also show the caseload without the service: "
            "`.venv/bin/python -m ui.main --demo --text`."
        )
        return 0
    except (CasebookError, OSError) as exc:
        log.warning("demo profile could not be opened: %s", type(exc).__name__)
        out(
            f"The demo could not be opened: {exc}\nThe demo profile holds only made-up "
            f"children; {start_afresh(profiles_root_or_none(), demo_service.DEMO_ROLES[role][1])}"
        )
        return 0


def window_problem() -> str | None:
    """Why Qt could not open a window on this machine (a system library or the display is
    missing), in one line saying what to do; checked before the demo service starts, as Qt
    itself would abort with advice that points the wrong way (``ui.system_libraries``)."""
    from ui import system_libraries

    return system_libraries.problem()


def profiles_root_or_none() -> Path | None:
    try:
        return profiles_root()
    except OSError:
        return None


def data_root_or_none() -> Path | None:
    try:
        return data_root()
    except OSError:
        return None


def log_path() -> Path | None:
    root = data_root_or_none()
    return root / "logs" / "casebook.log" if root else None


_logging_ready = False


def setup_logging() -> None:
    """One rotating log file under the data folder; nothing on the terminal but the table.
    If the folder cannot be written, logging is dropped rather than stopping the demo.
    Messages name record types and counts, never case text."""
    global _logging_ready
    if _logging_ready:
        return
    _logging_ready = True
    # Without any handler, Python would print warnings to the terminal over the table.
    logging.getLogger().addHandler(logging.NullHandler())
    path = log_path()
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration step


if __name__ == "__main__":
    sys.exit(main())
