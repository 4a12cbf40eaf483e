"""Child process for the crash test: type into a visit form, wait for the autosave, say so,
then wait to be killed (SIGKILL: no clean-up, no atexit, no flush of anything).

Usage: python -m tests.ui.visit_typist ROOT PROFILE CHILD_ID  (passphrase on stdin)
Prints "saved <visit id>" once the draft is in the store.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.store import Profile  # noqa: E402
from ui.views.visit_form import VisitForm  # noqa: E402

TYPED = "Kai showed me his football medals and said he wants to stay here"


def _wait(signal: object, ms: int) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(argv: list[str]) -> int:
    root, name, child = argv[1], argv[2], uuid.UUID(argv[3])
    passphrase = sys.stdin.readline().rstrip("\n")
    app = QApplication([])
    store = Profile.open(name, root=Path(root)).unlock(passphrase)
    form = VisitForm(store, child)
    form.AUTOSAVE_MS = 300
    form.show()
    _wait(form.sig_ready, 10_000)
    box = form.field("wishes_and_feelings")
    box.setFocus()
    QTest.keyClicks(box, TYPED)
    _wait(form.saved, 10_000)
    sys.stdout.write(f"saved {form.visit_id}\n")
    sys.stdout.flush()
    # Keep typing (unsaved) until killed: the saved draft must survive regardless.
    QTest.keyClicks(box, " and more words that never reach the store")
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
