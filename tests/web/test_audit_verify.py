"""校验哈希链: the whole chain (in one request, or part by part as the page's script walks
it) and one case's rows; OK with the count, or the first broken link with its seq, time,
event, case and reason; each verify is an operation-log entry; the CLI's ``--case``."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import delete, func, select

from engine.models import HistoryEvent
from webapp.audit import verify_views
from webapp.cli import cli

from .audit_support import assessed_case, event_seq, login_auditor, tamper

EDITED = "记录内容与其哈希不符（记录被修改）"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return plain(response.get_data(as_text=True))


def plain(html: str) -> str:
    """The words a reader sees, tags gone, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unescape(html)))


def count(engine) -> int:
    with engine.session_factory() as session:
        return session.scalar(select(func.count()).select_from(HistoryEvent))


def verifications(engine) -> list[dict]:
    with engine.session_factory() as session:
        rows = session.scalars(
            select(HistoryEvent)
            .where(HistoryEvent.event_type == "history_verified")
            .order_by(HistoryEvent.seq)
        )
        return [{"actor": row.actor, **row.data} for row in rows]


def test_the_whole_chain_verifies_with_its_count_and_the_verify_is_logged(web_engine, login_as):
    assessed_case(web_engine)
    rows = count(web_engine)
    client = login_auditor(login_as)

    page = text(client.post("/audit/verify"))

    assert f"哈希链完整 ：全部历史记录共校验 {rows} 条记录" in page
    [logged] = verifications(web_engine)
    assert logged == {
        "actor": "shen",
        "scope": "chain",
        "ok": True,
        "checked": rows,
        "first_bad_seq": None,
    }


def test_a_tampered_row_is_named_with_its_time_event_case_and_reason(web_engine, login_as):
    case = assessed_case(web_engine)
    seq = event_seq(web_engine, case.instance_id, "task_completed", "assess")
    tamper(web_engine, seq, matter_nature="简单诉求")
    client = login_auditor(login_as)

    page = text(client.post("/audit/verify"))

    broken = f"哈希链断裂 ：全部历史记录在第 {seq} 条记录处不符（此前已校验 {seq - 1} 条无误）"
    assert broken in page
    assert f"序号 {seq} 时间 2026-03-02 09:00:00 事件 完成任务「分流研判」" in page
    assert f"案件 {case.code} 操作人 li 原因 {EDITED}" in page
    assert verifications(web_engine)[-1]["first_bad_seq"] == seq


def test_a_deleted_row_breaks_the_sequence(web_engine, login_as):
    case = assessed_case(web_engine)
    seq = event_seq(web_engine, case.instance_id, "task_ready", "assess")
    with web_engine.session_factory() as session:
        session.execute(delete(HistoryEvent).where(HistoryEvent.seq == seq))
        session.commit()
    client = login_auditor(login_as)

    page = text(client.post("/audit/verify"))

    assert f"在第 {seq} 条记录处不符" in page and "序号不连续" in page


def test_the_page_script_walks_the_chain_part_by_part(web_engine, login_as, monkeypatch):
    case = assessed_case(web_engine)
    assessed_case(web_engine)
    monkeypatch.setattr(verify_views, "PART_SIZE", 10)
    total = count(web_engine)
    client = login_auditor(login_as)

    answers, start = [], 1
    while not (answers and answers[-1]["done"]):
        answers.append(client.post("/audit/verify/part", data={"start": start}).get_json())
        start = answers[-1]["next"]
    assert len(answers) == total // 10 + 1
    assert [a["html"] is None for a in answers] == [True] * (len(answers) - 1) + [False]
    assert f"全部历史记录共校验 {total} 条记录" in plain(answers[-1]["html"])
    assert answers[0]["total"] == total

    seq = event_seq(web_engine, case.instance_id, "case_routed")
    tamper(web_engine, seq, route="当场办结")
    answers, start = [], 1
    while not (answers and answers[-1]["done"]):
        answers.append(client.post("/audit/verify/part", data={"start": start}).get_json())
        start = answers[-1]["next"]
    assert len(answers) == (seq - 1) // 10 + 1, "the walk stops at the part holding the row"
    verdict = plain(answers[-1]["html"])
    assert f"在第 {seq} 条记录处不符" in verdict
    assert "确定分流去向" in verdict and case.code in verdict


def test_one_case_s_rows_verify_on_its_replay_page(web_engine, login_as):
    case = assessed_case(web_engine)
    other = assessed_case(web_engine)
    with web_engine.session_factory() as session:
        own = session.scalar(
            select(func.count()).where(HistoryEvent.instance_id == case.instance_id)
        )
    client = login_auditor(login_as)

    page = text(client.post(f"/audit/cases/{case.case_id}/verify"))
    assert f"哈希链完整 ：案件 {case.code}共校验 {own} 条记录" in page

    seq = event_seq(web_engine, other.instance_id, "task_completed", "assess")
    tamper(web_engine, seq, risk_reason="改过的说明")
    assert "哈希链完整" in text(client.post(f"/audit/cases/{case.case_id}/verify"))
    page = text(client.post(f"/audit/cases/{other.case_id}/verify"))
    assert f"哈希链断裂 ：案件 {other.code}在第 {seq} 条记录处不符" in page and EDITED in page
    logged = verifications(web_engine)
    assert [(v["scope"], v["code"], v["ok"]) for v in logged] == [
        ("case", case.code, True),
        ("case", case.code, True),
        ("case", other.code, False),
    ]


def _run(app, *args):
    return app.test_cli_runner().invoke(cli, list(args), catch_exceptions=False)


def test_the_cli_verifies_one_case_or_the_whole_chain(app, web_engine):
    case = assessed_case(web_engine)
    other = assessed_case(web_engine)

    ok = _run(app, "verify-history", "--case", case.code)
    assert ok.exit_code == 0 and f"案件 {case.code} 的历史记录完整" in ok.output

    seq = event_seq(web_engine, other.instance_id, "task_completed", "assess")
    tamper(web_engine, seq, risk_reason="改过的说明")
    assert _run(app, "verify-history", "--case", case.code).exit_code == 0
    bad = _run(app, "verify-history", "--case", other.code)
    assert bad.exit_code == 1
    where = f"（2026-03-02 09:00:00，完成任务，案件 {other.code}）"
    assert f"首个异常事件序号 {seq}{where}" in bad.output
    whole = _run(app, "verify-history")
    assert whole.exit_code == 1 and f"序号 {seq}" in whole.output
    unknown = _run(app, "verify-history", "--case", "NO-SUCH")
    assert unknown.exit_code == 2 and "没有编号为「NO-SUCH」的案件" in unknown.output
    assert [v["actor"].startswith("cli:") for v in verifications(web_engine)] == [True] * 4


def test_without_a_script_a_long_walk_goes_on_where_it_stopped(web_engine, login_as, monkeypatch):
    assessed_case(web_engine)
    monkeypatch.setattr(verify_views, "PART_SIZE", 10)
    monkeypatch.setattr(verify_views, "BUDGET_SECONDS", 0)
    total = count(web_engine)
    client = login_auditor(login_as)

    pages = [client.post("/audit/verify")]
    while "继续校验" in text(pages[-1]):
        start = re.search(r'name="start" value="(\d+)"', pages[-1].get_data(as_text=True))
        pages.append(client.post("/audit/verify", data={"start": start.group(1)}))

    assert "已校验 10 / " in text(pages[0]) and "尚未校验完" in text(pages[0])
    assert len(pages) == total // 10 + 1
    assert f"全部历史记录共校验 {total} 条记录" in text(pages[-1])
    assert len(verifications(web_engine)) == 1, "one walk, one log entry"
