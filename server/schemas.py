"""Response bodies that only the server defines (the sync bodies live in :mod:`sync.protocol`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ServerModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Health(ServerModel):
    status: Literal["ok"]
    database: Literal["ok"]
    protocol_version: int
    revision: int


class UserPublic(ServerModel):
    username: str
    display_name: str
    role: Literal["worker", "manager", "admin", "performance"]
    team: str | None
    device_id: uuid.UUID | None


class ResetGrantPublic(ServerModel):
    """A one-time permission to clear this laptop's locked profile (see ``reset-lockout``)."""

    grant_id: uuid.UUID
    issued_by: str
    issued_at: datetime
    expires_at: datetime


class UploadStatus(ServerModel):
    """How much of an attachment the server holds; resume uploading at ``received``."""

    sha256: str
    size: int
    received: int
    complete: bool
    max_chunk_bytes: int


class DocumentSummary(ServerModel):
    """One centrally served form template or rule table. ``sha256`` changes with every edit, so
    a laptop compares it to decide whether to fetch the document again."""

    name: str
    version: int | str | None
    sha256: str
    format: Literal["toml", "json"]


class DocumentList(ServerModel):
    documents: list[DocumentSummary] = Field(default_factory=list)


class Document(ServerModel):
    name: str
    version: int | str | None
    sha256: str
    format: Literal["toml", "json"]
    content: dict[str, Any]


# ---- The service's figures (GET /v1/reports/figures; server/reports/)


class TimelinessCount(ServerModel):
    """How one measure's statutory items in the period went, for one group: the service, a
    team, a worker (who held the case on the day) or a legal status group."""

    measure: Literal[
        "child_visit",
        "child_review",
        "adoption_review",
        "sgo_support_review",
        "carer_review",
        "unannounced_visit",
        "tsd",
    ]
    measure_label: str
    group_kind: Literal["service", "team", "worker", "legal_status"]
    #: "" for the service; a team's name; a worker's username; a legal status group's key
    #: (care_order, s20, placement_order, special_guardianship, child_arrangements, adoption,
    #: other).
    group: str
    group_label: str
    on_time: int
    late: int
    #: Due on or before the period's last day and still not done at its end.
    overdue: int
    #: on_time / (on_time + late + overdue); null when nothing was due.
    share_on_time: float | None


class DurationFigure(ServerModel):
    measure: Literal[
        "entered_care_to_decision",
        "entered_care_to_moved_in",
        "entered_care_to_moved_in_a10",
        "authority_to_moved_in",
        "entered_care_to_order",
    ]
    label: str
    #: Children the measure could be worked out for (dates recorded).
    children: int
    average_days: float | None
    median_days: float | None


class PermanenceRoute(ServerModel):
    route: Literal["adoption", "special_guardianship", "child_arrangements"]
    label: str
    #: Orders made in the period.
    children: int
    measures: list[DurationFigure]


class ShareFigure(ServerModel):
    measure: Literal["three_or_more_placements", "long_term_stability"]
    label: str
    count: int
    of: int
    share: float | None


class ProviderCount(ServerModel):
    #: own_carers, agency_carers, other_public_carers, residential, adoption, parents, other.
    group: str
    label: str
    #: Children placed with this kind of provider on the period's last day.
    placed_at_end: int
    #: Placements with this kind of provider that began in the period.
    started_in_period: int


class ReturnHomeCount(ServerModel):
    #: The looked-after legal status the child returned home from, or ALL for the total.
    legal_status: str
    label: str
    #: Returns home (903 REC E4A) in the period.
    returned: int
    #: Returns whose six- (twelve-) month point had come by the period's end, and of those,
    #: the children not back in care by then.
    six_months_of: int
    home_at_six_months: int
    twelve_months_of: int
    home_at_twelve_months: int
    #: Returns followed by care again within the service's re-entry window.
    reentered: int


class ServiceFiguresBody(ServerModel):
    """Every figure for one scope (the caller's team, or the whole service) and period."""

    period_start: date
    period_end: date
    scope: Literal["service", "team"]
    team: str | None
    generated_at: datetime
    timeliness: list[TimelinessCount]
    permanence: list[PermanenceRoute]
    stability: list[ShareFigure]
    placements_by_provider: list[ProviderCount]
    returns_home: list[ReturnHomeCount] = []
