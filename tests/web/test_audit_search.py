"""审计 › 执行历史: the search by case, process, version, user, lane, event type and time,
newest first, paged by key; personal data masked; a region-bound auditor sees their area."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from engine.models import HistoryEvent
from processes.models import Region
from tests.processes.conftest import COUNTY

from .audit_support import ID_NUMBER, NAME, PHONE, assessed_case, login_auditor, receive

OTHER_TOWNSHIP = "620702102"


def seqs(response) -> list[int]:
    return [int(s) for s in re.findall(r'<td data-label="序号">(\d+)</td>', page(response))]


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def cells(response, label: str) -> list[str]:
    found = re.findall(rf'<td data-label="{label}"[^>]*>(.*?)</td>', page(response), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]


def table(response) -> list[dict[str, str]]:
    """Each result row as {column label: text}."""
    rows = re.findall(r"<tr>(.*?)</tr>", page(response).split("<tbody>", 1)[-1], re.S)
    return [
        {
            label: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
            for label, text in re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', row, re.S)
        }
        for row in rows
    ]


def link(response, text: str) -> str:
    match = re.search(rf'<a href="([^"]+)" rel="(?:next|prev)">{text}</a>', page(response))
    assert match, f"no {text} link"
    return unescape(match.group(1))


def test_a_case_s_events_newest_first_in_chinese_with_personal_data_masked(web_engine, login_as):
    case = assessed_case(web_engine)
    client = login_auditor(login_as)

    response = client.get("/audit", query_string={"case": case.code})

    html = page(response)
    found = seqs(response)
    assert found == sorted(found, reverse=True) and len(found) > 10
    [assessed] = [
        row
        for row in table(response)
        if row["事件"] == "完成任务" and row["任务 / 元素"] == "分流研判"
    ]
    assert assessed["案件"] == case.code
    assert assessed["流程 / 版本"] == f"受理分流 v{web_engine.latest_version_id()}", "by name"
    assert (assessed["泳道"], assessed["操作人"]) == ("镇综治中心", "li")
    assert "事项性质：一般纠纷；是否涉及多个部门：否" in assessed["数据摘要"], "form titles"
    assert "张**情绪激动，电话138****5678" in assessed["数据摘要"], "free text is masked"
    assert f'href="/audit/cases/{case.case_id}/replay"' in html, "the case code leads to replay"
    assert NAME not in html and PHONE not in html and ID_NUMBER not in html
    assert set(cells(response, "案件")) == {case.code}


def test_filters_narrow_the_rows(web_engine, login_as, clock):
    first = assessed_case(web_engine)
    clock.advance(timedelta(days=2))
    second = receive(web_engine)
    client = login_auditor(login_as)

    by_actor = client.get("/audit", query_string={"actor": "li"})
    assert set(cells(by_actor, "操作人")) == {"li"}
    assert set(cells(by_actor, "案件")) == {first.code}

    ready = client.get("/audit", query_string={"event": "task_ready"})
    assert set(cells(ready, "事件")) == {"生成待办"}
    assert set(cells(ready, "任务 / 元素")) == {"分流研判", "村调委会化解"}

    lane = client.get("/audit", query_string={"lane": "村调委会"})
    assert set(cells(lane, "泳道")) == {"村调委会"}

    version = web_engine.latest_version_id()
    process = client.get("/audit", query_string={"process": "case_main", "version": version})
    assert set(cells(process, "流程 / 版本")) == {f"受理分流 v{version}"}
    # the ladder's steps are filed under the ladder (a called process), not the case's top
    ladder = client.get("/audit", query_string={"process": "ladder"})
    assert set(cells(ladder, "流程 / 版本")) == {f"四级七天 v{version}"}
    assert "村调委会化解" in set(cells(ladder, "任务 / 元素"))
    assert "村调委会化解" not in set(cells(process, "任务 / 元素"))
    assert (
        client.get("/audit", query_string={"version": version + 1})
        .get_data(as_text=True)
        .count('data-label="序号"')
        == 0
    )

    day = (clock.now()).date().isoformat()
    today = client.get("/audit", query_string={"since": day, "until": day})
    assert set(cells(today, "案件")) == {second.code}
    earlier = client.get("/audit", query_string={"until": (clock.now() - timedelta(days=1)).date()})
    assert second.code not in set(cells(earlier, "案件")) and first.code in cells(earlier, "案件")


def test_an_unknown_case_code_says_so(web_engine, login_as):
    assessed_case(web_engine)
    client = login_auditor(login_as)

    html = page(client.get("/audit", query_string={"case": "NO-SUCH-CODE"}))

    assert "没有编号为「NO-SUCH-CODE」的案件" in html
    assert 'data-label="序号"' not in html


def test_pages_by_key_forward_and_back(web_engine, login_as):
    for _ in range(4):
        assessed_case(web_engine)
    with web_engine.session_factory() as session:
        total = session.scalar(select(func.count()).select_from(HistoryEvent))
    assert total > 100, "four cases make three pages"
    client = login_auditor(login_as)

    pages = [client.get("/audit")]
    while "下一页" in page(pages[-1]):
        pages.append(client.get(link(pages[-1], "下一页")))

    walked = [seq for response in pages for seq in seqs(response)]
    assert walked == list(range(total, 0, -1)), "every row once, newest first"
    assert all(len(seqs(response)) == 50 for response in pages[:-1])
    assert "上一页" not in page(pages[0])
    back = client.get(link(pages[-1], "上一页"))
    assert seqs(back) == seqs(pages[-2])


def test_a_region_bound_auditor_sees_only_cases_of_their_area(web_engine, login_as):
    with web_engine.session_factory() as session:
        session.add(
            Region(
                code=OTHER_TOWNSHIP, name="梁家墩镇", level="镇", parent_code=COUNTY, active=True
            )
        )
        session.commit()
    case = assessed_case(web_engine)
    client = login_as("shen.town", "审计", region=OTHER_TOWNSHIP)

    assert "没有编号为" in page(client.get("/audit", query_string={"case": case.code}))
    assert case.code not in page(client.get("/audit"))
    assert client.get(f"/audit/cases/{case.case_id}/replay").status_code == 404


def test_a_service_task_that_passed_without_a_call_is_told_to_the_auditor(web_engine, login_as):
    from engine import Actor, SourceFile
    from tests.engine.diagrams import sequence

    xml = sequence("passing", ("notify", '<bpmn:serviceTask id="notify" name="通知当事人"/>'))
    web_engine.deploy_set([SourceFile("passing.bpmn", "bpmn", xml.encode())], actor="t", note="t")
    web_engine.start("passing", actor=Actor.of("li", ["镇综治中心"]))
    client = login_auditor(login_as)

    response = client.get("/audit", query_string={"event": "service_task_passed"})
    [row] = table(response)
    assert row["事件"] == "服务任务直接通过（没有指定服务操作，未调用任何服务）"
    assert "通知当事人" in page(response)
