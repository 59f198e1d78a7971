"""How long attaching a file takes before the database: check by content, strip a photo's
EXIF (re-encode), hash and store, on the local folder store and on an S3-compatible server
(moto's standalone server on this machine, so network time is loopback only).

Run from the project root::

    python bench/attachments.py [--runs 5] [--mb 5]

Prints the median and worst time per step for a ``--mb`` MB JPEG photo (noise, so it does
not compress below its size) and a PDF of the same size, and what a second upload of the
same content costs (content-addressed: already there, nothing written).
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from processes.attachments import LocalStore, Upload, open_store, prepare
from processes.attachments.checks import MB, Limits


def photo(mb: float) -> bytes:
    """A JPEG of about ``mb`` MB: random pixels at quality 95, with an EXIF block."""
    side = 1200
    while True:
        image = Image.frombytes("RGB", (side, side * 3 // 4), os.urandom(side * side * 9 // 4))
        out = io.BytesIO()
        exif = Image.Exif()
        exif[0x010F] = "HUAWEI"
        image.save(out, "JPEG", quality=95, exif=exif)
        if out.tell() >= mb * MB:
            return out.getvalue()
        side = int(side * 1.08)


def pdf(mb: float) -> bytes:
    return b"%PDF-1.4\n" + os.urandom(int(mb * MB)) + b"\n%%EOF\n"


def timed(runs: int, action: Callable[[], object]) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def line(label: str, figures: tuple[float, float]) -> None:
    print(f"  {label:<38} median {figures[0]:8.1f} ms   worst {figures[1]:8.1f} ms")


def _check(content: bytes, limits: Limits) -> object:
    return prepare(Upload("x", content), limits)


def bench_store(name: str, store, files: dict[str, bytes], runs: int, limits: Limits) -> None:
    print(f"{name}:")
    for label, content in files.items():
        what = f"{label} {len(content) / MB:.1f} MB"
        line(f"{what}: check + strip", timed(runs, partial(_check, content, limits)))
        fresh = [content + os.urandom(16) for _ in range(runs)]
        line(f"{what}: hash + store (new)", timed(runs, partial(_put_next, store, fresh)))
        store.put(content)
        line(f"{what}: same content again", timed(runs, partial(store.put, content)))


def _put_next(store, contents: list[bytes]) -> object:
    return store.put(contents.pop())


def moto_store():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    settings = {
        "ZONGZHI_ATTACHMENT_S3_URL": "s3://bench/files",
        "ZONGZHI_ATTACHMENT_S3_ENDPOINT": f"http://127.0.0.1:{port}",
        "ZONGZHI_ATTACHMENT_S3_ACCESS_KEY": "bench",
        "ZONGZHI_ATTACHMENT_S3_SECRET_KEY": "bench",
    }
    store = open_store(settings, default_dir=".")
    store.client.create_bucket(Bucket="bench")
    return server, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=float, default=5.0)
    args = parser.parse_args()
    files = {"JPEG photo": photo(args.mb), "PDF": pdf(args.mb)}
    limits = Limits(max_bytes=int((args.mb + 5) * MB))
    with tempfile.TemporaryDirectory() as folder:
        bench_store("local folder store", LocalStore(folder), files, args.runs, limits)
    server, store = moto_store()
    try:
        bench_store("S3 store (moto server on loopback)", store, files, args.runs, limits)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
