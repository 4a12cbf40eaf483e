"""Children, their legal status history, care plans and placements."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Finalisable, Record


class Child(Record, Base):
    __tablename__ = "child"
    record_type = "child"
    noun = "child's record"

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100), default=None)
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(2))
    ethnicity: Mapped[str | None] = mapped_column(String(4), default=None)
    upn: Mapped[str | None] = mapped_column(String(13), default=None)
    category_of_need: Mapped[str | None] = mapped_column(String(2), default=None)
    allocated_worker: Mapped[str] = mapped_column(String(120), index=True)
    case_open: Mapped[bool] = mapped_column(Boolean, default=True)
    about_me: Mapped[str] = mapped_column(Text, default="")
    # What the SSDA903 return needs (migration 0020): the postcode of the home the child was
    # living in when they came into care, motherhood, and any previous permanence order.
    home_postcode: Mapped[str | None] = mapped_column(String(8), default=None)
    is_mother: Mapped[bool | None] = mapped_column(Boolean, default=None)
    first_child_born: Mapped[date | None] = mapped_column(Date, default=None)
    previous_permanence: Mapped[str | None] = mapped_column(String(2), default=None)
    previous_permanence_date: Mapped[date | None] = mapped_column(Date, default=None)
    previous_permanence_la: Mapped[str | None] = mapped_column(String(3), default=None)
    # An unaccompanied asylum-seeking child, and when that status ceased (migration 0021).
    uasc: Mapped[bool | None] = mapped_column(Boolean, default=None)
    uasc_ceased: Mapped[date | None] = mapped_column(Date, default=None)

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"


class LegalStatus(Record, Base):
    """One period of one legal status: an SSDA903 LS code, or a permanence order (SGO, CAO, AO)
    for children the service still supports after they leave care."""

    __tablename__ = "legal_status"
    record_type = "legal_status"
    noun = "legal status"

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    code: Mapped[str] = mapped_column(String(4))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    reason_ceased: Mapped[str | None] = mapped_column(String(4), default=None)


class CarePlan(Finalisable, Record, Base):
    """A version of the child's care plan; the permanence plan lives here because it changes
    over time and its history is part of the child's record."""

    __tablename__ = "care_plan"
    record_type = "care_plan"
    noun = "care plan"

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    plan_date: Mapped[date] = mapped_column(Date)
    permanence_plan: Mapped[str] = mapped_column(String(32))
    iro_name: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")


class Placement(Record, Base):
    __tablename__ = "placement"
    record_type = "placement"
    noun = "placement"

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child.id"), index=True)
    # No foreign key: the carer household is usually in the supervising social worker's
    # caseload, not on this laptop (see SubjectMixin).
    household_id: Mapped[uuid.UUID | None] = mapped_column(index=True, default=None)
    placement_type: Mapped[str] = mapped_column(String(4))
    provider: Mapped[str | None] = mapped_column(String(4), default=None)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, default=None)
    reason_changed: Mapped[str | None] = mapped_column(String(8), default=None)
    # Facts the visit rules need (CPPCR reg 28): see resources/rules/deadlines.toml.
    long_term_designated: Mapped[bool] = mapped_column(Boolean, default=False)
    intended_until_18: Mapped[bool] = mapped_column(Boolean, default=False)
    child_agrees_less_frequent_visits: Mapped[bool] = mapped_column(Boolean, default=False)
    before_assessment_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    placement_plan_date: Mapped[date | None] = mapped_column(Date, default=None)
    # Where the placement is, and the Ofsted URN of the home or fostering service (SSDA903).
    postcode: Mapped[str | None] = mapped_column(String(8), default=None)
    urn: Mapped[str | None] = mapped_column(String(8), default=None)
