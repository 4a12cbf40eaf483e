"""The fostering panel at the service: its dates, the households on each agenda, the panel's
recommendation and the agency decision maker's decision.

Why the service owns it: a panel sits for the whole service, and its administrator sets its
dates and agenda for households held by many workers; no laptop could own that. What the panel
decides about a household's approval belongs on the household's own record too, so the
assessing worker's laptop, the deadline engine and the carer register all read it there:
booking a household for its approval sets ``panel_booked_date``, the recommendation sets the
household's panel day and recommendation, and the decision its decision (and, for approval, its
terms and status), each as a new version of the record written here (``WriteBatch``), with the
same checks the laptop makes (``app.carer_pipeline.recommendation_changes`` and
``decision_changes``), and pulled by the worker's laptop like any other change. Other kinds of
item keep their outcome on the item, except that new terms the decision maker agrees (a
change of terms) are written onto the household's record as its terms of approval.

Who may do what: the service's managers act as the panel administrator and, for the decision,
record the agency decision maker's decision (the name of the decision maker is recorded with
it); workers read the panel dates and the items of households they hold; admins and
performance officers are refused. A single ``manager`` role cannot tell the panel
administrator from the decision maker: the service's own separation of those duties is not
enforced here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import codes
from app.carer_pipeline import (
    ApprovalTerms,
    decision_changes,
    deregistration_changes,
    recommendation_changes,
    terms_changes,
)
from app.carer_stages import PANEL_BOOKED, STAGES
from app.errors import ValidationError
from server.core.caller import Caller
from server.core.errors import ServiceError
from server.models import Record, UserAccount, utcnow
from server.models.panels import PanelItem, PanelMeeting
from server.services import scope
from server.services.records import RecordState, WriteBatch, lock_records
from sync.protocol.panels import (
    BookableHousehold,
    NewPanelItem,
    NewPanelMeeting,
    PanelDecision,
    PanelItemView,
    PanelList,
    PanelMeetingView,
    PanelRecommendation,
)

READERS = frozenset({"worker", "manager"})
APPROVAL = "APPROVAL"
CHANGE_OF_TERMS = "CHANGE_OF_TERMS"
DEREGISTRATION = "DEREGISTRATION"
#: Sittings listed from this long ago (an older one is history, not the agenda).
LISTED_FROM_DAYS = 120
#: Household statuses still on their way to a decision (``app.carer_pipeline.OPEN``).
_OPEN = ("ENQUIRY", "APPLICANT", "TEMPORARY")
_DATE_FIELDS = (*(s.column for s in STAGES), PANEL_BOOKED, "approval_date")


def panels(session: Session, *, caller: Caller, today: date | None = None) -> PanelList:
    """Every sitting from ``LISTED_FROM_DAYS`` ago, soonest first, with the items the caller
    may see."""
    _check_reader(caller)
    now = utcnow()
    since = (today or now.date()) - timedelta(days=LISTED_FROM_DAYS)
    meetings = session.scalars(
        select(PanelMeeting).where(PanelMeeting.sits_on >= since).order_by(PanelMeeting.sits_on)
    ).all()
    return PanelList(
        as_of=now,
        meetings=_views(session, caller, meetings),
        bookable=_bookable(session) if caller.is_manager else [],
    )


def add_meeting(session: Session, *, caller: Caller, body: NewPanelMeeting) -> PanelMeetingView:
    _check_manager(caller)
    meeting = session.get(PanelMeeting, body.meeting_id)
    if meeting is None:
        meeting = PanelMeeting(
            id=body.meeting_id,
            sits_on=body.sits_on,
            details=body.details.strip(),
            created_by=caller.username,
        )
        session.add(meeting)
        session.flush()
    return _views(session, caller, [meeting])[0]


def add_item(
    session: Session, *, caller: Caller, meeting_id: uuid.UUID, body: NewPanelItem
) -> PanelMeetingView:
    """Put a household on a sitting's agenda. Booking one for its approval also sets the day on
    its record (``panel_booked_date``), so its worker's laptop shows when it goes to panel."""
    _check_manager(caller)
    meeting = _meeting(session, meeting_id)
    if not codes.is_valid("panel_item_kind", body.kind):
        raise ServiceError(422, "unknown_kind", "Choose why the household is going.", field="kind")
    if session.get(PanelItem, body.item_id) is not None:
        return _views(session, caller, [meeting])[0]
    record = _household(session, body.household_id)
    status = str(record.fields.get("approval_status") or "")
    if body.kind == APPROVAL and status not in _OPEN:
        raise ServiceError(
            422,
            "not_being_assessed",
            "This household is not being assessed for approval, so it cannot go to panel for it.",
            field="kind",
        )
    if body.kind != APPROVAL and status != "APPROVED":
        raise ServiceError(
            422,
            "not_approved",
            "Only an approved household goes to panel for a review, new terms or deregistration.",
            field="kind",
        )
    taken = session.scalar(
        select(PanelItem.id).where(
            PanelItem.meeting_id == meeting.id,
            PanelItem.household_id == body.household_id,
            PanelItem.kind == body.kind,
        )
    )
    if taken is not None:
        raise ServiceError(
            409, "already_on_agenda", "This household is already on that panel for that."
        )
    session.add(
        PanelItem(
            id=body.item_id,
            meeting_id=meeting.id,
            household_id=body.household_id,
            kind=body.kind,
            added_by=caller.username,
            recommendation_notes="",
        )
    )
    if body.kind == APPROVAL:
        _write(session, record, {PANEL_BOOKED: meeting.sits_on.isoformat()}, caller)
    session.flush()
    return _views(session, caller, [meeting])[0]


def recommend(
    session: Session, *, caller: Caller, item_id: uuid.UUID, body: PanelRecommendation
) -> PanelMeetingView:
    """The panel's recommendation, recorded once the panel has sat."""
    _check_manager(caller)
    item, meeting = _item(session, item_id)
    if meeting.sits_on > utcnow().date():
        raise ServiceError(
            422,
            "panel_not_sat",
            "The panel has not sat yet: record its recommendation after the meeting.",
            field="recommendation",
        )
    if item.decision is not None:
        raise ServiceError(
            409, "already_decided", "The decision has been made; the recommendation stands."
        )
    if item.kind == APPROVAL:
        record = _household(session, item.household_id)
        changes = _checked(
            lambda: recommendation_changes(
                _values(record.fields), meeting.sits_on, body.recommendation
            )
        )
        _write(session, record, _wire(changes), caller)
    elif not codes.is_valid("panel_recommendation", body.recommendation):
        raise ServiceError(
            422,
            "unknown_recommendation",
            "Choose the panel's recommendation.",
            field="recommendation",
        )
    item.recommendation = body.recommendation
    item.recommendation_notes = body.notes.strip()
    item.recommended_by = caller.username
    session.flush()
    return _views(session, caller, [meeting])[0]


def decide(
    session: Session, *, caller: Caller, item_id: uuid.UUID, body: PanelDecision
) -> PanelMeetingView:
    """The agency decision maker's decision on an item the panel has recommended on."""
    _check_manager(caller)
    item, meeting = _item(session, item_id)
    if item.recommendation is None:
        raise ServiceError(
            422,
            "no_recommendation",
            "Record the panel's recommendation before the decision.",
            field="decision",
        )
    if item.decision is not None:
        raise ServiceError(409, "already_decided", "The decision on this item is recorded.")
    if body.decided_on > utcnow().date():
        raise ServiceError(
            422,
            "decided_in_future",
            "The decision cannot be dated after today.",
            field="decided_on",
        )
    if body.decided_on < meeting.sits_on:
        raise ServiceError(
            422,
            "decided_before_panel",
            "The decision cannot be made before the panel sat.",
            field="decided_on",
        )
    if item.kind == APPROVAL:
        record = _household(session, item.household_id)
        terms = ApprovalTerms(
            body.approval_type,
            body.max_children,
            body.age_range_min,
            body.age_range_max,
            body.terms,
        )
        changes = _checked(
            lambda: decision_changes(_values(record.fields), body.decided_on, body.decision, terms)
        )
        _write(session, record, _wire(changes), caller)
    elif not codes.is_valid("agency_decision", body.decision):
        raise ServiceError(422, "unknown_decision", "Choose the decision.", field="decision")
    elif item.kind == CHANGE_OF_TERMS and body.decision == "APPROVE":
        # The new terms agreed: the household's record carries them (and the register).
        record = _household(session, item.household_id)
        if record.fields.get("approval_status") != "APPROVED":
            raise ServiceError(
                422, "not_approved", "This household is no longer approved.", field="decision"
            )
        terms = ApprovalTerms(
            body.approval_type,
            body.max_children,
            body.age_range_min,
            body.age_range_max,
            body.terms,
        )
        _write(session, record, _checked(lambda: terms_changes(terms)), caller)
    elif item.kind == DEREGISTRATION and body.decision == "APPROVE":
        # The approval ends on the day decided, for Ofsted's reason: the household's record
        # carries it (so it leaves the register and the fostering return counts it).
        record = _household(session, item.household_id)
        reason = body.deregistration_reason or ""
        changes = _checked(
            lambda: deregistration_changes(_values(record.fields), body.decided_on, reason)
        )
        _write(session, record, _wire(changes), caller)
    item.decision = body.decision
    item.decided_on = body.decided_on
    item.decided_by = body.decided_by.strip() or caller.username
    session.flush()
    return _views(session, caller, [meeting])[0]


# ---- Private API


def _bookable(session: Session) -> list[BookableHousehold]:
    """Every household that could go to panel, by name: the panel administrator books for the
    whole service, not only the households their own laptop holds."""
    rows = session.execute(
        select(Record.record_id, Record.fields).where(
            Record.deleted.is_(False),
            Record.record_type == "carer_household",
            Record.fields["approval_status"].as_string().in_([*_OPEN, "APPROVED"]),
        )
    ).all()
    logins = {str(f.get("supervising_worker") or "") for _id, f in rows}
    names: dict[str, str] = {
        username: display_name
        for username, display_name in session.execute(
            select(UserAccount.username, UserAccount.display_name).where(
                UserAccount.username.in_(sorted(logins))
            )
        )
    }
    found = [
        BookableHousehold(
            household_id=record_id,
            name=str(fields.get("name") or ""),
            approval_status=str(fields.get("approval_status") or ""),
            supervising_worker_name=names.get(str(fields.get("supervising_worker") or ""))
            or str(fields.get("supervising_worker") or ""),
        )
        for record_id, fields in rows
    ]
    return sorted(found, key=lambda h: (h.name.casefold(), str(h.household_id)))


def _check_reader(caller: Caller) -> None:
    if caller.role not in READERS:
        raise ServiceError(
            403, "panel_refused", "The fostering panel is for the service's social workers."
        )


def _check_manager(caller: Caller) -> None:
    if caller.role != "manager":
        raise ServiceError(
            403,
            "panel_refused",
            "Only a manager (the panel administrator) can change the fostering panel.",
        )


def _meeting(session: Session, meeting_id: uuid.UUID) -> PanelMeeting:
    meeting = session.get(PanelMeeting, meeting_id)
    if meeting is None:
        raise ServiceError(404, "no_such_panel", "There is no such panel date.")
    return meeting


def _item(session: Session, item_id: uuid.UUID) -> tuple[PanelItem, PanelMeeting]:
    item = session.get(PanelItem, item_id, with_for_update=True)
    if item is None:
        raise ServiceError(404, "no_such_item", "That household is not on a panel's agenda.")
    return item, _meeting(session, item.meeting_id)


def _household(session: Session, household_id: uuid.UUID) -> RecordState:
    record = lock_records(session, [household_id]).get(household_id)
    if record is None or record.deleted or record.record_type != "carer_household":
        raise ServiceError(
            404,
            "no_such_household",
            "The service holds no such carer household.",
            field="household_id",
        )
    return record


def _values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The record's JSON fields with its dates as dates, as the shared checks read them."""
    out = dict(fields)
    for name in _DATE_FIELDS:
        raw = out.get(name)
        out[name] = date.fromisoformat(str(raw)) if raw else None
    return out


def _wire(changes: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items()}


def _checked(check: Any) -> dict[str, Any]:
    """The shared check's changes, or its first problem as a 422 naming the field."""
    try:
        result: dict[str, Any] = check()
    except ValidationError as exc:
        problem = exc.problems[0]
        raise ServiceError(422, "refused", problem.message, field=problem.field) from None
    return result


def _write(session: Session, record: RecordState, changes: dict[str, Any], caller: Caller) -> None:
    """A new version of the household's record, stamped as the caller's (device None, so every
    laptop holding it pulls it, the caller's own included)."""
    batch = WriteBatch(session)
    batch.write(record=record, changes=changes, author=caller.username, device_id=None)
    batch.finish()


def _views(
    session: Session, caller: Caller, meetings: Iterable[PanelMeeting]
) -> list[PanelMeetingView]:
    meetings = list(meetings)
    items = session.scalars(
        select(PanelItem)
        .where(PanelItem.meeting_id.in_([m.id for m in meetings]))
        .order_by(PanelItem.added_at, PanelItem.id)
    ).all()
    households = {i.household_id for i in items}
    if not caller.is_manager:
        households = scope.subjects_in_scope(
            session, caller=caller, subject_type="carer_household", subject_ids=households
        )
    fields: dict[uuid.UUID, Mapping[str, Any]] = {}
    if households:
        fields = {
            record_id: found
            for record_id, found in session.execute(
                select(Record.record_id, Record.fields).where(
                    Record.record_id.in_(households), Record.deleted.is_(False)
                )
            )
        }
    logins = {str(f.get("supervising_worker") or "") for f in fields.values()}
    names: dict[str, str] = {
        username: display_name
        for username, display_name in session.execute(
            select(UserAccount.username, UserAccount.display_name).where(
                UserAccount.username.in_(sorted(logins))
            )
        )
    }
    shown: dict[uuid.UUID, list[PanelItemView]] = {m.id: [] for m in meetings}
    for item in items:
        found = fields.get(item.household_id)
        if found is None:
            continue
        login = str(found.get("supervising_worker") or "")
        shown[item.meeting_id].append(
            PanelItemView(
                item_id=item.id,
                household_id=item.household_id,
                household_name=str(found.get("name") or ""),
                kind=item.kind,
                supervising_worker=login,
                supervising_worker_name=names.get(login) or login,
                recommendation=item.recommendation,
                recommendation_notes=item.recommendation_notes,
                recommended_by=item.recommended_by,
                decision=item.decision,
                decided_on=item.decided_on,
                decided_by=item.decided_by,
            )
        )
    return [
        PanelMeetingView(meeting_id=m.id, sits_on=m.sits_on, details=m.details, items=shown[m.id])
        for m in meetings
    ]
