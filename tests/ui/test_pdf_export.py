"""Exporting to PDF through the real buttons: a finalised visit, an assessment made with an
older form, a child's chronology. The PDF's text is read back with pypdf; the chosen folder and
the system temp folder hold nothing but the finished PDF; failures say what happened in plain
English and leave nothing behind; every export is in the audit trail, without the path."""

from __future__ import annotations

import errno
import io
import os
import stat
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import service_name
from app.exports import service
from app.models import AuditEvent, CaseNote
from app.store import Store
from tests.app import export_support, factories
from tests.ui import views_support
from ui.exports import actions
from ui.exports.pdf import render_images, render_pdf
from ui.views.assessment_form import AssessmentForm
from ui.views.case_view import CaseView
from ui.views.visit_form import VisitForm

SERVICE = "Northshire Children's Permanency Service"


def _named_by_the_service(store: Store) -> None:
    """As a sync leaves it: the service's name kept in the store."""
    with store.write(remote=True) as session:
        service_name.save(session, SERVICE)


@pytest.fixture
def child_id(store: Store) -> uuid.UUID:
    _named_by_the_service(store)
    with store.write() as session:
        made = factories.child(given_name="Kai", family_name="Osei", sex="M")
        session.add(made)
    return made.id


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "exports"
    made.mkdir()
    return made


@pytest.fixture
def system_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private system temp folder for Python and Qt alike, so "nothing appears there" is
    exact on a machine where other programs use /tmp."""
    made = tmp_path / "system-temp"
    made.mkdir()
    monkeypatch.setenv("TMPDIR", str(made))
    monkeypatch.setattr(tempfile, "tempdir", str(made))
    return made


@pytest.fixture
def chosen(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The save dialog answered with the suggested name in ``folder``; what was suggested."""
    suggested: list[Path] = []

    def choose(parent: QWidget | None, caption: str, offered: Path) -> Path:
        suggested.append(offered)
        return folder / offered.name

    monkeypatch.setattr(actions, "choose_path", choose)
    return suggested


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bool]]:
    """The messages the worker would see, as (title, text, problem)."""
    seen: list[tuple[str, str, bool]] = []

    def tell(parent: QWidget | None, title: str, text: str, problem: bool) -> None:
        seen.append((title, text, problem))

    monkeypatch.setattr(actions, "tell", tell)
    return seen


def _button(widget: QWidget, name: str) -> QPushButton:
    found = [b for b in widget.findChildren(QPushButton) if b.accessibleName() == name]
    assert len(found) == 1, name
    return found[0]


def _text(path: Path) -> str:
    """The PDF's text, whitespace made single spaces (line breaks fall where the layout put
    them)."""
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _pages(path: Path) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def _exports(store: Store) -> list[AuditEvent]:
    with store.read() as session:
        query = select(AuditEvent).where(AuditEvent.action == service.EXPORT_ACTION)
        return list(session.scalars(query))


def _finalised_form(
    qtbot: QtBot, store: Store, child_id: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> VisitForm:
    """A visit typed into the real form and finalised with its button."""
    form = VisitForm(store, child_id)
    qtbot.addWidget(form)
    form.resize(*views_support.SCREEN)
    with qtbot.waitSignal(form.sig_ready, timeout=5000):
        form.show()
    assert not _button(form, "Export visit to PDF").isVisible()
    who = form.field("who_was_seen")
    who.setFocus()
    qtbot.keyClicks(who, "Kai and his foster carer")
    seen_alone = form.field("seen_alone")
    assert isinstance(seen_alone, QComboBox)
    seen_alone.setCurrentIndex(seen_alone.findText("Yes"))
    observations = form.field("observations")
    observations.setFocus()
    qtbot.keyClicks(observations, "Kai showed me his football medals & his new boots.")
    wishes = form.field("wishes_and_feelings")
    wishes.setFocus()
    qtbot.keyClicks(wishes, "Kai wants to keep playing football on Saturdays.")
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(form.finalised, timeout=10_000):
        qtbot.mouseClick(_button(form, "Finalise visit"), Qt.MouseButton.LeftButton)
    return form


def _click_and_wait(
    qtbot: QtBot, button: QPushButton, told: list[tuple[str, str, bool]]
) -> tuple[str, str, bool]:
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    return told[-1]


def test_finalised_visit_exports_a_readable_pdf_and_is_audited(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    folder: Path,
    system_temp: Path,
    chosen: list[Path],
    told: list[tuple[str, str, bool]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After finalising, Export PDF saves where the worker chose a PDF naming the child, the
    service and the marking, with the visit's words; the audit trail records it without the
    path; only the PDF is left in the folder and nothing in the system temp folder."""
    form = _finalised_form(qtbot, store, child_id, monkeypatch)
    renames: list[tuple[set[str], int, set[str]]] = []
    real_replace = os.replace

    def spy(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(target).parent == folder:
            mode = stat.S_IMODE(os.stat(source).st_mode)
            renames.append(({p.name for p in folder.iterdir()}, mode, set(os.listdir(system_temp))))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)

    title, message, problem = _click_and_wait(qtbot, _button(form, "Export visit to PDF"), told)

    assert chosen[0].name.startswith("Visit - ")
    assert chosen[0].name.endswith(f" - {form.values().visit_date:%Y-%m-%d}.pdf")
    pdf = folder / chosen[0].name
    assert not problem and str(pdf) in message
    text = _text(pdf)
    assert "Kai Osei" in text
    assert SERVICE in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "Kai showed me his football medals & his new boots." in text
    assert "Signed off by alice" in text
    assert "Page 1 of 1" in text
    # While writing: one hidden, owner-only temp file beside the final name; nothing in temp.
    [(during, mode, temp_during)] = renames
    assert len(during) == 1 and next(iter(during)).startswith(".")
    assert mode == 0o600
    assert temp_during == set()
    # Afterwards: the PDF alone.
    assert [p.name for p in folder.iterdir()] == [pdf.name]
    assert list(system_temp.iterdir()) == []
    [event] = _exports(store)
    assert (event.actor, event.record_type, event.record_id) == ("alice", "visit", form.visit_id)
    assert str(folder) not in event.detail and "Kai" not in event.detail

    # A look at the printed page, kept with the other screenshots.
    views_support.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = render_images(service.visit(store, form.visit_id))[0]
    assert page.save(str(views_support.SCREENSHOTS / "export_visit_page1.png"))


def test_assessment_exports_with_its_own_older_form(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    folder: Path,
    chosen: list[Path],
    told: list[tuple[str, str, bool]],
) -> None:
    """An assessment made with form version 1 prints version 1's questions and answers, after
    version 2 has arrived, from the Export PDF button on the assessment form."""
    export_support.keep_templates(store)
    assessment_id = export_support.signed_assessment(
        store,
        child_id,
        {
            "school": "Settled in Year 4",
            "people": [{"name": "Sandra", "relationship": "Foster carer"}],
        },
    )
    form = AssessmentForm(store, assessment_id=assessment_id)
    qtbot.addWidget(form)
    form.resize(*views_support.SCREEN)
    with qtbot.waitSignal(form.sig_ready, timeout=5000):
        form.show()

    title, message, problem = _click_and_wait(
        qtbot, _button(form, "Export assessment to PDF"), told
    )

    assert not problem, message
    text = _text(folder / chosen[0].name)
    assert "How is school going? Settled in Year 4" in text
    assert "How is the child's health?" not in text
    assert "Entry 1" in text and "Sandra" in text and "Foster carer" in text
    assert "What is the child proud of? Not answered" in text
    assert "Strengths assessment (export test), version 1" in text
    assert [e.record_id for e in _exports(store)] == [assessment_id]


def test_chronology_export_lists_entries_in_date_order_on_every_page(
    qtbot: QtBot,
    store: Store,
    folder: Path,
    chosen: list[Path],
    told: list[tuple[str, str, bool]],
) -> None:
    """Export chronology on the case page prints every entry oldest first over as many pages
    as it takes, each page with the service header, the marking and "Page n of m"."""
    _named_by_the_service(store)
    child_id = views_support.child_with_history(store)
    with store.write() as session:
        session.add_all(
            CaseNote(
                child_id=child_id,
                event_date=views_support.today_minus(400 + n),
                subject=f"Contact session {n}",
                text="Supervised contact went well.",
                status="finalised",
            )
            for n in range(120)
        )
    view = CaseView(store, child_id)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.sig_loaded, timeout=5000):
        view.show()

    title, message, problem = _click_and_wait(
        qtbot, _button(view, "Export chronology to PDF"), told
    )

    assert not problem, message
    pdf = folder / chosen[0].name
    assert chosen[0].name.startswith("Chronology ")
    text = _text(pdf)
    assert "Amara Okafor (known as Mara)" in text
    # Oldest first: the early contact notes, then the visit 20 days ago, the case note 3 days
    # ago and yesterday's draft visit.
    assert text.index("119") < text.index("personalised") < text.index("choir")
    assert text.index("choir") < text.index("arrangements")
    pages = _pages(pdf)
    assert len(pages) > 2
    for n, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") == 2, n
        assert SERVICE in page
        assert f"Page {n} of {len(pages)}" in page
    [event] = _exports(store)
    assert (event.record_type, event.record_id) == ("child", child_id)


def test_a_draft_is_refused_before_asking_where(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    folder: Path,
    chosen: list[Path],
    told: list[tuple[str, str, bool]],
) -> None:
    """Asking to export a draft visit says to finalise it first, never opens the save dialog,
    and writes nothing."""
    with store.write() as session:
        draft = factories.visit(child_id, observations="Still typing")
        session.add(draft)
    parent = QWidget()
    qtbot.addWidget(parent)
    actions.export_visit(parent, store, draft.id)
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    [(title, message, problem)] = told
    assert problem and "still a draft" in message and "Finalise it first" in message
    assert chosen == []
    assert list(folder.iterdir()) == []
    assert _exports(store) == []


def _exported_visit(store: Store, child_id: uuid.UUID) -> uuid.UUID:
    with store.write() as session:
        visit = factories.finalised_visit(child_id, observations="Private words")
        session.add(visit)
    return visit.id


def _export_and_wait(
    qtbot: QtBot, store: Store, visit_id: uuid.UUID, told: list[tuple[str, str, bool]]
) -> tuple[str, str, bool]:
    parent = QWidget()
    qtbot.addWidget(parent)
    actions.export_visit(parent, store, visit_id)
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    return told[-1]


def test_a_read_only_folder_gives_a_plain_error_and_leaves_nothing(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    folder: Path,
    system_temp: Path,
    chosen: list[Path],
    told: list[tuple[str, str, bool]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Saving into a folder the worker may not write to says so in plain words; nothing is
    written there or in temp, and nothing is audited."""
    visit_id = _exported_visit(store, child_id)
    folder.chmod(0o500)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root writes anywhere: have the folder refuse as the OS does for everyone else.
        real_mkstemp = tempfile.mkstemp

        def refuse(*args: Any, **kwargs: Any) -> tuple[int, str]:
            if Path(str(kwargs.get("dir", ""))) == folder:
                raise PermissionError(errno.EACCES, "Permission denied", str(folder))
            return real_mkstemp(*args, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        title, message, problem = _export_and_wait(qtbot, store, visit_id, told)
    finally:
        folder.chmod(0o700)
    assert problem and "not allowed to save files in that folder" in message
    assert list(folder.iterdir()) == [] and list(system_temp.iterdir()) == []
    assert _exports(store) == []


def test_a_write_failing_half_way_leaves_nothing_behind(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    folder: Path,
    system_temp: Path,
    chosen: list[Path],
    told: list[tuple[str, str, bool]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A disk that fills up while the PDF is written: a plain message, the part-written temp
    file removed, nothing in temp, and no audit entry for an export that did not happen."""
    visit_id = _exported_visit(store, child_id)
    real_fsync: Callable[[int], None] = os.fsync

    def full(fd: int) -> None:
        if any(p.name.startswith(".") for p in folder.iterdir()):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    title, message, problem = _export_and_wait(qtbot, store, visit_id, told)
    assert problem and "not enough space" in message
    assert list(folder.iterdir()) == [] and list(system_temp.iterdir()) == []
    assert _exports(store) == []


def test_an_export_the_audit_trail_cannot_record_is_not_kept(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    folder: Path,
    chosen: list[Path],
    told: list[tuple[str, str, bool]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the audit entry cannot be written, the PDF is removed again and the worker told."""
    visit_id = _exported_visit(store, child_id)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(service, "record_export", broken)
    title, message, problem = _export_and_wait(qtbot, store, visit_id, told)
    assert problem and "The PDF was not kept" in message
    assert list(folder.iterdir()) == []


def test_cancelling_the_save_dialog_exports_nothing(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    folder: Path,
    told: list[tuple[str, str, bool]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Closing the dialog without choosing writes nothing, audits nothing, says nothing."""
    visit_id = _exported_visit(store, child_id)
    monkeypatch.setattr(actions, "choose_path", lambda *args: None)
    parent = QWidget()
    qtbot.addWidget(parent)
    job = actions.export_visit(parent, store, visit_id)
    with qtbot.waitSignal(job.sig_cancelled, timeout=5000):
        pass
    assert told == [] and list(folder.iterdir()) == [] and _exports(store) == []


def test_a_second_click_while_exporting_makes_one_pdf_not_two(
    qtbot: QtBot,
    store: Store,
    child_id: uuid.UUID,
    folder: Path,
    chosen: list[Path],
    told: list[tuple[str, str, bool]],
) -> None:
    """Clicking Export again before the first has finished asks once and writes one PDF; once
    it has finished, a new export can start."""
    visit_id = _exported_visit(store, child_id)
    parent = QWidget()
    qtbot.addWidget(parent)
    first = actions.export_visit(parent, store, visit_id)
    actions.export_visit(parent, store, visit_id)
    with qtbot.waitSignal(first.sig_saved, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: len(told) == 1, timeout=5000)
    assert len(chosen) == 1 and len(list(folder.iterdir())) == 1 and len(_exports(store)) == 1
    again = actions.export_visit(parent, store, visit_id)
    with qtbot.waitSignal(again.sig_saved, timeout=20_000):
        pass
    assert len(chosen) == 2 and len(_exports(store)) == 2


def test_no_word_is_split_across_lines(qapp: object) -> None:
    """In a narrow column of the chronology's table, lines break between words only: a long
    word is never cut in two on paper."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QImage

    from app.exports.document import Document, Header, Section, Table
    from ui.exports.pdf import laid_out_body

    words = "Reviewing independently safeguarding arrangements contact supervision"
    document = Document(
        record_type="child",
        record_id=uuid.uuid4(),
        title="Chronology",
        subject="A child",
        header=Header(service="A service", marking="OFFICIAL-SENSITIVE"),
        footer="",
        sections=(
            Section(
                "Chronology",
                table=Table(("When", "What", "Summary"), ((words, words, words),), (8, 12, 80)),
            ),
        ),
    )
    device = QImage(800, 1100, QImage.Format.Format_RGB32)
    body = laid_out_body(document, device, QSizeF(700, 1000))
    breaks = 0
    block = body.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        for n in range(layout.lineCount() - 1):
            line = layout.lineAt(n)
            end = line.textStart() + line.textLength()
            if 0 < end < len(text):
                breaks += 1
                assert text[end - 1].isspace() or text[end].isspace(), (text[:end], text[end:])
        block = block.next()
    assert breaks > 0, "the narrow columns should have wrapped"


def test_no_table_row_is_split_across_pages(
    qapp: object, store: Store, child_id: uuid.UUID
) -> None:
    """A chronology over several pages: each entry's row (its record, the start and the end of
    its summary) is printed whole on one page, never begun at the foot of one page and ended
    at the top of the next; every page still has its header row."""
    words = "Supervised contact at the family centre went well and Kai asked to see his sister"
    with store.write() as session:
        session.add_all(
            CaseNote(
                child_id=child_id,
                event_date=views_support.today_minus(300 - n),
                # Rows of three to six lines, so page ends fall inside rows in many places.
                subject=f"Contact session S{n:03d}" + " and review" * (n % 4),
                text=f"B{n:03d} " + " ".join(words.split()[: 8 + (n * 5) % 14]) + f" E{n:03d}",
                status="finalised",
            )
            for n in range(90)
        )
    rendered = render_pdf(service.chronology(store, child_id))
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    pages = [set((page.extract_text() or "").split()) for page in reader.pages]
    assert len(pages) >= 4
    for n in range(90):
        found = {
            f"{mark}{n:03d}": [i for i, p in enumerate(pages) if f"{mark}{n:03d}" in p]
            for mark in ("S", "B", "E")
        }
        assert all(len(where) == 1 for where in found.values()), found
        assert len({where[0] for where in found.values()}) == 1, (n, found)
    for page in pages:
        if any(word.startswith("B") and word[1:].isdigit() for word in page):
            assert {"Date", "Kind", "Record", "Summary", "Status"} <= page


def test_a_row_taller_than_a_page_starts_a_page_and_runs_on(qapp: object) -> None:
    """A row that cannot fit on any page whole is not pushed for ever: it starts a page (the
    short row before it stays whole on the page before) and continues on the next."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QImage

    from app.exports.document import Document, Header, Section, Table
    from ui.exports.pdf import laid_out_body

    rows = (("short", "one line"),) * 14 + (("long", "words " * 900),)
    document = Document(
        record_type="child",
        record_id=uuid.uuid4(),
        title="Chronology",
        subject="A child",
        header=Header(service="A service", marking="OFFICIAL-SENSITIVE"),
        footer="",
        sections=(Section("Chronology", table=Table(("When", "What"), rows, (20, 80))),),
    )
    device = QImage(800, 1100, QImage.Format.Format_RGB32)
    body = laid_out_body(document, device, QSizeF(500, 400))
    assert body.pageCount() >= 3
    text = body.toPlainText()
    assert text.count("short") == 14 and text.count("words") == 900
    long = body.find("words")
    top = body.documentLayout().blockBoundingRect(long.block()).top()
    # Under the repeated header row at the top of its page, not under the short rows.
    assert 0 < top % 400 < 60, top
