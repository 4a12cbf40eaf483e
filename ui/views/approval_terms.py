"""The terms of approval as a dialog asks for them (kind of fostering, how many children, the
ages, the terms in words): one set of controls, used wherever an approval is recorded (the
household's stage dialog, the fostering panel's decision), so both ask the same way and give
``app.carer_pipeline.ApprovalTerms`` the same values."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QSpinBox, QWidget

from app import carer_pipeline
from app.carer_pipeline import ApprovalTerms


class TermsFields:
    def __init__(self, lines: int) -> None:
        """``lines``: the height of the terms box in the dialog's lines of text."""
        self.kind = QComboBox()
        self.kind.addItem("Choose…", None)
        for code, words in carer_pipeline.approval_types().items():
            self.kind.addItem(words, code)
        self.children = QSpinBox()
        self.children.setRange(0, 6)
        self.children.setSpecialValueText("Not set")
        self.youngest = QSpinBox()
        self.youngest.setRange(0, 17)
        self.oldest = QSpinBox()
        self.oldest.setRange(0, 17)
        self.oldest.setValue(17)
        self.words = QPlainTextEdit()
        self.words.setTabChangesFocus(True)
        self.words.setMaximumHeight(self.words.fontMetrics().lineSpacing() * lines + 12)

    def rows(self) -> list[tuple[str, str, QWidget, str]]:
        """(field, caption, control, what a screen reader calls it), for ``FieldsDialog``'s
        rows; the field names are those ``app.carer_pipeline`` names its problems by."""
        return [
            ("approval_type", "&Type of fostering:", self.kind, "Type of fostering"),
            ("max_children", "&Children at most:", self.children, "Children at most"),
            ("age_range_min", "&Youngest age:", self.youngest, "Youngest age"),
            ("age_range_max", "&Oldest age:", self.oldest, "Oldest age"),
            ("approval_terms", "Terms in wo&rds:", self.words, "Terms in words"),
        ]

    def terms(self) -> ApprovalTerms:
        kind = self.kind.currentData()
        return ApprovalTerms(
            approval_type=str(kind) if kind else None,
            max_children=self.children.value() or None,
            age_range_min=self.youngest.value(),
            age_range_max=self.oldest.value(),
            terms=self.words.toPlainText(),
        )
