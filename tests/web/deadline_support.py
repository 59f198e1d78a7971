"""Reading the deadline badges off the pages, as a user reads them (HTML from the test
client, parsed with lxml): the badge next to a case or a task on each page that shows one."""

from __future__ import annotations

from flask.testing import FlaskClient
from lxml import html

BADGE = ".//span[contains(concat(' ', @class, ' '), ' badge ') and contains(@class, 'due-')]"


def _page(client: FlaskClient, url: str):
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return html.fromstring(response.get_data(as_text=True))


def _text(node) -> str:
    return " ".join(node.text_content().split())


def _first_badge(node, where: str) -> str:
    badges = node.xpath(BADGE)
    assert badges, f"no deadline badge {where}"
    return _text(badges[0])


def _row(doc, text: str, where: str):
    rows = [row for row in doc.xpath("//tbody/tr") if text in _text(row)]
    assert len(rows) == 1, f"{where}: {len(rows)} rows with {text!r}"
    return rows[0]


def _task_name(row) -> str | None:
    cells = row.xpath("./td[@data-label='任务']")
    return _text(cells[0]) if cells else None


def _cell(row, label: str):
    (cell,) = row.xpath(f"./td[@data-label='{label}']")
    return cell


def work_list_badge(client: FlaskClient, code: str, task: str) -> str:
    """我的待办: the 时限 of the task named ``task`` of case ``code``."""
    doc = _page(client, f"/tasks/?q={code}")
    rows = [row for row in doc.xpath("//tbody/tr") if task == _task_name(row)]
    assert len(rows) == 1, f"我的待办: {len(rows)} rows for {task}: {_text(doc)[:300]}"
    return _first_badge(_cell(rows[0], "时限"), f"on the work list for {task}")


def task_page_badges(client: FlaskClient, task_id: str) -> tuple[str, str]:
    """The task page: the task's own badge (under its name) and the 案件时限."""
    doc = _page(client, f"/tasks/{task_id}")
    (meta,) = doc.xpath("//p[contains(@class, 'task-meta')]")
    own = meta.xpath(BADGE)
    return (_text(own[0]) if own else ""), _dd_badge(doc, "案件时限")


def case_list_badge(client: FlaskClient, code: str) -> str:
    doc = _page(client, f"/cases?q={code}")
    return _first_badge(_cell(_row(doc, code, "/cases"), "时限"), "on /cases")


def case_page_badges(client: FlaskClient, case_id: int) -> list[str]:
    """The case page: the badge at 办理时限, and the one in its header when it shows one (a
    resolved or ended case's header has its status tag and no deadline badge)."""
    doc = _page(client, f"/cases/{case_id}")
    (head,) = doc.xpath("//p[contains(@class, 'case-badges')]")
    header = [_text(b) for b in head.xpath(BADGE) if "due-done" not in b.get("class", "")]
    return [*header[:1], _dd_badge(doc, "办理时限")]


def case_page_task_badge(client: FlaskClient, case_id: int, task: str) -> str:
    doc = _page(client, f"/cases/{case_id}")
    rows = [row for row in doc.xpath("//tbody/tr") if task == _task_name(row)]
    assert len(rows) == 1, f"case page: {len(rows)} current tasks named {task}"
    return _first_badge(_cell(rows[0], "时限"), f"for {task} on the case page")


def board_badge(client: FlaskClient, case_id: int) -> str | None:
    """督办台: the case's 时限 badge, or None when the case is not on the board."""
    doc = _page(client, "/supervision")
    rows = doc.xpath(f"//tr[@id='case-{case_id}']")
    if not rows:
        return None
    return _first_badge(_cell(rows[0], "时限"), "on the board")


def lookup_deadline(client: FlaskClient, code: str, tail: str) -> str | None:
    """进度查询: the 办理时限 a party reads, or None when none is shown."""
    response = client.post("/chaxun", data={"code": code, "tail": tail})
    doc = html.fromstring(response.get_data(as_text=True))
    found = doc.xpath("//dt[normalize-space()='办理时限']/following-sibling::dd[1]")
    return _text(found[0]) if found else None


def _dd_badge(doc, term: str) -> str:
    found = doc.xpath(f"//dt[normalize-space()='{term}']/following-sibling::dd[1]")
    assert found, f"no {term} on the page"
    return _first_badge(found[0], f"at {term}")
