"""Render the main window as a worker with 150% display scaling and a larger text size sees it.

Run by ``test_scaling.py`` in its own process: Qt's scale factor is fixed when the application
starts, so it cannot be changed inside the test run's shared ``QApplication``. Prints one JSON
line: the device pixel ratio, and every label or button on each page whose text does not fit
the space it was given at a 13-inch laptop's logical screen size under 150% scaling.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ["QT_SCALE_FACTOR"] = "1.5"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QLabel,
    QScrollArea,
    QWidget,
)

from app.settings import Settings  # noqa: E402
from app.store import Profile  # noqa: E402
from tests.conftest import PASSPHRASE, fast_kdf  # noqa: E402
from tests.ui import views_support  # noqa: E402
from ui import desk, tasks  # noqa: E402
from ui.app import AppLook  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.sync_controller import SyncController  # noqa: E402
from ui.views.case_view import CaseView  # noqa: E402
from ui.views.visit_form import VisitForm  # noqa: E402

#: A 1920x1080 13-inch laptop at 150% scaling offers this many logical pixels.
LOGICAL_SCREEN = (1280, 720)
LARGER_TEXT_POINTS = 12


def settle(app: QApplication) -> None:
    """Let background loads finish and the pages lay themselves out."""
    for _ in range(200):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not tasks.busy():
            break
    loop = QEventLoop()
    QTimer.singleShot(100, loop.quit)
    loop.exec()


def clipped(page: QWidget) -> list[str]:
    """Visible labels and buttons narrower than their own text needs (word-wrapped labels
    grow downwards instead, so they are judged by height)."""
    problems = []
    for widget in page.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, QLabel | QAbstractButton):
            continue
        text = widget.text()
        if not text.strip() or (isinstance(widget, QLabel) and widget.pixmap() is not None):
            continue
        hint = widget.sizeHint()
        if isinstance(widget, QLabel) and widget.wordWrap():
            too_small = widget.heightForWidth(widget.width()) > widget.height() + 1
        else:
            too_small = hint.width() > widget.width() + 1
        if too_small:
            problems.append(f"{type(widget).__name__} {text!r}")
    return problems


def main(root: Path, shots: Path) -> int:
    app = QApplication(sys.argv[:1])
    look = AppLook(app)
    settings = Settings(font_point_size=LARGER_TEXT_POINTS)
    look.apply(settings)
    profile = Profile.create("scaled", PASSPHRASE, worker="scaled", root=root, kdf=fast_kdf())
    with profile.unlock(PASSPHRASE) as store:
        child_id = views_support.child_with_history(store)
    store = profile.unlock(PASSPHRASE)
    window = MainWindow(
        store,
        settings,
        profile,
        sync_factory=lambda s, st: SyncController(
            s, st, auto_sync_interval_ms=None, probe_interval_ms=None
        ),
    )
    window.resize(*LOGICAL_SCREEN)
    window.show()
    report: dict[str, object] = {"ratio": window.devicePixelRatioF(), "pages": {}, "sizes": {}}
    sizes = report["sizes"]
    assert isinstance(sizes, dict)
    pages = report["pages"]
    assert isinstance(pages, dict)
    settle(app)
    pages["dashboard"] = clipped(window)
    sizes["dashboard"] = [window.width(), window.height()]
    window.grab().save(str(shots / "scaled-150-dashboard.png"))
    window.open_child(child_id)
    settle(app)
    pages["case"] = clipped(window)
    sizes["case"] = [window.width(), window.height()]
    window.grab().save(str(shots / "scaled-150-case.png"))
    case_view = window.findChild(CaseView)
    assert case_view is not None
    case_view.tabs.setCurrentIndex(case_view.tabs.indexOf(case_view.due_table.parentWidget()))
    settle(app)
    pages["case due"] = clipped(window)
    window.grab().save(str(shots / "scaled-150-case-due.png"))
    panel = case_view.actions_panel
    case_view.tabs.setCurrentIndex(case_view.tabs.indexOf(panel.parentWidget()))
    settle(app)
    pages["case actions"] = clipped(window)
    window.grab().save(str(shots / "scaled-150-case-actions.png"))
    panel.table.selectRow(0)
    dialog = panel.open_dialog("done")
    assert dialog is not None
    settle(app)
    pages["action dialog"] = clipped(dialog)
    dialog.grab().save(str(shots / "scaled-150-action-done.png"))
    dialog.reject()
    case_view.tabs.setCurrentIndex(0)
    window.open_visit(child_id, None)
    settle(app)
    pages["visit form"] = clipped(window)
    sizes["visit form"] = [window.width(), window.height()]
    window.grab().save(str(shots / "scaled-150-visit-form.png"))
    visit_form = window.findChild(VisitForm)
    assert visit_form is not None
    scroll = visit_form.findChild(QScrollArea)
    assert scroll is not None
    scroll.ensureWidgetVisible(visit_form.tracked_actions)
    settle(app)
    window.grab().save(str(shots / "scaled-150-visit-tracked-actions.png"))
    window.back()
    window.open_assessment(child_id=child_id, template_id="child_asset_based")
    settle(app)
    pages["assessment form"] = clipped(window)
    sizes["assessment form"] = [window.width(), window.height()]
    window.grab().save(str(shots / "scaled-150-assessment-form.png"))
    window.back()
    window.open_case_note(child_id=child_id)
    settle(app)
    pages["case note"] = clipped(window)
    window.grab().save(str(shots / "scaled-150-case-note.png"))
    window.back()
    desk.open_drafts(window)
    settle(app)
    pages["my drafts"] = clipped(window)
    window.grab().save(str(shots / "scaled-150-drafts.png"))
    desk.open_diary(window)
    settle(app)
    pages["diary"] = clipped(window)
    window.grab().save(str(shots / "scaled-150-diary.png"))
    print(json.dumps(report), flush=True)  # noqa: T201 - the test reads this line
    window.close()
    settle(app)
    store.lock()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
