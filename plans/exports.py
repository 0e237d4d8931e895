"""A plan to XLSX and CSV: its strategy, levers and actions, in the import's own columns.

The "Actions" sheet (and the CSV) use the column names ``plans.imports`` reads, so a file
exported from one plan imports into another unchanged.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .models import Action, Plan

# The "Actions" columns: the import's keys, named in the reader's language. Each French name
# is one the import reads (``plans.imports.PLAN_COLUMNS``), so a French file imports as well.
ACTION_COLUMNS = (
    ("lever", pgettext_lazy("spreadsheet column", "lever")),
    ("aim", pgettext_lazy("spreadsheet column", "aim")),
    ("what", pgettext_lazy("spreadsheet column", "what")),
    ("who", pgettext_lazy("spreadsheet column", "who")),
    ("start", pgettext_lazy("spreadsheet column", "start")),
    ("due", pgettext_lazy("spreadsheet column", "due")),
    ("milestone", pgettext_lazy("spreadsheet column", "milestone")),
    ("milestone date", pgettext_lazy("spreadsheet column", "milestone date")),
    ("indicators", pgettext_lazy("spreadsheet column", "indicators")),
    ("status", pgettext_lazy("spreadsheet column", "status")),
    ("priority", pgettext_lazy("spreadsheet column", "priority")),
)


def action_header() -> list[str]:
    """The "Actions" header in the active language."""
    return [str(name) for _key, name in ACTION_COLUMNS]


def plan_action_rows(plan: Plan) -> list[list]:
    """One row per action in the import's column order, its choices in the active language
    (2 queries: actions, indicator links)."""
    actions = list(
        Action.objects.filter(lever__plan=plan)
        .select_related("lever", "assignee", "milestone")
        .prefetch_related("indicators")
        .order_by("lever__position", "lever_id", "due_date", "id")
    )
    rows = []
    for a in actions:
        rows.append(
            [
                a.lever.name,
                a.lever.get_aim_display(),
                a.title,
                a.assignee.username,
                a.start_date,
                a.due_date,
                a.milestone.title if a.milestone else "",
                a.milestone.date if a.milestone else None,
                ", ".join(i.name for i in a.indicators.all()),
                a.get_status_display(),
                a.get_priority_display(),
            ]
        )
    return rows


# A cell starting with one of these runs as a formula in a spreadsheet ("=cmd|' /C calc'!A0",
# OWASP's CSV injection): typed text must come back as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # the spreadsheet shows the text; the import drops the quote
    return str(value)


def text_not_formulas(book) -> None:
    """openpyxl stores a string starting with "=" as a formula: store every one as text."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def csv_file(header: list, rows) -> bytes:
    """Every export's CSV: UTF-8 with a BOM so Excel reads the accents of a French file,
    text never read as a formula, dates ISO."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def plan_csv(plan: Plan) -> bytes:
    """The actions as CSV."""
    return csv_file(action_header(), plan_action_rows(plan))


def plan_xlsx(plan: Plan) -> bytes:
    """A workbook: "Actions" first (importable), then "Strategy" and "Levers"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Actions")[:31]
    sheet.append(action_header())
    for row in plan_action_rows(plan):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter in "EFH":
        for cell in sheet[letter][1:]:
            cell.number_format = "yyyy-mm-dd"

    strategy = book.create_sheet(_("Strategy")[:31])
    strategy.append([_("Plan"), plan.title])
    strategy.append([_("Team"), plan.team.name])
    strategy.append([_("Period"), f"{plan.start_date.isoformat()} - {plan.end_date.isoformat()}"])
    strategy.append([_("Status"), plan.get_status_display()])
    for name in Plan.STRATEGY_FIELDS:
        label = str(Plan._meta.get_field(name).verbose_name)
        strategy.append([label[:1].upper() + label[1:], getattr(plan, name)])

    levers = book.create_sheet(_("Levers")[:31])
    levers.append([_("Lever"), _("Aim"), _("Description")])
    for lever in plan.levers.order_by("position", "id"):
        levers.append([lever.name, lever.get_aim_display(), lever.description])
    text_not_formulas(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
