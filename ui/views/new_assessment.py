"""Choosing the form for a new assessment of a child or a carer household.

Only forms about that kind of subject are offered, each at its newest version, with what it is
for: a worker starting a kinship viability assessment in a hurry should not have to know the
forms by name. The list is read on a worker thread (fetched templates live in the store).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.forms.template import FormTemplate, Subject
from app.services import assessments
from app.store import Store
from ui.errors import message_for
from ui.models.templates_model import TemplatesModel
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive, heading_font

NO_FORMS = (
    "There are no assessment forms for {subject} on this laptop. Sync to fetch your service's "
    "forms, then try again."
)
LOAD_FAILED = "The assessment forms could not be read. Close this window and try again."


class NewAssessmentDialog(QDialog):
    """Pick a form; "Start assessment" sends its id in ``sig_chosen``."""

    sig_chosen = Signal(str)
    """The worker chose a form to start an assessment with.

    Parameters
    ----------
    template_id : str
    """

    #: The list of forms is on screen (or failed to load).
    sig_loaded = Signal()

    def __init__(
        self,
        store: Store,
        *,
        subject: Subject,
        name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._subject = subject
        self.setWindowTitle("Start an assessment")
        self.setStyleSheet(FOCUS_STYLE)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        title = QLabel(f"Start an assessment of {name}" if name else "Start an assessment")
        title.setFont(heading_font(self.font(), 1.3))
        title.setWordWrap(True)
        self._model = TemplatesModel(self)
        self._list = QListView()
        self._list.setModel(self._model)
        self._list.setAccessibleName("Assessment forms")
        self._list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._list.setMinimumHeight(self.fontMetrics().lineSpacing() * 7)
        list_label = QLabel("&Form:")
        list_label.setBuddy(self._list)
        self._description = QLabel("Loading the forms…")
        self._description.setWordWrap(True)
        self._description.setAccessibleName("What the form is for")
        self._description.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self._description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._problem = QLabel("")
        self._problem.setProperty("role", "error")
        self._problem.setWordWrap(True)
        self._problem.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self._start = QPushButton("&Start assessment")
        self._start.setAccessibleName("Start assessment")
        self._start.setDefault(True)
        self._start.setEnabled(False)
        buttons.addButton(self._start, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(list_label)
        layout.addWidget(self._list, 1)
        layout.addWidget(self._description)
        layout.addWidget(self._problem)
        layout.addWidget(buttons)
        buttons.accepted.connect(self._choose)
        buttons.rejected.connect(self.reject)
        self._list.activated.connect(lambda _index: self._choose())
        self._list.selectionModel().currentChanged.connect(self._selected)
        run_task(
            lambda: assessments.templates_for(store, subject=subject), self._show, self._failed
        )

    # ---- Public API

    @property
    def forms(self) -> QListView:
        return self._list

    @property
    def start_button(self) -> QPushButton:
        return self._start

    def templates(self) -> list[FormTemplate]:
        return [self._model.template_at(row) for row in range(self._model.rowCount())]

    def choose(self, template_id: str) -> None:
        """Select the form with this id in the list (as clicking it would)."""
        for row, template in enumerate(self.templates()):
            if template.id == template_id:
                self._list.setCurrentIndex(self._model.index(row, 0))
                return
        raise KeyError(template_id)

    # ---- Private API

    def _show(self, templates: list[FormTemplate]) -> None:
        if not alive(self):
            return
        self._model.set_templates(templates)
        if templates:
            self._list.setCurrentIndex(self._model.index(0, 0))
            self._list.setFocus()
        else:
            words = "children" if self._subject == "child" else "carer households"
            self._description.setText("")
            self._problem.setText(NO_FORMS.format(subject=words))
            self._problem.setVisible(True)
        self.sig_loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._description.setText("")
        self._problem.setText(message_for(exc, LOAD_FAILED))
        self._problem.setVisible(True)
        self.sig_loaded.emit()

    def _selected(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        index = self._current()
        if index is None:
            self._start.setEnabled(False)
            return
        template = self._model.template_at(index.row())
        self._description.setText(
            (template.description or "No description.") + f"\n\n(Version {template.version})"
        )
        self._start.setEnabled(True)

    def _current(self) -> QModelIndex | None:
        index = self._list.currentIndex()
        return index if index.isValid() else None

    def _choose(self) -> None:
        index = self._current()
        if index is None:
            return
        self.sig_chosen.emit(self._model.template_at(index.row()).id)
        self.accept()
