"""Exports of a history search: CSV (UTF-8 with a BOM) and XLSX parse back, carry the chain
hashes and every hashed field, and re-verify with hashlib as their README says; personal
data is masked for the auditor (those rows say they cannot be recomputed) and whole for a
role that may see it; the row cap; the export is an operation-log entry."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from openpyxl import load_workbook
from sqlalchemy import func, select

from engine import Actor
from engine.models import HistoryEvent
from processes.intake import receive_case
from webapp.audit import exports
from webapp.audit.exports import COLUMNS, HASHED_FIELDS

from .audit_support import ID_NUMBER, MATTER, NAME, PHONE, assessed_case, login_auditor


def csv_rows(response) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """(README lines, rows by column, trailing comment lines) of a CSV export."""
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "a BOM, so Excel reads UTF-8"
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    notes = [line[0] for line in lines if line and line[0].startswith("#")]
    table = [line for line in lines if line and not line[0].startswith("#")]
    assert table[0] == list(COLUMNS)
    return notes, [dict(zip(COLUMNS, line, strict=True)) for line in table[1:]], lines


def agrees(row: dict[str, object]) -> bool:
    """The separate columns say what ``canonical_json`` says (an empty cell is a null or an
    empty text: the README points to canonical_json for the exact value)."""
    canonical = json.loads(row["canonical_json"])
    # step_process_id only on rows that have one (rows of no instance have none)
    assert set(canonical) <= set(HASHED_FIELDS)
    assert set(HASHED_FIELDS) - set(canonical) <= {"step_process_id"}
    for name in HASHED_FIELDS:
        value, column = canonical.get(name), row[name]
        if name == "data":
            assert json.loads(column) == value
        elif value in ("", None):
            assert column in ("", None)
        else:
            assert str(value) == str(column), name
    return True


def check_chain(rows: list[dict[str, object]]) -> None:
    by_seq = {int(row["seq"]): row for row in rows}
    for row in rows:
        if row["verifiable"] == "是":
            assert agrees(row)
            digest = hashlib.sha256((row["prev_hash"] + row["canonical_json"]).encode())
            assert digest.hexdigest() == row["hash"], f"row {row['seq']} does not re-verify"
        previous = by_seq.get(int(row["seq"]) - 1)
        if previous is not None:
            assert row["prev_hash"] == previous["hash"]


def history_count(engine, **where) -> int:
    with engine.session_factory() as session:
        query = select(func.count()).select_from(HistoryEvent)
        for column, value in where.items():
            query = query.where(getattr(HistoryEvent, column) == value)
        return session.scalar(query)


def test_csv_for_the_auditor_reverifies_with_personal_data_masked(web_engine, login_as):
    case = assessed_case(web_engine)
    assessed_case(web_engine)
    client = login_auditor(login_as)

    response = client.get("/audit/export.csv", query_string={"case": case.code})

    notes, rows, _ = csv_rows(response)
    text = response.get_data().decode("utf-8-sig")
    assert NAME not in text and PHONE not in text and ID_NUMBER not in text
    assert len(rows) == history_count(web_engine, instance_id=case.instance_id)
    assert [int(r["seq"]) for r in rows] == sorted((int(r["seq"]) for r in rows), reverse=True)
    check_chain(rows)
    [masked] = [r for r in rows if r["verifiable"] != "是"]
    assert masked["spec_id"] == "assess" and masked["canonical_json"] == ""
    assert "张**情绪激动，电话138****5678" in json.loads(masked["data"])["risk_reason"]
    assert masked["case_code"] == case.code and masked["event_label"] == "完成任务"
    assert any("sha256((prev_hash + canonical_json)" in note for note in notes)
    assert any("导出人无权查看个人信息" in note for note in notes)


def test_a_role_entitled_to_personal_data_gets_every_row_whole(web_engine, login_as):
    case = assessed_case(web_engine)
    client = login_as("chief", "审计", "县综治中心")

    response = client.get("/audit/export.csv", query_string={"case": case.code})

    notes, rows, _ = csv_rows(response)
    assert {r["verifiable"] for r in rows} == {"是"}
    check_chain(rows)
    [assessed] = [
        r for r in rows if r["spec_id"] == "assess" and r["event_type"] == "task_completed"
    ]
    assert json.loads(assessed["data"])["risk_reason"] == f"{NAME}情绪激动，电话{PHONE}"
    assert any("所有行均为完整内容" in note for note in notes)


def test_xlsx_has_a_readme_sheet_and_reverifies(web_engine, login_as):
    assessed_case(web_engine)
    client = login_auditor(login_as)

    response = client.get("/audit/export.xlsx")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames == ["说明", "历史记录"]
    readme = [row[0] for row in book["说明"].iter_rows(values_only=True)]
    assert any("SHA-256(prev_hash + canonical_json)" in line for line in readme)
    table = list(book["历史记录"].iter_rows(values_only=True))
    assert table[0] == COLUMNS
    width = len(COLUMNS)  # a read-only sheet leaves out a row's trailing empty cells
    rows = [
        dict(zip(COLUMNS, line + (None,) * (width - len(line)), strict=True)) for line in table[1:]
    ]
    assert len(rows) == history_count(web_engine)
    assert rows[0]["event_type"] == "history_exported", "the export's own log entry comes first"
    assert sum(r["verifiable"] == "是" for r in rows) == len(rows) - 1
    check_chain([{k: "" if v is None else str(v) for k, v in r.items()} for r in rows])


def test_the_cap_cuts_an_export_and_says_so(web_engine, login_as, monkeypatch):
    assessed_case(web_engine)
    monkeypatch.setitem(exports.CAPS, "csv", 7)
    monkeypatch.setitem(exports.CAPS, "xlsx", 5)
    client = login_auditor(login_as)

    _, rows, lines = csv_rows(client.get("/audit/export.csv"))

    assert len(rows) == 7
    assert lines[-1][0].startswith("# （已达导出上限")
    book = load_workbook(io.BytesIO(client.get("/audit/export.xlsx").get_data()), read_only=True)
    assert len(list(book["历史记录"].iter_rows())) == 6
    assert "已达导出上限" in list(book["说明"].iter_rows(values_only=True))[-1][0]


def test_each_export_is_logged_with_its_search(web_engine, login_as):
    case = assessed_case(web_engine)
    client = login_auditor(login_as)

    client.get("/audit/export.csv", query_string={"case": case.code, "event": "task_ready"})

    with web_engine.session_factory() as session:
        [logged] = session.scalars(
            select(HistoryEvent).where(HistoryEvent.event_type == "history_exported")
        ).all()
    assert logged.actor == "shen"
    assert logged.data == {
        "format": "csv",
        "filters": {"case": case.code, "event": "task_ready"},
        "full": False,
    }


def test_a_text_that_looks_like_a_formula_stays_text_in_both_files(web_engine, login_as):
    """An actor or value starting with = + - @ must not run when the auditor opens the file."""
    formula = '=HYPERLINK("http://evil.example","点此")'
    receive_case(web_engine, {**MATTER, "summary": formula}, actor=Actor.of(formula))
    client = login_as("chief", "审计", "县综治中心")

    _, rows, _ = csv_rows(client.get("/audit/export.csv"))
    started = [r for r in rows if r["event_type"] == "instance_started"]
    assert started and started[0]["actor"] == "'" + formula
    assert json.loads(started[0]["canonical_json"])["actor"] == formula  # the hash input as is

    book = load_workbook(io.BytesIO(client.get("/audit/export.xlsx").get_data()))
    sheet = book["历史记录"]
    actor_column = COLUMNS.index("actor") + 1
    cells = [row[actor_column - 1] for row in sheet.iter_rows(min_row=2) if row]
    written = [c for c in cells if c.value == formula]
    assert written and {c.data_type for c in written} == {"s"}  # string cells, not formulas
