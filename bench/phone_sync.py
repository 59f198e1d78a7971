"""The phone app over the wire (the Flask test client, no network): a 5 MB photo uploaded
in 256 KB chunks (whole, and cut at half then resumed), a report filing a 5 MB photo on
its new case, and the sync of 100 queued reports (each a case through the intake), then
the same 100 sent again (each answered from its first send, nothing new made).

    python bench/phone_sync.py                      # a temporary SQLite file
    python bench/phone_sync.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/phone_sync.py --reports 100 --photo-mb 5

The PostgreSQL run creates and drops its own database.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import struct
import sys
import time
import uuid
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.databases import database, migrated_app  # noqa: E402
from engine.db import db  # noqa: E402
from processes.models import Case, Region  # noqa: E402
from webapp.accounts.service import create_user  # noqa: E402
from webapp.engine_binding import current_engine  # noqa: E402

CHUNK = 256 * 1024
GRID = "62070210120101"
REGIONS = [
    ("620702", "甘州区", "县", None),
    ("620702101", "大满镇", "镇", "620702"),
    ("620702101201", "大满村", "村", "620702101"),
    (GRID, "大满村第一网格", "网格", "620702101201"),
]


def noisy_png(megabytes: float) -> bytes:
    """A PNG of random pixels, about ``megabytes`` large (noise does not compress)."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    raw = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    idat = zlib.compress(raw, 1)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def upload(client: FlaskClient, data: bytes, start: int = 0, stop: int | None = None) -> str:
    sha = hashlib.sha256(data).hexdigest()
    stop = len(data) if stop is None else stop
    for offset in range(start, stop, CHUNK):
        end = min(offset + CHUNK, stop)
        response = client.put(
            f"/m/api/uploads/{sha}",
            data=data[offset:end],
            headers={"Content-Range": f"bytes {offset}-{end - 1}/{len(data)}"},
        )
        assert response.status_code == 200, response.get_json()
    return sha


def report(**changes) -> dict:
    body = {
        "client_id": str(uuid.uuid4()),
        "outcome": "上报",
        "dispute_type": "02",
        "summary": "两户因宅基地边界发生争执，需村里调处",
        "region_code": GRID,
        "place": "大满村三社东头",
        "position": {"latitude": 38.93512, "longitude": 100.45678, "accuracy": 12.0},
        "parties": [{"role": "申请人", "name": "李四", "phone": "13912345678"}],
    }
    return body | changes


def seed(app) -> FlaskClient:
    with app.app_context():
        db.session.add_all(
            Region(code=c, name=n, level=lv, parent_code=p, active=True) for c, n, lv, p in REGIONS
        )
        create_user(
            db.session,
            username="wangge",
            display_name="王网格",
            password="bench-pass-1",
            roles=["网格员"],
        ).region_code = GRID
        db.session.commit()
        current_engine().deploy(
            [ROOT / "bpmn"], actor="bench", note="bench", forms_dirs=[ROOT / "forms"]
        )
    client = app.test_client()
    assert (
        client.post("/login", data={"username": "wangge", "password": "bench-pass-1"}).status_code
        == 302
    )
    return client


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def run(url: str, label: str, reports: int, photo_mb: float) -> None:
    app = migrated_app(url)
    client = seed(app)
    photo = os.urandom(int(photo_mb * 1024 * 1024))
    began = time.perf_counter()
    upload(client, photo)
    whole = time.perf_counter() - began
    second = os.urandom(len(photo))
    began = time.perf_counter()
    sha = upload(client, second, stop=len(second) // 2 // CHUNK * CHUNK)  # the line drops
    held = client.get(f"/m/api/uploads/{sha}").get_json()["received"]
    upload(client, second, start=held)
    resumed = time.perf_counter() - began
    size = len(photo) / 1024 / 1024
    chunks = -(-len(photo) // CHUNK)
    print(f"{label}: photo upload, {size:.1f} MB in {chunks} chunks of 256 KB")
    rate = size / whole
    print(f"  whole: {whole:.2f} s ({rate:.1f} MB/s); cut at half and resumed: {resumed:.2f} s")

    picture = noisy_png(photo_mb)
    began = time.perf_counter()
    sha = upload(client, picture)
    uploaded = time.perf_counter() - began
    began = time.perf_counter()
    response = client.post("/m/api/reports", json=report(photos=[sha]))
    assert response.status_code == 201, response.get_json()
    filed = time.perf_counter() - began
    print(
        f"  a report with a {len(picture) / 1024 / 1024:.1f} MB PNG: upload {uploaded:.2f} s, "
        f"case made and photo filed (checked, re-encoded, stored) {filed:.2f} s"
    )

    bodies = [report() for _ in range(reports)]
    first, again = [], []
    for body in bodies:
        began = time.perf_counter()
        assert client.post("/m/api/reports", json=body).status_code == 201
        first.append(time.perf_counter() - began)
    for body in bodies:
        began = time.perf_counter()
        assert client.post("/m/api/reports", json=body).status_code == 200
        again.append(time.perf_counter() - began)
    with app.app_context():
        cases = db.session.scalar(select(func.count()).select_from(Case))
    assert cases == reports + 1, cases
    for name, times in (("sync", first), ("sent again", again)):
        times.sort()
        print(
            f"  {reports} queued reports, {name}: {sum(times):.2f} s in all; per report median "
            f"{ms(statistics.median(times))}, p95 {ms(times[int(len(times) * 0.95) - 1])}"
        )
    print(f"  cases made: {cases - 1} for {reports} reports sent twice")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("ZONGZHI_BENCH_DATABASE_URL"))
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--photo-mb", type=float, default=5.0)
    args = parser.parse_args()
    with database(args.database_url, "phone_sync.db") as (url, label):
        run(url, label, args.reports, args.photo_mb)


if __name__ == "__main__":
    main()
