"""The phone app's shell: manifest, service worker (local Workbox, no CDN), the pages and
the JSON the app reads offline once kept (session, tasks, form choices)."""

from __future__ import annotations

from tests.processes.conftest import GRID


def test_the_manifest_names_the_app_in_chinese_with_its_icons(client):
    response = client.get("/m/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "综治中心 · 网格通" and manifest["start_url"] == "/m/"
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).mimetype == "image/png"


def test_the_service_worker_loads_workbox_from_this_site_only(client):
    response = client.get("/m/sw.js")
    script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript"
    assert 'modulePathPrefix: "/static/vendor/workbox/"' in script
    assert "__" not in script.replace("__proto__", "")
    assert "googleapis" not in script
    for module in ("sw", "core", "routing", "strategies"):
        name = "workbox-sw.js" if module == "sw" else f"workbox-{module}.prod.js"
        assert client.get(f"/static/vendor/workbox/{name}").status_code == 200
    assert '"/m/report"' in script and '"/static/vendor/idb/umd.js"' in script


def test_the_pages_hold_no_inline_script(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    for path in ("/m/", "/m/report", "/m/screening"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "csrf" not in page.lower(), path


def test_the_session_tasks_and_choices_are_json(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    session = client.get("/m/api/session").get_json()
    assert session["user"] == "wangge" and session["may_report"] is True and session["csrf"]
    tasks = client.get("/m/api/tasks")
    assert tasks.headers["Cache-Control"] == "no-store"
    assert tasks.get_json()["items"] == []
    choices = client.get("/m/api/forms").get_json()
    assert choices["grids"] == [{"code": GRID, "name": "大满村第一网格（网格）"}]
    assert {"code": "02", "name": choices["types"][1]["name"]} in choices["types"]
