"""Abandoned phone uploads are swept: one left unfinished past the keep setting goes with
its chunks, a recent one stays, a filed photo sent up again gives its chunks back, and
the photos of a 当场化解 report (no case to hold them) are kept as evidence."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from engine.db import db
from processes.field.models import PhotoChunk, PhotoUpload
from processes.field.uploads import photo_bytes
from tests.processes.conftest import GRID
from webapp.cli import cli
from webapp.cli.uploads import SWEEP_JOB_ID, sweep, sweep_job

from .mobile_support import photo, picture, put, report_body, upload


def _sweep_cli(app) -> str:
    result = app.test_cli_runner().invoke(cli, ["sweep-uploads"], catch_exceptions=False)
    assert result.exit_code == 0
    return result.output.strip()


def _chunks(app, sha: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(PhotoChunk).where(PhotoChunk.sha256 == sha)
        )


def _received(client, sha: str) -> int:
    return client.get(f"/m/api/uploads/{sha}").get_json()["received"]


def test_an_upload_untouched_for_8_days_is_swept_one_from_an_hour_ago_stays(
    app, web_engine, login_as, clock
):
    client = login_as("wangge", "网格员", region=GRID)
    (old, old_data), (new, new_data) = photo(1, size=1000), photo(2, size=1000)
    assert put(client, old, old_data, 0, 400).status_code == 200
    clock.advance(days=8)
    assert put(client, new, new_data, 0, 400).status_code == 200
    clock.advance(hours=1)
    assert (
        _sweep_cli(app) == "已删除 1 个超过 7 天未传完的上传，释放 0 个已归入案件的文件所占的分段。"
    )
    assert _received(client, old) == 0 and _chunks(app, old) == 0
    assert _received(client, new) == 400 and _chunks(app, new) == 1
    with app.app_context():
        assert db.session.get(PhotoUpload, old) is None
    # the phone that comes back to the swept one starts it again from the first byte
    assert put(client, old, old_data, 400, 1000).get_json()["received"] == 0


def test_a_filed_photos_chunks_go_and_settled_photos_stay(app, web_engine, login_as, clock):
    client = login_as("wangge", "网格员", region=GRID)
    (filed, filed_data), (kept, kept_data) = picture(1), picture(2)
    body = report_body(photos=[filed])
    upload(client, filed, filed_data)
    assert client.post("/m/api/reports", json=body).status_code == 201
    upload(client, filed, filed_data)  # a phone that sends the photo again after filing
    assert client.post("/m/api/reports", json=body).status_code == 200
    upload(client, kept, kept_data)
    settled = report_body(outcome="当场化解", result="双方已和解", photos=[kept])
    assert client.post("/m/api/reports", json=settled).status_code == 201
    assert _chunks(app, filed) > 0
    clock.advance(days=30)
    result = sweep(web_engine, timedelta(days=7))
    assert (result.abandoned, result.released) == (0, 1)
    assert _chunks(app, filed) == 0
    with app.app_context():
        assert photo_bytes(db.session, kept) == kept_data


def test_the_scheduler_sweeps_hourly_with_the_keep_setting(app, web_engine, login_as, clock):
    client = login_as("wangge", "网格员", region=GRID)
    sha, data = photo(3, size=1000)
    assert put(client, sha, data, 0, 400).status_code == 200
    clock.advance(days=3)
    job = sweep_job(web_engine, timedelta(days=2))
    assert (job.id, job.seconds) == (SWEEP_JOB_ID, 3600)
    job.func()
    assert _received(client, sha) == 0
