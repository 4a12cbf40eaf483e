"""What changed in the store, said once to every page that shows records.

After a write (a draft saved or finalised on this laptop, or records a sync applied) the part
that made the change broadcasts a ``RecordsChanged`` through the window's ``ChangeHub``; each
page that shows records decides for itself whether the change concerns it. The main window
only owns the hub and hands it to pages: it keeps no list of which kinds of page reload when.
Sync-applied changes go through the same path as local saves, so there is one way a page
learns its records are out of date (after Anki's ``OpChanges`` and
``operation_did_execute``).

A page that is not on show when a change concerns it is marked stale and reads its records
again when it comes back on top, so work done out of sight costs nothing until it is seen.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

from sync.summary import ITEMS_KEPT, SyncSummary


class Origin(StrEnum):
    """Where a change came from."""

    #: A form on this laptop saved or finalised a record.
    LOCAL = "local"
    #: A sync applied records from the service.
    SYNC = "sync"


@dataclass(frozen=True)
class RecordsChanged:
    """Which records changed, as far as the one announcing it knows.

    Empty ``kinds`` means "any kind"; empty ``child_ids`` and ``household_ids`` together mean
    "whoever" (a sync knows the kinds it applied but not whom they were about).
    """

    origin: Origin
    #: Record types (``Record.record_type``: "visit", "assessment"...).
    kinds: frozenset[str] = field(default_factory=frozenset)
    child_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    household_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)

    def touches_kind(self, *kinds: str) -> bool:
        """Whether records of any of ``kinds`` may have changed."""
        return not self.kinds or not self.kinds.isdisjoint(kinds)

    def touches_child(self, child_id: uuid.UUID) -> bool:
        """Whether records about the child may have changed."""
        return self._whoever or child_id in self.child_ids

    def touches_household(self, household_id: uuid.UUID) -> bool:
        """Whether records about the carer household may have changed."""
        return self._whoever or household_id in self.household_ids

    @property
    def _whoever(self) -> bool:
        return not self.child_ids and not self.household_ids


def sync_changes(summary: SyncSummary) -> RecordsChanged | None:
    """What a finished sync changed, or None when it moved nothing.

    Records sent count too: their sync state on screen changes once the service has them. The
    kinds are those in the sync's details; when the details were cut short, or the sync
    stopped on an error part-way, any kind may have changed.
    """
    moved = (
        summary.sent
        + summary.received
        + summary.merged
        + summary.conflicts
        + summary.rejected
        + summary.purged
        + summary.kept_for_worker
    )
    if not moved and not summary.full_resync and not summary.errors:
        return None
    complete = len(summary.items) < ITEMS_KEPT and not summary.errors and not summary.full_resync
    kinds = frozenset(item.record_type for item in summary.items) if complete else frozenset()
    return RecordsChanged(Origin.SYNC, kinds=kinds)


class ChangeHub(QObject):
    """The one channel changes to records are announced on, owned by the main window."""

    sig_records_changed = Signal(object)
    """Records changed in the store.

    Parameters
    ----------
    change : RecordsChanged
    """

    def announce(self, change: RecordsChanged) -> None:
        self.sig_records_changed.emit(change)


class ReloadOnChange(QObject):
    """Keeps one page's records current: it reloads at once when a change concerns it while
    it is on show, or when it next comes back on top if the change came while it was hidden.

    ``always_on_return``: the page also reads again whenever it comes back on top, because a
    page left (a dialog's change, a manager's tool) may have written what no one announced.
    """

    def __init__(
        self,
        page: QWidget,
        hub: ChangeHub,
        *,
        concerns: Callable[[RecordsChanged], bool],
        reload: Callable[[], None],
        always_on_return: bool = False,
    ) -> None:
        super().__init__(page)
        self._page = page
        self._concerns = concerns
        self._reload = reload
        self._always_on_return = always_on_return
        self._stale = False
        self._shown_once = False
        hub.sig_records_changed.connect(self._changed)
        page.installEventFilter(self)

    @property
    def stale(self) -> bool:
        """A change concerned the page while it was hidden; it reloads when next on show."""
        return self._stale

    def _changed(self, change: object) -> None:
        if not isinstance(change, RecordsChanged) or not self._concerns(change):
            return
        if self._page.isVisible():
            self._stale = False
            self._reload()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        # Spontaneous shows are the window coming back from being minimised: no page moved.
        shown = event.type() == QEvent.Type.Show and not event.spontaneous()
        if watched is self._page and shown:
            returning = self._shown_once
            self._shown_once = True
            if self._stale or (returning and self._always_on_return):
                self._stale = False
                self._reload()
        return False
