"""Domain validation: what makes a record acceptable, in words a social worker understands.

Rules run on every save (from the store's flush hook) so no path can store an invalid record.
"Always" rules apply to drafts too; "sign-off" rules apply only once a record is finalised, because
a draft is allowed to be incomplete while the worker is still writing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app import carer_stages, codes
from app.deadlines import rules as rule_table
from app.errors import FieldProblem, ValidationError
from app.forms import answers, registry
from app.models import (
    RECORD_TYPES,
    Action,
    Addendum,
    Assessment,
    Attachment,
    CarePlan,
    Carer,
    CarerHousehold,
    CaseNote,
    Child,
    LegalStatus,
    Placement,
    Record,
    Review,
    TrainingRecord,
    Visit,
)

#: The oldest a person on the caseload can plausibly be: care leavers are supported to 25.
MAX_AGE_YEARS = 25
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$|^UN[1-5]$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\t]")
_CHILD_VISITS = {"STATUTORY_CHILD", "ADOPTION_PLACEMENT", "REQUESTED"}
_CARER_VISITS = {"SUPERVISING", "UNANNOUNCED"}
# Special guardianship support reviews are the child's: the deadline rules count them for the
# child under the order (resources/rules/deadlines.toml, obligation sgo_support_review).
_CHILD_REVIEWS = {"CHILD_LAC", "ADOPTION_PLACEMENT", "AUTHORITY_TO_PLACE", "SGO_SUPPORT"}
#: A UK postcode as written on letters (the children looked after return looks each one up).
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}$")
#: Ofsted's unique reference number: SC and six digits, or six or seven digits.
_URN = re.compile(r"^SC[0-9]{6}$|^[0-9]{6,7}$")
_PR3_NOT_ALLOWED = {"P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5", "U6"}


def _day(day: date) -> str:
    """A date as a worker in England writes it."""
    return day.strftime("%d/%m/%Y")


@dataclass
class Check:
    """Collects problems for one record; a small helper so each rule reads as one line."""

    today: date
    session: Session | None
    problems: list[FieldProblem]

    def add(self, field: str, message: str) -> None:
        self.problems.append(FieldProblem(field, message))

    def missing(self, field: str, value: object, message: str) -> bool:
        """Record a problem if a required value is absent (forms can hand us None for any
        field, whatever the column's type says)."""
        if value is None:
            self.add(field, message)
            return True
        return False

    def required_text(self, field: str, value: str | None, message: str) -> None:
        if value is None or not value.strip():
            self.add(field, message)

    def single_line(self, field: str, value: str | None, what: str) -> None:
        if value and (_CONTROL.search(value) or _LINE_BREAK.search(value)):
            self.add(field, f"The {what} must be on one line, without special characters.")

    def no_control_chars(self, field: str, value: str | None, what: str) -> None:
        if value and _CONTROL.search(value):
            self.add(
                field,
                f"The {what} contains characters that cannot be stored. "
                "Please retype or paste it as plain text.",
            )

    def postcode(self, field: str, value: str | None, what: str) -> None:
        if value and not _POSTCODE.match(value.strip().upper()):
            self.add(field, f"Enter the {what} as it is written on letters, for example YO31 6BH.")

    def not_future(self, field: str, value: date | None, what: str) -> None:
        if value is not None and value > self.today:
            self.add(field, f"The {what} cannot be in the future.")

    def ordered(self, start: date | None, end: date | None, field: str, what: str) -> None:
        if start is not None and end is not None and end < start:
            self.add(field, f"The {what} cannot be before the start date.")

    def code(
        self,
        field: str,
        value: str | None,
        code_list: str,
        what: str,
        *,
        year_of: date | None = None,
    ) -> None:
        if value is None:
            return
        year = codes.collection_year_of(year_of.isoformat()) if year_of else None
        if not codes.is_valid(code_list, value, year):
            self.add(field, f"Choose a {what} from the list.")

    def subject(self, obj: Record, *, child: bool = False, household: bool = False) -> None:
        child_id = getattr(obj, "child_id", None)
        household_id = getattr(obj, "household_id", None)
        if child and child_id is None:
            self.add("child_id", f"Choose the child this {obj.noun} is about.")
        elif household and household_id is None:
            self.add("household_id", f"Choose the carer household this {obj.noun} is about.")
        elif child_id is None and household_id is None:
            self.add("child_id", f"Choose the child or carer household this {obj.noun} is about.")


def _child(obj: Child, c: Check) -> None:
    c.required_text("given_name", obj.given_name, "Enter the child's first name.")
    c.required_text("family_name", obj.family_name, "Enter the child's last name.")
    c.single_line("given_name", obj.given_name, "first name")
    c.single_line("family_name", obj.family_name, "last name")
    c.single_line("preferred_name", obj.preferred_name, "preferred name")
    born_missing = c.missing("date_of_birth", obj.date_of_birth, "Enter the child's date of birth.")
    if not born_missing and obj.date_of_birth > c.today:
        c.add("date_of_birth", "The date of birth cannot be in the future.")
    elif not born_missing and (c.today - obj.date_of_birth).days > MAX_AGE_YEARS * 366:
        c.add(
            "date_of_birth",
            f"Check the date of birth: the child would be over "
            f"{MAX_AGE_YEARS}, older than anyone this service supports.",
        )
    c.code("sex", obj.sex, "sex", "sex", year_of=c.today)
    c.missing("sex", obj.sex, "Choose the child's sex.")
    c.code("ethnicity", obj.ethnicity, "ethnicity", "ethnicity")
    c.code("category_of_need", obj.category_of_need, "category_of_need", "category of need")
    if obj.upn and not _UPN.match(obj.upn):
        c.add(
            "upn",
            "A unique pupil number is a letter followed by 12 characters "
            "(or UN1 to UN5 when it is not known).",
        )
    c.required_text("allocated_worker", obj.allocated_worker, "Choose the allocated worker.")
    c.no_control_chars("about_me", obj.about_me, "text")
    _child_return_facts(obj, c)


def _child_return_facts(obj: Child, c: Check) -> None:
    """What the children looked after return asks, checked as the DfE's rules check it."""
    c.postcode("home_postcode", obj.home_postcode, "home postcode")
    if obj.is_mother and obj.sex != "F":
        c.add("is_mother", "Only a girl or young woman can be recorded as a mother.")
    if obj.is_mother and obj.first_child_born is None:
        c.add("first_child_born", "Enter the date her first child was born.")
    c.not_future("first_child_born", obj.first_child_born, "first child's date of birth")
    born, first = obj.date_of_birth, obj.first_child_born
    if born and first and first < born:
        c.add("first_child_born", "Her first child cannot be born before she was.")
    c.code(
        "previous_permanence",
        obj.previous_permanence,
        "previous_permanence",
        "previous permanence order",
    )
    order = obj.previous_permanence
    if order is not None and order != "Z1":
        c.missing(
            "previous_permanence_date",
            obj.previous_permanence_date,
            "Enter the date of the previous order (or choose 'No previous permanence order').",
        )
        c.missing(
            "previous_permanence_la",
            obj.previous_permanence_la,
            "Say where the previous order was made.",
        )
    c.not_future("previous_permanence_date", obj.previous_permanence_date, "date of the order")
    if obj.uasc_ceased is not None and not obj.uasc:
        c.add("uasc_ceased", "Only an unaccompanied asylum-seeking child has a date that ceased.")
    c.not_future("uasc_ceased", obj.uasc_ceased, "date the status ceased")
    if obj.uasc_ceased and born and obj.uasc_ceased > _birthday(born, 18):
        c.add(
            "uasc_ceased",
            "Asylum-seeking status as a child ceases at 18 at the latest: check the date.",
        )
    place = obj.previous_permanence_la
    if place and not (
        re.fullmatch(r"[0-9]{3}", place) or codes.is_valid("previous_permanence_place", place)
    ):
        c.add(
            "previous_permanence_la",
            "Give the council's three-digit code, or NIR, SCO, WAL, NUK (or 999 if not known).",
        )


def _legal_status(obj: LegalStatus, c: Check) -> None:
    if not (
        codes.is_valid("legal_status", obj.code) or codes.is_valid("permanence_order", obj.code)
    ):
        c.add("code", "Choose a legal status from the list.")
    c.not_future("start_date", obj.start_date, "start date of a legal status")
    c.ordered(obj.start_date, obj.end_date, "end_date", "end date")
    c.code("reason_ceased", obj.reason_ceased, "reason_episode_ceased", "reason it ended")
    if (obj.end_date is None) != (obj.reason_ceased is None) and obj.code in codes.code_list(
        "legal_status"
    ):
        c.add("reason_ceased", "When a legal status ends, record why it ended (and when).")


def _care_plan(obj: CarePlan, c: Check) -> None:
    c.code("permanence_plan", obj.permanence_plan, "permanence_plan", "permanence plan")
    c.not_future("plan_date", obj.plan_date, "care plan date")
    c.single_line("iro_name", obj.iro_name, "IRO's name")


def _placement(obj: Placement, c: Check) -> None:
    c.code(
        "placement_type",
        obj.placement_type,
        "placement_type",
        "placement type",
        year_of=obj.start_date,
    )
    c.code("provider", obj.provider, "placement_provider", "placement provider")
    c.code("reason_changed", obj.reason_changed, "reason_placement_change", "reason for the change")
    c.ordered(obj.start_date, obj.end_date, "end_date", "placement end date")
    c.postcode("postcode", obj.postcode, "placement's postcode")
    if obj.urn and not _URN.match(obj.urn.strip().upper()):
        c.add("urn", "An Ofsted URN is SC followed by six digits, or six or seven digits.")
    if (obj.provider == "PR0") != (obj.placement_type == "P1") and obj.provider is not None:
        c.add(
            "provider",
            "Only a placement with parents is provided by the parents, and it always is.",
        )
    if obj.provider == "PR3" and obj.placement_type in _PR3_NOT_ALLOWED:
        c.add(
            "provider",
            "'Other public provision' cannot be the provider for this type of placement.",
        )
    if obj.placement_type == "K3" and c.session is not None:
        child = c.session.get(Child, obj.child_id)
        if child is not None and _age_on(child.date_of_birth, obj.start_date) < 16:
            c.add(
                "placement_type",
                "Supported accommodation is only for young people aged 16 or over.",
            )


def _household(obj: CarerHousehold, c: Check) -> None:
    c.required_text("name", obj.name, "Enter a name for the household.")
    c.single_line("name", obj.name, "household name")
    c.code("carer_type", obj.carer_type, "carer_type", "kind of carer")
    c.code("approval_status", obj.approval_status, "approval_status", "approval status")
    c.required_text(
        "supervising_worker", obj.supervising_worker, "Choose the supervising social worker."
    )
    if obj.approval_status == "TEMPORARY" and obj.temporary_approval_date is None:
        c.add("temporary_approval_date", "Enter the date of the temporary approval.")
    if obj.approval_status == "APPROVED" and obj.approval_date is None:
        c.add("approval_date", "Enter the date the household was approved.")
    c.not_future("approval_date", obj.approval_date, "approval date")
    c.not_future("temporary_approval_date", obj.temporary_approval_date, "temporary approval date")
    extension, approved = obj.temporary_extension_until, obj.temporary_approval_date
    ends = rule_table.temporary_approval_ends(rule_table.load(), approved) if approved else None
    if extension and ends:
        first, latest = ends
        if extension <= first:
            c.add(
                "temporary_extension_until",
                f"An extension must end after the temporary approval does "
                f"({_day(first)}); leave it empty if the approval has not been extended.",
            )
        elif extension > latest:
            c.add(
                "temporary_extension_until",
                f"Temporary approval can be extended once, to {_day(latest)} at the latest "
                "(regulation 25).",
            )
    if (
        obj.age_range_min is not None
        and obj.age_range_max is not None
        and obj.age_range_min > obj.age_range_max
    ):
        c.add(
            "age_range_max", "The oldest age in the approval range must not be below the youngest."
        )
    _household_pipeline(obj, c)


def _household_pipeline(obj: CarerHousehold, c: Check) -> None:
    """A prospective household's stages: each on or after the one before it, none in the
    future, the panel's and the decision maker's answers from their lists, and a withdrawal or
    a deregistration with its day and Ofsted's reason (so the fostering data collection can
    count it)."""
    previous: tuple[str, date] | None = None
    for stage in carer_stages.STAGES:
        on = getattr(obj, stage.column)
        if on is None:
            continue
        c.not_future(stage.column, on, stage.label.lower())
        if previous is not None and on < previous[1]:
            c.add(
                stage.column,
                f"The {stage.label.lower()} cannot be before the "
                f"{previous[0].lower()} ({_day(previous[1])}).",
            )
        previous = (stage.label, on)
    c.code(
        "panel_recommendation", obj.panel_recommendation, "panel_recommendation", "recommendation"
    )
    c.code("decision", obj.decision, "agency_decision", "decision")
    c.code("approval_type", obj.approval_type, "fostering_approval_type", "type of approval")
    c.code("withdrawal_reason", obj.withdrawal_reason, "fostering_withdrawal_reason", "reason")
    if obj.panel_recommendation and obj.panel_date is None:
        c.add("panel_date", "Enter the date of the fostering panel.")
    if obj.decision_date is not None and not obj.decision:
        c.add("decision", "Choose the agency decision maker's decision.")
    if obj.decision and obj.decision_date is None:
        c.add("decision_date", "Enter the date of the agency decision maker's decision.")
    c.not_future("withdrawn_date", obj.withdrawn_date, "date of withdrawal")
    if obj.approval_status == "WITHDRAWN":
        if obj.withdrawn_date is None:
            c.add("withdrawn_date", "Enter the date the household withdrew.")
        if not obj.withdrawal_reason:
            c.add("withdrawal_reason", "Choose why the household withdrew.")
    c.code(
        "deregistration_reason",
        obj.deregistration_reason,
        "fostering_deregistration_reason",
        "reason",
    )
    c.not_future("deregistered_date", obj.deregistered_date, "date of deregistration")
    if obj.deregistered_date is not None and not obj.deregistration_reason:
        c.add("deregistration_reason", "Choose why the household's approval ended.")
    if obj.deregistration_reason and obj.deregistered_date is None:
        c.add("deregistered_date", "Enter the date the household's approval ended.")
    if obj.deregistered_date and obj.approval_date and obj.deregistered_date < obj.approval_date:
        c.add(
            "deregistered_date",
            f"Approval cannot end before it began ({_day(obj.approval_date)}).",
        )
    started = obj.enquiry_date or obj.application_date
    if obj.withdrawn_date and started and obj.withdrawn_date < started:
        c.add(
            "withdrawn_date",
            f"The date of withdrawal cannot be before the enquiry ({_day(started)}).",
        )


def _carer(obj: Carer, c: Check) -> None:
    c.required_text("given_name", obj.given_name, "Enter the carer's first name.")
    c.required_text("family_name", obj.family_name, "Enter the carer's last name.")
    c.not_future("date_of_birth", obj.date_of_birth, "date of birth")


def _training(obj: TrainingRecord, c: Check) -> None:
    c.code("kind", obj.kind, "training_kind", "kind of training")
    c.required_text("title", obj.title, "Enter the name of the training.")
    c.single_line("title", obj.title, "name of the training")
    c.no_control_chars("notes", obj.notes, "notes")
    c.code("booking_status", obj.booking_status, "course_booking_status", "booking")
    if obj.booking_status == "ATTENDED" and obj.completed_date is None:
        c.add("completed_date", "Enter the day the carer attended the course.")
    if obj.booking_status and obj.booking_status != "ATTENDED" and obj.completed_date:
        c.add("booking_status", "A course the carer did not attend cannot be completed.")
    c.not_future("completed_date", obj.completed_date, "completion date")


def _visit(obj: Visit, c: Check) -> None:
    c.code("visit_type", obj.visit_type, "visit_type", "type of visit")
    c.missing("visit_date", obj.visit_date, "Enter the date of the visit.")
    c.not_future("visit_date", obj.visit_date, "visit date")
    child_visit = obj.visit_type in _CHILD_VISITS
    c.subject(obj, child=child_visit, household=obj.visit_type in _CARER_VISITS)
    c.code(
        "not_seen_alone_reason",
        obj.not_seen_alone_reason,
        "not_seen_alone_reason",
        "reason the child was not seen alone",
    )
    c.code(
        "wishes_not_gathered",
        obj.wishes_not_gathered,
        "wishes_not_gathered_reason",
        "reason the child's wishes and feelings could not be gathered",
    )
    for name in ("who_was_seen", "wishes_and_feelings", "observations", "actions_agreed"):
        c.no_control_chars(name, getattr(obj, name), "text")
    if obj.is_finalised:
        c.required_text(
            "who_was_seen", obj.who_was_seen, "Record who was seen before signing off the visit."
        )
        if child_visit:
            _child_visit_sign_off(obj, c)


def _child_visit_sign_off(obj: Visit, c: Check) -> None:
    """What a visit to a child must record before it is signed off: seen alone or why not
    (reg 29); the child's wishes and feelings or why they could not be gathered, and what the
    worker observed of the child (reg 28 visits are to see the child and hear them)."""
    if obj.seen_alone is None:
        c.add("seen_alone", "Record whether the child was seen alone before signing off.")
    if obj.seen_alone is False and obj.not_seen_alone_reason is None:
        c.add(
            "not_seen_alone_reason",
            "Record why the child was not seen alone (regulation 29) before signing off.",
        )
    if not (obj.wishes_and_feelings or "").strip() and obj.wishes_not_gathered is None:
        c.add(
            "wishes_and_feelings",
            "Record the child's wishes and feelings before signing off, or say below why they "
            "could not be gathered.",
        )
    if not (obj.observations or "").strip():
        if obj.wishes_not_gathered == "TOO_YOUNG":
            message = (
                "The child is too young to say: record what you observed of them (how they "
                "responded to you and their carer, their care and development) before signing off."
            )
        else:
            message = "Record what you observed of the child before signing off."
        c.add("observations", message)


def _assessment(obj: Assessment, c: Check) -> None:
    c.code("kind", obj.kind, "assessment_kind", "kind of assessment")
    c.required_text("template_id", obj.template_id, "Choose the assessment form.")
    if obj.template_version is None or obj.template_version < 1:
        c.add("template_version", "The assessment form version is missing.")
    c.not_future("started_date", obj.started_date, "start date")
    if c.session is None or not obj.template_id or not obj.template_version:
        c.subject(obj)
        return
    # Answers are checked against the record's own form version: shapes always, completeness
    # once finalised, so every path that saves an assessment (forms, conflict choices) is held
    # to the same rules.
    try:
        template = registry.get(c.session, obj.template_id, obj.template_version)
    except registry.TemplateNotFound as exc:
        c.add("template_version", str(exc))
        c.subject(obj)
        return
    if obj.kind != template.kind:
        c.add("kind", f"The form '{template.title}' is for a different kind of assessment.")
    c.subject(obj, child=template.subject == "child", household=template.subject == "household")
    c.problems.extend(
        answers.problems(
            template,
            obj.answers or {},
            finalising=obj.is_finalised,
            today=c.today if obj.is_finalised else None,
        )
    )


def _review(obj: Review, c: Check) -> None:
    c.code("kind", obj.kind, "review_kind", "kind of review")
    c.not_future("review_date", obj.review_date, "review date")
    c.code("participation", obj.participation, "review_participation", "participation code")
    c.subject(obj, child=obj.kind in _CHILD_REVIEWS, household=obj.kind == "CARER_ANNUAL")
    if obj.visit_interval_weeks is not None and not 1 <= obj.visit_interval_weeks <= 26:
        c.add("visit_interval_weeks", "The visiting frequency must be between 1 and 26 weeks.")
    if obj.participation == "PN0" and c.session is not None and obj.child_id is not None:
        child = c.session.get(Child, obj.child_id)
        if child is not None and _age_on(child.date_of_birth, obj.review_date) >= 4:
            c.add(
                "participation",
                "'Child under 4' cannot be used: the child was 4 or older at the review.",
            )
    if obj.is_finalised:
        c.required_text(
            "decisions", obj.decisions, "Record the review's decisions before signing off."
        )


def _action(obj: Action, c: Check) -> None:
    c.required_text("description", obj.description, "Describe the action.")
    c.required_text("owner", obj.owner, "Say who is responsible for the action.")
    c.subject(obj)


def _case_note(obj: CaseNote, c: Check) -> None:
    c.code("kind", obj.kind, "note_kind", "kind of note")
    c.missing("event_date", obj.event_date, "Enter the date it happened.")
    c.not_future("event_date", obj.event_date, "date it happened")
    c.single_line("subject", obj.subject, "subject")
    if obj.subject and len(obj.subject) > 200:
        c.add("subject", "Keep the subject to 200 characters; the note itself can be longer.")
    c.no_control_chars("text", obj.text, "text")
    c.subject(obj)
    if obj.is_finalised:
        c.required_text("text", obj.text, "Write the note before signing it off.")


def _addendum(obj: Addendum, c: Check) -> None:
    c.required_text("text", obj.text, "Write the addendum.")
    c.no_control_chars("text", obj.text, "text")
    target_cls = RECORD_TYPES.get(obj.target_type)
    if target_cls is None:
        c.add("target_type", "An addendum must belong to a record.")
    elif c.session is not None and c.session.get(target_cls, obj.target_id) is None:
        c.add("target_id", "The record this addendum corrects could not be found.")


def _attachment(obj: Attachment, c: Check) -> None:
    c.required_text("filename", obj.filename, "The attached file needs a name.")
    if obj.filename and (
        _CONTROL.search(obj.filename) or "/" in obj.filename or "\\" in obj.filename
    ):
        c.add("filename", "The file name contains characters that are not allowed.")
    if obj.size is None or obj.size < 0:
        c.add("size", "The attached file's size is missing.")
    if not obj.sha256 or not re.fullmatch(r"[0-9a-f]{64}", obj.sha256):
        c.add("sha256", "The attached file's fingerprint is missing.")
    c.subject(obj)


_RULES: dict[type, Callable[..., None]] = {
    Child: _child,
    LegalStatus: _legal_status,
    CarePlan: _care_plan,
    Placement: _placement,
    CarerHousehold: _household,
    Carer: _carer,
    TrainingRecord: _training,
    Visit: _visit,
    Assessment: _assessment,
    Review: _review,
    Action: _action,
    CaseNote: _case_note,
    Addendum: _addendum,
    Attachment: _attachment,
}


def problems(obj: Record, *, today: date, session: Session | None = None) -> list[FieldProblem]:
    """Everything wrong with ``obj``; empty when it may be saved."""
    check = Check(today, session, [])
    _RULES[type(obj)](obj, check)
    return check.problems


def validate(obj: Record, *, today: date, session: Session | None = None) -> None:
    found = problems(obj, today=today, session=session)
    if found:
        raise ValidationError(found)


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + years, day=28)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
