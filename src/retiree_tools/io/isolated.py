"""Native parsers run where they cannot take the process down.

python-calamine (Rust) parses .xls and .ods. A damaged record can make it ask for 137 GB and
abort the whole process (exit 134: no Python ``try`` catches that), and a sheet that repeats a
row millions of times takes gigabytes. So each such parse runs in a child interpreter with an
address-space limit (:data:`CHILD_MEMORY`) and a time limit (:data:`CHILD_SECONDS`); the rows
come back marshalled as text. A child that aborts, runs out of memory or out of time is the
input's fault: ``file-hostile`` / ``file-too-large`` for that file, exit 2, and the run goes on
with the next file. The cost is one interpreter start (~0.1 s) per sheet read.
"""

from __future__ import annotations

import json
import marshal
import subprocess
import sys
from pathlib import Path

from retiree_tools.findings.errors import InputError

CHILD_MEMORY = 2 * 1024**3  # address space of the child: a full .xls (65,536 × 256) needs well under this
CHILD_SECONDS = 20.0  # the whole command must end within 30 s on a hostile file

_CHILD = r"""
import io, json, marshal, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
mode, path, sheet = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
try:
    import python_calamine
    if path == "-":
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read()))
    else:
        wb = python_calamine.CalamineWorkbook.from_path(path)
    if mode == "names":
        out = [str(n) for n in wb.sheet_names]
    else:
        sh = wb.get_sheet_by_name(sheet) if sheet else wb.get_sheet_by_index(0)
        start = list(sh.start or (0, 0))
        from retiree_tools.io.cells import cell_text as text

        out = [start, [[text(v) for v in r] for r in sh.to_python(skip_empty_area=True)]]
    data = marshal.dumps(out)
except MemoryError:
    sys.exit(4)
except BaseException as exc:
    sys.stderr.write(type(exc).__name__ + ": " + str(exc)[:300])
    sys.exit(3)
sys.stdout.buffer.write(data)
"""


def _run(mode: str, path: Path, source: str | bytes, sheet: str | None) -> object:
    argv = [sys.executable, "-I", "-c", _CHILD, str(CHILD_MEMORY), mode,
            "-" if isinstance(source, bytes) else source, json.dumps(sheet)]
    try:
        done = subprocess.run(argv, input=source if isinstance(source, bytes) else None, capture_output=True,
                              timeout=CHILD_SECONDS)
    except subprocess.TimeoutExpired:
        raise InputError("file-too-large", str(path), reason="error.parse_timeout",
                         seconds=int(CHILD_SECONDS)) from None
    except OSError as exc:  # no process could be started (out of memory, no fork)
        raise InputError("file-unreadable", str(path), detail=exc.strerror or str(exc)) from None
    if done.returncode == 0:
        try:
            return marshal.loads(done.stdout)
        except (EOFError, ValueError, TypeError):
            raise InputError("file-hostile", str(path), reason="error.native_abort") from None
    if done.returncode == 4:
        raise InputError("file-too-large", str(path), reason="error.parse_memory",
                         limit=CHILD_MEMORY // 1024**3)
    if done.returncode == 3:
        msg = done.stderr.decode("utf-8", "replace").strip()
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise InputError("file-encrypted", str(path))
        if "memory" in msg.lower() or "capacity" in msg.lower():
            raise InputError("file-too-large", str(path), reason="error.parse_memory", limit=CHILD_MEMORY // 1024**3)
        raise InputError("file-unreadable", str(path), detail=msg.split("\n")[-1][:300])
    # killed by a signal (a Rust abort on a failed allocation, a segfault) or another exit
    raise InputError("file-hostile", str(path), reason="error.native_abort")


def sheet_names(path: Path, source: str | bytes) -> list[str]:
    """The sheet names of an .xls/.ods, read in a bounded child process."""
    names = _run("names", path, source, None)
    return [str(n) for n in names]  # type: ignore[union-attr]


def sheet_rows(path: Path, source: str | bytes, sheet: str | None) -> tuple[list[list[str | None]], int, int]:
    """(rows as text, first Excel row, first column index) of ``sheet`` (the first when None)."""
    start, rows = _run("rows", path, source, sheet)  # type: ignore[misc]
    return rows, int(start[0]) + 1, int(start[1])
