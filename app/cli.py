"""``casebook-store``: the local store's command line, for the service desk and for scripts.

It covers what a worker cannot do from the (future) settings screen: list profiles, run the
health checks, change a passphrase, and set a damaged database aside for a rebuild. Passphrases
are read from the terminal without echo, or from standard input with ``--passphrase-stdin``,
never from the command line where they would land in shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from app.errors import CasebookError
from app.store import Profile
from app.store import doctor as doctor_checks


def _passphrase(args: argparse.Namespace, prompt: str) -> str:
    if args.passphrase_stdin:
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass(prompt)


def _list(args: argparse.Namespace) -> int:
    for name in Profile.names():
        print(name)
    return 0


def _create(args: argparse.Namespace) -> int:
    first = _passphrase(args, "Choose a passphrase: ")
    if not args.passphrase_stdin and getpass.getpass("Type it again: ") != first:
        print("The two passphrases were different; nothing was created.", file=sys.stderr)
        return 2
    profile = Profile.create(args.name, first, worker=args.worker)
    print(f"Created profile {profile.name!r} at {profile.path}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    profile = Profile.open(args.name)
    with profile.unlock(_passphrase(args, "Passphrase: ")) as store:
        results = doctor_checks.run(store)
    for result in results:
        print(f"[{'ok' if result.ok else 'PROBLEM'}] {result.name}: {result.detail}")
    return 0 if all(r.ok for r in results) else 1


def _passwd(args: argparse.Namespace) -> int:
    profile = Profile.open(args.name)
    old = _passphrase(args, "Current passphrase: ")
    new = _passphrase(args, "New passphrase: ")
    profile.change_passphrase(old, new)
    print("Passphrase changed. Your records were not touched.")
    return 0


def _set_aside(args: argparse.Namespace) -> int:
    kept = Profile.open(args.name).set_aside_damaged_store()
    print(
        f"The damaged database was kept at {kept}. Unlock the profile to start a fresh one and "
        "sync to rebuild it from the service."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casebook-store", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read passphrases from standard input, one per line",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the profiles on this laptop").set_defaults(run=_list)
    create = sub.add_parser("create", help="create a profile")
    create.add_argument("name")
    create.add_argument("--worker", required=True, help="the worker's user name at the service")
    create.set_defaults(run=_create)
    for name, run, text in (
        ("doctor", _doctor, "check the profile's encrypted database"),
        ("passwd", _passwd, "change the profile's passphrase"),
        ("set-aside", _set_aside, "keep a damaged database aside and start afresh"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("name")
        command.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CasebookError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
