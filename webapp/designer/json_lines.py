"""Where things are in a JSON text: the line of every key and array item, by path.

``json`` reports the line of a syntax error but forgets positions once a text parses; a
schema error names a path (``properties/age/minimum``) and the editor wants its line.
``key_lines(text)`` walks the (already valid) text once; ``nearest_line`` answers that.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from json.decoder import scanstring

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

Path = tuple[str | int, ...]


class _Walker:
    def __init__(self, text: str):
        self.text = text
        self.breaks = [i for i, char in enumerate(text) if char == "\n"]
        self.lines: dict[Path, int] = {}

    def line(self, index: int) -> int:
        return bisect.bisect_left(self.breaks, index) + 1

    def skip(self, index: int) -> int:
        return _SPACE.match(self.text, index).end()

    def value(self, index: int, path: Path) -> int:
        index = self.skip(index)
        self.lines.setdefault(path, self.line(index))
        char = self.text[index]
        if char == "{":
            return self.members(index + 1, path)
        if char == "[":
            return self.items(index + 1, path)
        if char == '"':
            return scanstring(self.text, index + 1)[1]
        return _DECODER.raw_decode(self.text, index)[1]

    def members(self, index: int, path: Path) -> int:
        index = self.skip(index)
        if self.text[index] == "}":
            return index + 1
        while True:
            index = self.skip(index)
            key, after = scanstring(self.text, index + 1)
            self.lines[(*path, key)] = self.line(index)
            index = self.value(self.skip(after) + 1, (*path, key))  # past the ':'
            index = self.skip(index)
            if self.text[index] != ",":
                return index + 1  # the '}'
            index += 1

    def items(self, index: int, path: Path) -> int:
        index = self.skip(index)
        if self.text[index] == "]":
            return index + 1
        position = 0
        while True:
            index = self.skip(self.value(index, (*path, position)))
            if self.text[index] != ",":
                return index + 1  # the ']'
            index, position = index + 1, position + 1


def key_lines(text: str) -> dict[Path, int]:
    """Line (1-based) of every key and array item of a valid JSON ``text``, by path."""
    walker = _Walker(text)
    walker.value(0, ())
    return walker.lines


def nearest_line(lines: dict[Path, int], path: Sequence[str | int]) -> int | None:
    """The line of ``path`` (from ``key_lines``), or of its nearest ancestor that is there."""
    wanted = tuple(path)
    while wanted not in lines and wanted:
        wanted = wanted[:-1]
    return lines.get(wanted)
