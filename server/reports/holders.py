"""Who held a child's case or a household on a given day, and their team then: the worker a
timeliness figure is counted against is the one who held the case when the item was done, or
on the last day of the period for an item left outstanding, not whoever holds it now.

Reallocations are scope events (``server.models.records.ScopeEvent``); a subject never moved
has none, and is held by its current allocation. Purging forgets old scope events, so before
the earliest one still kept, the holder is that event's previous holder; before a first
allocation (a case whose earlier history came with it), its first holder.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Allocation, ScopeEvent, Team, UserAccount


@dataclass(frozen=True)
class Worker:
    user_id: int
    username: str
    display_name: str
    team_id: int | None
    team_name: str | None


#: A holder as a scope event records them: (worker id, their team's id then).
_Held = tuple[int | None, int | None]

#: Who a subject with no holder is counted against.
UNALLOCATED = Worker(0, "", "Not allocated", None, None)


class Holders:
    def __init__(self, session: Session) -> None:
        self.teams = teams = {team.id: team.name for team in session.scalars(select(Team))}
        self.workers = {
            user.id: Worker(
                user.id,
                user.username,
                user.display_name,
                user.team_id,
                teams.get(user.team_id) if user.team_id is not None else None,
            )
            for user in session.scalars(select(UserAccount))
        }
        self.current = {
            subject_id: worker_id
            for subject_id, worker_id in session.execute(
                select(Allocation.subject_id, Allocation.worker_id)
            )
        }
        #: Each subject's moves: (day, (previous holder, their team), (new holder, their team)).
        self.moves: dict[uuid.UUID, list[tuple[date, _Held, _Held]]] = defaultdict(list)
        for subject_id, at, from_id, from_team, to_id, to_team in session.execute(
            select(
                ScopeEvent.subject_id,
                ScopeEvent.at,
                ScopeEvent.from_worker_id,
                ScopeEvent.from_team_id,
                ScopeEvent.to_worker_id,
                ScopeEvent.to_team_id,
            ).order_by(ScopeEvent.revision)
        ):
            self.moves[subject_id].append((at.date(), (from_id, from_team), (to_id, to_team)))

    def on(self, subject_id: uuid.UUID, day: date) -> Worker:
        """The worker holding the subject at the end of ``day``."""
        moves = self.moves.get(subject_id)
        if not moves:
            worker_id = self.current.get(subject_id)
            found = self.workers.get(worker_id) if worker_id is not None else None
            return found or UNALLOCATED
        held = [to for on, _from, to in moves if on <= day]
        # Before the first move kept: its previous holder, or for a first allocation
        # (recorded after the case's earlier history), its first holder.
        worker_id, team_id = held[-1] if held else (moves[0][1] if moves[0][1][0] else moves[0][2])
        found = self.workers.get(worker_id) if worker_id is not None else None
        if found is None:
            return UNALLOCATED
        # The team the worker was in when the case moved to them (accounts keep no history).
        return replace(
            found, team_id=team_id, team_name=self.teams.get(team_id) if team_id else None
        )
