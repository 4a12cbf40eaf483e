"""The manager's pages (Team, Approvals), added to the main window once the signed-in account
is known to be a manager's.

Kept out of ``ui.main_window`` so that window stays the small composition it is: this module
adds the commands to its Go menu and navigation bar and opens the pages through its public API
(``show_page``, ``open_child``...). A worker's window never gets them; the service refuses a
worker's laptop the team's figures and approvals anyway, so this is about a tidy window, not
about permission.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QToolBar

from ui.page_commands import add_command, shown
from ui.views.approvals import ApprovalsView
from ui.views.common import alive
from ui.views.service_page import ServicePage
from ui.views.team import TeamView

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: Set on the window once its manager's commands exist (one set however often it unlocks).
INSTALLED = "managerToolsInstalled"


def install(window: MainWindow) -> None:
    """Add Team, Approvals and Service figures to the window (once), and refresh a shown
    manager's page after each sync."""
    sync = window.sync_controller
    if sync is not None and not sync.property(INSTALLED):
        sync.setProperty(INSTALLED, True)
        sync.sig_finished.connect(lambda _summary: _refresh_shown(window))
    if window.property(INSTALLED):
        return
    window.setProperty(INSTALLED, True)
    commands = (
        ("&Team", "TeamAction", "Ctrl+T", "Your team's caseloads, from the service", open_team),
        (
            "Appro&vals",
            "ApprovalsAction",
            "Ctrl+Shift+V",
            "Assessments and reviews waiting for your approval",
            open_approvals,
        ),
        (
            "Service f&igures",
            "ServiceAction",
            "Ctrl+Shift+I",
            "The service's figures for your team, as charts",
            open_service,
        ),
    )
    bar = window.findChild(QToolBar, "Navigation")
    # After Back and Carer households, before the separator and Sync now.
    before = bar.actions()[2] if bar is not None and len(bar.actions()) > 2 else None
    for text, name, keys, tip, opener in commands:
        add_command(window, text, name, keys, tip, opener, bar=bar, before=before)


def open_team(window: MainWindow) -> TeamView | None:
    """The Team page (the one on show, if it is the current page)."""

    def made() -> TeamView:
        view = TeamView(window.store, window.settings)
        view.setProperty("pageTitle", "Team")
        view.sig_open_child.connect(window.open_child)
        view.sig_open_household.connect(window.open_household)
        view.sig_reallocated.connect(lambda _id: window.sync_now())
        return view

    return shown(window, TeamView, made)


def open_approvals(window: MainWindow) -> ApprovalsView | None:
    """The Approvals page (the one on show, if it is the current page)."""

    def made() -> ApprovalsView:
        view = ApprovalsView(window.store)
        view.setProperty("pageTitle", "Approvals")
        view.sig_open_assessment.connect(
            lambda child, household, record: window.open_assessment(
                child_id=child, household_id=household, assessment_id=record
            )
        )
        view.sig_open_review.connect(
            lambda child, household, record: window.open_review(
                child_id=child, household_id=household, review_id=record
            )
        )
        return view

    return shown(window, ApprovalsView, made)


def open_service(window: MainWindow) -> ServicePage | None:
    """The Service figures page (the one on show, if it is the current page)."""

    def made() -> ServicePage:
        view = ServicePage(window.store, window.settings)
        view.setProperty("pageTitle", "Service figures")
        return view

    return shown(window, ServicePage, made)


def _refresh_shown(window: MainWindow) -> None:
    """Records (an approval, a worker's addendum) may have arrived: the page on show reloads."""
    if not alive(window) or window.is_locked:
        return
    page = window.current_page
    if isinstance(page, TeamView):
        page.set_settings(window.settings)
        page.refresh()
    elif isinstance(page, ApprovalsView):
        page.refresh()
