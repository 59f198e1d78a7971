"""The phone app on a phone (390×844): a grid worker reports an event with two photos and
a position while offline, sees it 待发送, then 已发送 once the connection returns; the case
exists once with both photos; the app opens offline and lists the worker's tasks; a
screening round's finding is reported in one tap and counted in the 排查台账."""

from __future__ import annotations

import os
import struct
import zlib

import pytest
from sqlalchemy import func, select

from processes.attachments import attachments_of
from processes.field.models import FieldReport, PhotoUpload
from processes.models import Case, DisputeType
from tests.processes.conftest import GRID

from .helpers import CLERK, PHONE, login, receive, shot
from .pictures import png

pytestmark = pytest.mark.browser
POSITION = {"latitude": 38.93512, "longitude": 100.45678, "accuracy": 15}


@pytest.fixture
def worker_phone(pages, add_user):
    add_user("wangge", "网格员", region=GRID)
    phone = pages.open(
        PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        permissions=["geolocation"],
        geolocation=POSITION,
    )
    login(phone, "wangge")
    return phone


def grid_task(engine) -> str:
    """A grid report routed to the ladder: its first level is the grid worker's task."""
    received = receive(engine, channel="网格上报")
    [assess] = [t for t in engine.tasks_of(received.instance_id) if t.spec_id == "assess"]
    data = {"matter_nature": "一般纠纷", "cross_department": False, "risk_colour": "黄"}
    engine.complete(assess.id, data, actor=CLERK)
    return received.code


def _installed(phone) -> None:
    """Open the app once online and wait for its service worker to take the page."""
    phone.goto("/m/")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    _until(phone, "navigator.serviceWorker.controller !== null")


def _until(phone, condition: str, seconds: float = 10) -> None:
    """Wait until ``condition`` holds (``wait_for_function`` evaluates a string, which the
    site's CSP forbids on some pages)."""
    for _ in range(int(seconds * 10)):
        if phone.evaluate(condition):
            return
        phone.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds} s: {condition}")


def _count(engine, model) -> int:
    with engine.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_an_offline_report_with_photos_and_position_is_sent_once(worker_phone, web_engine):
    phone = worker_phone
    grid_task(web_engine)
    _installed(phone)
    phone.context.set_offline(True)

    phone.goto("/m/report")
    assert phone.get_by_text("当前离线").is_visible()
    phone.get_by_label("事件类型").select_option("02")
    phone.get_by_label("事件简要情况").fill("两户因宅基地边界发生争执，需村里调处")
    phone.get_by_label("姓名").fill("李四")
    phone.get_by_role("button", name="获取当前位置").click()
    phone.get_by_text("已定位：纬度 38.93512，经度 100.45678（精度约 ±15 米）").wait_for()
    phone.get_by_label("详细地点").fill("大满村三社东头")
    phone.get_by_label("拍照或选择照片").set_input_files(
        [
            {"name": "a.png", "mimeType": "image/png", "buffer": png(1200, 900, (180, 60, 40))},
            {"name": "b.png", "mimeType": "image/png", "buffer": png(900, 1200, (40, 120, 60))},
        ]
    )
    phone.get_by_text("已添加 2 张").wait_for()
    shot(phone, "m-02-report-form-offline")
    phone.get_by_role("button", name="保存并上报").click()
    phone.wait_for_url("**/m/")
    row = phone.locator(".report", has_text="宅基地边界")
    assert row.locator(".state").inner_text() == "待发送"
    shot(phone, "m-03-report-pending")
    assert _count(web_engine, Case) == 1  # only the seeded one

    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    row.locator(".state", has_text="已发送").wait_for(timeout=20_000)
    assert "案件" in row.inner_text()
    shot(phone, "m-04-report-sent")
    assert _count(web_engine, Case) == 2
    assert _count(web_engine, PhotoUpload) == 2
    kept = phone.evaluate("window.idb.openDB('zongzhi-m').then(d => d.count('files'))")
    assert kept == 0, "the sent photos no longer take the phone's storage"

    # the same report sent again (a retry, a second tab): nothing changes
    again = phone.evaluate(
        """async () => {
            const [report] = await window.zzStore.reports();
            const who = await window.zzSync.session();
            const response = await fetch('/m/api/reports', {method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': who.csrf},
                body: JSON.stringify(report.payload)});
            return [response.status, (await response.json()).case_code, report.case_code];
        }"""
    )
    assert again[0] == 200 and again[1] == again[2]
    assert _count(web_engine, Case) == 2 and _count(web_engine, FieldReport) == 1
    with web_engine.session_factory() as session:
        report = session.scalars(select(FieldReport)).one()
        case = session.get(Case, report.case_id)
        assert case.channel == "网格上报" and "±15 米" in case.place
        assert len(report.payload["photos"]) == 2

    # the case page lists both photos, once, with their thumbnails
    phone.goto(f"/cases/{case.id}")
    files = phone.locator("#attachment-list tbody tr")
    assert files.count() == 2
    assert "现场照片1" in files.nth(0).inner_text() and "现场照片2" in files.nth(1).inner_text()
    phone.locator("#attachment-list img").nth(1).scroll_into_view_if_needed()
    _until(
        phone,
        "[...document.querySelectorAll('#attachment-list img')].every(i => i.naturalWidth > 0)",
    )
    shot(phone, "m-07-case-photos")


def test_the_app_opens_offline_and_lists_the_workers_tasks(worker_phone, web_engine):
    phone = worker_phone
    code = grid_task(web_engine)
    _installed(phone)
    phone.locator("#task-list li").first.wait_for()
    phone.context.set_offline(True)
    phone.goto("/m/")
    assert phone.get_by_text("当前离线").is_visible()
    phone.locator("#task-list li").first.wait_for()
    assert code in phone.locator("#task-list").inner_text()
    assert "网格员化解" in phone.locator("#task-list").inner_text()
    shot(phone, "m-01-home-offline")


def test_a_finding_is_reported_in_one_tap_and_counted_in_the_ledger(worker_phone, web_engine):
    phone = worker_phone
    _installed(phone)
    phone.goto("/m/screening")
    phone.get_by_label("集中排查").check()
    phone.get_by_label("排查日期").fill("2026-03-02")  # the test clock's day
    phone.get_by_label("走访户数（场所数）").fill("8")
    phone.get_by_label("发现 1").fill("王家与李家因灌溉用水起争执")
    phone.get_by_role("button", name="保存排查记录").click()
    round_row = phone.locator(".round").first
    round_row.locator(".state", has_text="已发送").wait_for(timeout=20_000)
    shot(phone, "m-05-screening")

    phone.get_by_role("link", name="上报：王家与李家因灌溉用水起争执").click()
    phone.wait_for_url("**/m/report?**")
    assert phone.get_by_label("事件简要情况").input_value() == "王家与李家因灌溉用水起争执"
    phone.get_by_label("事件类型").select_option("02")
    phone.get_by_label("姓名").fill("王五")
    phone.get_by_role("button", name="保存并上报").click()
    phone.wait_for_url("**/m/")
    phone.locator(".report .state", has_text="已发送").wait_for(timeout=20_000)

    phone.goto(f"/screening/ledger?region={GRID}")
    table = phone.locator(".ledger-table tbody tr").first
    cells = table.locator("td").all_inner_texts()
    assert cells == ["1", "0/1/0", "8", "1", "1", "1", "100%"]
    shot(phone, "m-06-ledger")


def test_a_photo_upload_cut_midway_resumes_and_is_stored_once(worker_phone, web_engine, pages):
    phone = worker_phone
    _installed(phone)
    starts: list[int] = []
    cut = {"done": False}

    def flaky(route, request):
        """The line drops once, on the photo's second chunk (a gateway answers 503)."""
        start = int(request.headers["content-range"].split()[1].split("-")[0])
        starts.append(start)
        if start > 0 and not cut["done"]:
            cut["done"] = True
            route.fulfill(status=503, content_type="application/json", body='{"error": "网关超时"}')
            return
        route.continue_()

    pages.guard.expect_status(503)
    phone.route("**/m/api/uploads/*", lambda route, request: _put_only(route, request, flaky))
    phone.goto("/m/report")
    phone.get_by_label("事件类型").select_option("02")
    phone.get_by_label("事件简要情况").fill("村道旁堆放建筑垃圾，两户为此争吵")
    phone.get_by_label("姓名").fill("赵六")
    phone.get_by_label("拍照或选择照片").set_input_files(
        [{"name": "big.png", "mimeType": "image/png", "buffer": noise_png(1600)}]
    )
    phone.get_by_text("已添加 1 张").wait_for()
    phone.get_by_role("button", name="保存并上报").click()
    phone.wait_for_url("**/m/")
    row = phone.locator(".report", has_text="建筑垃圾")
    _until(phone, "window.zzSync !== undefined")
    phone.wait_for_timeout(1500)  # the first sync runs into the cut
    assert row.locator(".state").inner_text() == "待发送"
    assert cut["done"]

    phone.evaluate("window.dispatchEvent(new Event('online'))")  # the next sync
    row.locator(".state", has_text="已发送").wait_for(timeout=20_000)
    assert starts.count(0) == 1, f"the first chunk went up once, not again: {starts}"
    assert len(starts) == len(set(starts)) + 1, f"only the cut chunk was sent twice: {starts}"
    with web_engine.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(PhotoUpload)) == 1
        case_id = session.scalars(select(FieldReport.case_id)).one()
        assert len(attachments_of(session, case_id)) == 1


def _put_only(route, request, handler) -> None:
    if request.method == "PUT":
        handler(route, request)
    else:
        route.continue_()


def noise_png(side: int) -> bytes:
    """A picture of random pixels: it stays large once the phone makes it a JPEG."""
    raw = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


def test_a_report_whose_type_was_retired_meanwhile_is_returned_with_the_reason(
    worker_phone, web_engine
):
    phone = worker_phone
    _installed(phone)
    phone.context.set_offline(True)
    phone.goto("/m/report")
    phone.get_by_label("事件类型").select_option("02")
    phone.get_by_label("事件简要情况").fill("两家因鸡鸭散养进院发生口角")
    phone.get_by_label("姓名").fill("钱七")
    phone.get_by_role("button", name="保存并上报").click()
    phone.wait_for_url("**/m/")
    with web_engine.session_factory() as session:  # an admin retires the type meanwhile
        session.get(DisputeType, "02").active = False
        session.commit()
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    row = phone.locator(".report", has_text="鸡鸭散养")
    row.locator(".state", has_text="被退回").wait_for(timeout=20_000)
    assert (
        row.locator(".report-reason").inner_text()
        == "退回原因：事件类型：已停用，请重新选择后再上报"
    )
    shot(phone, "m-08-report-refused")

    row.get_by_role("link", name="修改后重新上报").click()
    phone.wait_for_url("**/m/report?again=**")
    from playwright.sync_api import expect

    expect(phone.get_by_label("事件简要情况")).to_have_value("两家因鸡鸭散养进院发生口角")
    expect(phone.get_by_label("姓名")).to_have_value("钱七")
    phone.get_by_label("事件类型").select_option("01")
    phone.get_by_role("button", name="保存并上报").click()
    phone.wait_for_url("**/m/")
    phone.locator(".report .state", has_text="已发送").wait_for(timeout=20_000)
