"""What a sync needs to know from the store before it talks to the service, read in one
transaction: most syncs have nothing to send, no files to move and no forms to fetch, and one
read for each of those was half of a quiet sync (bench/README.md, "Figures behind the code")."""

from __future__ import annotations

from dataclasses import dataclass

from app.replica import batches, state
from app.store import Store
from sync import attachments


@dataclass(frozen=True)
class Outlook:
    #: The pull cursor, a re-sync under way, the last check for new forms.
    states: dict[state.Key[str], str]
    pending: bool
    uploads: list[str]
    downloads: list[str]
    #: Removals kept back for the worker's unsettled work (``sync.apply.release_kept``).
    kept: bool = False
    #: Refused changes waiting for a record to reach the service (``sync.refused``).
    waiting_refusals: bool = False

    @property
    def cursor(self) -> str | None:
        return self.states.get(state.PULL_CURSOR) or None

    @property
    def resyncing(self) -> bool:
        return bool(self.states.get(state.FULL_RESYNC))


_SYNC_STATES = (state.PULL_CURSOR, state.FULL_RESYNC, state.TEMPLATES_CHECKED)


def read(store: Store) -> Outlook:
    with store.read_rows() as rows:
        return Outlook(
            state.get_many(rows, *_SYNC_STATES),
            pending=batches.pending_after(rows, 0),
            uploads=attachments.uploads_due_in(rows),
            downloads=attachments.downloads_due_in(rows),
            kept=batches.any_kept_removal(rows),
            waiting_refusals=batches.any_waiting_refusal(rows),
        )


def states_only(store: Store) -> Outlook:
    """The profile state alone (a pull after a push that changed the rest)."""
    with store.read() as session:
        return Outlook(
            state.get_many(session, *_SYNC_STATES), pending=False, uploads=[], downloads=[]
        )
