"""Small real PNG pictures for upload tests (the phone decodes and resizes them)."""

from __future__ import annotations

import struct
import zlib


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A ``width`` × ``height`` picture: ``colour`` with a white diagonal band."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            band = abs(x * height - y * width) < width * 40
            row += bytes((255, 255, 255) if band else colour)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
