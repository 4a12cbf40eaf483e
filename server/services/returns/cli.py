"""``casebook-server returns ...``: make a statutory return's files from the service's records.

Kept apart from :mod:`server.cli` so the admin commands' parser only gains one line. A run acts
for a named account (``--user``) and is allowed only to a performance officer or an admin with a
reports grant, the same check as the service's figures (``server.reports.access``, whole service
only); every run, allowed or refused, is audited as ``report.run`` with ``kind=ssda903``, and
the files are written readable by their owner only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from server.core.errors import ServiceError
from server.db import open_database
from server.reports import access
from server.services.accounts import AdminError
from server.services.returns import source, ssda903, ssda903_check

EXIT_OK, EXIT_REFUSED, EXIT_ERRORS = 0, 1, 4


def add_parser(sub: Any) -> None:
    returns = sub.add_parser("returns", help="make a statutory return's files").add_subparsers(
        dest="action", required=True
    )
    ssda = returns.add_parser(
        "ssda903", help="the children looked after return (SSDA903) as the DfE's CSV files"
    )
    ssda.add_argument("--user", required=True, help="the account the return is made for")
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
    except (ssda903.ReturnError, AdminError) as exc:
        print(f"casebook-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        database.dispose()


def _ssda903(database: Any, args: argparse.Namespace, actor: str) -> int:
    year = ssda903.CollectionYear.parse(args.year)
    if args.check and not args.la:
        raise ssda903.ReturnError("--check needs the local authority's code: give --la.")

    detail = f"year={year.label} by={actor}"

    def make(session: Session) -> ssda903.Return | str:
        """The return, or why the account may not make it (refusals commit their audit)."""
        caller = access.cli_caller(session, username=args.user, actor=actor)
        try:
            scope = access.report_scope(session, caller, service_only=True)
        except ServiceError as exc:
            access.record_run(
                session, caller, kind="ssda903", scope=None, detail=detail, outcome="denied"
            )
            return exc.message
        made = ssda903.build(source.load(session), year)
        children = len(made.rows["Header"])
        access.record_run(
            session, caller, kind="ssda903", scope=scope, detail=f"{detail} children={children}"
        )
        return made

    made = database.run_write(make)
    if isinstance(made, str):
        print(f"casebook-server: {made}", file=sys.stderr)
        return EXIT_REFUSED
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
