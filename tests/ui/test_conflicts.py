"""The conflicts dialog: a real conflict between two laptops of one worker, decided field by
field, saved through the conflicts service and carried to the service by the next sync."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models import Child
from app.services import conflicts
from app.services.conflicts import FieldConflict
from tests.server.conftest import LiveServer
from tests.sync.devices import Device
from tests.ui import sync_support
from ui.views.conflicts import ConflictsDialog, sides_text


@pytest.fixture
def laptops(server: LiveServer, tmp_path: Path) -> Iterator[tuple[Device, Device, uuid.UUID]]:
    """One worker's two laptops; laptop two holds a conflict on a child's "About me"."""
    worker = server.user("worker", server.team())
    one = Device.register(server, worker, tmp_path, "one")
    two = Device.register(server, worker, tmp_path, "two")
    [child_id] = sync_support.add_children(one, 1)
    one.sync()
    two.sync()
    for laptop, words in ((one, "from laptop one"), (two, "from laptop two")):
        with laptop.store.write() as session:
            child = session.get(Child, child_id)
            assert child is not None
            child.about_me = words
    one.sync()
    assert two.sync().conflicts == 1
    yield one, two, child_id
    one.close()
    two.close()


def _server_about_me(device: Device, child_id: uuid.UUID) -> object:
    return device.server_view()[child_id][1]["about_me"]


def test_keep_mine_resolves_the_conflict_and_reaches_the_service(
    qtbot: QtBot, laptops: tuple[Device, Device, uuid.UUID]
) -> None:
    """Nothing is pre-chosen and Cancel is the default; choosing "Keep mine" and saving settles
    the conflict, and after both laptops sync the service holds this laptop's words."""
    one, two, child_id = laptops
    dialog = ConflictsDialog(two.store)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_loaded, timeout=10_000):
        dialog.show()
    assert dialog.model.rowCount() == 1 and dialog.current is not None
    assert dialog.current.title.startswith("Child")
    mine, theirs = dialog.choice_buttons("about_me")
    assert not mine.isChecked() and not theirs.isChecked()
    assert dialog.cancel_button.isDefault() and not dialog.save_button.isEnabled()
    shown = " ".join(label.text() for label in dialog.findChildren(type(dialog.status)))
    assert "from laptop one" in shown and "from laptop two" in shown and one.user in shown

    qtbot.mouseClick(mine, Qt.MouseButton.LeftButton)
    assert mine.isChecked() and dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.sig_resolved, timeout=10_000) as resolved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert resolved.args == [1]
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    assert dialog.status.text() == "No conflicts left to decide."
    assert conflicts.open_conflicts(two.store) == []

    two.sync()
    one.sync()
    assert _server_about_me(one, child_id) == "from laptop two"
    with one.store.read() as session:
        child = session.get(Child, child_id)
        assert child is not None and child.about_me == "from laptop two"


def test_a_deletion_against_an_edit_reads_in_words() -> None:
    """A deleted-versus-edited conflict reads "Deleted on this laptop / Kept (edited) by ..."."""
    item = FieldConflict(
        conflict_id=uuid.uuid4(),
        field="deleted",
        label="Deleted",
        base=False,
        mine=True,
        theirs=False,
        theirs_by="Sam Patel",
        theirs_at=datetime(2026, 3, 2, 14, 3, tzinfo=UTC),
    )
    assert sides_text(item) == (
        "Not deleted",
        "Deleted on this laptop",
        "Kept (edited) by Sam Patel",
    )
