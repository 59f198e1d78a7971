"""Photo uploads by content hash, in chunks: a dropped upload resumes from the bytes the
server holds, a repeated chunk changes nothing, a file that does not match its hash is
dropped, and a second upload of the same photo is the same one."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.db import db
from processes.field.models import PhotoChunk, PhotoUpload
from processes.field.uploads import MAX_OPEN_UPLOADS, photo_bytes
from tests.processes.conftest import GRID

from .mobile_support import photo, put, upload


def _status(client, sha):
    return client.get(f"/m/api/uploads/{sha}").get_json()


def test_an_upload_cut_midway_resumes_from_what_the_server_holds(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    sha, data = photo(7, size=1_000_000)
    assert _status(client, sha)["received"] == 0
    assert put(client, sha, data, 0, 300_000).status_code == 200
    # the connection drops; the phone asks where to go on
    assert _status(client, sha) == {
        "sha256": sha,
        "size": 1_000_000,
        "received": 300_000,
        "complete": False,
    }
    assert put(client, sha, data, 0, 300_000).status_code == 200  # a retried chunk: no change
    gap = put(client, sha, data, 600_000, 900_000)
    assert gap.status_code == 409 and gap.get_json()["received"] == 300_000
    assert put(client, sha, data, 300_000, 650_000).status_code == 200
    last = put(client, sha, data, 650_000, 1_000_000)
    assert last.get_json()["complete"] is True
    with app.app_context():
        assert photo_bytes(db.session, sha) == data
        assert db.session.scalar(select(func.count()).select_from(PhotoUpload)) == 1


def test_the_same_photo_uploaded_again_is_stored_once(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    sha, data = photo(3)
    upload(client, sha, data)
    upload(client, sha, data)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PhotoUpload)) == 1
        stored = db.session.scalar(select(func.sum(func.length(PhotoChunk.data))))
        assert stored == len(data)


def test_a_file_not_matching_its_hash_is_dropped_to_start_again(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    sha, _data = photo(4, size=1000)
    _other_sha, other = photo(5, size=1000)
    answer = put(client, sha, other, 0, 1000)
    assert answer.status_code == 422
    assert answer.get_json()["error"] == "文件内容与校验值不符，已丢弃，请重新上传"
    assert _status(client, sha)["received"] == 0


def test_limits_are_named(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    sha, data = photo(6, size=1000)
    too_big = client.put(
        f"/m/api/uploads/{sha}",
        data=data,
        headers={"Content-Range": f"bytes 0-999/{30 * 1024 * 1024}"},
    )
    assert too_big.status_code == 422 and too_big.get_json()["error"] == "文件不能超过 20 MB"
    no_range = client.put(f"/m/api/uploads/{sha}", data=data)
    assert no_range.status_code == 400
    assert client.get("/m/api/uploads/not-a-hash").status_code == 422


def test_a_worker_holds_a_bounded_number_of_unfinished_uploads(app, web_engine, login_as):
    client = login_as("wangge", "网格员", region=GRID)
    for seed in range(MAX_OPEN_UPLOADS):
        sha, data = photo(100 + seed, size=2000)
        assert put(client, sha, data, 0, 1000).status_code == 200
    sha, data = photo(999, size=2000)
    refused = put(client, sha, data, 0, 1000)
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "您已有 30 个未传完的文件，请先让它们传完再上传新的"
