"""``casebook-server``: run the service and administer it from the command line.

Exit codes: 0 success, 1 a refused request (unknown user, duplicate team...), 2 bad arguments,
3 the database schema is out of date (run ``casebook-server migrate``), 4 the service could not
start serving (e.g. the port is taken).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from server.core.config import Settings
from server.core.security import password_hasher
from server.db import SchemaOutOfDate, check_schema, migrate, open_database
from server.models import ROLES
from server.reports import cli as report_cli
from server.services import accounts, allocation, audit, courses, purge
from server.services.accounts import AdminError, as_datetime
from server.services.returns import cli as returns_cli

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_SCHEMA, EXIT_STARTUP = 0, 1, 2, 3, 4
T = TypeVar("T")


def _actor() -> str:
    """Admin acts are audited under the operating-system account that ran the command."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebook-server", description="Casebook's central service and its admin tools."
    )
    parser.add_argument("--database-url", help=_DATABASE_URL_HELP)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes serving requests on the one port (default 1); with PostgreSQL, one a "
        "core: a process runs Python on one core at a time",
    )
    serve.add_argument(
        "--stop-when-stdin-closes",
        action="store_true",
        help="stop when standard input reaches its end: a program that starts the service with "
        "a pipe there (the desktop demo) takes it down with it however that program ends",
    )

    sub.add_parser("migrate", help="apply database migrations")

    user = sub.add_parser("user", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    create = user.add_parser("create", help="create an account")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=list(ROLES))
    create.add_argument("--team")
    create.add_argument("--display-name", default="")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    rename = user.add_parser(
        "rename", help="set the name laptops show for an account (sign-offs, PDFs)"
    )
    rename.add_argument("username")
    rename.add_argument("display_name", help='the person\'s name, e.g. "Amara Okafor"')
    for name, text in (
        (
            "disable",
            "disable an account; its laptops send their unsent work, then wipe themselves",
        ),
        ("enable", "re-enable an account (its laptops must register again)"),
        (
            "abandon-unsent",
            "revoke a disabled account's laptops now, giving up their unsent work (audited)",
        ),
    ):
        user.add_parser(name, help=text).add_argument("username")
    swe = user.add_parser(
        "set-swe", help="record a worker's Social Work England number (the 903's SW_ID)"
    )
    swe.add_argument("username")
    swe.add_argument("number", nargs="?", help="e.g. SW123456")
    swe.add_argument("--clear", action="store_true", help="remove the number")
    user.add_parser("list", help="list accounts")
    report_cli.add_grant_parsers(user)

    team = sub.add_parser("team", help="manage teams").add_subparsers(dest="action", required=True)
    team.add_parser("create", help="create a team").add_argument("name")
    team.add_parser("list", help="list teams")

    course = sub.add_parser(
        "course", help="the courses the service runs for its foster carers"
    ).add_subparsers(dest="action", required=True)
    add_course = course.add_parser("add", help="add a course (laptops see it at their next look)")
    add_course.add_argument("title")
    add_course.add_argument("--date", required=True, type=_day, help="the day it runs (ISO)")
    add_course.add_argument("--venue", default="")
    add_course.add_argument("--places", type=int, help="how many carers it takes")
    add_course.add_argument("--summary", default="", help="what it covers, in a line or two")
    course.add_parser("cancel", help="cancel a course").add_argument("course_id")
    course.add_parser("list", help="list every course")

    for name in ("allocate", "reallocate"):
        alloc = sub.add_parser(name, help="allocate a child's case or a household to a worker")
        alloc.add_argument("kind", choices=["child", "household"])
        alloc.add_argument("subject_id")
        alloc.add_argument("worker")
        alloc.add_argument(
            "--reason",
            help="the 903's reason for the change of social worker (SW_REASON: MANAGE, "
            "FCONTA, LEFTRL, ORGRST, TSPROC, ABSENC, CHCHAN, PCCHAN, SWDIED, OTHERS); default "
            "FCONTA for a first allocation, OTHERS for a reallocation",
        )

    device = sub.add_parser("device", help="list or revoke laptops").add_subparsers(
        dest="action", required=True
    )
    device.add_parser("list", help="list devices").add_argument("--user")
    device.add_parser("revoke", help="revoke a device (it wipes itself)").add_argument("device_id")

    reset = sub.add_parser(
        "reset-lockout", help="let a device unlock its locked laptop profile once"
    )
    reset.add_argument("device_id")
    reset.add_argument("--hours", type=int, default=72, help="how long the grant is valid")

    query = sub.add_parser("audit", help="query the audit log (newest first)")
    query.add_argument("--actor")
    query.add_argument("--action", help="exact action, or a pattern with * (e.g. 'admin.*')")
    query.add_argument("--record", help="a record id")
    query.add_argument("--outcome", choices=["ok", "denied", "rejected"])
    query.add_argument("--since", help="ISO date or datetime (UTC)")
    query.add_argument("--until", help="ISO date or datetime (UTC)")
    query.add_argument("--limit", type=int, default=100)
    query.add_argument("--json", action="store_true", help="one JSON object per line")

    purge_cmd = sub.add_parser("purge", help="forget tombstones older than the offline limit")
    purge_cmd.add_argument("--max-offline-days", type=int)

    report_cli.add_parsers(sub)
    returns_cli.add_parser(sub)

    demo_cmd = sub.add_parser("demo", help="load a demonstration service into an empty database")
    demo_cmd.add_argument("--children", type=int, default=200)
    demo_cmd.add_argument("--seed", type=int, default=1)
    _database_url_after_commands(parser)
    return parser


_DATABASE_URL_HELP = (
    "SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: SQLite file in the data "
    "dir, or CASEBOOK_SERVER_DATABASE_URL)"
)


def _database_url_after_commands(parser: argparse.ArgumentParser) -> None:
    """Accept ``--database-url`` after any (sub)command too (``serve --database-url URL``), as
    people type it; the option before the command keeps working. Added to every command,
    including ones defined later in ``_parser``, without a default of its own, so it never
    hides one given before the command."""
    for action in parser._actions:  # noqa: SLF001 - argparse has no public walk of subparsers
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for command in action.choices.values():
                if "--database-url" not in command._option_string_actions:  # noqa: SLF001
                    command.add_argument(
                        "--database-url", default=argparse.SUPPRESS, help=_DATABASE_URL_HELP
                    )
                _database_url_after_commands(command)


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if args.database_url:
        settings = settings.model_copy(update={"database_url": args.database_url})
    return settings


def _moment(text: str | None, parser: argparse.ArgumentParser) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        parser.error(f"{text!r} is not an ISO date or datetime")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise AdminError("No terminal to ask for a password: use --password-stdin.")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise AdminError("The two passwords differ.")
    return first


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = _settings(args)
    url = settings.resolved_database_url()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.command == "migrate":
        migrate(url)
        print(f"Database at {_safe(url)} is up to date.")
        return EXIT_OK
    try:
        check_schema(url)
    except SchemaOutOfDate as exc:
        print(f"casebook-server: {exc}", file=sys.stderr)
        return EXIT_SCHEMA
    if args.command == "serve":
        return _serve(settings, args)
    if args.command == "returns":
        return returns_cli.run(url, args, _actor())
    if args.command in ("audit",):
        since, until = _moment(args.since, parser), _moment(args.until, parser)
        return _run(url, lambda s: _audit(s, args, since, until))
    if args.command == "report":
        return _report(url, args)
    try:
        return _run(url, lambda s: _admin(s, args, settings))
    except AdminError as exc:
        print(f"casebook-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED


def _safe(url: str) -> str:
    """A URL fit to print: without any password it contains."""
    return make_url(url).render_as_string(hide_password=True)


def _run(url: str, fn: Callable[[Session], int]) -> int:
    database = open_database(url)
    try:
        return database.run_write(fn)
    finally:
        database.dispose()


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from server.main import create_app

    logging.getLogger(__name__).info(
        "serving %s on %s:%d", _safe(settings.resolved_database_url()), args.host, args.port
    )
    if args.workers != 1:
        return _serve_workers(settings, args)
    app = create_app(settings)
    # Keep idle connections longer than a typical load balancer's 60 s idle timeout, so the
    # balancer (not the server) closes them and never reuses a socket the server just dropped.
    config = uvicorn.Config(
        app, host=args.host, port=args.port, log_level=args.log_level, timeout_keep_alive=75
    )
    server = uvicorn.Server(config)
    if args.stop_when_stdin_closes:
        _stop_when_stdin_closes(server)
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return EXIT_OK if server.started else EXIT_STARTUP


def _serve_workers(settings: Settings, args: argparse.Namespace) -> int:
    """Several processes on one port: uvicorn starts each from ``worker_app``, which reads its
    settings from the environment, so the database named on the command line is put there."""
    import uvicorn

    if not 1 <= args.workers <= 64:
        print("casebook-server: --workers must be 1-64", file=sys.stderr)
        return EXIT_STARTUP
    if args.stop_when_stdin_closes:
        print("casebook-server: --stop-when-stdin-closes needs one worker", file=sys.stderr)
        return EXIT_STARTUP
    os.environ["CASEBOOK_SERVER_DATABASE_URL"] = settings.resolved_database_url()
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(
            "server.cli:worker_app",
            factory=True,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            timeout_keep_alive=75,
            workers=args.workers,
            # uvicorn kills a process that does not answer its supervisor within this; a new
            # process needs longer than the default 5 s to import the service on a busy machine.
            timeout_worker_healthcheck=60,
        )
    return EXIT_OK


def worker_app() -> FastAPI:
    """The application one of ``serve --workers N``'s processes serves."""
    from server.main import create_app

    return create_app(Settings())


def _stop_when_stdin_closes(server: uvicorn.Server, grace: float = 10.0) -> None:
    """Watch standard input from a thread: when the program at the other end of the pipe ends,
    whether it quit, crashed or was killed (SIGKILL, Task Manager), the operating system closes
    its end and the read returns. The server then stops as on Ctrl+C, and if it has not within
    ``grace`` seconds the process ends anyway. Works the same on Windows, which has no parent
    death signal."""

    def watch() -> None:
        stream = getattr(sys.stdin, "buffer", None)
        try:
            while stream is not None and stream.read(4096):
                pass  # nothing is ever sent: only the end matters
        except (OSError, ValueError):
            pass
        logging.getLogger(__name__).info("standard input closed: stopping")
        server.should_exit = True
        time.sleep(grace)
        os._exit(EXIT_OK)

    threading.Thread(target=watch, name="stdin-watchdog", daemon=True).start()


def _admin(session: Session, args: argparse.Namespace, settings: Settings) -> int:
    actor = _actor()
    command, action = args.command, getattr(args, "action", None)
    if command == "user" and action == "create":
        password = _read_password(args)
        user = accounts.create_user(
            session,
            hasher=password_hasher(settings),
            username=args.username,
            password=password,
            role=args.role,
            display_name=args.display_name,
            team_name=args.team,
            actor=actor,
        )
        print(f"Created {user.role} {user.username}.")
    elif command == "user" and action == "rename":
        user = accounts.set_display_name(
            session, username=args.username, display_name=args.display_name, actor=actor
        )
        print(f"{user.username} is now shown as {user.display_name!r}.")
    elif command == "user" and action in ("disable", "enable"):
        revoked = accounts.set_user_disabled(
            session, username=args.username, disabled=action == "disable", actor=actor
        )
        print(
            f"{args.username} {action}d"
            + (
                f"; {revoked} laptop(s) may still send unsent work, then wipe themselves "
                "(`user abandon-unsent` to give that work up)."
                if revoked
                else "."
            )
        )
    elif command == "user" and action == "set-swe":
        if args.clear == (args.number is not None):
            raise accounts.AdminError("Give either a number or --clear.")
        user = accounts.set_swe_number(
            session, username=args.username, number=args.number, actor=actor
        )
        print(f"{user.username}'s Social Work England number: {user.swe_number or 'none'}.")
    elif command == "user" and action in ("grant-reports", "revoke-reports"):
        report_cli.grant_command(session, args, actor)
    elif command == "user" and action == "abandon-unsent":
        revoked = accounts.abandon_unsent(session, username=args.username, actor=actor)
        print(f"{args.username}: {revoked} laptop(s) revoked; their unsent work is abandoned.")
    elif command == "user":
        for user, team in accounts.list_users(session):
            state = "disabled" if user.disabled else "active"
            print(
                f"{user.username:<20} {user.role:<8} {team.name if team else '-':<22} {state:<9}"
                f" {user.display_name}"
            )
    elif command == "team" and action == "create":
        team = accounts.create_team(session, name=args.name, actor=actor)
        print(f"Created team {team.name}.")
    elif command == "team":
        for team in accounts.list_teams(session):
            print(team.name)
    elif command == "course" and action == "add":
        added = courses.add_course(
            session,
            title=args.title,
            starts_on=args.date,
            venue=args.venue,
            places=args.places,
            summary=args.summary,
            actor=actor,
        )
        print(f"Added course {added.course_id}: {added.title} on {added.starts_on:%d %b %Y}.")
    elif command == "course" and action == "cancel":
        cancelled = courses.cancel_course(session, course_id=_uuid(args.course_id), actor=actor)
        print(f"Cancelled {cancelled.title} on {cancelled.starts_on:%d %b %Y}.")
    elif command == "course":
        for listed in courses.all_courses(session):
            state = " (cancelled)" if listed.cancelled else ""
            places = f", {listed.places} places" if listed.places else ""
            print(
                f"{listed.course_id}  {listed.starts_on.isoformat()}  {listed.title}{places}{state}"
            )
    elif command in ("allocate", "reallocate"):
        subject_id = _uuid(args.subject_id)
        result = allocation.allocate(
            session,
            kind=args.kind,
            subject_id=subject_id,
            worker_username=args.worker,
            actor=actor,
            reason=args.reason,
        )
        print(
            f"{args.kind} {subject_id} allocated to {result.worker}"
            + (f" (was {result.previous})" if result.previous else "")
            + f"; reason {result.reason}."
        )
        if not result.record_found:
            print(f"Note: the server has no {args.kind} record with this id yet.")
    elif command == "device" and action == "list":
        for device, user in accounts.list_devices(session, username=args.user):
            state = f"revoked {as_datetime(device.revoked_at)}" if device.revoked_at else "active"
            print(
                f"{device.id}  {user.username:<20} {device.name[:30]:<30} "
                f"last seen {as_datetime(device.last_seen_at)}  {state}"
            )
    elif command == "device":
        device = accounts.revoke_device(
            session, device_id=accounts.parse_device_id(args.device_id), actor=actor
        )
        print(f"Device {device.id} revoked: it will be told to wipe itself when it next connects.")
    elif command == "reset-lockout":
        grant = accounts.create_reset_grant(
            session,
            device_id=accounts.parse_device_id(args.device_id),
            actor=actor,
            valid_hours=args.hours,
        )
        print(
            f"Reset grant {grant.id} created; the laptop can use it until "
            f"{as_datetime(grant.expires_at)} (once)."
        )
    elif command == "purge":
        days = (
            args.max_offline_days
            if args.max_offline_days is not None
            else (settings.max_offline_days)
        )
        if days < 0:
            raise AdminError("--max-offline-days cannot be negative.")
        purged = purge.purge(session, max_offline_days=days)
        print(
            f"Purged {purged.tombstones} tombstones, {purged.receipts} change results and "
            f"{purged.scope_events} scope events; laptops behind revision "
            f"{purged.purged_through} must re-sync fully."
        )
    elif command == "demo":
        if args.children < 1:
            raise AdminError("--children must be at least 1.")
        # Only this command needs the demo package (top-level ``demo``, not part of the service).
        from demo.service.build import build_demo

        loaded = build_demo(
            session, hasher=password_hasher(settings), children=args.children, seed=args.seed
        )
        print(
            f"Demo service loaded: {loaded.children} children, {loaded.households} carer "
            f"households, {loaded.records} records."
        )
        print("Demo accounts (these passwords are shown only now):")
        for username, password in loaded.passwords.items():
            print(f"  {username:<12} {password}")
    else:  # argparse guarantees one of the above
        raise AdminError(f"Unknown command {command!r}.")
    return EXIT_OK


def _report(url: str, args: argparse.Namespace) -> int:
    try:
        outcome = _run_value(url, lambda s: report_cli.run(s, args, _actor()))
    except AdminError as exc:
        print(f"casebook-server: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    if outcome.refused:
        print(f"casebook-server: {outcome.refused}", file=sys.stderr)
        return EXIT_REFUSED
    for path in outcome.written:
        print(f"Wrote {path}")
    return EXIT_OK


def _run_value(url: str, fn: Callable[[Session], T]) -> T:
    database = open_database(url)
    try:
        return database.run_write(fn)
    finally:
        database.dispose()


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-01-20") from exc


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise AdminError(f"{text!r} is not a record id (a UUID).") from None


def _audit(
    session: Session, args: argparse.Namespace, since: datetime | None, until: datetime | None
) -> int:
    events = audit.query_events(
        session,
        actor=args.actor,
        action=args.action,
        record_id=args.record,
        since=since,
        until=until,
        outcome=args.outcome,
        limit=args.limit,
    )
    for event in events:
        if args.json:
            print(
                json.dumps(
                    {
                        "at": event.at.isoformat(),
                        "actor": event.actor,
                        "device_id": str(event.device_id) if event.device_id else None,
                        "action": event.action,
                        "outcome": event.outcome,
                        "record_type": event.record_type,
                        "record_ids": event.record_ids,
                        "detail": event.detail,
                        "address": event.address,
                    }
                )
            )
        else:
            ids = ",".join(event.record_ids[:3]) + ("…" if len(event.record_ids) > 3 else "")
            print(
                f"{event.at.isoformat(timespec='seconds')} {event.actor:<16} {event.action:<22} "
                f"{event.outcome:<8} {len(event.record_ids):>4} {ids} {event.detail}"
            )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
