"""The settings dialog: values checked on OK, a problem shown next to its field, good values
emitted (and saved when the dialog is given the profile folder)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app import service_name
from app import settings as app_settings
from app.exports.document import DEFAULT_SERVICE_NAME
from app.settings import Settings
from app.store import Store
from ui.views.settings_dialog import SettingsDialog


def _dialog(qtbot: QtBot, settings: Settings, **kwargs: object) -> SettingsDialog:
    dialog = SettingsDialog(settings, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _ok(qtbot: QtBot, dialog: SettingsDialog) -> None:
    button = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_an_invalid_address_is_explained_and_nothing_is_emitted(qtbot: QtBot) -> None:
    """An http:// address off this machine is refused next to the field; the dialog stays open."""
    dialog = _dialog(qtbot, Settings())
    emitted: list[Settings] = []
    dialog.sig_saved.connect(emitted.append)
    dialog.service_url.setText("http://casebook.example.gov.uk")
    _ok(qtbot, dialog)
    assert dialog.error_text("service_url").startswith("The service address must start with https")
    assert dialog.isVisible() and emitted == []
    assert dialog.error_text("ca_bundle") == ""


def test_a_missing_certificate_bundle_is_explained_next_to_its_field(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A bundle path that does not exist is refused next to the bundle field."""
    dialog = _dialog(qtbot, Settings())
    dialog.ca_bundle.setText(str(tmp_path / "missing.pem"))
    with qtbot.assertNotEmitted(dialog.sig_saved):
        _ok(qtbot, dialog)
    assert "could not be found" in dialog.error_text("ca_bundle")


def test_valid_settings_are_emitted(qtbot: QtBot) -> None:
    """Good values close the dialog and emit the checked settings (trailing slash removed)."""
    dialog = _dialog(qtbot, Settings(service_url="https://old.example.gov.uk"))
    dialog.service_url.setText("https://casebook.example.gov.uk/")
    dialog.idle_minutes.setValue(10)
    dialog.font_size.setCurrentIndex(dialog.font_size.findData(14))
    dialog.auto_sync.setChecked(False)
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000) as saved:
        _ok(qtbot, dialog)
    assert saved.args == [
        Settings(
            service_url="https://casebook.example.gov.uk",
            idle_lock_minutes=10,
            font_point_size=14,
            auto_sync=False,
        )
    ]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_with_a_profile_folder_the_settings_are_saved_first(qtbot: QtBot, tmp_path: Path) -> None:
    """Given the profile folder, OK writes settings.json (on a worker) before emitting."""
    dialog = _dialog(qtbot, Settings(), profile_path=tmp_path)
    dialog.idle_minutes.setValue(15)
    with qtbot.waitSignal(dialog.sig_saved, timeout=5000):
        _ok(qtbot, dialog)
    assert app_settings.load(tmp_path).idle_lock_minutes == 15


def test_idle_minutes_stay_within_the_allowed_range(qtbot: QtBot) -> None:
    """The idle-lock spin box cannot go outside the bounds app.settings allows."""
    dialog = _dialog(qtbot, Settings())
    assert (dialog.idle_minutes.minimum(), dialog.idle_minutes.maximum()) == (
        app_settings.MIN_IDLE_MINUTES,
        app_settings.MAX_IDLE_MINUTES,
    )


def test_the_service_name_is_shown_set_by_the_service_and_cannot_be_edited(
    qtbot: QtBot, store: Store
) -> None:
    """The name printed on exports is the one the service sent, shown as text with "Set by
    your service": there is no box to type in, Tab never lands on it, and OK saves settings
    that carry no name of their own."""
    with store.write(remote=True) as session:
        service_name.save(session, "Northshire Permanency Service")
    dialog = _dialog(qtbot, Settings(), store=store)
    qtbot.waitUntil(lambda: dialog.service_name.text() == "Northshire Permanency Service")
    assert "Set by your service" in dialog.service_name_note.text()
    assert isinstance(dialog.service_name, QLabel)
    boxes = dialog.findChildren(QLineEdit)
    assert not any(box.text() == "Northshire Permanency Service" for box in boxes)
    assert not any("name" in box.accessibleName().lower() for box in boxes)
    assert not dialog.service_name.focusPolicy() & Qt.FocusPolicy.TabFocus
    dialog.service_url.setFocus()
    qtbot.keyClicks(dialog.service_url, "https://casebook.example.gov.uk")
    with qtbot.waitSignal(dialog.sig_saved, timeout=2000) as saved:
        _ok(qtbot, dialog)
    assert not hasattr(saved.args[0], "service_name")
    with store.read() as session:
        assert service_name.stored(session) == "Northshire Permanency Service"


def test_before_the_first_sync_the_general_name_is_shown(qtbot: QtBot, store: Store) -> None:
    """No name from the service yet: the dialog shows the name exports print until then."""
    dialog = _dialog(qtbot, Settings(), store=store)
    qtbot.waitUntil(lambda: dialog.service_name.text() == DEFAULT_SERVICE_NAME)
    assert dialog.service_name.isVisible()
