"""Spreadsheet imports: reading CSV / XLSX into numbered rows, and a plan's levers and actions.

Every import runs in two steps: ``*_preview`` reads and validates every row without writing
(each error names its row, as the spreadsheet numbers it: the header is row 1), then
``*_apply`` writes everything in one transaction, with bulk inserts, or nothing at all.
The measurement import (indicators/imports.py) reuses the reading part.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from teams import team_cache

from .access import assignable_users
from .exports import FORMULA_START
from .models import Action, ActionEvent, ActionEventKind, Lever, LeverAim, Milestone, Plan
from .reminder_stamps import restamp_actions, restamp_milestones

# Files up to this many rows show every row in the preview; bigger ones show only the errors.
SYNC_ROW_LIMIT = 2000
# A worker reports its progress (and renews its lease) this often while it checks rows.
PROGRESS_EVERY = 2000
MAX_BYTES = 20 * 1024 * 1024
# An XLSX is a zip: 700 KB of it can unzip to a million rows. The sizes its members declare
# are checked before anything is unzipped (Python's zipfile never inflates a member past its
# declared size): a legitimate sheet of IMPORT_MAX_ROWS rows unzips well below these.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100  # for a member over 1 MB once unzipped; spreadsheets compress ~10 times


class FileRefused(Exception):
    """The file as a whole cannot be read (type, encoding, no rows, a required column missing)."""


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict
    cells: list = field(default_factory=list)  # as read, in the columns' order (the preview)
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[Row]
    columns: list[str]

    @property
    def errors(self) -> list[str]:
        """Every error as "row N: message", in row order."""
        return [
            _("row %(row)s: %(message)s") % {"row": row.number, "message": message}
            for row in self.rows
            for message in row.errors
        ]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]


def _clean_header(text) -> str:
    return " ".join(str(text or "").strip().lower().replace("_", " ").split())


def _cell(value):
    if isinstance(value, str):
        value = value.strip()
        # The CSV export puts a quote before text that would read as a formula: drop it.
        if value[:1] == "'" and value[1:].startswith(FORMULA_START):
            value = value[1:]
        return value
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()  # a spreadsheet date: show and read it as one
    return value


def read_table(data: bytes, filename: str, columns: dict[str, tuple[str, ...]], required):
    """Read ``data`` (CSV or XLSX, told by content and name) into ``Row``s keyed by column.

    ``columns`` maps each column's key to the headers accepted for it (English and French);
    headers are matched without case. Raises ``FileRefused`` with a translated message.
    """
    read = _xlsx_rows if check_file(data, filename) == "xlsx" else _csv_rows
    raw_rows = read(data)
    header = None
    for header in raw_rows:
        if any(cell not in (None, "") for cell in header):
            break
    else:
        raise FileRefused(_("The file is empty."))
    aliases = {
        _clean_header(alias): key for key, names in columns.items() for alias in (key, *names)
    }
    positions = {}
    for index, title in enumerate(header):
        key = aliases.get(_clean_header(title))
        if key and key not in positions:
            positions[key] = index
    missing = [key for key in required if key not in positions]
    if missing:
        raise FileRefused(
            _("Missing column(s): %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    limit = settings.IMPORT_MAX_ROWS
    for number, raw in enumerate(raw_rows, start=2):
        if not any(cell not in (None, "") for cell in raw):
            continue
        if len(rows) == limit:
            raise FileRefused(
                _("The file has more than %(limit)s rows: split it into smaller files.")
                % {"limit": limit}
            )
        values = {
            key: _cell(raw[index]) if index < len(raw) else None for key, index in positions.items()
        }
        cells = [values.get(key) for key in columns]
        rows.append(Row(number=number, values=values, cells=cells))
    if not rows:
        raise FileRefused(_("The file has a header but no rows."))
    return rows


def check_file(data: bytes, filename: str) -> str:
    """``"csv"`` or ``"xlsx"``, or ``FileRefused``: what can be told of a file without reading
    its rows (size, type, an XLSX's declared unzipped sizes), in milliseconds whatever its
    size, so the upload request answers at once and leaves the reading to a worker."""
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is too large (20 MB at most)."))
    if data[:4] == b"PK\x03\x04":
        _check_unzipped_sizes(data)
        return "xlsx"
    if (filename or "").lower().endswith((".csv", ".txt")):
        return "csv"
    raise FileRefused(_("Send a CSV or XLSX file."))


def _csv_rows(data: bytes):
    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        # Bytes such as 0x81 or 0x9D are neither UTF-8 nor cp1252: refuse, rather than a 500.
        raise FileRefused(
            _("The file's text is neither UTF-8 nor Windows-1252: save it as “CSV UTF-8”.")
        )
    if "\x00" in text:
        raise FileRefused(_("Send a CSV or XLSX file."))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return _csv_lines(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _csv_lines(reader):
    # The csv module stops at a cell over 131,072 characters; it raises while read_table
    # iterates, so the error is turned into a refusal here, naming the line.
    try:
        yield from reader
    except csv.Error as error:
        raise FileRefused(
            _("Line %(line)s cannot be read: a cell is too long or a quote is not closed.")
            % {"line": reader.line_num}
        ) from error


def _check_unzipped_sizes(data: bytes) -> None:
    """Refuse an XLSX whose members would unzip too big (a zip bomb), before unzipping any."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise FileRefused(_("Send a CSV or XLSX file.")) from error
    total = sum(member.file_size for member in members)
    inflated = any(
        member.file_size > 1024 * 1024
        and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > MAX_UNZIPPED_BYTES or inflated:
        raise FileRefused(
            _(
                "The XLSX file unzips to too much data (%(limit)s MB at most, or compressed"
                " over %(ratio)s times): save it again without empty rows, or as CSV."
            )
            % {"limit": MAX_UNZIPPED_BYTES // (1024 * 1024), "ratio": MAX_ZIP_RATIO}
        )


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as error:
        # A damaged file fails in openpyxl in many ways (bad zip, bad XML, no sheet...).
        raise FileRefused(_("Send a CSV or XLSX file.")) from error
    return _xlsx_lines(sheet)


def _xlsx_lines(sheet):
    # In read-only mode the sheet's XML is parsed while read_table iterates: a damaged part
    # (or a date cell out of Python's range) fails then, and is refused here.
    try:
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except Exception as error:
        raise FileRefused(
            _("The XLSX file is damaged: open it in your spreadsheet and save it again.")
        ) from error


def parse_date(value) -> date | None:
    """A date from a cell: a spreadsheet date, ``2026-03-31`` or ``31/03/2026``."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def users_by_login(logins) -> dict[str, object]:
    """Users named by username or email, keyed by the lower-cased name (one query)."""
    logins = {str(x).strip().lower() for x in logins if x not in (None, "")}
    if not logins:
        return {}
    found = {}
    query = Q()
    for login in logins:
        query |= Q(username__iexact=login) | Q(email__iexact=login)
    for user in get_user_model().objects.filter(query):
        found.setdefault(user.username.lower(), user)
        if user.email:
            found.setdefault(user.email.lower(), user)
    return found


# --------------------------------------------------------------------------------------------
# A plan's levers and actions
# --------------------------------------------------------------------------------------------

PLAN_COLUMNS = {
    "lever": ("levier",),
    "aim": ("but", "objectif du levier"),
    "what": ("quoi", "action", "title", "titre"),
    "who": ("qui", "assignee", "responsable"),
    "start": ("début", "debut", "start date", "date de début"),
    "due": ("échéance", "echeance", "due date", "pour le", "quand"),
    "milestone": ("jalon",),
    "milestone date": ("date du jalon",),
    "indicators": ("indicateurs",),
}
PLAN_REQUIRED = ("lever", "what", "who", "due")


def _aim_of(text) -> str | None:
    if text in (None, ""):
        return LeverAim.OTHER
    return _aim_names().get(str(text).strip().lower())


def _aim_names() -> dict[str, str]:
    """Each aim by its code and by its label in every language: an export made in French
    imports in English too."""
    names = {value: value for value in LeverAim.values}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.update({str(label).lower(): value for value, label in LeverAim.choices})
    return names


def _checked_person(v: dict, errors: list, people: dict, team_ids: set):
    """The rep named in "who", if they are one of the plan's team (else an error, None)."""
    who = str(v.get("who") or "").strip()
    person = people.get(who.lower())
    if not who:
        errors.append(_("'who' is missing"))
    elif person is None:
        errors.append(_("unknown rep '%(value)s'") % {"value": who})
    elif person.pk not in team_ids:
        errors.append(_("'%(value)s' is not a member of the plan's team") % {"value": who})
    return person


def _checked_dates(plan: Plan, v: dict, errors: list) -> tuple:
    """Start and due dates (False for one that is not a date, None when absent)."""
    days = {}
    not_a_date = {
        "start": _("the start date '%(value)s' is not a date (2026-03-31 or 31/03/2026)"),
        "due": _("the due date '%(value)s' is not a date (2026-03-31 or 31/03/2026)"),
    }
    for key, message in not_a_date.items():
        try:
            days[key] = parse_date(v.get(key))
        except ValueError:
            errors.append(message % {"value": v.get(key)})
            days[key] = False
    if days["due"] is None:
        errors.append(_("the due date is missing"))
    start, due = days["start"], days["due"]
    if start and due and due < start:
        errors.append(_("due date before start date"))
    for day in (start, due):
        if day and not plan.covers(day):
            errors.append(_("%(date)s is outside the plan's period") % {"date": day.isoformat()})
    return start, due


def _checked_milestone(plan: Plan, v: dict, errors: list, milestones: dict) -> tuple:
    """The milestone's title and date; a new milestone must fit its column and the plan."""
    milestone = str(v.get("milestone") or "").strip()
    try:
        milestone_day = parse_date(v.get("milestone date"))
    except ValueError:
        errors.append(
            _("the milestone date '%(value)s' is not a date") % {"value": v["milestone date"]}
        )
        milestone_day = None
    if milestone and milestone.lower() not in milestones:
        if len(milestone) > 200:
            errors.append(_("the milestone's title is longer than 200 characters"))
        if milestone_day and not plan.covers(milestone_day):
            errors.append(
                _("%(date)s is outside the plan's period") % {"date": milestone_day.isoformat()}
            )
    return milestone, milestone_day


def plan_import_preview(*, plan: Plan, data: bytes, filename: str, progress=None) -> Preview:
    """Read and check every row of a plan file, writing nothing; ``progress(rows checked)``
    is called every ``PROGRESS_EVERY`` rows.

    Queries, whatever the number of rows: levers, milestones, indicators, assignable users,
    users named in the file.
    """
    rows = read_table(data, filename, PLAN_COLUMNS, PLAN_REQUIRED)
    team_ids = set(assignable_users(plan).values_list("pk", flat=True))
    people = users_by_login(row.values.get("who") for row in rows)
    levers = {lv.name.strip().lower(): lv for lv in plan.levers.all()}
    milestones = {m.title.strip().lower(): m for m in plan.milestones.all()}
    indicators = {i.name.strip().lower(): i for i in plan.indicators.all()}
    for index, row in enumerate(rows):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index)
        v, errors = row.values, row.errors
        lever = str(v.get("lever") or "").strip()
        if not lever:
            errors.append(_("the lever is missing"))
        elif len(lever) > 200:
            errors.append(_("the lever's name is longer than 200 characters"))
        if "aim" in v and lever.lower() not in levers and _aim_of(v.get("aim")) is None:
            errors.append(_("unknown aim '%(value)s'") % {"value": v.get("aim")})
        what = str(v.get("what") or "").strip()
        if not what:
            errors.append(_("'what' is missing"))
        elif len(what) > 200:
            errors.append(_("'what' is longer than 200 characters"))
        person = _checked_person(v, errors, people, team_ids)
        start, due = _checked_dates(plan, v, errors)
        milestone, milestone_day = _checked_milestone(plan, v, errors, milestones)
        names = [n.strip() for n in str(v.get("indicators") or "").split(",") if n.strip()]
        for name in names:
            if name.lower() not in indicators:
                errors.append(_("unknown indicator '%(value)s'") % {"value": name})
        row.values = {
            **v,
            "lever": lever,
            "what": what,
            "person": person,
            "start": start or None,
            "due": due or None,
            "milestone": milestone,
            "milestone date": milestone_day,
            "indicator objects": [indicators[n.lower()] for n in names if n.lower() in indicators],
        }
    return Preview(rows=rows, columns=list(PLAN_COLUMNS))


@transaction.atomic
def plan_import_apply(*, plan: Plan, data: bytes, filename: str, by, progress=None) -> int:
    """Import every row or none; returns the number of actions created.

    Raises ``FileRefused`` or ``ValueError(preview)`` (nothing written) when a row is wrong.
    Writes: new levers and milestones one by one (a handful), actions, their "created" events
    and their indicator links in three bulk inserts.
    """
    # Checking is the first half of the bar, writing the second.
    checked = (lambda n: progress(n // 2)) if progress else None
    preview = plan_import_preview(plan=plan, data=data, filename=filename, progress=checked)
    if not preview.is_valid:
        raise ImportRefused(preview)
    levers = {lv.name.strip().lower(): lv for lv in plan.levers.all()}
    milestones = {m.title.strip().lower(): m for m in plan.milestones.all()}
    next_position = max((lv.position for lv in levers.values()), default=-1) + 1
    # A new milestone is dated by its column, else by the latest due date of its actions.
    new_milestones = {}
    for row in preview.rows:
        v = row.values
        key = v["milestone"].lower()
        if key and key not in milestones:
            title, given, latest = new_milestones.get(key, (v["milestone"], None, v["due"]))
            new_milestones[key] = (title, given or v["milestone date"], max(latest, v["due"]))
    for key, (title, given, latest) in new_milestones.items():
        milestone = Milestone(plan=plan, title=title, date=given or latest)
        milestone.full_clean()
        milestone.save()
        milestones[key] = milestone
    actions = []
    for row in preview.rows:
        v = row.values
        key = v["lever"].lower()
        if key not in levers:
            lever = Lever(
                plan=plan, name=v["lever"], aim=_aim_of(v.get("aim")), position=next_position
            )
            lever.full_clean()
            lever.save()
            levers[key] = lever
            next_position += 1
        actions.append(
            Action(
                lever=levers[key],
                title=v["what"],
                assignee=v["person"],
                start_date=v["start"],
                due_date=v["due"],
                original_due_date=v["due"],
                milestone=milestones.get(v["milestone"].lower()) if v["milestone"] else None,
                created_by=by,
            )
        )
    created = Action.objects.bulk_create(actions, batch_size=1000)
    restamp_actions(created)
    restamp_milestones({a.milestone_id for a in created})
    ActionEvent.objects.bulk_create(
        ActionEvent(action=a, actor=by, kind=ActionEventKind.CREATED, text=_("Imported"))
        for a in created
    )
    links = []
    for action, row in zip(created, preview.rows, strict=True):
        for indicator in row.values["indicator objects"]:
            links.append(action.indicators.through(action_id=action.pk, indicator_id=indicator.pk))
    if links:
        links[0].__class__.objects.bulk_create(links, ignore_conflicts=True)
    team_cache.changed(plan.team_id)  # the team pages count these actions
    if progress:
        progress(len(created))
    return len(created)


class ImportRefused(Exception):
    """Some rows are wrong: ``preview`` lists every row's errors; nothing was written."""

    def __init__(self, preview: Preview):
        self.preview = preview
        super().__init__("\n".join(preview.errors))
