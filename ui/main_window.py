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
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.settings import Settings
from app.store import Profile, Store
from sync import account
from ui import desk, manager_tools, tasks
from ui.sync_controller import SyncController
from ui.tasks import run_task
from ui.views.assessment_form import AssessmentForm
from ui.views.carer_register import CarerRegisterView
from ui.views.case_note_form import CaseNoteForm
from ui.views.case_view import CaseView
from ui.views.common import FOCUS_STYLE, alive, fitting_screen, heading_font
from ui.views.conflicts import ConflictsDialog
from ui.views.dashboard import DashboardView
from ui.views.draft_form import DraftForm
from ui.views.household_view import HouseholdView
from ui.views.households import HouseholdsView
from ui.views.new_assessment import NewAssessmentDialog
from ui.views.panel_page import PanelPage
from ui.views.passphrase_dialog import PassphraseDialog
from ui.views.review_form import ReviewForm
from ui.views.settings_dialog import SettingsDialog
from ui.views.sign_in_again import SignInAgainDialog
from ui.views.sync_status import SyncStatusBar, unsent_note
from ui.views.unlock import UnlockWindow
from ui.views.visit_form import VisitForm

log = logging.getLogger(__name__)

APP_NAME = "Casebook"
#: How long a lock or quit waits for drafts and background work before dropping the key anyway.
SETTLE_TIMEOUT_MS = 10_000
_SETTLE_POLL_MS = 25

WIPED_MESSAGE = (
    "Your service has removed this laptop from Casebook (for example because it was reported "
    "lost, or the account was closed). To protect the children's records, everything Casebook "
    "kept on this laptop has been erased.\n\n"
    "If you did not expect this, contact the service desk. You can set Casebook up again on "
    "this laptop once they have re-enabled your account."
)

SyncFactory = Callable[[Store, Settings], SyncController]


def lock_message(reason: str, idle_minutes: int) -> str:
    """Why the unlock window is showing, in the worker's words."""
    if reason == "idle":
        unit = "minute" if idle_minutes == 1 else "minutes"
        return f"Locked after {idle_minutes} {unit} without use."
    if reason == "suspend":
        return "Locked because the laptop went to sleep."
    return "Casebook is locked."


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
        self._sync: SyncController | None = None
        self._status: SyncStatusBar | None = None
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
        self._retiring: list[DraftForm] = []
        #: The pages open when the window locked, to open again after unlock (``ui.desk``).
        self._reopen: list[desk.Reopen] = []
        #: The signed-in account's role ("manager" may approve assessments); "" until known.
        self._role = ""

        self.setObjectName("MainWindow")
        self.setAccessibleName("Casebook")
        self.setStyleSheet(FOCUS_STYLE)
        self._stack = QStackedWidget(self)
        self._stack.currentChanged.connect(self._page_changed)
        self.setCentralWidget(fitting_screen(self._stack))
        self._build_actions()
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
        return self._sync

    @property
    def unlock_window(self) -> UnlockWindow | None:
        """The unlock window while locked, else None."""
        return self._unlock

    def open_child(self, child_id: uuid.UUID) -> CaseView:
        view = CaseView(self._store, child_id)
        view.sig_record_visit.connect(lambda child: self.open_visit(child, None))
        view.sig_open_visit.connect(self.open_visit)
        view.sig_record_review.connect(lambda child: self.open_review(child_id=child))
        view.sig_open_review.connect(
            lambda child, review: self.open_review(child_id=child, review_id=review)
        )
        view.sig_record_assessment.connect(
            lambda child: self.new_assessment(
                child_id=child, name=view.case.profile.name if view.case else ""
            )
        )
        view.sig_open_assessment.connect(
            lambda child, assessment: self.open_assessment(child_id=child, assessment_id=assessment)
        )
        view.sig_open_household.connect(self.open_household)
        view.sig_record_note.connect(lambda child: self.open_case_note(child_id=child))
        view.sig_open_note.connect(
            lambda child, note: self.open_case_note(child_id=child, note_id=note)
        )
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
            self._store, child_id=child_id, household_id=household_id, note_id=note_id
        )
        self._push(form)
        return form

    def show_page(self, page: QWidget) -> None:
        """Put a page of a tool added from outside (the manager's pages) on top, with Back."""
        self._push(page)

    def open_visit(self, child_id: uuid.UUID, visit_id: uuid.UUID | None) -> VisitForm:
        form = VisitForm(self._store, child_id, visit_id)
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
            self._store, child_id=child_id, household_id=household_id, review_id=review_id
        )
        self._push(form)
        return form

    def open_households(self) -> HouseholdsView:
        """The carer households list (the one on show, if it is the current page)."""
        page = self._stack.currentWidget()
        if isinstance(page, HouseholdsView):
            page.filter_box.setFocus()
            return page
        view = HouseholdsView(self._store)
        view.sig_household_opened.connect(self.open_household)
        self._push(view)
        view.filter_box.setFocus()
        return view

    def open_register(self) -> CarerRegisterView | None:
        """The Carer register page (the one on show, if it is the current page)."""
        if self._locked:
            return None
        page = self._stack.currentWidget()
        if isinstance(page, CarerRegisterView):
            page.refresh()
            return page
        view = CarerRegisterView(self._store, self.settings)
        view.setProperty("pageTitle", "Carer register")
        self._push(view)
        return view

    def open_panel(self) -> PanelPage | None:
        """The Fostering panel page (the one on show, if it is the current page); a manager
        may change the panel from it."""
        if self._locked:
            return None
        page = self._stack.currentWidget()
        if isinstance(page, PanelPage):
            page.refresh()
            return page
        view = PanelPage(self._store, self.settings, can_change=self._role == "manager")
        view.setProperty("pageTitle", "Fostering panel")
        self._push(view)
        return view

    def open_household(self, household_id: uuid.UUID) -> HouseholdView:
        view = HouseholdView(self._store, household_id, settings=self.settings)
        view.sig_record_visit.connect(
            lambda household, kind: self.open_household_visit(household, None, kind)
        )
        view.sig_open_visit.connect(self.open_household_visit)
        view.sig_record_review.connect(lambda household: self.open_review(household_id=household))
        view.sig_open_review.connect(
            lambda household, review: self.open_review(household_id=household, review_id=review)
        )
        view.sig_new_assessment.connect(
            lambda household, template: self.open_assessment(
                household_id=household, template_id=template
            )
        )
        view.sig_choose_assessment.connect(
            lambda household: self.new_assessment(
                household_id=household, name=view.file.profile.name if view.file else ""
            )
        )
        view.sig_open_assessment.connect(
            lambda household, assessment: self.open_assessment(
                household_id=household, assessment_id=assessment
            )
        )
        view.sig_open_child.connect(self.open_child)
        view.sig_loaded.connect(self._update_title)
        self._push(view)
        return view

    def open_household_visit(
        self, household_id: uuid.UUID, visit_id: uuid.UUID | None, visit_type: str | None = None
    ) -> VisitForm:
        """A visit to carers: supervising, unannounced or special guardianship support."""
        form = VisitForm(
            self._store, None, visit_id, household_id=household_id, visit_type=visit_type
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
        )
        self._push(form)
        return form

    def back(self) -> None:
        """Leave the current page (an open visit saves its draft first)."""
        if self._locked or self._stack.count() <= 1:
            return
        page = self._stack.currentWidget()
        if page is None:
            return
        self._stack.removeWidget(page)
        self._retire(page)
        current = self._stack.currentWidget()
        if isinstance(current, CaseView):
            current.refresh()  # a visit saved on the page left may have changed its history
        elif isinstance(current, DashboardView | HouseholdsView | HouseholdView):
            current.refresh()
        # An assessment's draft may still be on its way to the store: read again once it is.
        if (
            isinstance(page, AssessmentForm)
            and page in self._retiring
            and isinstance(current, CaseView | DashboardView | HouseholdsView | HouseholdView)
        ):
            page.sig_saved.connect(lambda _id: current.refresh() if alive(current) else None)

    def sync_now(self) -> None:
        if self._sync is not None and not self._locked:
            self._sync.sync_now()

    def show_conflicts(self) -> None:
        if self._locked:
            return
        dialog = ConflictsDialog(self._store, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self._sync.refresh_state() if self._sync else None)
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
        self._lock_note = unsent_note(self._sync.state if self._sync is not None else None)
        log.info("locking (%s)", reason)
        self._reopen = desk.reopeners(list(reversed(self._pages())))
        self._take_pages()
        locked_page = self._locked_page()
        self._stack.addWidget(locked_page)
        self._stack.setCurrentWidget(locked_page)
        self._update_title()
        self._set_actions_enabled(False)
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
        self._install_sync()
        dashboard = DashboardView(self._store)
        dashboard.sig_child_opened.connect(self.open_child)
        self._dashboard = dashboard
        self._push(dashboard)
        dashboard.refresh()
        store = self._store
        run_task(lambda: account.account(store), self._got_account, _ignore)
        self._update_title()

    def _pages(self) -> list[QWidget]:
        """The pages, top first."""
        found = (self._stack.widget(i) for i in reversed(range(self._stack.count())))
        return [page for page in found if page is not None]

    def _push(self, page: QWidget) -> None:
        self._stack.addWidget(page)
        self._stack.setCurrentWidget(page)
        page.setFocus()

    def _retire(self, page: QWidget) -> None:
        """Take a page away; a visit form saves its draft and lives on (hidden) until the save
        has reached the store."""
        page.hide()
        if isinstance(page, DraftForm):
            page.save_now()
            if page.is_busy:
                self._retiring.append(page)
                return
        page.deleteLater()

    def _take_pages(self) -> None:
        """Take every page out of the window and close every dialog: no case content stays
        on screen. Visit forms start saving their drafts."""
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        for page in self._pages():
            self._stack.removeWidget(page)
            self._retire(page)
        self._dashboard = None

    def _stop_services(self) -> None:
        """Remove the sync indicator and stop the sync (waiting, events flowing, for it)."""
        if self._status is not None:
            self.statusBar().removeWidget(self._status)
            self._status.deleteLater()
            self._status = None
        if self._sync is not None:
            sync, self._sync = self._sync, None
            sync.stop()  # waits, events flowing, for its tasks to answer
            sync.deleteLater()

    def _settle_then(self, then: Callable[[], None]) -> None:
        """When retired forms have saved and background work has answered (or after a time
        limit), lock the store and call ``then``."""
        waited = 0

        def check() -> None:
            nonlocal waited
            self._retiring = [f for f in self._retiring if alive(f) and f.is_busy]
            if (self._retiring or tasks.busy()) and waited < SETTLE_TIMEOUT_MS:
                waited += _SETTLE_POLL_MS
                QTimer.singleShot(_SETTLE_POLL_MS, check)
                return
            if self._retiring:
                log.warning("locking with a draft save still running")
            for form in self._retiring:
                form.deleteLater()
            self._retiring = []
            self._store.lock()
            then()

        check()

    def _locked_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("LockedPage")
        page.setAccessibleName("Casebook is locked")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = QLabel("Locking…")
        title.setObjectName("LockingLabel")
        title.setFont(heading_font(self.font()))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        layout.addStretch(2)
        return page

    def _show_unlock(self, page: QWidget, reason: str) -> None:
        if not alive(page):
            return
        unlock = UnlockWindow(self._profile, page)
        message = lock_message(reason, self._settings.idle_lock_minutes)
        unlock.set_locked_message(f"{message} {self._lock_note}".strip())
        unlock.sig_unlocked.connect(self._unlocked)
        layout = page.layout()
        assert isinstance(layout, QVBoxLayout)
        for label in page.findChildren(QLabel, "LockingLabel"):
            label.hide()
        # The whole page, not a centred cell: the unlock window centres its own column, and
        # only a widget that fills its cell gets the height its wrapped lines need (a long
        # "wrong passphrase" message is never cut off).
        layout.insertWidget(2, unlock, 100)
        unlock.show()
        self._unlock = unlock
        unlock.setFocus()
        self.sig_locked.emit(reason)

    def _unlocked(self, store: Store) -> None:
        self._store = store
        self._worker_name = store.worker
        self._locked = False
        self._unlock = None
        for page in self._pages():
            self._stack.removeWidget(page)
            page.deleteLater()
        self._set_actions_enabled(True)
        self._open_pages()
        reopen, self._reopen = self._reopen, []
        for again in reopen:
            again(self)  # back to the page and record that was open
        self.sig_unlocked.emit()

    # ---- Private API: sync and settings

    def _install_sync(self) -> None:
        sync = self._make_sync(self._store, self._settings)
        sync.setParent(self)
        sync.sig_finished.connect(self._sync_finished)
        sync.sig_wipe_requested.connect(self._wipe)
        sync.sig_reauthenticate.connect(self._reauthenticate)
        status = SyncStatusBar(sync)
        status.sig_conflicts_requested.connect(self.show_conflicts)
        self.statusBar().addPermanentWidget(status, 1)
        self._sync, self._status = sync, status

    def _sync_finished(self, _summary: object) -> None:
        """Records may have arrived: the page on show reloads."""
        page = self._stack.currentWidget()
        if isinstance(
            page, DashboardView | CaseView | HouseholdsView | HouseholdView | AssessmentForm
        ):
            page.refresh()  # an assessment's approval may have arrived

    def _settings_saved(self, settings: Settings) -> None:
        self._settings = settings
        if self._sync is not None:
            self._sync.set_settings(settings)
        self.sig_settings_changed.emit(settings)

    def _reauthenticate(self) -> None:
        """The service refused this laptop's sign-in: let the worker sign in again (one dialog
        at a time), then sync what has been waiting."""
        if self._locked or self._closing:
            return
        if self._sign_in is not None and alive(self._sign_in) and self._sign_in.isVisible():
            self._sign_in.raise_()
            self._sign_in.activateWindow()
            return
        dialog = SignInAgainDialog(self._store, self._settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_signed_in.connect(self.sync_now)
        self._sign_in = dialog
        dialog.open()

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
        self._set_actions_enabled(False)
        profile = self._profile

        def wiped(_result: object = None) -> None:
            self._may_close = True
            box = QMessageBox(QMessageBox.Icon.Warning, "Casebook has been removed", WIPED_MESSAGE)
            box.setParent(self, box.windowFlags())
            box.finished.connect(lambda _r: self.sig_wiped.emit())
            box.open()

        def failed(exc: BaseException) -> None:
            log.error("wiping the revoked profile failed: %s", type(exc).__name__)
            wiped()

        def erase() -> None:
            run_task(profile.wipe, wiped, failed)

        self._settle_then(erase)

    # ---- Private API: actions and title

    def _build_actions(self) -> None:
        def action(
            text: str, slot: Callable[[], None], keys: QKeySequence | None = None
        ) -> QAction:
            act = QAction(text, self)
            if keys is not None:
                act.setShortcut(keys)
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.back_action = action("&Back", self.back, QKeySequence("Alt+Left"))
        self.back_action.setToolTip("Back to the previous page (Alt+Left)")
        self.sync_action = action("&Sync now", self.sync_now, QKeySequence("F5"))
        self.households_action = action(
            "Carer &households", self._show_households, QKeySequence("Ctrl+H")
        )
        self.households_action.setToolTip("Carer households (Ctrl+H)")
        self.register_action = action(
            "Carer r&egister", self._show_register, QKeySequence("Ctrl+Shift+R")
        )
        self.register_action.setToolTip(
            "Approved carers' free places, from the service (Ctrl+Shift+R)"
        )
        self.panel_action = action(
            "Fostering &panel", self._show_panel, QKeySequence("Ctrl+Shift+P")
        )
        self.panel_action.setToolTip("The fostering panel's dates and decisions (Ctrl+Shift+P)")
        self.conflicts_action = action("&Conflicts…", self.show_conflicts)
        self.settings_action = action("S&ettings…", self.show_settings)
        self.passphrase_action = action("Change &passphrase…", self.show_passphrase)
        self.lock_action = action("&Lock", lambda: self.lock("manual"), QKeySequence("Ctrl+L"))
        self.quit_action = action("&Quit", self._quit, QKeySequence("Ctrl+Q"))

        menu = self.menuBar().addMenu("&Casebook")
        for act in (
            self.sync_action,
            self.conflicts_action,
            self.settings_action,
            self.passphrase_action,
        ):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.lock_action)
        menu.addAction(self.quit_action)
        go = self.menuBar().addMenu("&Go")
        go.addAction(self.back_action)
        go.addAction(self.households_action)
        go.addAction(self.register_action)
        go.addAction(self.panel_action)

        bar = QToolBar("Navigation", self)
        bar.setObjectName("Navigation")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.back_action)
        bar.addAction(self.households_action)
        bar.addAction(self.register_action)
        bar.addSeparator()
        bar.addAction(self.sync_action)
        bar.addAction(self.lock_action)
        for act in (
            self.back_action,
            self.households_action,
            self.register_action,
            self.sync_action,
            self.lock_action,
        ):
            button = bar.widgetForAction(act)
            if button is not None:
                button.setAccessibleName(act.text().replace("&", ""))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        desk.install(self)

    def _quit(self) -> None:
        self._person_quits = True
        self.close()

    def _unsent_quit_asked(self, event: QCloseEvent) -> bool:
        """A person quitting with changes not yet sent is told so plainly (they are safe and
        go at the next sync) and may stay to sync first. Returns True while asking."""
        asked_by_person = event.spontaneous() or self._person_quits
        self._person_quits = False
        note = unsent_note(self._sync.state if self._sync is not None else None)
        if not asked_by_person or self._unsent_told or not note or self._locked:
            return False
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Changes not sent yet",
            note + "\n\nQuit now, or stay and sync first?",
            QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Close).setText("Quit")
        box.button(QMessageBox.StandardButton.Cancel).setText("Stay")
        box.setObjectName("UnsentOnQuit")

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Close:
                self._unsent_told = True
                self.close()

        box.finished.connect(answered)
        box.open()
        return True

    def _show_households(self) -> None:
        self.open_households()

    def _show_register(self) -> None:
        self.open_register()

    def _show_panel(self) -> None:
        self.open_panel()

    def _set_actions_enabled(self, enabled: bool) -> None:
        for act in (
            self.back_action,
            self.households_action,
            self.register_action,
            self.panel_action,
            self.sync_action,
            self.conflicts_action,
            self.settings_action,
            self.passphrase_action,
            self.lock_action,
        ):
            act.setEnabled(enabled)
        if enabled:
            self._page_changed()

    def _page_changed(self, _index: int = 0) -> None:
        self.back_action.setEnabled(not self._locked and self._stack.count() > 1)
        self._update_title()

    def _got_account(self, found: account.Account | None) -> None:
        if found is not None and alive(self) and not self._locked:
            self._worker_name = found.display_name or found.worker
            self._role = found.role
            for page in self._pages():
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
        page = self._stack.currentWidget()
        if isinstance(page, CaseView) and page.case is not None:
            parts.insert(0, page.case.profile.name)
        elif isinstance(page, HouseholdView) and page.file is not None:
            parts.insert(0, page.file.profile.name)
        elif isinstance(page, HouseholdsView):
            parts.insert(0, "Carer households")
        elif isinstance(page, VisitForm):
            parts.insert(0, "Visit")
        elif isinstance(page, AssessmentForm):
            parts.insert(0, "Assessment")
        elif isinstance(page, ReviewForm):
            parts.insert(0, "Review")
        elif isinstance(page, CaseNoteForm):
            parts.insert(0, "Case note")
        elif page is not None and page.property("pageTitle"):
            parts.insert(0, str(page.property("pageTitle")))
        if self._worker_name:
            parts.append(self._worker_name)
        self.setWindowTitle(" – ".join(parts))


def _ignore(_exc: BaseException) -> None:
    """The worker's name in the title is a nicety: without it the title says less."""
