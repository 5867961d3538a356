"""Writing a command's result: to the file ``-o`` names, else to standard output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from ..errors import PerfrubricError

__all__ = ["emit"]


def emit(result: str | bytes, output: str | None, out: TextIO) -> None:
    """Write *result* to the file *output*, else to *out* (bytes only to a redirected stdout).

    Binary output (xlsx, docx) to a terminal is refused with a message asking
    for ``-o FILE``; a file that cannot be written is a :class:`PerfrubricError`.
    """
    if output:
        try:
            if isinstance(result, bytes):
                Path(output).write_bytes(result)
            else:
                Path(output).write_text(result, encoding="utf-8")
        except OSError as exc:
            raise PerfrubricError(f"cannot write {output}: {exc.strerror}") from None
    elif isinstance(result, bytes):
        if out is sys.stdout and not sys.stdout.isatty():
            sys.stdout.flush()
            sys.stdout.buffer.write(result)
        else:
            raise PerfrubricError("xlsx output is binary (docx too): give a file with -o FILE, "
                                  "or redirect standard output to a file")
    else:
        out.write(result)
