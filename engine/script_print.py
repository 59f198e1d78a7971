"""``print(...)`` in a diagram's script: a line written to the run's log, never to stdout.

Scripts from other tools (SpiffWorkflow's own examples among them) print what they
computed. In the sandbox ``print`` formats its arguments as Python's does (``sep``,
``end``) and hands each line to the running script engine: a trial keeps it in its log
beside the element, a real run writes it to the application log at INFO naming the
element. ``file=`` is refused (a script has no files). Output is bounded: at most
``MAX_LINES`` lines of ``MAX_CHARS`` characters per script run, then one line says the
rest was left out.

RestrictedPython rewrites ``print(...)`` to ``_print._call_print(...)`` on an object made
by the ``_print_`` guard (``PRINT_GUARD``); ``printed`` (RestrictedPython's name for
"what this script printed so far") reads the same lines back as one text.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

log = logging.getLogger(__name__)

MAX_LINES = 50
MAX_CHARS = 500
OMITTED = f"（脚本输出超过 {MAX_LINES} 行，其余省略）"

Writer = Callable[[str], None]


class _Sink:
    """Where one script run's lines go, and how many it may still write."""

    def __init__(self, write: Writer):
        self.write = write
        self.lines = 0
        self.text: list[str] = []
        self.partial = ""
        """Printed after the last newline (``end=""``): written when the run ends."""

    def line(self, text: str) -> None:
        self.lines += 1
        if self.lines > MAX_LINES + 1:
            return
        if self.lines == MAX_LINES + 1:
            self.write(OMITTED)
            return
        if len(text) > MAX_CHARS:
            text = text[:MAX_CHARS] + "…"
        self.text.append(text)
        self.write(text)

    def flush(self) -> None:
        if self.partial:
            partial, self.partial = self.partial, ""
            self.line(partial)


def _to_log(text: str) -> None:
    log.info("脚本输出：%s", text)


_current: ContextVar[_Sink | None] = ContextVar("script_print_sink", default=None)


@contextlib.contextmanager
def printing_to(write: Writer) -> Iterator[None]:
    """Within the block, a script's ``print`` lines go to ``write`` (bounded)."""
    sink = _Sink(write)
    token = _current.set(sink)
    try:
        yield
    finally:
        _current.reset(token)
        sink.flush()


class ScriptPrinter:
    """The object RestrictedPython's ``_print_`` guard makes for a script that prints."""

    def __init__(self, _getattr_: Any = None):
        # Outside ``printing_to`` (the environment used without an engine): the log,
        # bounded per run; a last line without its newline is not written.
        self._own = _Sink(_to_log)

    def _call_print(self, *objects: Any, **options: Any) -> None:
        if options.get("file") is not None:
            raise TypeError("print 只能写到运行日志，不能指定 file")
        sep, end = options.get("sep"), options.get("end")
        for name, value in (("sep", sep), ("end", end)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"print 的 {name} 应为文本，实为 {value!r}")
        sink = _current.get() or self._own
        text = sink.partial + (" " if sep is None else sep).join(str(o) for o in objects)
        text += "\n" if end is None else end
        *lines, sink.partial = text.split("\n")
        for line in lines:
            sink.line(line)

    def __call__(self) -> str:
        """``printed``: what this script printed so far (as its log has it)."""
        sink = _current.get() or self._own
        return "".join(f"{line}\n" for line in sink.text) + sink.partial


PRINT_GUARD = ScriptPrinter
"""The ``_print_`` global of the sandbox."""
