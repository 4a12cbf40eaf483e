"""The fostering panel's bodies (``/v1/panels``), shared by client and service.

The panel administrator (a manager of the service) sets the panel's dates and puts households
on each one's agenda, records the panel's recommendation and the agency decision maker's
decision; the service owns all of it (``server.models.panels``). Workers read it, seeing every
sitting's date but only the items of households they hold; a laptop keeps the last answer to
show offline, marked with ``as_of``. What a panel decides about a household's approval also
reaches that household's own record, which is how the assessing worker's laptop learns it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from sync.protocol.messages import WireModel


class PanelItemView(WireModel):
    item_id: uuid.UUID
    household_id: uuid.UUID
    household_name: str
    #: A ``panel_item_kind`` code.
    kind: str
    #: The household's supervising (assessing) social worker: login and name.
    supervising_worker: str
    supervising_worker_name: str
    #: A ``panel_recommendation`` code once the panel has sat, with its words.
    recommendation: str | None = None
    recommendation_notes: str = ""
    recommended_by: str | None = None
    #: An ``agency_decision`` code once the agency decision maker has decided.
    decision: str | None = None
    decided_on: date | None = None
    decided_by: str | None = None


class PanelMeetingView(WireModel):
    meeting_id: uuid.UUID
    sits_on: date
    details: str
    #: Only the items the reader may see (all, for a manager).
    items: list[PanelItemView]


class BookableHousehold(WireModel):
    """A household the panel administrator may book: being assessed, or approved (for a review,
    new terms or deregistration), whichever team holds it."""

    household_id: uuid.UUID
    name: str
    #: An ``approval_status`` code.
    approval_status: str
    supervising_worker_name: str


class PanelList(WireModel):
    as_of: datetime
    meetings: list[PanelMeetingView]
    #: For a manager: every household that could go to panel (empty for anyone else).
    bookable: list[BookableHousehold] = []


class NewPanelMeeting(WireModel):
    #: Made by the client, so a request sent twice makes one sitting.
    meeting_id: uuid.UUID
    sits_on: date
    details: str = Field(default="", max_length=2000)


class NewPanelItem(WireModel):
    item_id: uuid.UUID
    household_id: uuid.UUID
    kind: str = Field(max_length=24)


class PanelRecommendation(WireModel):
    recommendation: str = Field(max_length=32)
    notes: str = Field(default="", max_length=20_000)


class PanelDecision(WireModel):
    decision: str = Field(max_length=32)
    decided_on: date
    #: The agency decision maker's name as they sign (the caller records it for them).
    decided_by: str = Field(default="", max_length=120)
    approval_type: str | None = Field(default=None, max_length=32)
    max_children: int | None = Field(default=None, ge=1, le=10)
    age_range_min: int | None = Field(default=None, ge=0, le=25)
    age_range_max: int | None = Field(default=None, ge=0, le=25)
    terms: str = Field(default="", max_length=5000)
    #: When a deregistration is agreed: why the approval ends (a
    #: ``fostering_deregistration_reason`` code, as the fostering data collection counts it).
    deregistration_reason: str | None = Field(default=None, max_length=16)
