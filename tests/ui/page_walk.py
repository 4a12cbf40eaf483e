"""Walk every page and dialog the main window can open, generically, for checks that must hold
on all of them (Alt mnemonics, for one).

Pages are found from the main window's own public API rather than from a list kept here: every
method named ``open_*``, ``new_*`` or ``show_*`` is called with the arguments its parameter
names ask for (a child, a household, a form template, or None for "a new one"). A page someone
adds later with one of those names is walked without touching this file; a method whose
parameters the walk cannot fill fails loudly, naming itself, rather than being skipped.
Each tab of a page is shown in turn, since only what is visible can take a key press.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QMenuBar,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.forms import registry
from ui import tasks
from ui.main_window import MainWindow

SUBJECT_KEYS = ("child_id", "household_id")
#: Methods that open something but are not pages or dialogs of their own to walk (show_page
#: shows whatever page it is given).
NOT_PAGES = frozenset({"show_unlock", "show_page"})


@dataclass(frozen=True)
class Subjects:
    """The records the walk opens pages about."""

    child_id: uuid.UUID
    household_id: uuid.UUID


def mnemonic(text: str) -> str:
    """The letter Alt presses with for a widget's text ("" when it has none)."""
    keys = QKeySequence.mnemonic(text)
    return keys.toString().removeprefix("Alt+").lower() if not keys.isEmpty() else ""


def mnemonics(top: QWidget) -> dict[str, list[str]]:
    """Every Alt mnemonic a worker can press in this window now, by letter, with what owns it.

    Buttons, labels with a buddy, checkable group boxes, tabs and menu titles all take Alt+letter
    in their own window; hidden widgets do not."""
    found: dict[str, list[str]] = {}

    def add(text: str, owner: str) -> None:
        letter = mnemonic(text)
        if letter:
            found.setdefault(letter, []).append(f"{owner} {text.replace('&&', '&')!r}")

    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisible() or widget.window() is not top:
            continue  # hidden, or in a dialog of its own (its own window, its own letters)
        if isinstance(widget, QAbstractButton):
            if not widget.shortcut().isEmpty():
                add(widget.text(), type(widget).__name__)
        elif isinstance(widget, QLabel):
            if widget.buddy() is not None:
                add(widget.text(), "QLabel")
        elif isinstance(widget, QGroupBox):
            add(widget.title(), "QGroupBox")
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if widget.isTabVisible(index):
                    add(widget.tabText(index), "tab")
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                if action.isVisible():
                    add(action.text(), "menu")
    return found


def clashes(top: QWidget) -> dict[str, list[str]]:
    """The letters more than one thing answers to."""
    return {letter: owners for letter, owners in mnemonics(top).items() if len(owners) > 1}


def settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: not tasks.busy(), timeout=10_000)
    qtbot.wait(1)  # answers delivered by queued signals lay their widgets out


def tab_states(top: QWidget, qtbot: QtBot) -> Iterator[str]:
    """Show each tab of each visible tab widget in turn; yields which one is on show."""
    yield "first tab"
    for tabs in top.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            if tabs.isTabVisible(index) and index != tabs.currentIndex():
                tabs.setCurrentIndex(index)
                settle(qtbot)
                yield f"tab {tabs.tabText(index).replace('&', '')!r}"
        tabs.setCurrentIndex(0)


def openers(window: MainWindow) -> list[tuple[str, Callable[..., object]]]:
    """The window's public methods that open a page or a dialog."""
    found = []
    for name, method in inspect.getmembers(window, inspect.ismethod):
        if name.startswith(("open_", "new_", "show_")) and name not in NOT_PAGES:
            found.append((name, method))
    return found


def calls(
    name: str, method: Callable[..., object], subjects: Subjects, window: MainWindow
) -> list[tuple[str, dict[str, object]]]:
    """Ways to call an opener: once about the child and once about the household where it
    takes either; a form template of that kind of subject where it takes one; None for every
    other record id (a new record)."""
    params = inspect.signature(method).parameters
    about: list[tuple[str, dict[str, object]]] = []
    if "child_id" in params:
        about.append(("child", {"child_id": subjects.child_id}))
    if "household_id" in params:
        about.append(("household", {"household_id": subjects.household_id}))
    if not about:
        about.append(("", {}))
    made = []
    for label, kwargs in about:
        if "child_id" in params and "child_id" not in kwargs:
            if params["child_id"].default is inspect.Parameter.empty:
                continue  # cannot be opened about a household
            kwargs = {**kwargs, "child_id": None}
        if "household_id" in params and "household_id" not in kwargs:
            if params["household_id"].default is inspect.Parameter.empty:
                continue
            kwargs = {**kwargs, "household_id": None}
        for param in params.values():
            if param.name in kwargs:
                continue
            if param.name == "template_id":
                subject = "child" if label == "child" else "household"
                with window.store.read() as session:
                    templates = registry.available(session, subject)
                kwargs = {**kwargs, "template_id": templates[0].id if templates else None}
            elif param.name.endswith("_id") or param.default is not inspect.Parameter.empty:
                kwargs = {**kwargs, param.name: None}
            elif param.kind is param.VAR_KEYWORD or param.kind is param.VAR_POSITIONAL:
                continue
            else:
                raise AssertionError(
                    f"the page walk cannot fill {name}({param.name}=...): teach "
                    f"tests/ui/page_walk.py what to pass"
                )
        made.append((f"{name} {label}".strip(), kwargs))
        records = {
            key: existing_record(window, key, {k: kwargs.get(k) for k in SUBJECT_KEYS})
            for key, value in kwargs.items()
            if key.endswith("_id") and key not in SUBJECT_KEYS and key != "template_id"
        }
        found = {key: value for key, value in records.items() if value is not None}
        if found:
            opened = (
                {**kwargs, **found, "template_id": None}
                if "template_id" in kwargs
                else {
                    **kwargs,
                    **found,
                }
            )
            made.append((f"{name} {label} existing".strip(), opened))
    return made


def open_dialogs() -> list[QDialog]:
    return [
        widget
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, QDialog) and widget.isVisible()
    ]


def _snake(name: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in name).lstrip("_")


def existing_record(window: MainWindow, param: str, subject: dict[str, object]) -> uuid.UUID | None:
    """A stored record (signed off if there is one) for a ``<kind>_id`` parameter, of the kind
    whose model's name ends in that kind (``visit_id``: Visit, ``note_id``: CaseNote), about
    the same child or household; None when there is none."""
    from app.models.recording import SubjectMixin

    kind = param.removesuffix("_id")
    models = [m for m in _subclasses(SubjectMixin) if _snake(m.__name__).endswith(kind)]
    if not models:
        return None
    model = models[0]
    with window.store.read() as session:
        query = session.query(model)
        for key, value in subject.items():
            if value is not None:
                query = query.filter(getattr(model, key) == value)
        rows = query.all()
    rows.sort(key=lambda row: getattr(row, "status", "") != "finalised")
    return rows[0].id if rows else None


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if hasattr(sub, "__tablename__"):
            found.append(sub)
        found.extend(_subclasses(sub))
    return found
