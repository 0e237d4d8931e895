"""The steering dashboard to XLSX and CSV: one row per rep (and the team) and indicator.

Figures come from the dashboard selector (the progress engine), so the file says what the
page says.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

# The plan export's CSV and cells, with their guard against text read as a formula.
from plans.exports import csv_file, text_not_formulas

from .selectors import Dashboard


def dashboard_rows(board: Dashboard) -> tuple[list[str], list[list]]:
    header = [
        _("Rep"),
        _("Indicator"),
        _("Unit"),
        _("Period start"),
        _("Period end"),
        _("Actual"),
        _("Target"),
        _("Expected by today"),
        _("Percent of target"),
        _("Status"),
        _("Forecast"),
    ]
    rows = []
    lines = [(_("Whole team"), board.team_cells)]
    lines += [(row.rep.get_full_name() or row.rep.username, row.cells) for row in board.rows]
    for who, cells in lines:
        for cell in cells:
            rows.append(
                [
                    who,
                    str(cell.indicator),
                    cell.indicator.display_unit,
                    cell.period_start,
                    cell.period_end,
                    cell.actual,
                    cell.target_value,
                    cell.expected,
                    cell.percent,
                    str(cell.status_label),
                    cell.forecast,
                ]
            )
    return header, rows


def dashboard_csv(board: Dashboard) -> bytes:
    return csv_file(*dashboard_rows(board))


def dashboard_xlsx(board: Dashboard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = dashboard_rows(board)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Dashboard")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
    for letter in "DE":  # the period's dates, ISO as in the CSV
        for cell in sheet[letter][1:]:
            cell.number_format = "yyyy-mm-dd"
    axes = book.create_sheet(_("Axes")[:31])
    axes.append([_("Team"), str(board.team)])
    axes.append([_("Plan"), str(board.plan) if board.plan else ""])
    axes.append([_("Date"), board.today])
    axes["B3"].number_format = "yyyy-mm-dd"
    for label, value in (
        (_("Effectiveness"), board.axes.efficacite),
        (_("Efficiency"), board.axes.efficience),
        (_("Relevance"), board.axes.pertinence),
    ):
        axes.append([label, float(value) if value is not None else None])
    text_not_formulas(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
