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
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from server.core.errors import ServiceError
from server.db import open_database
from server.reports import access
from server.services.accounts import AdminError
from server.services.returns import ofsted, source, ssda903, ssda903_check

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

    annex = returns.add_parser(
        "annex-a", help="Ofsted's Annex A list 8 (children in care) or 10 (adoption) as CSV"
    )
    annex.add_argument("--user", required=True, help="the account the list is made for")
    annex.add_argument("--list", required=True, type=int, choices=[8, 10], dest="number")
    annex.add_argument("--date", type=_day, help="reference date (YYYY-MM-DD; default today)")
    annex.add_argument("--months", type=int, default=12, help="months before it to cover")
    annex.add_argument("--out", required=True, type=Path, help="folder to write the file into")
    fostering = returns.add_parser(
        "ofsted-fostering", help="the fostering data collection's figures for a year, as CSV"
    )
    fostering.add_argument("--user", required=True, help="the account the figures are for")
    fostering.add_argument(
        "--year", required=True, help="collection year: the year it ends (2026) or 2025/26"
    )
    fostering.add_argument("--out", required=True, type=Path, help="folder to write into")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def run(url: str, args: argparse.Namespace, actor: str) -> int:
    database = open_database(url)
    try:
        if args.action == "annex-a":
            return _annex_a(database, args, actor)
        if args.action == "ofsted-fostering":
            return _fostering(database, args, actor)
        return _ssda903(database, args, actor)
    except (ssda903.ReturnError, AdminError) as exc:
        print(f"casebook-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        database.dispose()


def _authorised(
    session: Session, args: argparse.Namespace, actor: str, kind: str, detail: str
) -> Callable[[str], None] | str:
    """Check the account may run ``kind``: a function that audits the run once made, or why
    not (the refusal audited already; it commits with the transaction)."""
    caller = access.cli_caller(session, username=args.user, actor=actor)
    try:
        scope = access.report_scope(session, caller, service_only=True)
    except ServiceError as exc:
        access.record_run(session, caller, kind=kind, scope=None, detail=detail, outcome="denied")
        return exc.message

    def done(more: str) -> None:
        access.record_run(session, caller, kind=kind, scope=scope, detail=f"{detail} {more}")

    return done


def _annex_a(database: Any, args: argparse.Namespace, actor: str) -> int:
    if not 1 <= args.months <= 60:
        raise ssda903.ReturnError("--months must be between 1 and 60.")
    period = ofsted.Period(args.date or date.today(), args.months)
    detail = f"list={args.number} date={period.reference} months={period.months} by={actor}"

    def make(session: Session) -> list[dict[str, str]] | str:
        done = _authorised(session, args, actor, "annex-a", detail)
        if isinstance(done, str):
            return done
        records = source.load(session)
        rows = (ofsted.list_8 if args.number == 8 else ofsted.list_10)(records, period)
        done(f"children={len(rows)}")
        return rows

    rows = database.run_write(make)
    if isinstance(rows, str):
        print(f"casebook-server: {rows}", file=sys.stderr)
        return EXIT_REFUSED
    columns = ofsted.LIST_8 if args.number == 8 else ofsted.LIST_10
    name = f"annex-a-list-{args.number}-{period.reference.isoformat()}.csv"
    path = ofsted.write_csv(args.out, name, columns, rows)
    print(
        f"Annex A list {args.number} ({period.start} to {period.reference}): {len(rows)} children"
    )
    print(f"  {path}")
    for column, why in ofsted.NOT_RECORDED.items():
        if column in columns:
            print(f"  left empty: {column} ({why})")
    return EXIT_OK


def _fostering(database: Any, args: argparse.Namespace, actor: str) -> int:
    year = ssda903.CollectionYear.parse(args.year)
    detail = f"year={year.label} by={actor}"

    def make(session: Session) -> list[dict[str, str]] | str:
        done = _authorised(session, args, actor, "ofsted-fostering", detail)
        if isinstance(done, str):
            return done
        rows = ofsted.fostering(source.load(session), year)
        done("")
        return rows

    rows = database.run_write(make)
    if isinstance(rows, str):
        print(f"casebook-server: {rows}", file=sys.stderr)
        return EXIT_REFUSED
    name = f"ofsted-fostering-{year.closing - 1}-{year.closing % 100:02d}.csv"
    path = ofsted.write_csv(args.out, name, ofsted.FOSTERING_COLUMNS, rows)
    print(f"Ofsted fostering figures {year.label}: {path}")
    for row in rows:
        print(f"  {row['label']:<66} {row['total']:>6}")
    return EXIT_OK


def _ssda903(database: Any, args: argparse.Namespace, actor: str) -> int:
    year = ssda903.CollectionYear.parse(args.year)
    if args.check and not args.la:
        raise ssda903.ReturnError("--check needs the local authority's code: give --la.")

    detail = f"year={year.label} by={actor}"

    def make(session: Session) -> ssda903.Return | str:
        """The return, or why the account may not make it (refusals commit their audit)."""
        done = _authorised(session, args, actor, "ssda903", detail)
        if isinstance(done, str):
            return done
        made = ssda903.build(source.load(session), year)
        done(f"children={len(made.rows['Header'])}")
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
