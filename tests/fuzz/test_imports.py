"""The spreadsheet imports against generated files: CSV and XLSX with hostile cells (NUL,
invalid UTF-8, 200,000-character cells, formulas, far dates, huge numbers, HTML), broken
XLSX and random bytes.

For the plan import (plans/imports.py) and the measurement import (indicators/imports.py):
no exception but ``FileRefused`` (with a message) escapes; a preview names the row of each
error; applying a file with one bad row raises ``ImportRefused`` and writes nothing. Then the
upload page, the preview page and "run": never a 5xx, never an unescaped script.
"""

from __future__ import annotations

import io
import os
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from indicators.imports import measurement_import_apply, measurement_import_preview
from plans.imports import FileRefused, ImportRefused, plan_import_apply, plan_import_preview
from plans.models import ImportJob
from tests.plans.import_worker import work_off_imports

from .hostile import BAD_UTF8, RAW_XSS_MARKERS, XSS
from .rows import snapshot

EXAMPLES = int(os.environ.get("PAC_FUZZ_EXAMPLES", "10"))
FUZZ_SETTINGS = settings(
    max_examples=2 * EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("PAC_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PLAN_HEADER = ["lever", "what", "who", "start", "due", "milestone", "indicators"]
MEASUREMENT_HEADER = ["indicateur", "commercial", "date", "valeur", "commentaire"]

HOSTILE_CELLS = st.one_of(
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+1",
            "-2+3",
            "0001-01-01",
            "9999-12-31",
            "31/02/2026",
            "1e400",
            "-1e308",
            "NaN",
            "9" * 40,
            "x" * 200_000,
            "",
            *XSS,
        ]
    ),
    st.text(max_size=20),
)
XLSX_CELLS = st.one_of(
    # Excel's limit for a cell is 32,767 characters; control characters cannot be stored.
    HOSTILE_CELLS.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s[:30_000])),
    st.sampled_from(
        [
            1e308,
            -1e308,
            10**30,
            -(10**30),
            0.1,
            datetime(1, 1, 1),
            datetime(9999, 12, 31, 23, 59),
            date(1900, 2, 28),
            True,
        ]
    ),
)


def _valid_plan_row(world):
    today = world["today"].isoformat()
    return ["Conquête", "Call back", world["people"]["rep"].username, today, today, "", ""]


def _valid_measurement_row(world):
    return ["Revenue", world["people"]["rep"].username, world["today"].isoformat(), "12", ""]


def _csv(rows, delimiter=";") -> bytes:
    def quoted(cell):
        if isinstance(cell, bytes):
            return cell  # sent as it is: invalid UTF-8, a NUL, a stray quote
        return ('"' + str(cell).replace('"', '""') + '"').encode()

    def line(row):
        return delimiter.encode().join(quoted(cell) for cell in row)

    return b"\r\n".join(line(row) for row in rows)


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_files(header, valid_row):
    """A header, a valid row, and rows where some cells are hostile (bytes sometimes)."""
    cell = st.one_of(HOSTILE_CELLS, st.sampled_from([*BAD_UTF8, b"\x00", b'"unclosed']))

    @st.composite
    def build(draw):
        rows = [list(valid_row)]
        for _ in range(draw(st.integers(1, 3))):
            row = list(valid_row)
            for index in draw(st.sets(st.integers(0, len(row) - 1), min_size=1, max_size=3)):
                row[index] = draw(cell)
            rows.append(row)
        return "import.csv", _csv([header, *rows], delimiter=draw(st.sampled_from(";,\t")))

    return build()


def xlsx_files(header, valid_row):
    @st.composite
    def build(draw):
        rows = [list(valid_row)]
        for _ in range(draw(st.integers(1, 3))):
            row = list(valid_row)
            for index in draw(st.sets(st.integers(0, len(row) - 1), min_size=1, max_size=3)):
                row[index] = draw(XLSX_CELLS)
            rows.append(row)
        data = _xlsx([header, *rows])
        if draw(st.booleans()):
            # A damaged file: bytes overwritten somewhere after the zip signature.
            # (drawn apart from the length, which moves with the file's timestamps)
            at = 4 + draw(st.integers(0, 10**6)) % (len(data) - 4)
            data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at + 64 :]
        return "import.xlsx", data

    return build()


def any_files(header, valid_row):
    return st.one_of(
        csv_files(header, valid_row),
        xlsx_files(header, valid_row),
        st.tuples(st.sampled_from(["x.csv", "x.xlsx", "x.txt"]), st.binary(max_size=200)),
    )


def _check_import(preview_fn, apply_fn, world, filename, data):
    """The parser's contract for one file; writes are rolled back afterwards."""
    plan, by = world["plan"], world["people"]["manager"]
    with transaction.atomic():
        before = snapshot([])
        try:
            preview = preview_fn(plan=plan, data=data, filename=filename)
        except FileRefused as refused:
            assert str(refused).strip()
            preview = None
        if preview is not None:
            for row in preview.bad_rows:
                assert row.errors
            for message, row in zip(
                preview.errors, [r for r in preview.rows for _ in r.errors], strict=True
            ):
                assert str(row.number) in message, message  # "row 3: ...", "ligne 3 : ..."
        try:
            apply_fn(plan=plan, data=data, filename=filename, by=by)
        except (FileRefused, ImportRefused):
            assert preview is None or not preview.is_valid
            assert snapshot([]) == before, "a refused import wrote rows"
        else:
            assert preview is not None and preview.is_valid
        transaction.set_rollback(True)


def test_plan_import_holds_up(fuzz_world):
    header = PLAN_HEADER
    valid = _valid_plan_row(fuzz_world)

    @FUZZ_SETTINGS
    @given(any_files(header, valid))
    def attack(file):
        _check_import(plan_import_preview, plan_import_apply, fuzz_world, *file)

    attack()


def test_measurement_import_holds_up(fuzz_world):
    header = MEASUREMENT_HEADER
    valid = _valid_measurement_row(fuzz_world)

    @FUZZ_SETTINGS
    @given(any_files(header, valid))
    def attack(file):
        _check_import(measurement_import_preview, measurement_import_apply, fuzz_world, *file)

    attack()


def test_one_bad_row_refuses_the_whole_file(fuzz_world):
    plan, manager = fuzz_world["plan"], fuzz_world["people"]["manager"]
    valid = _valid_plan_row(fuzz_world)
    bad = [*valid[:4], "31/02/2026", "", ""]
    data = _csv([PLAN_HEADER, valid, valid, bad])
    before = snapshot([])
    with pytest.raises(ImportRefused) as refused:
        plan_import_apply(plan=plan, data=data, filename="a.csv", by=manager)
    assert snapshot([]) == before
    assert [row.number for row in refused.value.preview.bad_rows] == [4]
    assert "31/02/2026" in refused.value.preview.errors[0]


# Through the pages --------------------------------------------------------------------------

IMPORT_PAGES = [
    ("plans:plan-import", PLAN_HEADER, _valid_plan_row),
    ("indicators:measurement-import", MEASUREMENT_HEADER, _valid_measurement_row),
]


@pytest.mark.parametrize(("url_name", "header", "valid_row"), IMPORT_PAGES, ids=lambda x: x)
def test_import_pages_hold_up(url_name, header, valid_row, client, fuzz_world):
    manager = fuzz_world["people"]["manager"]
    client.force_login(manager)
    url = reverse(url_name, args=[fuzz_world["plan"].pk])

    @settings(FUZZ_SETTINGS, max_examples=EXAMPLES)
    @given(any_files(header, valid_row(fuzz_world)))
    def attack(file):
        filename, data = file
        with transaction.atomic():
            response = client.post(url, {"file": SimpleUploadedFile(filename, data)})
            assert response.status_code in (200, 302), response.status_code
            for marker in RAW_XSS_MARKERS:
                assert marker not in response.content
            if response.status_code == 302:
                job = ImportJob.objects.filter(created_by=manager).latest("pk")
                work_off_imports()  # the worker reads the file
                preview = client.get(response["Location"])
                assert preview.status_code == 200
                for marker in RAW_XSS_MARKERS:
                    assert marker not in preview.content
                before = snapshot([])
                run = client.post(reverse("plans:import-job-run", args=[job.pk]))
                assert run.status_code == 302
                work_off_imports()  # the worker writes it, if it was confirmed
                job.refresh_from_db()
                if job.status != "done":
                    # Refused: only the job's own status changed, nothing imported.
                    after = snapshot([])
                    assert after == before, "a refused import wrote rows"
            transaction.set_rollback(True)

    attack()
