"""A prospective fostering household from its first enquiry to the agency decision maker's
decision: recording each stage, the panel's recommendation, the decision with the terms of
approval, or a withdrawal with Ofsted's reason; and the stages as the household page shows them.

Qt-free, and every save is one ``Store.write()`` transaction (validated by ``app.validation``,
audited, queued for sync), like ``app.services.training``. When each stage is due is never
stored: the rule table (``deadlines.toml``, rules FA1 to FA5) works it out from the stages
recorded, and approval starts the approved household's own rules (F1 to F4).

Stages are recorded in order (``app.carer_stages.STAGES``); a stage already recorded may be
corrected, as long as the dates stay in order, until the decision is made or the household
withdraws. Problems come back as ``ValidationError`` naming the household's field at fault.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app import codes
from app.carer_stages import BY_COLUMN, STAGES, Stage
from app.deadlines.engine import DueItem
from app.errors import FieldProblem, ValidationError
from app.models import CarerHousehold
from app.store import Store

ENQUIRY = "ENQUIRY"
APPLICANT = "APPLICANT"
APPROVED = "APPROVED"
NOT_APPROVED = "NOT_APPROVED"
WITHDRAWN = "WITHDRAWN"
TEMPORARY = "TEMPORARY"
ENDED = "ENDED"
#: Approval statuses of a household approved and still registered (on the register when
#: APPROVED; on hold or suspended it stays approved, so it can still be deregistered).
REGISTERED = (APPROVED, "ON_HOLD", "SUSPENDED")
CONNECTED = "CONNECTED_PERSON"
#: Approval statuses in which a household is still on its way to a decision.
OPEN = (ENQUIRY, APPLICANT, TEMPORARY)
#: A connected person's viability assessment counts as the application (DOMAIN.md §3): their
#: way starts there, with no enquiry or initial visit.
_CONNECTED_SKIPS = ("enquiry_date", "initial_visit_date")
DECISION = "decision_date"
PANEL = "panel_date"
APPLICATION = "application_date"
#: Kinds of carer the fostering assessment is for.
FOSTERING_TYPES = ("MAINSTREAM_FOSTER", "CONNECTED_PERSON", "FOSTERING_FOR_ADOPTION")
#: The assessment report each kind of applicant is assessed with (resources/forms): Form C for
#: a connected person, Form F for everyone else (DOMAIN.md section 3).
FORM_F = "fostering_form_f"
FORM_C = "connected_person_form_c"
ASSESSMENT_FORMS = (FORM_F, FORM_C)


def assessment_form_for(carer_type: str) -> str:
    """The template id of the assessment report a household of ``carer_type`` is assessed with."""
    return FORM_C if carer_type == CONNECTED else FORM_F


class PipelineNotFound(LookupError):
    """The household is not on this laptop."""


@dataclass(frozen=True)
class ApprovalTerms:
    """The terms the agency decision maker approves the household on."""

    approval_type: str | None
    max_children: int | None
    age_range_min: int | None
    age_range_max: int | None
    terms: str = ""


@dataclass(frozen=True)
class StageView:
    stage: Stage
    on: date | None
    #: The rule table's item for the stage (when it is or was due), if a rule covers it.
    due: DueItem | None

    @property
    def label(self) -> str:
        return self.stage.label

    @property
    def column(self) -> str:
        return self.stage.column


@dataclass(frozen=True)
class Pipeline:
    status_code: str
    connected: bool
    stages: tuple[StageView, ...]
    panel_recommendation: str | None
    decision: str | None
    approval_type: str | None
    withdrawn_date: date | None
    withdrawal_reason: str | None
    #: Who agreed an extension of temporary approval, and when (empty, None: no extension).
    extension_decided_by: str = ""
    extension_decided_on: date | None = None
    extension_panel_view: str = ""
    #: The fostering panel the household is booked for by the service's panel administrator.
    panel_booked: date | None = None
    deregistered_date: date | None = None
    deregistration_reason: str | None = None

    def not_needed(self, stage: StageView) -> bool:
        """A stage a connected person does not go through (their viability assessment is
        their application)."""
        return self.connected and stage.column in _CONNECTED_SKIPS

    @property
    def extension_words(self) -> str:
        """Who approved an extension of temporary approval and on what, in words."""
        if not self.extension_decided_by or self.extension_decided_on is None:
            return ""
        return (
            f"Extension approved by {self.extension_decided_by} on "
            f"{self.extension_decided_on:%d %b %Y}. Panel's views: {self.extension_panel_view}"
        )

    @property
    def open(self) -> bool:
        """Whether stages may still be recorded (no decision yet, not withdrawn)."""
        return self.status_code in OPEN

    @property
    def next_stage(self) -> StageView | None:
        """The first stage not yet reached, while the household is on its way."""
        if not self.open:
            return None
        return next(
            (s for s in self.stages if s.on is None and not self.not_needed(s)),
            None,
        )

    @property
    def outcome_words(self) -> str:
        """Where the household's way has ended, in words ("" while it is still open)."""
        if self.status_code == WITHDRAWN and self.withdrawn_date is not None:
            reason = codes.label("fostering_withdrawal_reason", self.withdrawal_reason or "")
            return f"Withdrew on {self.withdrawn_date:%d %b %Y}: {reason}"
        if self.status_code == ENDED and self.deregistered_date is not None:
            return deregistration_words(self.deregistered_date, self.deregistration_reason)
        decided = next((s.on for s in self.stages if s.column == DECISION), None)
        if self.decision and decided is not None:
            words = codes.label("agency_decision", self.decision)
            return f"{words} on {decided:%d %b %Y}"
        return ""


# ---- Reading


def pipeline_of(household: CarerHousehold, due: tuple[DueItem, ...]) -> Pipeline | None:
    """The household's stages with their due items; None for a household recorded without
    them (approved before Casebook, or not a fostering household)."""
    if household.enquiry_date is None and household.application_date is None:
        return None
    by_obligation = {i.obligation: i for i in due}
    return Pipeline(
        status_code=household.approval_status,
        connected=household.carer_type == CONNECTED,
        stages=tuple(
            StageView(
                s,
                getattr(household, s.column),
                by_obligation.get(s.obligation) if s.obligation else None,
            )
            for s in STAGES
        ),
        panel_recommendation=household.panel_recommendation,
        decision=household.decision,
        approval_type=household.approval_type,
        withdrawn_date=household.withdrawn_date,
        withdrawal_reason=household.withdrawal_reason,
        extension_decided_by=household.extension_decided_by or "",
        extension_decided_on=household.extension_decided_on,
        extension_panel_view=household.extension_panel_view or "",
        panel_booked=household.panel_booked_date,
        deregistered_date=household.deregistered_date,
        deregistration_reason=household.deregistration_reason,
    )


def deregistration_words(on: date, reason: str | None) -> str:
    words = codes.label("fostering_deregistration_reason", reason or "")
    return f"Approval ended on {on:%d %b %Y}: {words}"


def recommendations() -> dict[str, str]:
    return _labels("panel_recommendation")


def decisions() -> dict[str, str]:
    return _labels("agency_decision")


def approval_types() -> dict[str, str]:
    return _labels("fostering_approval_type")


def withdrawal_reasons() -> dict[str, str]:
    return _labels("fostering_withdrawal_reason")


def deregistration_reasons() -> dict[str, str]:
    return _labels("fostering_deregistration_reason")


def deregistration_decisions() -> dict[str, str]:
    """The agency decision maker's decisions on a deregistration, in its own words."""
    return _labels("deregistration_decision")


# ---- Writing


def start_enquiry(
    store: Store,
    *,
    name: str,
    carer_type: str,
    supervising_worker: str,
    enquiry_date: date,
    address: str = "",
    household_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """A new prospective household from its first enquiry. The id may be made by the caller,
    so saving the same form twice makes one household, not two."""
    with store.write() as session:
        if household_id is not None:
            found = session.get(CarerHousehold, household_id)
            if found is not None:
                return found.id
        household = CarerHousehold(
            name=name.strip(),
            carer_type=carer_type,
            approval_status=ENQUIRY,
            approval_terms="",
            address=address,
            supervising_worker=supervising_worker,
            enquiry_date=enquiry_date,
        )
        if household_id is not None:
            household.id = household_id
        session.add(household)
        session.flush()
        return household.id


def start_connected(
    store: Store,
    *,
    name: str,
    supervising_worker: str,
    viability_date: date,
    temporary_approval_date: date,
    address: str = "",
    household_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """A connected person temporarily approved under CPPCR reg 24 from a viability assessment
    (which counts as their application): the 16 weeks (T1) run from the approval, the children
    placed with them are visited weekly (V7), and their full assessment (Form C) goes on from
    stage 1 to panel and decision like any other."""
    with store.write() as session:
        if household_id is not None:
            found = session.get(CarerHousehold, household_id)
            if found is not None:
                return found.id
        household = CarerHousehold(
            name=name.strip(),
            carer_type=CONNECTED,
            approval_status=TEMPORARY,
            approval_terms="",
            address=address,
            supervising_worker=supervising_worker,
            application_date=viability_date,
            temporary_approval_date=temporary_approval_date,
        )
        if temporary_approval_date < viability_date:
            raise ValidationError(
                [
                    FieldProblem(
                        "temporary_approval_date",
                        "The temporary approval cannot be before the viability assessment.",
                    )
                ]
            )
        if household_id is not None:
            household.id = household_id
        session.add(household)
        session.flush()
        return household.id


@dataclass(frozen=True)
class Extension:
    """An extension of temporary approval (CPPCR reg 25(2),(4),(5)): once, to at most 24 weeks
    from the approval (the rule table's T2), after the fostering panel's views, with the
    nominated officer's approval."""

    until: date
    panel_date: date | None
    panel_view: str
    decided_by: str
    decided_on: date | None


def extend_temporary_approval(store: Store, household_id: uuid.UUID, extension: Extension) -> None:
    with store.write() as session:
        household = _open_household(session, household_id)
        problems = []
        if household.approval_status != TEMPORARY or household.temporary_approval_date is None:
            problems.append(
                FieldProblem(
                    "temporary_extension_until",
                    "Only a temporary approval (regulation 24) can be extended.",
                )
            )
        if household.temporary_extension_until is not None:
            problems.append(
                FieldProblem(
                    "temporary_extension_until",
                    "Temporary approval can be extended only once (regulation 25).",
                )
            )
        if extension.panel_date is None:
            problems.append(
                FieldProblem("extension_panel_date", "Enter when the panel gave its views.")
            )
        if not extension.panel_view.strip():
            problems.append(FieldProblem("extension_panel_view", "Record the panel's views."))
        if not extension.decided_by.strip():
            problems.append(
                FieldProblem("extension_decided_by", "Name the nominated officer who approved it.")
            )
        if extension.decided_on is None:
            problems.append(
                FieldProblem("extension_decided_on", "Enter the date the officer approved it.")
            )
        elif extension.panel_date is not None and extension.decided_on < extension.panel_date:
            problems.append(
                FieldProblem(
                    "extension_decided_on",
                    "The officer decides after the panel has given its views.",
                )
            )
        if problems:
            raise ValidationError(problems)
        household.temporary_extension_until = extension.until
        household.extension_panel_date = extension.panel_date
        household.extension_panel_view = extension.panel_view.strip()
        household.extension_decided_by = extension.decided_by.strip()
        household.extension_decided_on = extension.decided_on
        session.flush()


def record_stage(
    store: Store,
    household_id: uuid.UUID,
    column: str,
    on: date,
    *,
    recommendation: str | None = None,
) -> None:
    """Record the day a stage was reached (or correct it); the panel's stage also takes its
    recommendation. Receiving the application makes an enquiry an applicant."""
    stage = BY_COLUMN.get(column)
    if stage is None or column == DECISION:
        raise ValueError(f"not a stage recorded this way: {column!r}")
    with store.write() as session:
        household = _open_household(session, household_id)
        if column == PANEL:
            changes = recommendation_changes(_fields(household), on, recommendation or "")
        else:
            _check_order(_fields(household), column)
            changes = {column: on}
            if column == APPLICATION and household.approval_status == ENQUIRY:
                changes["approval_status"] = APPLICANT
        _apply(household, changes)
        session.flush()


def record_decision(
    store: Store,
    household_id: uuid.UUID,
    on: date,
    decision: str,
    terms: ApprovalTerms | None = None,
) -> None:
    """The agency decision maker's decision. Approval makes the household approved from that
    day on its terms, which starts its first review, TSD and unannounced visit deadlines."""
    with store.write() as session:
        household = _open_household(session, household_id)
        _apply(household, decision_changes(_fields(household), on, decision, terms))
        session.flush()


def recommendation_changes(
    household: Mapping[str, Any], on: date, recommendation: str
) -> dict[str, Any]:
    """What the fostering panel's recommendation changes on the household's record (the
    panel's day and its recommendation), checked: the same on the laptop (the worker records
    it) and at the service (the panel administrator does, ``server.services.panels``).
    ``household`` holds the record's values (dates as dates); raises ``ValidationError``."""
    _check_open(household)
    _check_order(household, PANEL)
    if not recommendation:
        raise ValidationError(
            [FieldProblem("panel_recommendation", "Choose the panel's recommendation.")]
        )
    if not codes.is_valid("panel_recommendation", recommendation):
        raise ValidationError(
            [
                FieldProblem(
                    "panel_recommendation", "That is not one of the panel's recommendations."
                )
            ]
        )
    before = household.get("stage2_completed")
    if isinstance(before, date) and on < before:
        raise ValidationError(
            [FieldProblem(PANEL, "The panel cannot sit before the assessment report was complete.")]
        )
    return {PANEL: on, "panel_recommendation": recommendation}


def decision_changes(
    household: Mapping[str, Any], on: date, decision: str, terms: ApprovalTerms | None
) -> dict[str, Any]:
    """What the agency decision maker's decision changes on the household's record, checked;
    as ``recommendation_changes``, shared by the laptop and the service. Approval makes the
    household approved from ``on`` on its ``terms``."""
    _check_open(household)
    _check_order(household, DECISION)
    if not decision or not codes.is_valid("agency_decision", decision):
        raise ValidationError([FieldProblem("decision", "Choose the agency decision.")])
    panel = household.get(PANEL)
    if isinstance(panel, date) and on < panel:
        raise ValidationError(
            [FieldProblem(DECISION, "The decision cannot be made before the panel sat.")]
        )
    changes: dict[str, Any] = {DECISION: on, "decision": decision}
    if decision != "APPROVE":
        changes["approval_status"] = NOT_APPROVED
        return changes
    changes.update(approval_status=APPROVED, approval_date=on, **terms_changes(terms))
    return changes


def terms_changes(terms: ApprovalTerms | None) -> dict[str, Any]:
    """The household's terms of approval from ``terms``, checked: at an approval, and when the
    agency decision maker agrees new terms for an approved household after panel."""
    if terms is None:
        raise ValidationError([FieldProblem("approval_type", "Enter the terms of approval.")])
    if terms.max_children is None or terms.max_children < 1:
        raise ValidationError(
            [FieldProblem("max_children", "Enter how many children the household may care for.")]
        )
    if not terms.approval_type:
        raise ValidationError(
            [FieldProblem("approval_type", "Choose the type of fostering approved.")]
        )
    if not codes.is_valid("fostering_approval_type", terms.approval_type):
        raise ValidationError(
            [FieldProblem("approval_type", "That is not one of the types of fostering.")]
        )
    low, high = terms.age_range_min, terms.age_range_max
    if low is not None and high is not None and low > high:
        raise ValidationError(
            [FieldProblem("age_range_max", "The oldest age cannot be below the youngest.")]
        )
    return {
        "approval_type": terms.approval_type,
        "max_children": terms.max_children,
        "age_range_min": low,
        "age_range_max": high,
        "approval_terms": terms.terms.strip(),
    }


def withdraw(store: Store, household_id: uuid.UUID, on: date, reason: str) -> None:
    """The household withdrew before the panel or the decision, for Ofsted's ``reason``."""
    with store.write() as session:
        household = _open_household(session, household_id)
        household.approval_status = WITHDRAWN
        household.withdrawn_date = on
        household.withdrawal_reason = reason or None
        session.flush()


def deregistration_changes(household: Mapping[str, Any], on: date, reason: str) -> dict[str, Any]:
    """What ending an approved household's approval changes on its record, checked: the same
    when the supervising worker records it on the laptop (``deregister``) and when the agency
    decision maker agrees a deregistration after panel at the service
    (``server.services.panels``). ``household`` holds the record's values (dates as dates)."""
    status = household.get("approval_status")
    if status not in REGISTERED:
        words = codes.label("approval_status", str(status or ""))
        raise ValidationError(
            [
                FieldProblem(
                    "approval_status",
                    f"Only an approved household can be deregistered; this one is {words}.",
                )
            ]
        )
    if not reason:
        raise ValidationError(
            [FieldProblem("deregistration_reason", "Choose why the household's approval ended.")]
        )
    if not codes.is_valid("fostering_deregistration_reason", reason):
        raise ValidationError(
            [FieldProblem("deregistration_reason", "That is not one of the reasons Ofsted asks.")]
        )
    approved = household.get("approval_date")
    if isinstance(approved, date) and on < approved:
        raise ValidationError(
            [
                FieldProblem(
                    "deregistered_date",
                    f"Approval cannot end before it began ({approved:%d/%m/%Y}).",
                )
            ]
        )
    return {"approval_status": ENDED, "deregistered_date": on, "deregistration_reason": reason}


def deregister(store: Store, household_id: uuid.UUID, on: date, reason: str) -> None:
    """An approved household's approval ended on ``on`` (the carers resigned, or the service
    ended it after the panel and the agency decision maker), for Ofsted's ``reason``.

    The household leaves the carer register (which lists approved households only), its
    annual review, TSD and unannounced visit stop being due, and the fostering data collection
    counts it by reason. Children still placed there are the child's worker's to move: the
    placements are the children's records, not the household's, so nothing is ended here."""
    with store.write() as session:
        household = session.get(CarerHousehold, household_id)
        if household is None or household.deleted:
            raise PipelineNotFound("This carer household's record is not on this laptop.")
        values = {name: getattr(household, name) for name in ("approval_status", "approval_date")}
        _apply(household, deregistration_changes(values, on, reason))
        session.flush()


# ---- Private


def _labels(name: str) -> dict[str, str]:
    return {code: entry.label for code, entry in codes.code_list(name).items()}


def _open_household(session: Session, household_id: uuid.UUID) -> CarerHousehold:
    household = session.get(CarerHousehold, household_id)
    if household is None or household.deleted:
        raise PipelineNotFound("This carer household's record is not on this laptop.")
    _check_open(_fields(household))
    return household


def _fields(household: CarerHousehold) -> dict[str, Any]:
    """The household's values the checks read, as the service's documents hold them."""
    return {
        "approval_status": household.approval_status,
        "carer_type": household.carer_type,
        **{s.column: getattr(household, s.column) for s in STAGES},
    }


def _apply(household: CarerHousehold, changes: Mapping[str, Any]) -> None:
    for name, value in changes.items():
        setattr(household, name, value)


def _check_open(household: Mapping[str, Any]) -> None:
    status = household.get("approval_status") or ""
    if status not in OPEN:
        words = codes.label("approval_status", status)
        raise ValidationError(
            [
                FieldProblem(
                    "approval_status",
                    f"This household's assessment has ended ({words}); nothing more can be "
                    "recorded on it here.",
                )
            ]
        )


def _check_order(household: Mapping[str, Any], column: str) -> None:
    """A stage is recorded only once the stage before it is (a connected person's begins at
    the application: their viability assessment)."""
    index = next(i for i, s in enumerate(STAGES) if s.column == column)
    if index == 0:
        return
    before = STAGES[index - 1]
    if household.get("carer_type") == CONNECTED and before.column in _CONNECTED_SKIPS:
        return
    if household.get(before.column) is None:
        raise ValidationError([FieldProblem(column, f"Record the {before.label.lower()} first.")])
