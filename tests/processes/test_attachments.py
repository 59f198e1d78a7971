"""Attaching files to a case: checked by content, stored once by SHA-256, recorded in the
hash-chained history; refusals name the file and the reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.history_files import verify_files
from engine.models import HistoryEvent
from processes.attachments import (
    ATTACHMENT_ADDED,
    AttachContext,
    AttachmentRefused,
    AttachmentSource,
    Limits,
    LocalStore,
    Position,
    Upload,
    add_attachment,
    attachments_of,
    parse_reference,
    read_content,
    reference,
    sha256_of,
)
from processes.models import Case
from tests.attachment_samples import EXE, PDF, exif_of, photo_with_gps
from tests.processes.conftest import GRID

pytestmark = pytest.mark.usefixtures("regions")


def _case(session, code: str = "GZ-2026-0001") -> Case:
    case = Case(
        code=code,
        channel="窗口",
        dispute_type="邻里纠纷",
        summary="邻里因排水沟堵塞发生纠纷",
        region_code=GRID,
        risk_colour="绿",
        received_at=session.info.get("now"),
        received_by="demo_zhenzongzhi",
    )
    session.add(case)
    session.flush()
    return case


@pytest.fixture
def store(tmp_path) -> LocalStore:
    return LocalStore(tmp_path / "objects")


def _attach(engine, session, store, case, name, content, kind="调解协议书", **extra):
    context = AttachContext(
        actor="demo_tiaojie",
        now=engine.clock.now(),
        record=engine.record_operation,
        source=extra.pop("source", AttachmentSource.CASE_PAGE),
        limits=extra.pop("limits", Limits()),
    )
    return add_attachment(
        session,
        store=store,
        case=case,
        upload=Upload(name, content),
        kind=kind,
        context=context,
        **extra,
    )


def _session(case_engine):
    session = case_engine.session_factory()
    session.info["now"] = case_engine.clock.now()
    return session


def test_a_pdf_is_stored_by_its_hash_and_its_hash_is_in_the_history(case_engine, store):
    with _session(case_engine) as session:
        case = _case(session)
        row = _attach(case_engine, session, store, case, "协议书.pdf", PDF)
        session.commit()
        event = session.execute(
            select(HistoryEvent).where(HistoryEvent.event_type == ATTACHMENT_ADDED)
        ).scalar_one()
        assert row.mime == "application/pdf" and row.sha256 == sha256_of(PDF)
        assert event.data["sha256"] == sha256_of(PDF)
        assert event.data["file_name"] == "协议书.pdf" and event.data["kind"] == "调解协议书"
        assert read_content(store, row) == PDF
        assert parse_reference(reference(row)) == (row.id, row.sha256)
        assert verify_files(session, read=store.get).ok
    assert case_engine.verify_history().ok


def test_an_exe_named_pdf_is_refused_naming_the_file_and_what_it_really_is(case_engine, store):
    with _session(case_engine) as session:
        case = _case(session)
        with pytest.raises(AttachmentRefused) as refused:
            _attach(case_engine, session, store, case, "协议书.pdf", EXE)
        assert str(refused.value) == "文件 协议书.pdf 的内容不是 PDF（实际为可执行程序），已拒绝"
        assert attachments_of(session, case.id) == []
    assert not store.root.exists()  # nothing stored


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("现场.jpg", b"<!DOCTYPE html><script>alert(1)</script>", "不是 JPEG（实际为网页或脚本）"),
        ("笔录.docx", b"PK\x03\x04" + b"\x00" * 60, "不是 Word（实际为ZIP 压缩包）"),
        ("notes", b"just some text", "格式不允许上传（实际为无法识别的格式）"),
    ],
)
def test_other_disguises_are_named_too(case_engine, store, name, content, message):
    with _session(case_engine) as session:
        case = _case(session)
        with pytest.raises(AttachmentRefused, match=message):
            _attach(case_engine, session, store, case, name, content)


def test_an_oversized_file_is_refused_with_its_size_and_the_limit(case_engine, store):
    with _session(case_engine) as session:
        case = _case(session)
        big = PDF + b"%" * (2 * 1024 * 1024)
        with pytest.raises(AttachmentRefused) as refused:
            _attach(case_engine, session, store, case, "扫描件.pdf", big, limits=Limits(1024**2))
        assert str(refused.value) == "文件 扫描件.pdf 大小为 2 MB，超过上限 1 MB，已拒绝"


def test_the_count_limit_names_the_case(case_engine, store):
    with _session(case_engine) as session:
        case = _case(session)
        limits = Limits(max_per_case=1)
        _attach(case_engine, session, store, case, "a.pdf", PDF, limits=limits)
        with pytest.raises(AttachmentRefused, match="案件 GZ-2026-0001 的附件已达上限 1 个"):
            _attach(case_engine, session, store, case, "b.pdf", PDF + b"x", limits=limits)


def test_the_same_content_twice_is_one_object_and_one_attachment_per_case(case_engine, store):
    with _session(case_engine) as session:
        first, second = _case(session), _case(session, "GZ-2026-0002")
        a = _attach(case_engine, session, store, first, "a.pdf", PDF)
        again = _attach(case_engine, session, store, first, "copy.pdf", PDF)
        other = _attach(case_engine, session, store, second, "b.pdf", PDF)
        session.commit()
        assert again.id == a.id and other.id != a.id
        assert [p for p in store.root.rglob("*") if p.is_file()] == [store.path(a.sha256)]


def test_a_retried_phone_upload_with_its_client_id_is_one_attachment(case_engine, store):
    with _session(case_engine) as session:
        case = _case(session)
        photo = photo_with_gps()
        where = Position(38.9, 100.4, 12.0)
        args = {"kind": "现场照片", "client_ref": "phone-1-photo-1", "position": where}
        one = _attach(case_engine, session, store, case, "p.jpg", photo, **args)
        two = _attach(case_engine, session, store, case, "p.jpg", photo, **args)
        assert one.id == two.id and len(attachments_of(session, case.id)) == 1
        assert (one.latitude, one.longitude, one.accuracy_m) == (38.9, 100.4, 12.0)


def test_a_photo_loses_its_gps_and_camera_on_ingest(case_engine, store):
    photo = photo_with_gps()
    assert ("gps", 2) in exif_of(photo) and 0x010F in exif_of(photo)
    with _session(case_engine) as session:
        case = _case(session)
        row = _attach(case_engine, session, store, case, "现场.jpg", photo, kind="现场照片")
        stored = read_content(store, row)
        assert row.metadata_stripped and row.mime == "image/jpeg"
        assert exif_of(stored) == {}


def test_an_unknown_kind_is_refused(case_engine, store):
    with _session(case_engine) as session:
        case = _case(session)
        with pytest.raises(AttachmentRefused, match="附件类别「护照」无效"):
            _attach(case_engine, session, store, case, "a.pdf", PDF, kind="护照")


def test_the_same_phone_upload_racing_itself_ends_as_one_attachment(
    case_engine, store, monkeypatch
):
    """Two requests with one client id: the second passed its look-up before the first
    committed; its insert then meets the first row and answers with it."""
    from processes.attachments import service

    with _session(case_engine) as session:
        case = _case(session)
        first = _attach(case_engine, session, store, case, "p.pdf", PDF, client_ref="r-1")
        session.commit()
        looked_up = service._existing
        calls = []

        def blind_first_look(*args):
            calls.append(args)
            return None if len(calls) == 1 else looked_up(*args)

        monkeypatch.setattr(service, "_existing", blind_first_look)
        again = _attach(case_engine, session, store, case, "p2.pdf", PDF + b"2", client_ref="r-1")
        assert again.id == first.id and len(attachments_of(session, case.id)) == 1
