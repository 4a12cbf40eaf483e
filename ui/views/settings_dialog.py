"""Settings: the service address, idle lock, certificate bundle, text size and auto-sync.

OK checks the values with ``Settings.validated()``. A value that cannot be used is explained
next to its own field, focus goes there, and the dialog stays open. When every value is good:

- without ``profile_path`` the dialog emits ``sig_saved(settings)`` and closes; writing the file
  is the caller's job (through ``ui.tasks.run_task``, with ``app.settings.save``);
- with ``profile_path`` it first saves the file itself on a worker thread, then emits and
  closes (or shows a plain message and stays open if the file could not be written).

The service's name printed on exported records is shown, not edited: it comes from the service
(``app.service_name``), read from the store on a worker thread when ``store`` is given.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import settings as app_settings
from app.exports import service as export_service
from app.exports.document import DEFAULT_SERVICE_NAME
from app.settings import (
    FONT_POINT_SIZES,
    MAX_IDLE_MINUTES,
    MIN_IDLE_MINUTES,
    Settings,
    SettingsInvalid,
)
from app.store import Store
from ui.errors import message_for
from ui.tasks import run_task
from ui.views.common import FOCUS_STYLE, alive

#: Under the service's name: why it cannot be changed here.
SERVICE_NAME_NOTE = "Set by your service; printed at the top of every record you export."
SAVE_FAILED = (
    "The settings could not be saved on this laptop. Check there is free disk space and try again."
)


class SettingsDialog(QDialog):
    """Edit a profile's settings; emits the checked ``Settings`` on OK."""

    sig_saved = Signal(object)
    """
    The worker pressed OK and every value is good.

    Parameters
    ----------
    settings: app.settings.Settings
        The new settings, already validated (and written to disk when ``profile_path`` was
        given).
    """

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        profile_path: Path | None = None,
        store: Store | None = None,
    ) -> None:
        super().__init__(parent)
        self._profile_path = profile_path
        self._saving = False
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setStyleSheet(FOCUS_STYLE)
        self._build(settings)
        if store is not None:
            run_task(lambda: export_service.service_name(store), self._show_service_name)

    # ---- Public API

    def settings(self) -> Settings:
        """The values as typed (not yet checked)."""
        return Settings(
            service_url=self.service_url.text().strip(),
            ca_bundle=self.ca_bundle.text().strip(),
            idle_lock_minutes=self.idle_minutes.value(),
            font_point_size=int(self.font_size.currentData()),
            auto_sync=self.auto_sync.isChecked(),
        )

    def error_text(self, field: str) -> str:
        """The message shown next to a field ("" when none)."""
        label = self._errors[field]
        return label.text() if not label.isHidden() else ""

    # ---- Private API

    def _build(self, settings: Settings) -> None:
        self.service_url = QLineEdit(settings.service_url, self)
        self.service_url.setAccessibleName("Service address")
        self.service_url.setPlaceholderText("https://casebook.example.gov.uk")

        # A label, not a box: the name comes from the service and nothing here changes it.
        self.service_name = QLabel(DEFAULT_SERVICE_NAME, self)
        self.service_name.setAccessibleName("Service name printed on exported records")
        self.service_name.setWordWrap(True)
        self.service_name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.service_name_note = QLabel(SERVICE_NAME_NOTE, self)
        self.service_name_note.setProperty("role", "help")
        self.service_name_note.setWordWrap(True)
        name_box = QWidget(self)
        name_layout = QVBoxLayout(name_box)
        name_layout.setContentsMargins(0, 0, 0, 0)
        name_layout.setSpacing(2)
        name_layout.addWidget(self.service_name)
        name_layout.addWidget(self.service_name_note)

        self.idle_minutes = QSpinBox(self)
        self.idle_minutes.setAccessibleName("Lock after this many idle minutes")
        self.idle_minutes.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setValue(settings.idle_lock_minutes)

        self.ca_bundle = QLineEdit(settings.ca_bundle, self)
        self.ca_bundle.setAccessibleName("Certificate bundle file")
        self.ca_bundle.setPlaceholderText("Only if IT gave you one")
        self.browse = QPushButton("&Browse…", self)
        self.browse.setAccessibleName("Choose the certificate bundle file")
        self.browse.clicked.connect(self._browse)
        ca_row = QWidget(self)
        ca_layout = QHBoxLayout(ca_row)
        ca_layout.setContentsMargins(0, 0, 0, 0)
        ca_layout.addWidget(self.ca_bundle, 1)
        ca_layout.addWidget(self.browse)

        # A list of exactly the sizes the setting accepts: nothing to type that is then refused.
        self.font_size = QComboBox(self)
        self.font_size.setAccessibleName("Text size in points")
        self.font_size.addItem("Same as the system", 0)
        for points in FONT_POINT_SIZES:
            self.font_size.addItem(f"{points} pt", points)
        self.font_size.setCurrentIndex(max(0, self.font_size.findData(settings.font_point_size)))

        self.auto_sync = QCheckBox("Sync by itself every few minutes when connected", self)
        self.auto_sync.setAccessibleName("Sync automatically")
        self.auto_sync.setChecked(settings.auto_sync)

        self._errors: dict[str, QLabel] = {}
        self._inputs: dict[str, QWidget] = {
            "service_url": self.service_url,
            "idle_lock_minutes": self.idle_minutes,
            "ca_bundle": self.ca_bundle,
            "font_point_size": self.font_size,
        }
        form = QFormLayout()
        rows = (
            ("&Service address", "service_url", self.service_url),
            ("&Lock after", "idle_lock_minutes", self.idle_minutes),
            ("&Certificate bundle", "ca_bundle", ca_row),
            ("&Text size", "font_point_size", self.font_size),
        )
        for text, field, widget in rows:
            label = QLabel(text, self)
            label.setBuddy(self._inputs[field])
            form.addRow(label, _with_error(widget, self._error_label(field)))
            if field == "service_url":
                form.addRow("Service name", name_box)
        form.addRow("", self.auto_sync)

        self.general_error = QLabel(self)
        self.general_error.setProperty("role", "error")
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _error_label(self, field: str) -> QLabel:
        label = QLabel(self)
        label.setProperty("role", "error")
        label.setWordWrap(True)
        label.setAccessibleName("Problem with this setting")
        label.hide()
        self._errors[field] = label
        return label

    def _show_service_name(self, name: str) -> None:
        if alive(self):
            self.service_name.setText(name)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            "Choose the certificate bundle",
            self.ca_bundle.text() or str(Path.home()),
            "Certificate bundles (*.pem *.crt *.cer);;All files (*)",
        )
        if path:
            self.ca_bundle.setText(path)

    def _ok(self) -> None:
        if self._saving:
            return
        for shown in self._errors.values():
            shown.hide()
        self.general_error.hide()
        try:
            checked = self.settings().validated()
        except SettingsInvalid as exc:
            label = self._errors.get(exc.field)
            if label is None:
                self.general_error.setText(str(exc))
                self.general_error.show()
                return
            label.setText(str(exc))
            label.show()
            self._inputs[exc.field].setFocus()
            return
        if self._profile_path is None:
            self._done(checked)
            return
        self._saving = True
        path = self._profile_path
        run_task(lambda: app_settings.save(path, checked), self._done, self._save_failed)

    def _done(self, checked: Settings) -> None:
        if not alive(self):
            return
        self._saving = False
        self.sig_saved.emit(checked)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._saving = False
        self.general_error.setText(message_for(exc, SAVE_FAILED))
        self.general_error.show()


def _with_error(widget: QWidget, error: QLabel) -> QWidget:
    box = QWidget(widget.parentWidget())
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box
