"""Small files for attachment tests: a real PDF, an executable, a photo with GPS EXIF."""

from __future__ import annotations

import io
from datetime import datetime

from PIL import Image

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"
GPS_IFD = 0x8825
MAKE, MODEL = 0x010F, 0x0110


def photo_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG whose EXIF names a camera and a GPS position (北纬 38.9°, 东经 100.4°)."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[MAKE] = "HUAWEI"
    exif[MODEL] = "Mate 60"
    exif[0x0132] = datetime(2026, 3, 2, 9, 0).strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (38.0, 54.0, 0.0), 3: "E", 4: (100.0, 24.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def exif_of(content: bytes) -> dict:
    with Image.open(io.BytesIO(content)) as image:
        exif = image.getexif()
        return {**dict(exif), **{("gps", k): v for k, v in exif.get_ifd(GPS_IFD).items()}}
