"""上报事件 from the phone app: a report makes one case however often it is sent, a
refused one says why, a settlement on the spot opens no case, photos must have arrived."""

from __future__ import annotations

import hashlib
import struct
import threading

from sqlalchemy import func, select

from engine import Actor
from engine.db import db
from engine.models import HistoryEvent
from processes.attachments import attachments_of
from processes.field import reports
from processes.field.models import FieldReport, PhotoChunk
from processes.models import Case
from tests.processes.conftest import GRID, TOWNSHIP

from .mobile_support import photo, picture, report_body, upload


def _cases(app) -> list[Case]:
    with app.app_context():
        cases = db.session.execute(select(Case)).scalars().all()
        db.session.expunge_all()
        return cases


def test_a_report_sent_three_times_makes_one_case_through_the_intake(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    body = report_body()
    first = client.post("/m/api/reports", json=body)
    assert first.status_code == 201
    assert first.get_json()["state"] == "已发送"
    code = first.get_json()["case_code"]
    assert code
    for _ in range(2):  # a retry after a lost answer, a second tab
        again = client.post("/m/api/reports", json=body)
        assert again.status_code == 200
        assert again.get_json()["case_code"] == code
    [case] = _cases(app)
    assert case.channel == "网格上报"
    assert case.received_by == "wangge"
    assert case.place == "大满村三社东头 · 定位 38.93512,100.45678（±12 米）"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FieldReport)) == 1


def test_a_report_outside_the_workers_grid_is_returned_with_the_reason(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    body = report_body(region_code=TOWNSHIP)
    answer = client.post("/m/api/reports", json=body).get_json()
    assert answer["state"] == "被退回"
    assert answer["reason"] == "所在网格：所选网格不在您的辖区内"
    assert client.post("/m/api/reports", json=body).get_json() == answer
    assert _cases(app) == []


def test_a_report_missing_parties_is_returned_naming_the_field(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    answer = client.post("/m/api/reports", json=report_body(parties=[])).get_json()
    assert answer["state"] == "被退回"
    assert "当事人" in answer["reason"]


def test_settled_on_the_spot_is_recorded_without_a_case(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    body = report_body(outcome="当场化解", result="经劝说双方同意各退半米，已握手言和")
    response = client.post("/m/api/reports", json=body)
    assert response.status_code == 201
    assert response.get_json()["state"] == "已发送"
    assert response.get_json()["case_code"] is None
    assert _cases(app) == []
    with app.app_context():
        logged = db.session.scalar(
            select(func.count())
            .select_from(HistoryEvent)
            .where(HistoryEvent.event_type == "field_report_settled")
        )
        assert logged == 1
    without = client.post("/m/api/reports", json=report_body(outcome="当场化解")).get_json()
    assert without["state"] == "被退回" and "化解结果" in without["reason"]


def test_a_report_waits_for_its_photos_then_files_them_on_its_case(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    (first, one), (second, two) = picture(1), picture(2)
    body = report_body(photos=[first, second])
    upload(client, first, one)
    waiting = client.post("/m/api/reports", json=body)
    assert waiting.status_code == 409
    assert waiting.get_json()["missing"] == [second]
    assert _cases(app) == []
    upload(client, second, two)
    assert client.post("/m/api/reports", json=body).status_code == 201
    assert client.post("/m/api/reports", json=body).status_code == 200
    [case] = _cases(app)
    with app.app_context():
        files = attachments_of(db.session, case.id)
        assert [(f.kind, f.file_name, f.source) for f in files] == [
            ("现场照片", "现场照片1", "phone"),
            ("现场照片", "现场照片2", "phone"),
        ]
        assert files[0].latitude == 38.93512 and files[0].accuracy_m == 12.4
        assert db.session.scalar(select(func.count()).select_from(PhotoChunk)) == 0


def test_a_photo_that_is_no_picture_returns_the_report_naming_it(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    sha, data = photo(1, size=5000)
    upload(client, sha, data)
    answer = client.post("/m/api/reports", json=report_body(photos=[sha])).get_json()
    assert answer["state"] == "被退回"
    assert answer["reason"].startswith("现场照片：文件 现场照片1")
    assert _cases(app) == []


def test_a_body_without_a_phone_id_is_refused_and_nothing_is_stored(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    response = client.post("/m/api/reports", json=report_body(client_id="42"))
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"client_id": ["上报编号缺失或格式不正确"]}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FieldReport)) == 0


def test_only_the_intake_roles_report(app, web_engine, login_as):
    client = login_as("tiaojie", "调解员", region=GRID)
    assert client.post("/m/api/reports", json=report_body()).status_code == 403
    assert client.get("/m/api/tasks").status_code == 200


def test_a_voice_note_is_filed_on_the_case_as_语音(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    voice = wav_bytes()
    sha = hashlib.sha256(voice).hexdigest()
    upload(client, sha, voice)
    assert client.post("/m/api/reports", json=report_body(voice=sha)).status_code == 201
    [case] = _cases(app)
    with app.app_context():
        [note] = attachments_of(db.session, case.id)
        assert (note.kind, note.file_name, note.latitude) == ("语音", "语音说明", None)


def wav_bytes(samples: int = 8000) -> bytes:
    """A second of silence as a WAV file (8 kHz, 8 bit, mono)."""
    data = bytes([128]) * samples
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_two_tabs_sending_one_report_at_once_make_one_case(app, web_engine, monkeypatch):
    """Both sends look the id up before either commits; the unique id decides and the
    loser answers with the winner's case."""
    barrier = threading.Barrier(2, timeout=10)
    seen = threading.local()
    real_find = reports.find_report

    def find_after_both_looked(*args):
        found = real_find(*args)
        if not getattr(seen, "looked", False):
            seen.looked = True
            barrier.wait()
        return found

    monkeypatch.setattr(reports, "find_report", find_after_both_looked)
    body = report_body()
    worker = Actor.of("wangge", ["网格员"])
    answers, failures = [], []

    def send() -> None:
        try:
            answers.append(reports.submit_report(web_engine, body, actor=worker, scope=None))
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    assert sorted(answer.created for answer in answers) == [False, True]
    assert len({answer.case_code for answer in answers}) == 1
    assert len(_cases(app)) == 1
