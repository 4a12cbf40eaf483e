"""Small pieces the caseload views share: status icons, UK dates, focus styling, and a guard
for answers that arrive after a widget has gone.

Status icons are drawn here rather than taken from the platform style because each status must
differ by *shape* as well as colour (a worker with colour-blindness, or a grey-scale printout,
still tells "overdue" from "done"), and platform icon sets do not promise that.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

import shiboken6
from PySide6.QtCore import (
    QDate,
    QEvent,
    QLocale,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDateEdit,
    QFrame,
    QScrollArea,
    QTableView,
    QToolTip,
    QWidget,
)

from app import clock
from app.deadlines.engine import STATUS_WORDS, Status

#: Colours chosen for contrast on white (each at least 4.5:1 against it for its text use).
STATUS_COLOURS = {
    Status.OVERDUE: "#b3261e",
    Status.DUE_SOON: "#8a5300",
    Status.UPCOMING: "#1d5fa8",
    Status.DONE: "#2e7d32",
}

#: Focus must be visible on every control (keyboard users), whatever the platform style draws:
#: a thick blue frame (and a light fill on buttons), not the platform's faint dotted line. Style
#: sheets have no "outline", so the frame is a border.
FOCUS_STYLE = """
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateEdit:focus, QSpinBox:focus,
QTableView:focus, QListView:focus, QTreeView:focus {
    border: 2px solid #1d70b8;
}
QPushButton:focus, QToolButton:focus {
    border: 3px solid #1d70b8;
    border-radius: 3px;
    background: #e8f1fa;
    padding: 3px 8px;
}
QCheckBox:focus, QRadioButton:focus, QLabel:focus { border: 2px solid #1d70b8; }
QTabBar::tab:focus { border: 2px solid #1d70b8; }
QLabel[role="error"] { color: #b3261e; font-weight: bold; }
QLabel[role="heading"] { font-weight: bold; }
QLabel[role="question"] { font-weight: bold; }
QLabel[role="help"] { color: #505a5f; }
"""


def qdate(day: date) -> QDate:
    """A Qt date from a Python one, spelt out because not every PySide6 release's type stubs
    declare the implicit conversion."""
    return QDate(day.year, day.month, day.day)


#: Why a day after today cannot be chosen, unless a caller says more precisely.
NOT_YET = "it has not happened yet. Choose today or an earlier day."


def date_box(
    *, latest: date | None = None, start: date | None = None, why: str = NOT_YET
) -> QDateEdit:
    """A date field as a UK reader writes dates (03 Nov 2026), with a calendar, showing
    ``start`` (today if None); ``latest`` is the last day it accepts (e.g. today, for
    something that has happened), and a click on a later day in the calendar says ``why``."""
    box = QDateEdit()
    box.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    box.setDisplayFormat("dd MMM yyyy")
    box.setCalendarPopup(True)
    if latest is not None:
        box.setMaximumDate(qdate(latest))
        _FutureDays(box, why)
    box.setDate(qdate(start if start is not None else clock.today()))
    return box


class _FutureDays(QObject):
    """Says why a greyed-out day after a date box's last allowed day cannot be chosen, where
    the worker clicked it, instead of the calendar silently ignoring the click."""

    def __init__(self, box: QDateEdit, why: str) -> None:
        super().__init__(box)
        self._box = box
        self._why = why
        calendar = box.calendarWidget()
        self._view = calendar.findChild(QTableView)
        if self._view is not None:
            self._view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if (
            self._view is not None
            and watched is self._view.viewport()
            and event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
        ):
            day = calendar_day_at(self._box.calendarWidget(), event.position().toPoint())
            if day is not None and day > self._box.maximumDate():
                QToolTip.showText(
                    event.globalPosition().toPoint(),
                    f"{day.toString('dd MMM yyyy')} cannot be chosen: {self._why}",
                    self._view,
                    QRect(),
                    10_000,
                )
                return True
        return super().eventFilter(watched, event)


def calendar_day_at(calendar: QCalendarWidget, point: QPoint) -> QDate | None:
    """The day drawn at ``point`` in the calendar's grid (including the greyed days of the
    months either side), or None over a heading or the week numbers."""
    view = calendar.findChild(QTableView)
    if view is None:
        return None
    index = view.indexAt(point)
    text = str(index.data() or "")
    if not index.isValid() or not text.isdigit():
        return None
    day = int(text)
    shown = QDate(calendar.yearShown(), calendar.monthShown(), 1)
    # Six rows of weeks: a large number in the first rows belongs to the month before, a
    # small number in the last rows to the month after.
    if index.row() <= 2 and day > 20:
        shown = shown.addMonths(-1)
    elif index.row() >= 4 and day < 15:
        shown = shown.addMonths(1)
    return QDate(shown.year(), shown.month(), day)


def uk_date(day: date | None, empty: str = "") -> str:
    """Dates as a UK reader writes them: 03 Nov 2026."""
    return f"{day:%d %b %Y}" if day is not None else empty


def local_time(moment: datetime) -> str:
    """A stored UTC instant as the laptop's local clock time, e.g. 14:03."""
    return moment.astimezone().strftime("%H:%M")


#: The size a window opens at when the screen has room for it: the service's laptops' screen.
PREFERRED_WINDOW = QSize(1366, 768)
#: What the window manager's title bar and borders may add around a window, kept free when a
#: window is placed so the whole frame is on screen.
_FRAME_ALLOWANCE = QSize(16, 48)


def fitting_screen(content: QWidget) -> QScrollArea:
    """The content in a frameless scroll area, so a window can be as small as the screen it is
    on (a 1366x768 laptop at 150% offers 910x512) and a page that needs more room scrolls
    instead of pushing the window's edges off the screen."""
    area = QScrollArea()
    area.setObjectName("PageArea")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(content)
    return area


def place_on_screen(window: QWidget, preferred: QSize = PREFERRED_WINDOW) -> None:
    """Show the window whole on the screen it opens on: at the preferred size, centred, where
    that fits with its frame; otherwise as large as fits and maximised (a desktop without a
    window manager keeps the size that fits)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry() if screen is not None else QRect(QPoint(0, 0), preferred)
    fits = room.size() - _FRAME_ALLOWANCE
    size = preferred.boundedTo(fits)
    window.resize(size)
    frame = QRect(room.topLeft(), size)
    frame.moveCenter(room.center())
    window.move(frame.topLeft())
    if size != preferred:
        window.showMaximized()
    else:
        window.show()


def status_words(status: Status) -> str:
    return STATUS_WORDS[status]


def alive(obj: QObject) -> bool:
    """Whether a widget still exists: a background answer may arrive after its view closed."""
    return shiboken6.isValid(obj)


def heading_font(base: QFont, scale: float = 1.5) -> QFont:
    """A heading relative to the user's font size, so larger system fonts scale headings too."""
    font = QFont(base)
    size = base.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * scale)
    font.setBold(True)
    return font


@cache
def status_icon(status: Status) -> QIcon:
    """Overdue: a filled circle with "!"; due soon: a triangle with "!"; upcoming: a ring with
    a clock hand; done: a tick. Drawn at two sizes for high-DPI screens."""
    icon = QIcon()
    for size in (16, 32):
        icon.addPixmap(_draw(status, size))
    return icon


def _draw(status: Status, size: int) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    colour = QColor(STATUS_COLOURS[status])
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    pen_width = max(1.5, s / 9)
    if status is Status.OVERDUE:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(1, 1, s - 2, s - 2))
        _exclamation(p, s, QColor("white"))
    elif status is Status.DUE_SOON:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(s / 2, 1), QPointF(s - 1, s - 2), QPointF(1, s - 2)]))
        _exclamation(p, s, QColor("white"), top=0.36)
    elif status is Status.UPCOMING:
        p.setPen(QPen(colour, pen_width))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QRectF(2, 2, s - 4, s - 4))
        p.drawLine(QPointF(s / 2, s / 2), QPointF(s / 2, s * 0.25))
        p.drawLine(QPointF(s / 2, s / 2), QPointF(s * 0.7, s / 2))
    else:
        pen = QPen(colour, pen_width * 1.4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        path = QPainterPath(QPointF(s * 0.18, s * 0.55))
        path.lineTo(QPointF(s * 0.42, s * 0.78))
        path.lineTo(QPointF(s * 0.84, s * 0.24))
        p.drawPath(path)
    p.end()
    return pix


def _exclamation(p: QPainter, s: float, colour: QColor, top: float = 0.22) -> None:
    pen = QPen(colour, max(1.5, s / 8))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(QPointF(s / 2, s * top), QPointF(s / 2, s * 0.58))
    p.drawPoint(QPointF(s / 2, s * 0.76))
