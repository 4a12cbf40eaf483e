"""What the main window knows about each kind of page: what the window title calls it and
where its requests to open another page go. When a page reads its records again (a change
announced, coming back on top) each page decides itself: ``ui.changes``.

Said here, per kind of page, so ``ui.main_window`` keeps to composing pages and docks: a new
kind of page is added here, not as another branch in the window's methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from ui.views.assessment_form import AssessmentForm
from ui.views.case_note_form import CaseNoteForm
from ui.views.case_view import CaseView
from ui.views.household_view import HouseholdView
from ui.views.households import HouseholdsView
from ui.views.review_form import ReviewForm
from ui.views.visit_form import VisitForm

if TYPE_CHECKING:
    from ui.main_window import MainWindow

_FIXED_TITLES: tuple[tuple[type[QWidget], str], ...] = (
    (HouseholdsView, "Carer households"),
    (VisitForm, "Visit"),
    (AssessmentForm, "Assessment"),
    (ReviewForm, "Review"),
    (CaseNoteForm, "Case note"),
)


def page_title(page: QWidget | None) -> str | None:
    """What the window title calls ``page``: the child's or household's name once loaded, the
    kind of record for a form, a tool page's own ``pageTitle``; None for the dashboard."""
    if isinstance(page, CaseView):
        return page.case.profile.name if page.case is not None else None
    if isinstance(page, HouseholdView):
        return page.file.profile.name if page.file is not None else None
    for kind, title in _FIXED_TITLES:
        if isinstance(page, kind):
            return title
    if page is not None and page.property("pageTitle"):
        return str(page.property("pageTitle"))
    return None


def wire_case_view(view: CaseView, window: MainWindow) -> None:
    """A child's case opens its visits, reviews, assessments, notes and household as pages."""
    view.sig_record_visit.connect(lambda child: window.open_visit(child, None))
    view.sig_open_visit.connect(window.open_visit)
    view.sig_record_review.connect(lambda child: window.open_review(child_id=child))
    view.sig_open_review.connect(
        lambda child, review: window.open_review(child_id=child, review_id=review)
    )
    view.sig_record_assessment.connect(
        lambda child: window.new_assessment(
            child_id=child, name=view.case.profile.name if view.case else ""
        )
    )
    view.sig_open_assessment.connect(
        lambda child, assessment: window.open_assessment(child_id=child, assessment_id=assessment)
    )
    view.sig_open_household.connect(window.open_household)
    view.sig_record_note.connect(lambda child: window.open_case_note(child_id=child))
    view.sig_open_note.connect(
        lambda child, note: window.open_case_note(child_id=child, note_id=note)
    )


def wire_household_view(view: HouseholdView, window: MainWindow) -> None:
    """A carer household opens its visits, reviews, assessments and placed children as pages."""
    view.sig_record_visit.connect(
        lambda household, kind: window.open_household_visit(household, None, kind)
    )
    view.sig_open_visit.connect(window.open_household_visit)
    view.sig_record_review.connect(lambda household: window.open_review(household_id=household))
    view.sig_open_review.connect(
        lambda household, review: window.open_review(household_id=household, review_id=review)
    )
    view.sig_new_assessment.connect(
        lambda household, template: window.open_assessment(
            household_id=household, template_id=template
        )
    )
    view.sig_choose_assessment.connect(
        lambda household: window.new_assessment(
            household_id=household, name=view.file.profile.name if view.file else ""
        )
    )
    view.sig_open_assessment.connect(
        lambda household, assessment: window.open_assessment(
            household_id=household, assessment_id=assessment
        )
    )
    view.sig_open_child.connect(window.open_child)
