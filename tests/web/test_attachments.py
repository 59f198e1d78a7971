"""Attachments on the web: a mediator attaches the 调解协议书 on the mediation form; a
disguised or oversized file is refused naming the file and the reason; the case page lists
and uploads files; downloads are for those who may see the case, never inline;
``verify-history --files`` names the event of an altered or missing file."""

from __future__ import annotations

import io

from sqlalchemy import select

from engine.models import HistoryEvent
from processes.attachments import LocalStore, parse_reference, sha256_of
from tests.attachment_samples import EXE, PDF, exif_of, photo_with_gps
from tests.processes.conftest import COUNTY, TOWNSHIP
from tests.web.attachment_support import AGREED, attachments, store_dir, to_mediation
from tests.web.tasks_support import OTHER_TOWNSHIP, client_for
from tests.web.test_tasks_mediator import _mediator
from webapp.cli import cli

__all__ = ["store_dir"]  # the fixture


def _form(data: dict, **files) -> dict:
    return {**data, **{k: (io.BytesIO(content), name) for k, (name, content) in files.items()}}


def test_the_mediator_attaches_the_agreement_pdf_on_the_mediation_form(app, web_engine, store_dir):
    received, task = to_mediation(web_engine)
    wang = _mediator(app, "wang.tj")
    page = wang.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'name="agreement_file" type="file"' in page and 'enctype="multipart/form-data"' in page

    response = wang.post(
        f"/tasks/{task.id}",
        data=_form(AGREED, agreement_file=("调解协议书（签字）.pdf", PDF)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302

    [row] = attachments(app, received.case_id)
    assert (row.kind, row.file_name) == ("调解协议书", "调解协议书（签字）.pdf")
    assert row.mime == "application/pdf"
    assert (row.source, row.task_id, row.added_by) == ("task_form", task.id, "wang.tj")
    assert LocalStore(store_dir).get(sha256_of(PDF)) == PDF
    with web_engine.session_factory() as session:
        done = session.scalars(
            select(HistoryEvent).where(
                HistoryEvent.task_id == task.id, HistoryEvent.event_type == "task_completed"
            )
        ).one()
        added = session.scalars(
            select(HistoryEvent).where(HistoryEvent.event_type == "attachment_added")
        ).one()
    assert parse_reference(done.data["agreement_file"]) == (row.id, sha256_of(PDF))
    assert added.data["sha256"] == sha256_of(PDF) and added.instance_id == received.instance_id

    case_page = wang.get(f"/cases/{received.case_id}").get_data(as_text=True)
    assert "调解协议书（签字）.pdf" in case_page and "上传附件" in case_page
    download = wang.get(f"/cases/{received.case_id}/attachments/{row.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"].startswith("sandbox")


def test_an_exe_named_pdf_on_the_form_is_refused_and_the_task_stays(app, web_engine, store_dir):
    received, task = to_mediation(web_engine)
    wang = _mediator(app, "wang.tj")
    response = wang.post(
        f"/tasks/{task.id}",
        data=_form(AGREED, agreement_file=("协议书.pdf", EXE)),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "文件 协议书.pdf 的内容不是 PDF（实际为可执行程序），已拒绝" in response.get_data(
        as_text=True
    )
    assert attachments(app, received.case_id) == []
    assert not store_dir.exists()
    assert wang.get(f"/tasks/{task.id}").status_code == 200  # still to do


def test_an_oversized_file_on_the_case_page_is_refused_naming_it(app, web_engine, store_dir):
    app.config["ZONGZHI_ATTACHMENT_MAX_MB"] = 1
    received, _task = to_mediation(web_engine)
    wang = _mediator(app, "wang.tj")
    big = PDF + b"%" * (2 * 1024 * 1024)
    response = wang.post(
        f"/cases/{received.case_id}/attachments",
        data=_form({"kind": "调解记录"}, files=("调解笔录.pdf", big)),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "附件未保存：文件 调解笔录.pdf 大小为 2 MB，超过上限 1 MB，已拒绝" in text
    assert attachments(app, received.case_id) == []


def test_a_photo_uploaded_on_the_case_page_is_listed_without_its_gps(app, web_engine, store_dir):
    received, _task = to_mediation(web_engine)
    center = client_for(app, "xian", "县综治中心", region=COUNTY)
    response = center.post(
        f"/cases/{received.case_id}/attachments",
        data=_form({"kind": "现场照片"}, files=("张三家院墙.jpg", photo_with_gps())),
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已上传附件（现场照片）：张三家院墙.jpg" in response.get_data(as_text=True)
    [row] = attachments(app, received.case_id)
    stored = center.get(f"/cases/{received.case_id}/attachments/{row.id}").data
    assert exif_of(stored) == {}

    timeline = center.get(f"/cases/{received.case_id}").get_data(as_text=True)
    assert "上传附件" in timeline and row.sha256 in timeline

    auditor = client_for(app, "shenji", "审计", region=COUNTY)
    audit_page = auditor.get(f"/cases/{received.case_id}").get_data(as_text=True)
    assert "张三家院墙.jpg" not in audit_page and "现场照片.jpg" in audit_page  # masked name
    assert auditor.get(f"/cases/{received.case_id}/attachments/{row.id}").status_code == 200
    refused = auditor.post(
        f"/cases/{received.case_id}/attachments",
        data=_form({"kind": "其他"}, files=("a.pdf", PDF)),
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403


def test_outside_the_region_an_attachment_does_not_exist(app, web_engine, store_dir):
    received, _task = to_mediation(web_engine)
    center = client_for(app, "xian", "县综治中心", region=COUNTY)
    center.post(
        f"/cases/{received.case_id}/attachments",
        data=_form({"kind": "来信"}, files=("来信.pdf", PDF)),
        content_type="multipart/form-data",
    )
    [row] = attachments(app, received.case_id)
    elsewhere = client_for(app, "shajing", "镇综治中心", region=OTHER_TOWNSHIP)
    assert elsewhere.get(f"/cases/{received.case_id}/attachments/{row.id}").status_code == 404
    township = client_for(app, "daman", "镇综治中心", region=TOWNSHIP)
    assert township.get(f"/cases/{received.case_id}/attachments/{row.id}").status_code == 200
    assert township.get(f"/cases/{received.case_id}/attachments/{row.id + 1}").status_code == 404


def _verify(app, *args):
    return app.test_cli_runner().invoke(cli, ["verify-history", "--files", *args])


def test_verify_history_files_names_the_event_of_an_altered_file(app, web_engine, store_dir):
    received, task = to_mediation(web_engine)
    wang = _mediator(app, "wang.tj")
    wang.post(
        f"/tasks/{task.id}",
        data=_form(AGREED, agreement_file=("协议书.pdf", PDF)),
        content_type="multipart/form-data",
    )
    ok = _verify(app)
    assert ok.exit_code == 0, ok.output
    assert "附件文件完整：已校验 1 个文件" in ok.output

    with web_engine.session_factory() as session:
        seq = session.scalars(
            select(HistoryEvent.seq).where(HistoryEvent.event_type == "attachment_added")
        ).one()
    path = LocalStore(store_dir).path(sha256_of(PDF))
    path.write_bytes(PDF.replace(b"Count 0", b"Count 9"))
    bad = _verify(app)
    assert bad.exit_code == 1
    assert f"第 {seq} 条记录（attachment_added，案件 " in bad.output
    assert "文件 协议书.pdf）的文件已被修改" in bad.output

    path.unlink()
    missing = _verify(app, "--case", received.code)
    assert missing.exit_code == 1 and "的文件缺失" in missing.output


def test_the_auditor_verifying_a_case_is_told_of_an_altered_file(app, web_engine, store_dir):
    received, task = to_mediation(web_engine)
    wang = _mediator(app, "wang.tj")
    wang.post(
        f"/tasks/{task.id}",
        data=_form(AGREED, agreement_file=("协议书.pdf", PDF)),
        content_type="multipart/form-data",
    )
    auditor = client_for(app, "shenji", "审计", region=COUNTY)
    ok = auditor.post(f"/audit/cases/{received.case_id}/verify").get_data(as_text=True)
    assert "哈希链完整" in ok and 'class="verdict-files">1<' in ok

    LocalStore(store_dir).path(sha256_of(PDF)).write_bytes(PDF + b"%altered")
    bad = auditor.post(f"/audit/cases/{received.case_id}/verify").get_data(as_text=True)
    assert "附件文件不符" in bad and "文件 协议书.pdf）的文件已被修改" in bad
    assert "上传附件" in bad  # the event, in words
