"""``casebook-server returns ...``: make a statutory return's files from the service's records.

Kept apart from :mod:`server.cli` so the admin commands' parser only gains one line. Every run
is audited (``returns.ssda903``), whether it was allowed or refused, and the files are written
readable by their owner only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from server.db import open_database
from server.services import audit
from server.services.returns import source, ssda903, ssda903_check

EXIT_OK, EXIT_REFUSED, EXIT_ERRORS = 0, 1, 4


def add_parser(sub: Any) -> None:
    returns = sub.add_parser("returns", help="make a statutory return's files").add_subparsers(
        dest="action", required=True
    )
    ssda = returns.add_parser(
        "ssda903", help="the children looked after return (SSDA903) as the DfE's CSV files"
    )
    ssda.add_argument(
        "--year", required=True, help="collection year: the year it ends (2026) or 2025/26"
    )
    ssda.add_argument("--out", required=True, type=Path, help="folder to write the files into")
    ssda.add_argument(
        "--check",
        type=Path,
        metavar="PYTHON",
        help="check the files with csc-validator-be-903 installed for this interpreter "
        "(a virtualenv's python) and list each error by child and field",
    )
    ssda.add_argument(
        "--la", default="", help="the local authority's ONS code (E06000014), for --check"
    )


def run(url: str, args: argparse.Namespace, actor: str) -> int:
    database = open_database(url)
    try:
        return _ssda903(database, args, actor)
    except ssda903.ReturnError as exc:
        print(f"casebook-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        database.dispose()


def _ssda903(database: Any, args: argparse.Namespace, actor: str) -> int:
    year = ssda903.CollectionYear.parse(args.year)
    if args.check and not args.la:
        raise ssda903.ReturnError("--check needs the local authority's code: give --la.")

    def make(session: Session) -> ssda903.Return:
        made = ssda903.build(source.load(session), year)
        audit.record_event(
            session,
            actor=actor,
            action="returns.ssda903",
            detail=f"year={year.label} children={len(made.rows['Header'])}",
        )
        return made

    made = database.run_write(make)
    paths = ssda903.write(made, args.out)
    print(f"SSDA903 {year.label}: {len(made.rows['Header'])} children, written to {args.out}:")
    for path in paths:
        name = next(k for k, (filename, _) in ssda903.TABLES.items() if filename == path.name)
        print(f"  {path.name:<26} {len(made.rows[name]):>6} rows")
    for name, why in ssda903.NOT_HELD.items():
        if ssda903.FIRST_YEAR.get(name, 0) <= year.closing:
            print(f"  not written: {ssda903.TABLES[name][0]} ({why})")
    if not args.check:
        return EXIT_OK
    try:
        result = ssda903_check.check(made, args.out, args.check, args.la)
    except ssda903_check.ValidatorUnavailable as exc:
        print(f"casebook-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    for finding in result.findings:
        print(finding.line())
    if result.failed_rules:
        print(f"Rules the validator could not run on these files: {', '.join(result.failed_rules)}")
    print(f"{len(result.findings)} error(s) found by the DfE's validation rules.")
    return EXIT_ERRORS if result.findings else EXIT_OK
