"""The Service page: the service's own figures for the manager's team over the last year, as
charts (``server/reports`` works them out; ``sync.figures`` fetches and keeps them).

Timeliness of the chosen kind of statutory item by legal status (the service's promise that
every child gets the same whatever their order) and by worker, stability, placements by kind of
provider, the time to permanence, and returns home and how they lasted. Each bar carries its
exact figure in words. Fetched on a worker thread; offline the page shows the last figures
kept, marked as of when the service worked them out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.deadlines import rules as rule_table
from app.settings import Settings
from app.store import Store
from sync import figures as service_figures
from sync.figures import Figures, ReturnHome
from ui.views.bar_chart import Bar, BarChart
from ui.views.common import uk_date
from ui.views.fetched_page import FetchedPage, when


def share_text(on_time: int, late: int, overdue: int, share: float | None) -> str:
    due = on_time + late + overdue
    if share is None or due == 0:
        return "nothing due"
    return f"{share:.0%} on time ({on_time} of {due})"


def returns_home_text(row: ReturnHome, window_months: int) -> str:
    """A row of returns home in words: how many went home, how many of those who reached six
    and twelve months at home in the period were still there, and how many came back into care
    within the service's window (``reentry_months`` in the rule table)."""
    parts = [f"{row.returned} went home"]
    for months, of, home in (
        ("six", row.six_months_of, row.home_at_six_months),
        ("twelve", row.twelve_months_of, row.home_at_twelve_months),
    ):
        if of:
            parts.append(f"{home} of {of} still home at {months} months")
    parts.append(f"{row.reentered} back in care within {window_months} months")
    return "; ".join(parts)


class ServicePage(FetchedPage):
    TITLE = "Service figures"
    ASKING_FOR = "its figures"
    NONE_OF = "figures"
    UNREADABLE = "The service's figures"

    def __init__(self, store: Store, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(store, settings, parent)
        self._figures: Figures | None = None
        self._build()
        self.refresh()

    # ---- Public API

    @property
    def figures(self) -> Figures | None:
        return self._figures

    @property
    def measure_box(self) -> QComboBox:
        return self._measure

    @property
    def charts(self) -> dict[str, BarChart]:
        return dict(self._charts)

    # ---- Private API

    def _fetch(self, store: Store, settings: Settings) -> Callable[[], service_figures.Fetched]:
        return lambda: service_figures.fetch(store, settings)

    def _build(self) -> None:
        top = self._header()
        self._measure = QComboBox()
        self._measure.setAccessibleName("Timeliness of")
        self._measure.currentIndexChanged.connect(lambda _i: self._draw_timeliness())
        caption = QLabel("Timeliness &of:")
        caption.setBuddy(self._measure)
        chooser = QHBoxLayout()
        chooser.addWidget(caption)
        chooser.addWidget(self._measure, 1)
        chooser.addStretch(2)

        self._charts = {
            "legal_status": BarChart("On time, by legal status"),
            "worker": BarChart("On time, by worker who held the case"),
            "stability": BarChart("Stability", empty="No children looked after in the period."),
            "providers": BarChart(
                "Children placed at the end of the period, by provider",
                empty="No child was placed at the end of the period.",
            ),
            "permanence": BarChart(
                "Time to permanence (median days)",
                empty="No adoption, special guardianship or child arrangements order was made "
                "in the period.",
            ),
            "returns_home": BarChart(
                "Returns home, by legal status before return",
                empty="No child went home from care, reached six or twelve months at home, or "
                "came back into care after going home in the period.",
            ),
        }
        body = QWidget()
        charts = QVBoxLayout(body)
        for chart in self._charts.values():
            charts.addWidget(chart)
        charts.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setAccessibleName("Charts")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._status)
        layout.addLayout(chooser)
        layout.addWidget(scroll, 1)

    def _shown(self, fetched: service_figures.Fetched) -> None:
        figures = self._figures = fetched.figures
        who = f"team {figures.team}" if figures.scope == "team" else "the whole service"
        self._title.setText(f"Service figures: {who}")
        period = f"{uk_date(figures.period_start)} to {uk_date(figures.period_end)}"
        as_of = when(figures.generated_at)
        self._say_where_from(
            fetched.live,
            f"{period}. Worked out by the service from its records, as of {as_of}.",
            f"the last figures the service sent ({period}), as of {as_of}.",
            fetched.reason,
        )
        chosen = self._measure.currentData()
        self._measure.blockSignals(True)
        self._measure.clear()
        seen: dict[str, str] = {}
        for row in figures.timeliness:
            seen.setdefault(row.measure, row.measure_label)
        for measure, label in seen.items():
            self._measure.addItem(label, measure)
        self._measure.setCurrentIndex(max(0, self._measure.findData(chosen)))
        self._measure.blockSignals(False)
        self._draw_timeliness()
        self._draw_the_rest(figures)

    def _draw_timeliness(self) -> None:
        figures = self._figures
        if figures is None:
            return
        measure = self._measure.currentData()
        label = self._measure.currentText()
        for kind, title in (
            ("legal_status", f"{label}: on time, by legal status"),
            ("worker", f"{label}: on time, by worker who held the case"),
        ):
            rows = [r for r in figures.timeliness if r.measure == measure and r.group_kind == kind]
            chart = self._charts[kind]
            chart.set_title(title)
            chart.set_bars(
                [
                    Bar(
                        r.group_label,
                        r.share_on_time,
                        share_text(r.on_time, r.late, r.overdue, r.share_on_time),
                    )
                    for r in rows
                    if r.on_time + r.late + r.overdue
                ],
                maximum=1.0,
            )

    def _draw_the_rest(self, figures: Figures) -> None:
        self._charts["stability"].set_bars(
            [
                Bar(
                    s.label,
                    s.share,
                    f"{s.share:.0%} ({s.count} of {s.of})" if s.share is not None else "none",
                )
                for s in figures.stability
            ],
            maximum=1.0,
        )
        providers = [p for p in figures.placements_by_provider if p.placed_at_end]
        self._charts["providers"].set_bars(
            [
                Bar(
                    p.label,
                    float(p.placed_at_end),
                    f"{p.placed_at_end} placed; {p.started_in_period} began in the period",
                )
                for p in providers
            ]
        )
        permanence = [
            Bar(
                f"{route.label}: {m.label}",
                m.median_days,
                f"{m.median_days:.0f} days (median of {m.children})",
            )
            for route in figures.permanence
            for m in route.measures
            if m.median_days is not None
        ]
        self._charts["permanence"].set_bars(permanence)
        window = rule_table.load().reentry_months
        self._charts["returns_home"].set_bars(
            [
                Bar(r.label, float(r.returned), returns_home_text(r, window))
                for r in figures.returns_home
                if r.returned or r.six_months_of or r.twelve_months_of or r.reentered
            ]
        )
