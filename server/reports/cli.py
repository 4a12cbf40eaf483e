"""``casebook-server report ...`` and ``casebook-server user grant-reports|revoke-reports``.

A command-line run acts for a named account (``--user``), with that account's authority
(``server.reports.access``): the operator at the console has the database anyway, but the
figures are still only run for someone entitled to them, and the audit entry names both that
account and the operating-system account that ran the command.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from server.core.errors import ServiceError
from server.reports import access, csv_out, files, pdf_out
from server.reports.figures import compute
from server.reports.period import Period
from server.services.accounts import AdminError


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="the service's figures as CSV and a one-page PDF")
    kinds = report.add_subparsers(dest="report_kind", required=True)
    figures = kinds.add_parser(
        "figures", help="timeliness, permanence, stability and placements for a period"
    )
    figures.add_argument("--user", required=True, help="the account the report is run for")
    figures.add_argument("--from", dest="start", type=_date, help="first day (YYYY-MM-DD)")
    figures.add_argument(
        "--to", dest="end", type=_date, help="last day (YYYY-MM-DD; default today)"
    )
    figures.add_argument("--team", help="one team (default: the account's whole scope)")
    figures.add_argument("--out", required=True, type=Path, help="folder to write the files to")


def add_grant_parsers(user: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user.add_parser(
        "grant-reports", help="let an admin run the service's reports and returns"
    ).add_argument("username")
    user.add_parser("revoke-reports", help="withdraw an admin's reports grant").add_argument(
        "username"
    )


def grant_command(session: Session, args: argparse.Namespace, actor: str) -> None:
    if args.action == "grant-reports":
        access.grant(session, username=args.username, actor=actor)
        print(f"{args.username} may now run the service's reports and returns.")  # noqa: T201
    else:
        access.revoke(session, username=args.username, actor=actor)
        print(f"{args.username} may no longer run reports and returns.")  # noqa: T201


@dataclass(frozen=True)
class Outcome:
    written: list[Path]
    #: Why the account may not run this report (the refusal is audited and committed).
    refused: str | None = None


def run(session: Session, args: argparse.Namespace, actor: str) -> Outcome:
    """Work out the figures and write them. A bad request raises ``AdminError``; a refusal
    is returned, not raised, so that its audit entry commits with the transaction."""
    caller = access.cli_caller(session, username=args.user, actor=actor)
    try:
        period = (
            Period(args.start, args.end or date.today())
            if args.start
            else Period.year_to(args.end or date.today())
        )
    except ValueError as exc:
        raise AdminError(f"{str(exc).capitalize()}.") from None
    detail = f"from={period.start} to={period.end} by={actor}"
    try:
        scope = access.report_scope(session, caller, team=args.team)
    except ServiceError as exc:
        access.record_run(
            session, caller, kind="figures", scope=None, detail=detail, outcome="denied"
        )
        return Outcome([], exc.message)
    figures = compute(session, scope, period)
    stem = f"figures-{_slug(scope.team_name or 'service')}-{period.start}-{period.end}"
    # Everything is made before anything is written, so a failure leaves no partial set.
    made = {f"{stem}-{suffix}.csv": data for suffix, data in csv_out.tables(figures).items()}
    made[f"{stem}.pdf"] = pdf_out.render(figures)
    written = [files.write_private(args.out, name, data) for name, data in made.items()]
    access.record_run(session, caller, kind="figures", scope=scope, detail=detail)
    return Outcome(written)


def _slug(text: str) -> str:
    kept = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(part for part in kept.split("-") if part) or "team"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
