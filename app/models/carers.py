"""Carer households, the carers in them, and their training."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Record


class CarerHousehold(Record, Base):
    """A fostering, adoptive, kinship or special guardianship household.

    ``temporary_approval_date`` and ``temporary_extension_until`` record a connected-person
    approval under CPPCR reg 24/25, whose 16-week (plus one 8-week) limit the deadline engine
    watches.

    A prospective fostering household is recorded here from its first enquiry: the dates of
    each assessment stage (``app.carer_pipeline``), the panel's recommendation, the agency
    decision maker's decision and, if it does not go ahead, when and why it was withdrawn (an
    Ofsted code, so the fostering data collection can count them). The stage deadlines are
    worked out from these dates by the rule table, never stored.
    """

    __tablename__ = "carer_household"
    record_type = "carer_household"
    noun = "carer household"

    name: Mapped[str] = mapped_column(String(200))
    carer_type: Mapped[str] = mapped_column(String(32))
    approval_status: Mapped[str] = mapped_column(String(16))
    approval_date: Mapped[date | None] = mapped_column(Date, default=None)
    temporary_approval_date: Mapped[date | None] = mapped_column(Date, default=None)
    temporary_extension_until: Mapped[date | None] = mapped_column(Date, default=None)
    approval_terms: Mapped[str] = mapped_column(Text, default="")
    age_range_min: Mapped[int | None] = mapped_column(Integer, default=None)
    age_range_max: Mapped[int | None] = mapped_column(Integer, default=None)
    max_children: Mapped[int | None] = mapped_column(Integer, default=None)
    address: Mapped[str] = mapped_column(Text, default="")
    supervising_worker: Mapped[str] = mapped_column(String(120), index=True)
    enquiry_date: Mapped[date | None] = mapped_column(Date, default=None)
    initial_visit_date: Mapped[date | None] = mapped_column(Date, default=None)
    application_date: Mapped[date | None] = mapped_column(Date, default=None)
    stage1_completed: Mapped[date | None] = mapped_column(Date, default=None)
    stage2_completed: Mapped[date | None] = mapped_column(Date, default=None)
    panel_date: Mapped[date | None] = mapped_column(Date, default=None)
    #: The fostering panel the household is booked to go to: set by the service's panel
    #: administrator and only read here (``app.carer_stages.PANEL_BOOKED``).
    panel_booked_date: Mapped[date | None] = mapped_column(Date, default=None)
    panel_recommendation: Mapped[str | None] = mapped_column(String(32), default=None)
    decision_date: Mapped[date | None] = mapped_column(Date, default=None)
    decision: Mapped[str | None] = mapped_column(String(32), default=None)
    approval_type: Mapped[str | None] = mapped_column(String(32), default=None)
    withdrawn_date: Mapped[date | None] = mapped_column(Date, default=None)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(16), default=None)
    #: When an approved household's approval ended (deregistration: the carers resigned or the
    #: service ended it) and Ofsted's reason, so the fostering data collection can count it.
    deregistered_date: Mapped[date | None] = mapped_column(Date, default=None)
    deregistration_reason: Mapped[str | None] = mapped_column(String(16), default=None)
    #: An extension of a connected person's temporary approval (CPPCR reg 25): the fostering
    #: panel's views, sought first, and the nominated officer who approved it, and when.
    extension_panel_date: Mapped[date | None] = mapped_column(Date, default=None)
    extension_panel_view: Mapped[str] = mapped_column(Text, default="")
    extension_decided_by: Mapped[str] = mapped_column(String(120), default="")
    extension_decided_on: Mapped[date | None] = mapped_column(Date, default=None)


class Carer(Record, Base):
    __tablename__ = "carer"
    record_type = "carer"
    noun = "carer"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("carer_household.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date, default=None)
    relationship_to_child: Mapped[str] = mapped_column(String(120), default="")


class TrainingRecord(Record, Base):
    """Training against the TSD standards and other courses; the TSD deadline (NMS 20) depends
    on the household's kind of carer, so it is computed, not stored.

    A booking on one of the service's courses is a training record too, recorded by the
    household's supervising social worker (who agrees the carers' development plan with them
    at supervision): booked, then attended (``completed_date`` the day of the course) or not."""

    __tablename__ = "training_record"
    record_type = "training_record"
    noun = "training record"

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("carer_household.id"), index=True)
    carer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("carer.id"), default=None)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    completed_date: Mapped[date | None] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: A booking on one of the service's courses (``sync.courses``): the course's id and day
    #: (kept here so the household's record reads whole offline and at the service), and
    #: whether the carer is booked, attended or did not (``course_booking_status``). Empty for
    #: training recorded without a booking.
    course_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    course_date: Mapped[date | None] = mapped_column(Date, default=None)
    booking_status: Mapped[str | None] = mapped_column(String(16), default=None)
