"""The figures on one landscape A4 page, for a manager's pack or a board paper.

Laid out with fpdf2 (pure Python: the service has no Qt). The page holds the service-level and
by-legal-status timeliness (the promise of equal treatment, side by side), timeliness by team
(or, for one team, by worker), permanence timings, stability and placements by provider. Every
figure is also in the CSVs, which have every worker; the page shows at most ``MOST_COLUMNS``
teams or workers and says so when it leaves some out. Text is set in the PDF's core Helvetica,
so anything outside Latin-1 in a typed name is shown as "?".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from fpdf import FPDF
from fpdf.fonts import FontFace

from server.reports import groups
from server.reports.figures import ServiceFigures
from server.reports.returns_home import ReturnHomeFigure
from server.reports.timeliness import MEASURES, TimelinessRow

MOST_COLUMNS = 6
MARKING = "OFFICIAL-SENSITIVE"
_HEAD = FontFace(emphasis="BOLD", fill_color=(225, 230, 240))


class OverflowError(RuntimeError):
    """The figures did not fit on one page (a layout fault, never silently a second page)."""


def render(figures: ServiceFigures, *, service_name: str = "Casebook") -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(10, 8, 10)
    pdf.add_page()
    pdf.set_title(f"{service_name}: figures {figures.period.start} to {figures.period.end}")
    pdf.set_font("helvetica", "B", 7)
    pdf.cell(0, 4, MARKING, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 13)
    scope = figures.scope.label
    pdf.cell(0, 6, _text(f"{service_name}: figures for {scope}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 8)
    pdf.cell(
        0,
        4,
        _text(
            f"Period {_day(figures.period.start)} to {_day(figures.period.end)}. Worked out by "
            f"the service from its records on {figures.generated_at:%d %b %Y %H:%M} UTC. "
            "Share done on time = on time / (on time + late + still overdue); n = items due."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(1)
    _timeliness_by_status(pdf, figures)
    _timeliness_by_holder(pdf, figures)
    _permanence(pdf, figures)
    _stability_and_placements(pdf, figures)
    pdf.set_font("helvetica", "B", 7)
    pdf.set_y(-8)
    pdf.cell(0, 4, MARKING, align="C")
    if pdf.page_no() != 1 or pdf.get_y() > pdf.h:
        raise OverflowError("the figures did not fit on one page")
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(1.5)
    pdf.set_font("helvetica", "B", 9)
    pdf.cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 7)


def _table(pdf: FPDF, rows: Sequence[Sequence[str]], widths: Sequence[float], **kw: object) -> None:
    with pdf.table(
        col_widths=tuple(widths),
        width=sum(widths),
        align=str(kw.get("align", "LEFT")),
        line_height=3.6,
        headings_style=_HEAD,
        text_align="LEFT",
        padding=0.6,
    ) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(_text(cell))


def _by(figures: ServiceFigures, kind: str) -> dict[tuple[str, str], TimelinessRow]:
    return {(r.measure, r.group): r for r in figures.timeliness if r.group_kind == kind}


def _share(row: TimelinessRow | None) -> str:
    if row is None or row.share_on_time is None:
        return "-"
    return f"{row.share_on_time:.0%} (n {row.due})"


def _timeliness_by_status(pdf: FPDF, figures: ServiceFigures) -> None:
    _heading(pdf, "Done on time: the whole scope, and by the child's legal status")
    config = groups.load()
    service = _by(figures, "service")
    status = _by(figures, "legal_status")
    keys = [*config.legal_status, groups.OTHER]
    header = [
        "Measure",
        "All: on time / late / overdue",
        "All",
        *(config.status_label(k) for k in keys),
    ]
    rows = [header]
    for measure, (label, kind) in MEASURES.items():
        total = service.get((measure, ""))
        counts = f"{total.on_time} / {total.late} / {total.overdue}" if total else "-"
        by_status = (
            [_share(status.get((measure, k))) for k in keys]
            if kind == "child"
            else ["n/a"] * len(keys)
        )
        rows.append([label, counts, _share(total), *by_status])
    _table(pdf, rows, [52, 30, 22, *([24.7] * len(keys))])


def _timeliness_by_holder(pdf: FPDF, figures: ServiceFigures) -> None:
    kind = "worker" if figures.scope.team_id is not None else "team"
    found = _by(figures, kind)
    names: dict[str, str] = {}
    for row in figures.timeliness:
        if row.group_kind == kind:
            names.setdefault(row.group, row.group_label)
    shown = sorted(names, key=lambda g: names[g])[:MOST_COLUMNS]
    left_out = len(names) - len(shown)
    title = (
        "Done on time by worker (who held the case on the day)"
        if kind == "worker"
        else ("Done on time by team")
    )
    if left_out:
        title += f"; {left_out} more in the CSV"
    _heading(pdf, title)
    if not shown:
        pdf.cell(0, 4, "Nothing was due in the period.", new_x="LMARGIN", new_y="NEXT")
        return
    rows = [["Measure", *(names[g] for g in shown)]]
    for measure, (label, _kind) in MEASURES.items():
        rows.append([label, *(_share(found.get((measure, g))) for g in shown)])
    _table(pdf, rows, [52, *([225 / len(shown)] * len(shown))])


def _permanence(pdf: FPDF, figures: ServiceFigures) -> None:
    _heading(pdf, "Permanence: average days (median; children counted) for orders in the period")
    measures: dict[str, str] = {}
    for route in figures.permanence:
        for m in route.measures:
            measures.setdefault(m.measure, m.label)
    rows = [["Route", "Orders", *measures.values()]]
    for route in figures.permanence:
        found = {m.measure: m for m in route.measures}
        cells = []
        for key in measures:
            figure = found.get(key)
            if figure is None:
                cells.append("n/a")
            elif figure.average_days is None or figure.median_days is None:
                cells.append("-")
            else:
                cells.append(
                    f"{figure.average_days:.0f} ({figure.median_days:.0f}; {figure.children})"
                )
        rows.append([route.label, str(route.children), *cells])
    _table(pdf, rows, [40, 14, *([223 / len(measures)] * len(measures))])


def _stability_and_placements(pdf: FPDF, figures: ServiceFigures) -> None:
    _heading(pdf, f"Stability and placements on {_day(figures.period.end)}")
    top = pdf.get_y()
    rows = [["Stability", "Children", "Of", "Share"]]
    for s in figures.stability:
        share = "-" if s.share is None else f"{s.share:.0%}"
        rows.append([s.label, str(s.count), str(s.of), share])
    _table(pdf, rows, [100, 14, 12, 12])
    _returns_home(pdf, figures)
    pdf.set_y(top)
    rows = [["Placements by provider", "Placed on the day", "Began in the period"]]
    for p in figures.placements:
        rows.append([p.label, str(p.placed_at_end), str(p.started_in_period)])
    _table(pdf, rows, [75, 27, 27], align="RIGHT")


def _returns_home(pdf: FPDF, figures: ServiceFigures) -> None:
    """Under the stability table, beside the placements (the page has no room below)."""
    pdf.ln(1)
    pdf.set_font("helvetica", "B", 7)
    pdf.cell(0, 4, "Returns home (E4A) and whether they lasted", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 7)
    rows = [["Legal status before return", "Went home", "Home at 6 mo", "At 12 mo", "Back <12 mo"]]
    for r in _at_most_three(figures.returns_home):
        label = r.label if len(r.label) <= 48 else r.label[:47] + "..."
        rows.append(
            [
                label,
                str(r.returned),
                f"{r.home_at_six_months} of {r.six_months_of}",
                f"{r.home_at_twelve_months} of {r.twelve_months_of}",
                str(r.reentered),
            ]
        )
    _table(pdf, rows, [66, 15, 18, 18, 21])


def _at_most_three(found: Sequence[ReturnHomeFigure]) -> list[ReturnHomeFigure]:
    """The three legal statuses with most returns, the rest added up, and the total: the page
    has room for no more (the CSV has every status)."""
    statuses, total = list(found[:-1]), list(found[-1:])
    if len(statuses) <= 4:
        return statuses + total
    rest = statuses[3:]
    sums = [sum(getattr(r, f.name) for r in rest) for f in fields(ReturnHomeFigure)[2:]]
    return [*statuses[:3], ReturnHomeFigure("OTHER", "Other legal statuses", *sums), *total]


def _day(value: object) -> str:
    return f"{value:%d %b %Y}"


def _text(value: str) -> str:
    return (
        value.replace("\u2013", "-")
        .replace("\u2014", "-")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )
