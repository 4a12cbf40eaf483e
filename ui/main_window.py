"""The main window: it composes the pages a worker moves between and does nothing else.

Pages (the caseload dashboard, a child's case, a visit form) sit in a stack with Back
navigation; the sync indicator sits in the status bar; the menus hold the few actions that are
not on a page (Sync now, Conflicts, Settings, Lock, Quit). Every service it uses is passed in
or made from what was passed in: nothing reaches into this window from outside but its small
public API (``lock``, ``open_child``, ``back``...), and it reaches into no view's insides.

Locking hides everything at once: the pages are taken out of the window before anything else
happens, so no case text stays on screen while a draft is being saved or the sync is stopping.
Then the open visit saves its draft, the sync stops, the store drops its key, and the unlock
window shows in place of the pages. Unlocking builds fresh pages over the new store.

The parts it composes: its commands (``ui.window_actions``), the sync and its indicator
(``ui.window_sync``), the pages with Back (``ui.page_stack``) and what it knows of each kind of
page (``ui.page_registry``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from app.settings import Settings
from app.store import Profile, Store
from sync import account
from ui import desk, manager_tools
from ui.changes import ChangeHub
from ui.page_commands import shown
from ui.page_registry import page_title, wire_case_view, wire_household_view
from ui.page_stack import PageStack
from ui.sync_controller import SyncController, SyncState
from ui.tasks import run_task
from ui.views.assessment_form import AssessmentForm
from ui.views.carer_register import CarerRegisterView
from ui.views.case_note_form import CaseNoteForm
from ui.views.case_view import CaseView
from ui.views.common import FOCUS_STYLE, alive, fitting_screen
from ui.views.conflicts import ConflictsDialog
from ui.views.dashboard import DashboardView
from ui.views.household_view import HouseholdView
from ui.views.households import HouseholdsView
from ui.views.locked_page import LockedPage, lock_message
from ui.views.new_assessment import NewAssessmentDialog
from ui.views.panel_page import PanelPage
from ui.views.passphrase_dialog import PassphraseDialog
from ui.views.review_form import ReviewForm
from ui.views.settings_dialog import SettingsDialog
from ui.views.sign_in_again import SignInAgainDialog, ask_to_sign_in
from ui.views.sync_status import unsent_note
from ui.views.unlock import UnlockWindow
from ui.views.unsent_quit import ask_to_quit
from ui.views.visit_form import VisitForm
from ui.views.wiped_notice import tell_wiped
from ui.window_actions import Commands, build_actions
from ui.window_sync import SyncDock, SyncFactory

log = logging.getLogger(__name__)

APP_NAME = "Casebook"


class MainWindow(QMainWindow):
    """The worker's window over one unlocked profile."""

    sig_locked = Signal(str)
    """The window is locked: pages gone, store key dropped, unlock window showing.

    Parameters
    ----------
    reason : str
        ``"manual"``, ``"idle"`` or ``"suspend"``.
    """

    sig_unlocked = Signal()
    """The worker unlocked again; the dashboard is showing."""

    sig_settings_changed = Signal(object)
    """The worker saved new settings (the app applies font size and idle time).

    Parameters
    ----------
    settings : app.settings.Settings
    """

    sig_wiped = Signal()
    """The service revoked this laptop and the profile has been erased: set up afresh."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        profile: Profile,
        parent: QWidget | None = None,
        *,
        sync_factory: SyncFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._profile = profile
        self._make_sync: SyncFactory = sync_factory or (lambda s, c: SyncController(s, c))
        self._dock: SyncDock | None = None
        #: Where saves and syncs announce what they changed; the pages showing records listen.
        self._changes = ChangeHub(self)
        self._dashboard: DashboardView | None = None
        self._unlock: UnlockWindow | None = None
        self._sign_in: SignInAgainDialog | None = None
        self._locked = False
        self._closing = False
        self._may_close = False
        self._person_quits = False
        self._unsent_told = False
        self._lock_note = ""
        self._worker_name = store.worker
        #: The pages open when the window locked, to open again after unlock (``ui.desk``).
        self._reopen: list[desk.Reopen] = []
        #: The signed-in account's role ("manager" may approve assessments); "" until known.
        self._role = ""

        self.setObjectName("MainWindow")
        self.setAccessibleName("Casebook")
        self.setStyleSheet(FOCUS_STYLE)
        self._stack = PageStack(self)
        self._stack.currentChanged.connect(self._page_changed)
        self.setCentralWidget(fitting_screen(self._stack))
        self._actions = build_actions(
            self,
            Commands(
                back=self.back,
                sync_now=self.sync_now,
                households=self.open_households,
                register=self.open_register,
                panel=self.open_panel,
                conflicts=self.show_conflicts,
                settings=self.show_settings,
                passphrase=self.show_passphrase,
                lock=lambda: self.lock("manual"),
                quit=self._quit,
            ),
        )
        # The ones tests and the pages' own commands reach for by name.
        self.back_action = self._actions.back
        self.lock_action = self._actions.lock
        self.passphrase_action = self._actions.passphrase
        desk.install(self)
        self._open_pages()

    # ---- Public API

    @property
    def store(self) -> Store:
        return self._store

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def is_locked(self) -> bool:
        return self._locked

    @property
    def current_page(self) -> QWidget | None:
        return self._stack.currentWidget()

    @property
    def dashboard(self) -> DashboardView | None:
        return self._dashboard

    @property
    def sync_controller(self) -> SyncController | None:
        return self._dock.controller if self._dock is not None else None

    @property
    def unlock_window(self) -> UnlockWindow | None:
        """The unlock window while locked, else None."""
        return self._unlock

    def open_child(self, child_id: uuid.UUID) -> CaseView:
        view = CaseView(self._store, child_id, changes=self._changes)
        wire_case_view(view, self)
        view.sig_loaded.connect(self._update_title)
        self._push(view)
        return view

    def open_case_note(
        self,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        note_id: uuid.UUID | None = None,
    ) -> CaseNoteForm:
        """A new case note about the child (or household), or an existing note by its id."""
        form = CaseNoteForm(
            self._store,
            child_id=child_id,
            household_id=household_id,
            note_id=note_id,
            changes=self._changes,
        )
        self._push(form)
        return form

    def show_page(self, page: QWidget) -> None:
        """Put a page of a tool added from outside (the manager's pages) on top, with Back."""
        self._push(page)

    def open_visit(self, child_id: uuid.UUID, visit_id: uuid.UUID | None) -> VisitForm:
        form = VisitForm(self._store, child_id, visit_id, changes=self._changes)
        self._push(form)
        return form

    def open_review(
        self,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        review_id: uuid.UUID | None = None,
    ) -> ReviewForm:
        """A new review of the child (looked-after, adoption, special guardianship support) or
        of the carer household (annual review), or an existing review by its id."""
        form = ReviewForm(
            self._store,
            child_id=child_id,
            household_id=household_id,
            review_id=review_id,
            changes=self._changes,
        )
        self._push(form)
        return form

    def open_households(self) -> HouseholdsView:
        """The carer households list (the one on show, if it is the current page)."""
        page = self._stack.currentWidget()
        if isinstance(page, HouseholdsView):
            page.filter_box.setFocus()
            return page
        view = HouseholdsView(self._store, changes=self._changes)
        view.sig_household_opened.connect(self.open_household)
        self._push(view)
        view.filter_box.setFocus()
        return view

    def open_register(self) -> CarerRegisterView | None:
        """The Carer register page (the one on show, if it is the current page)."""

        def made() -> CarerRegisterView:
            view = CarerRegisterView(self._store, self.settings)
            view.setProperty("pageTitle", "Carer register")
            return view

        return shown(self, CarerRegisterView, made)

    def open_panel(self) -> PanelPage | None:
        """The Fostering panel page (the one on show, if it is the current page); a manager
        may change the panel from it."""

        def made() -> PanelPage:
            view = PanelPage(self._store, self.settings, can_change=self._role == "manager")
            view.setProperty("pageTitle", "Fostering panel")
            return view

        return shown(self, PanelPage, made)

    def open_household(self, household_id: uuid.UUID) -> HouseholdView:
        view = HouseholdView(
            self._store, household_id, settings=self.settings, changes=self._changes
        )
        wire_household_view(view, self)
        view.sig_loaded.connect(self._update_title)
        self._push(view)
        return view

    def open_household_visit(
        self, household_id: uuid.UUID, visit_id: uuid.UUID | None, visit_type: str | None = None
    ) -> VisitForm:
        """A visit to carers: supervising, unannounced or special guardianship support."""
        form = VisitForm(
            self._store,
            None,
            visit_id,
            household_id=household_id,
            visit_type=visit_type,
            changes=self._changes,
        )
        self._push(form)
        return form

    def new_assessment(
        self,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        name: str = "",
    ) -> NewAssessmentDialog:
        """Ask which form to start an assessment of the child (or household) with; the
        chosen form then opens as a page."""
        dialog = NewAssessmentDialog(
            self._store, subject="child" if child_id is not None else "household", name=name
        )
        dialog.setParent(self, dialog.windowFlags())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_chosen.connect(
            lambda template_id: self.open_assessment(
                child_id=child_id, household_id=household_id, template_id=template_id
            )
        )
        dialog.open()
        return dialog

    def open_assessment(
        self,
        *,
        child_id: uuid.UUID | None = None,
        household_id: uuid.UUID | None = None,
        assessment_id: uuid.UUID | None = None,
        template_id: str | None = None,
    ) -> AssessmentForm | None:
        """An existing assessment (``assessment_id``, with the form version it was made
        with), or a new one of the child or household with ``template_id``'s newest version.
        Without either, the worker is asked to choose a form first (and None is returned)."""
        if assessment_id is None and template_id is None:
            self.new_assessment(child_id=child_id, household_id=household_id)
            return None
        form = AssessmentForm(
            self._store,
            child_id=child_id,
            household_id=household_id,
            assessment_id=assessment_id,
            template_id=template_id,
            can_approve=self._role == "manager",
            changes=self._changes,
        )
        self._push(form)
        return form

    def back(self) -> None:
        """Leave the current page (an open visit saves its draft first)."""
        if self._locked:
            return
        page = self._stack.pop()
        if page is None:
            return
        # The page now on show reads its records again itself (``ui.changes``): at once, and
        # again if a draft left still saving reaches the store.

    def sync_now(self) -> None:
        if self._dock is not None and not self._locked:
            self._dock.controller.sync_now()

    def show_conflicts(self) -> None:
        if self._locked:
            return
        dialog = ConflictsDialog(self._store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self._refresh_sync_state())
        dialog.open()

    def show_settings(self) -> None:
        if self._locked:
            return
        dialog = SettingsDialog(
            self._settings, self, profile_path=self._profile.path, store=self._store
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_saved.connect(self._settings_saved)
        dialog.open()

    def show_passphrase(self) -> None:
        """Change the passphrase (the key is sealed again; the next unlock needs the new one)."""
        if self._locked:
            return
        dialog = PassphraseDialog(self._profile, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def lock(self, reason: str = "manual") -> None:
        """Hide every page at once, let an open visit save its draft, stop the sync, drop the
        store's key and show the unlock window. Nothing happens if already locked."""
        if self._locked or self._closing:
            return
        self._locked = True
        self._lock_note = unsent_note(self._sync_state())
        log.info("locking (%s)", reason)
        self._reopen = desk.reopeners(list(reversed(self._stack.pages())))
        self._take_pages()
        locked_page = LockedPage()
        self._stack.addWidget(locked_page)
        self._stack.setCurrentWidget(locked_page)
        self._update_title()
        self._actions.set_enabled(False)
        self._stop_services()
        self._settle_then(lambda: self._show_unlock(locked_page, reason))

    # ---- Qt methods

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        """Quit waits (events flowing) for drafts to reach the store, then drops the key."""
        if self._may_close:
            event.accept()
            return
        event.ignore()
        if self._closing or self._unsent_quit_asked(event):
            return
        self._closing = True
        self._take_pages()
        self._stop_services()

        def finish() -> None:
            if not alive(self):
                return  # deleted while waiting: nothing left to close
            self._may_close = True
            # Later, not now: Qt ignores close() from inside this window's own closeEvent.
            # The window is the timer's context, so a window deleted meanwhile is not called.
            QTimer.singleShot(0, self, self.close)

        self._settle_then(finish)

    # ---- Private API: pages

    def _open_pages(self) -> None:
        self._dock = SyncDock(
            self,
            self._make_sync,
            self._store,
            self._settings,
            changes=self._changes,
            on_wipe=self._wipe,
            on_reauthenticate=self._reauthenticate,
            on_conflicts=self.show_conflicts,
        )
        dashboard = DashboardView(self._store, changes=self._changes)
        dashboard.sig_child_opened.connect(self.open_child)
        self._dashboard = dashboard
        self._push(dashboard)
        dashboard.refresh()
        store = self._store
        run_task(lambda: account.account(store), self._got_account, _ignore)
        self._update_title()

    def _push(self, page: QWidget) -> None:
        self._stack.push(page)

    def _take_pages(self) -> None:
        """Every page and dialog off the screen at once; draft forms start saving."""
        self._stack.take_all()
        self._dashboard = None

    def _stop_services(self) -> None:
        if self._dock is not None:
            dock, self._dock = self._dock, None
            dock.stop()

    def _settle_then(self, then: Callable[[], None]) -> None:
        """When retired forms have saved and background work has answered (or after a time
        limit), lock the store and call ``then``."""

        def settled() -> None:
            self._store.lock()
            then()

        self._stack.when_settled(settled)

    def _sync_state(self) -> SyncState | None:
        return self._dock.controller.state if self._dock is not None else None

    def _refresh_sync_state(self) -> None:
        if self._dock is not None:
            self._dock.controller.refresh_state()

    def _show_unlock(self, page: LockedPage, reason: str) -> None:
        if not alive(page):
            return
        message = lock_message(reason, self._settings.idle_lock_minutes)
        unlock = page.show_unlock(self._profile, f"{message} {self._lock_note}".strip())
        unlock.sig_unlocked.connect(self._unlocked)
        self._unlock = unlock
        self.sig_locked.emit(reason)

    def _unlocked(self, store: Store) -> None:
        self._store = store
        self._worker_name = store.worker
        self._locked = False
        self._unlock = None
        self._stack.discard_all()
        self._actions.set_enabled(True)
        self._page_changed()
        self._open_pages()
        reopen, self._reopen = self._reopen, []
        for again in reopen:
            again(self)  # back to the page and record that was open
        self.sig_unlocked.emit()

    # ---- Private API: sync and settings

    def _settings_saved(self, settings: Settings) -> None:
        self._settings = settings
        if self._dock is not None:
            self._dock.controller.set_settings(settings)
        self.sig_settings_changed.emit(settings)

    def _reauthenticate(self) -> None:
        """The service refused this laptop's sign-in: let the worker sign in again (one dialog
        at a time), then sync what has been waiting."""
        if self._locked or self._closing:
            return
        self._sign_in = ask_to_sign_in(
            self._sign_in, self._store, self._settings, self, on_signed_in=self.sync_now
        )

    def _wipe(self) -> None:
        """The service revoked this laptop: hide everything, drop the key, erase the profile,
        tell the worker, and hand back to the first-run flow."""
        if self._closing:
            return
        log.warning("the service revoked this device: wiping the profile")
        self._locked = self._closing = True
        self._take_pages()
        self._stop_services()
        self._update_title()
        self._actions.set_enabled(False)
        profile = self._profile

        def wiped(_result: object = None) -> None:
            self._may_close = True
            tell_wiped(self, self.sig_wiped.emit)

        def failed(exc: BaseException) -> None:
            log.error("wiping the revoked profile failed: %s", type(exc).__name__)
            wiped()

        def erase() -> None:
            run_task(profile.wipe, wiped, failed)

        self._settle_then(erase)

    # ---- Private API: actions and title

    def _quit(self) -> None:
        self._person_quits = True
        self.close()

    def _unsent_quit_asked(self, event: QCloseEvent) -> bool:
        """A person quitting with changes not yet sent is told so plainly (they are safe and
        go at the next sync) and may stay to sync first. Returns True while asking."""
        asked_by_person = event.spontaneous() or self._person_quits
        self._person_quits = False
        note = unsent_note(self._sync_state())
        if not asked_by_person or self._unsent_told or not note or self._locked:
            return False

        def quit_anyway() -> None:
            self._unsent_told = True
            self.close()

        ask_to_quit(self, note, quit_anyway)
        return True

    def _page_changed(self, _index: int = 0) -> None:
        self.back_action.setEnabled(not self._locked and self._stack.count() > 1)
        self._update_title()

    def _got_account(self, found: account.Account | None) -> None:
        if found is not None and alive(self) and not self._locked:
            self._worker_name = found.display_name or found.worker
            self._role = found.role
            for page in self._stack.pages():
                if isinstance(page, AssessmentForm):
                    page.set_can_approve(self._role == "manager")
            if self._role == "manager":
                manager_tools.install(self)
            self._update_title()

    def _update_title(self) -> None:
        if self._locked:
            self.setWindowTitle(f"{APP_NAME} (locked)")
            return
        parts = [APP_NAME]
        title = page_title(self._stack.currentWidget())
        if title:
            parts.insert(0, title)
        if self._worker_name:
            parts.append(self._worker_name)
        self.setWindowTitle(" – ".join(parts))


def _ignore(_exc: BaseException) -> None:
    """The worker's name in the title is a nicety: without it the title says less."""
