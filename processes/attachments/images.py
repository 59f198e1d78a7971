"""Photos without their EXIF: no GPS position, no device, no time taken.

``strip_metadata`` re-encodes JPEG, PNG and WebP with Pillow, turned upright first (the
orientation tag goes with the rest). HEIC is kept as sent (Pillow cannot write it): such
a photo is marked not stripped and is shown only to the case's staff.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_PIXELS = 80_000_000
"""Larger images are refused as broken or hostile (a decompression bomb)."""


class BadImage(ValueError):
    """The content claims to be an image Pillow cannot read."""


def strip_metadata(content: bytes, mime: str) -> tuple[bytes, bool]:
    """``(content without metadata, True)``, or ``(content, False)`` for a type kept as is."""
    fmt = _FORMATS.get(mime)
    if fmt is None:
        return content, False
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise BadImage("图片尺寸过大")
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
            if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            upright.save(out, fmt, **options)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise BadImage("图片已损坏，无法读取") from error
    return out.getvalue(), True
