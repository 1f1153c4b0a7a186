"""Which files a command reads, and a head start on the first workbook.

This module is light on purpose (no pandas): the commands call :func:`prefetch` before they
import pandas and the checks. It vets the first .xlsx input's container (the same
:func:`containers.check_zip` every input gets, run to its end before any engine sees the file)
and then starts calamine parsing the sheet in a background thread. calamine releases the GIL
while it parses, so the ~0.4 s of imports and policy loading run on the other core instead of
before the parse. :func:`reader.open_source` and :class:`reader.Source` take the results up
(:func:`vetted`, :func:`take_reader`, :func:`take_sheet`); a file that changed in between is
vetted and read again.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from retiree_tools.findings.errors import InputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES | TEXT_SUFFIXES
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 4 * 1024**3


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories expanded to their spreadsheet/CSV files, sorted by name
    (hidden files, Office lock files ``~$…`` and our own outputs are skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if (f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                        and not f.name.startswith((".", "~$"))):
                    out.append(f)
        else:
            out.append(p)
    return out


def load_text_sheet(reader, sheet: str | int):
    """The one way a sheet is parsed: every cell as text, no header row (ours is detected)."""
    return reader.load_sheet(sheet, header_row=None, dtypes="string")


@dataclass
class _Head:
    key: tuple
    kind: str | None = None
    error: InputError | None = None
    sheet: str | None = None  # the sheet asked for; None = the first
    reader: object = None
    loaded: object = None  # the ExcelSheet, or the exception the engine raised
    thread: threading.Thread | None = None
    taken: set = field(default_factory=set)

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None


_head: _Head | None = None


def _key(p: Path) -> tuple | None:
    try:
        st = p.stat()
        return (str(p.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    except OSError:
        return None


def prefetch(files: list[Path], sheet: str | None = None) -> None:
    """Vet the first input when it is a zip-based workbook and start parsing its sheet
    (``sheet``, or the first one) in the background. Never raises: what goes wrong is kept
    and raised where the file is opened for real."""
    global _head
    p = files[0] if files else None
    key = _key(p) if p is not None else None
    if _head is not None and key is not None and _head.key == key and _head.sheet == sheet and not _head.taken:
        return  # already under way (speculate)
    _head = None
    if not files or os.environ.get("RETIREE_TOOLS_NO_PREFETCH"):
        return
    if key is None or not 0 < key[1] <= MAX_FILE_BYTES or p.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    try:
        with p.open("rb") as fh:
            if fh.read(4) != ZIP_MAGIC:
                return
    except OSError:
        return
    from retiree_tools.io.containers import check_zip

    head = _Head(key=key, sheet=sheet)
    try:
        head.kind = check_zip(p)
    except InputError as exc:
        head.error = exc
    _head = head
    if head.kind != "xlsx":
        return

    def parse() -> None:
        try:
            import fastexcel

            head.reader = fastexcel.read_excel(str(p))
            head.loaded = load_text_sheet(head.reader, sheet if sheet is not None else 0)
        except Exception as exc:  # noqa: BLE001 - raised again where the sheet is taken
            head.loaded = exc

    head.thread = threading.Thread(target=parse, name="retiree-tools-prefetch", daemon=True)
    head.thread.start()


# options of validate and assign that take a value (a test keeps this list complete)
VALUED_OPTIONS = frozenset({"--sheet", "--enterprise", "--credit-code", "--annotate", "--max-rows", "--policy",
                            "--lang", "--format", "--catalog", "--output", "-o"})


def speculate(args: list[str]) -> None:
    """Called with the command line before typer is even imported: for ``validate`` and
    ``assign``, prefetch the first input named (and ``--sheet``), so that the parse overlaps
    the ~0.1 s typer, click and pydantic take to start. The command calls :func:`prefetch`
    again with what typer parsed; a wrong guess only costs the work done in vain."""
    try:
        if not args or args[0] not in ("validate", "assign") or "--help" in args:
            return
        sheet, first = None, None
        rest = iter(args[1:])
        for a in rest:
            if a == "--":
                first = next(rest, None)
                break
            if a.startswith("-") and a != "-":
                name, eq, value = a.partition("=")
                if name in VALUED_OPTIONS and not eq:
                    value = next(rest, "")
                if name == "--sheet":
                    sheet = value
                continue
            first = first or a
        if first:
            prefetch(expand_paths([first])[:1], sheet)
    except Exception:  # noqa: BLE001 - only a head start: the command does it all properly
        global _head
        _head = None


def _mine(p: Path) -> _Head | None:
    if _head is None:
        return None
    return _head if _key(p) == _head.key else None


def vetted(p: Path) -> str | None:
    """The container check's verdict for ``p`` if :func:`prefetch` ran it (the kind, or the
    InputError raised again); None when it did not."""
    head = _mine(p)
    if head is None or "vetted" in head.taken:
        return None
    head.taken.add("vetted")
    if head.error is not None:
        raise head.error
    return head.kind


def take_reader(p: Path):
    """The fastexcel reader opened in the background for ``p``, or None."""
    head = _mine(p)
    if head is None or "reader" in head.taken:
        return None
    head.join()
    head.taken.add("reader")
    if isinstance(head.loaded, Exception) and head.reader is None:
        raise head.loaded
    return head.reader


def take_sheet(p: Path, sheet: str | None, sheets: list[str]):
    """The sheet parsed in the background, when it is the one asked for; else None. Raises
    what the engine raised."""
    global _head
    head = _mine(p)
    if head is None or "sheet" in head.taken:
        return None
    wanted = head.sheet if head.sheet is not None else (sheets[0] if sheets else None)
    if sheet is not None and sheet != wanted:
        return None
    head.join()
    head.taken.add("sheet")
    loaded, head.loaded = head.loaded, None
    if isinstance(loaded, Exception):
        raise loaded
    return loaded
