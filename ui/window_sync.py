"""The sync as the main window holds it: the controller and its indicator in the status bar,
made together when the window opens over an unlocked store and stopped together when it locks.

Apart from ``ui.main_window`` so the window only says what happens when the service revokes
the laptop or asks it to sign in again; how the controller is made, parented, shown and
stopped is here. What a sync applied is announced on the window's ``ChangeHub``, where the
pages showing records hear it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow

from app.settings import Settings
from app.store import Store
from ui.changes import ChangeHub
from ui.sync_controller import SyncController
from ui.views.sync_status import SyncStatusBar

SyncFactory = Callable[[Store, Settings], SyncController]


class SyncDock:
    """One store's sync controller, parented to the window, with its status bar indicator."""

    def __init__(
        self,
        window: QMainWindow,
        make: SyncFactory,
        store: Store,
        settings: Settings,
        *,
        changes: ChangeHub,
        on_wipe: Callable[[], None],
        on_reauthenticate: Callable[[], None],
        on_conflicts: Callable[[], None],
    ) -> None:
        self._window = window
        sync = make(store, settings)
        sync.setParent(window)
        sync.announce_to(changes)
        sync.sig_wipe_requested.connect(on_wipe)
        sync.sig_reauthenticate.connect(on_reauthenticate)
        status = SyncStatusBar(sync)
        status.sig_conflicts_requested.connect(on_conflicts)
        window.statusBar().addPermanentWidget(status, 1)
        self.controller: SyncController = sync
        self._status: SyncStatusBar | None = status

    def stop(self) -> None:
        """Remove the indicator and stop the sync (waiting, events flowing, for its tasks to
        answer)."""
        if self._status is not None:
            self._window.statusBar().removeWidget(self._status)
            self._status.deleteLater()
            self._status = None
        self.controller.stop()
        self.controller.deleteLater()
