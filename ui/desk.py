"""A worker's own commands (Caseload, My drafts, Diary) and the way back to where they were
after the laptop locks.

Kept out of ``ui.main_window`` so that window stays a small composition (as
``ui.manager_tools`` does for a manager's pages): this module adds the commands to its Go menu
and navigation bar and opens pages through its public API.

Why the window remembers its pages over a lock: a worker called away mid-visit locks the laptop
(or it locks itself after a few idle minutes); unlocking must bring back the visit they were
writing, with the child's case under it so Back still goes where it went, not the dashboard.
What is remembered is only which records were open (ids, held in memory while locked, never
on disk); each page is read again from the store after unlock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QToolBar, QWidget

from app.my_work import Draft
from ui.page_commands import add_command, shown
from ui.views.assessment_form import AssessmentForm
from ui.views.case_note_form import CaseNoteForm
from ui.views.case_view import CaseView
from ui.views.household_view import HouseholdView
from ui.views.households import HouseholdsView
from ui.views.my_work import DiaryView, DraftsView
from ui.views.review_form import ReviewForm
from ui.views.visit_form import VisitForm

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: Set on the window once its commands exist.
INSTALLED = "deskToolsInstalled"

Reopen = Callable[["MainWindow"], object]


def install(window: MainWindow) -> None:
    """Add Caseload (Home), My drafts and Diary to the window's Go menu (once)."""
    if window.property(INSTALLED):
        return
    window.setProperty(INSTALLED, True)
    commands: tuple[tuple[str, str, str, str, Callable[[MainWindow], object], bool], ...] = (
        ("Caseload", "HomeAction", "Alt+Home", "Back to your caseload", go_home, True),
        (
            "My drafts",
            "DraftsAction",
            "Ctrl+Shift+D",
            "Everything not signed off",
            open_drafts,
            False,
        ),
        ("Diary", "DiaryAction", "Ctrl+Shift+Y", "What falls due, week by week", open_diary, False),
    )
    bar = window.findChild(QToolBar, "Navigation")
    first = bar.actions()[0] if bar is not None and bar.actions() else None
    for text, name, keys, tip, opener, on_bar in commands:
        # Caseload goes first on the bar, before Back: home is where a worker starts.
        on = bar if on_bar else None
        add_command(window, text, name, keys, tip, opener, bar=on, before=first)


def go_home(window: MainWindow) -> None:
    """Back to the caseload (the dashboard) in one step; every page left saves as Back does."""
    for _ in range(64):  # more pages than anyone opens; never a loop that cannot end
        if window.is_locked or window.current_page is window.dashboard:
            return
        before = window.current_page
        window.back()
        if window.current_page is before:
            return


def open_drafts(window: MainWindow) -> DraftsView | None:
    """My drafts (the one on show, if it is the current page)."""

    def made() -> DraftsView:
        view = DraftsView(window.store)
        view.setProperty("pageTitle", "My drafts")
        view.sig_open.connect(lambda draft: open_draft(window, draft))
        return view

    return shown(window, DraftsView, made)


def open_diary(window: MainWindow) -> DiaryView | None:
    """The diary (the one on show, if it is the current page)."""

    def made() -> DiaryView:
        view = DiaryView(window.store)
        view.setProperty("pageTitle", "Diary")
        view.sig_open_child.connect(window.open_child)
        view.sig_open_household.connect(window.open_household)
        return view

    return shown(window, DiaryView, made)


def open_draft(window: MainWindow, draft: Draft) -> QWidget | None:
    """The form of a draft from My drafts."""
    child, household, record = draft.child_id, draft.household_id, draft.record_id
    if draft.record_type == "visit":
        if child is not None:
            return window.open_visit(child, record)
        if household is not None:
            return window.open_household_visit(household, record)
        return None
    if draft.record_type == "case_note":
        return window.open_case_note(child_id=child, household_id=household, note_id=record)
    if draft.record_type == "review":
        return window.open_review(child_id=child, household_id=household, review_id=record)
    return window.open_assessment(child_id=child, household_id=household, assessment_id=record)


def reopeners(pages: list[QWidget]) -> list[Reopen]:
    """How to open again, after unlock, each page above the dashboard (``pages`` bottom
    first); a form for a record never saved (nothing typed) is not reopened."""
    found = [_reopener(page) for page in pages]
    return [r for r in found if r is not None]


def _reopener(page: QWidget) -> Reopen | None:
    if isinstance(page, CaseView):
        child = page.child_id
        return lambda w: w.open_child(child)
    if isinstance(page, HouseholdView):
        household = page.household_id
        return lambda w: w.open_household(household)
    if isinstance(page, HouseholdsView):
        return lambda w: w.open_households()
    if isinstance(page, DraftsView):
        return open_drafts
    if isinstance(page, DiaryView):
        return open_diary
    if isinstance(page, VisitForm) and page.is_stored:
        c, h, v = page.child_id, page.household_id, page.visit_id
        if c is not None:
            child = c
            return lambda w: w.open_visit(child, v)
        if h is not None:
            household = h
            return lambda w: w.open_household_visit(household, v)
        return None
    if isinstance(page, CaseNoteForm) and page.is_stored:
        c, h, n = page.child_id, page.household_id, page.note_id
        return lambda w: w.open_case_note(child_id=c, household_id=h, note_id=n)
    if isinstance(page, ReviewForm) and page.is_stored:
        c, h, r = page.child_id, page.household_id, page.review_id
        return lambda w: w.open_review(child_id=c, household_id=h, review_id=r)
    if isinstance(page, AssessmentForm) and page.is_stored:
        c, h, a = page.child_id, page.household_id, page.assessment_id
        return lambda w: w.open_assessment(child_id=c, household_id=h, assessment_id=a)
    return None
