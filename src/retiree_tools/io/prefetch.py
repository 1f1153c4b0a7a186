"""A head start on the first workbook: vet its container and parse its sheet on a thread.

The commands start a :class:`Prefetch` for their first .xlsx input before they import pandas
and the checks, and hand it to the library (``Options.prefetch``), which passes it to
:func:`retiree_tools.io.source.open_source`. It runs the same container check every input
gets (:func:`retiree_tools.io.containers.check_zip`, to its end, before any engine sees the
file), then lets calamine parse the sheet in a background thread: calamine releases the GIL,
so the ~0.4 s of imports and policy loading run on the other core instead of before the
parse. The source takes the verdict, the reader and the sheet from the object; a file that
changed in between (size, time or inode) is vetted and read again, a sheet other than the one
parsed is read normally. Nothing is kept in a module global.

This module is light on purpose (no pandas).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from retiree_tools.findings.errors import InputError
from retiree_tools.io.paths import MAX_FILE_BYTES, ZIP_MAGIC
from retiree_tools.io.workers import Worker


def load_text_sheet(reader, sheet: str | int):
    """The one way a sheet is parsed: every cell as text, no header row (ours is detected)."""
    return reader.load_sheet(sheet, header_row=None, dtypes="string")


def file_key(p: Path) -> tuple | None:
    """What identifies the file's content for reuse: resolved path, size, mtime, inode."""
    try:
        st = p.stat()
        return (str(p.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    except OSError:
        return None


@dataclass
class Prefetch:
    """The head start on one workbook. Build it with :meth:`start`; each part (the container
    verdict, the reader, the sheet) is taken once, by the source opened for the same file."""

    key: tuple
    sheet: str | None = None  # the sheet asked for; None = the first
    kind: str | None = None
    error: InputError | None = None
    reader: object = None
    loaded: object = None  # the fastexcel sheet, or the exception the engine raised
    thread: Worker | None = None
    taken: set = field(default_factory=set)

    @classmethod
    def start(cls, path: Path | None, sheet: str | None = None) -> Prefetch | None:
        """Vet ``path`` when it is a zip-based workbook and start parsing ``sheet`` (or the
        first one) in the background. Never raises: what goes wrong is kept and raised where
        the file is opened for real. None when there is nothing to start (not an .xlsx,
        ``RETIREE_TOOLS_NO_PREFETCH`` set)."""
        if path is None or os.environ.get("RETIREE_TOOLS_NO_PREFETCH"):
            return None
        key = file_key(path)
        if key is None or not 0 < key[1] <= MAX_FILE_BYTES or path.suffix.lower() not in (".xlsx", ".xlsm"):
            return None
        try:
            with path.open("rb") as fh:
                if fh.read(4) != ZIP_MAGIC:
                    return None
        except OSError:
            return None
        from retiree_tools.io.containers import check_zip

        head = cls(key=key, sheet=sheet)
        try:
            head.kind = check_zip(path)
        except InputError as exc:
            head.error = exc
        if head.kind == "xlsx":
            head.thread = Worker(lambda: head._parse(str(path)), "retiree-tools-prefetch")
        return head

    def _parse(self, path: str) -> None:
        try:
            import fastexcel

            self.reader = fastexcel.read_excel(path)
            self.loaded = load_text_sheet(self.reader, self.sheet if self.sheet is not None else 0)
        except Exception as exc:  # noqa: BLE001 - raised again where the sheet is taken
            self.loaded = exc

    def join(self) -> None:
        if self.thread is not None:
            self.thread.wait()
            self.thread = None

    def covers(self, p: Path) -> bool:
        """Whether this head start was made for ``p`` as it is now."""
        return file_key(p) == self.key

    def _take(self, p: Path, part: str) -> bool:
        if part in self.taken or not self.covers(p):
            return False
        self.taken.add(part)
        return True

    def vetted(self, p: Path) -> str | None:
        """The container check's verdict for ``p`` (its kind, or the InputError raised
        again); None when this head start is not for ``p`` or the verdict was taken."""
        if not self._take(p, "vetted"):
            return None
        if self.error is not None:
            raise self.error
        return self.kind

    def take_reader(self, p: Path):
        """The fastexcel reader opened in the background for ``p``, or None."""
        if not self._take(p, "reader"):
            return None
        self.join()
        if isinstance(self.loaded, Exception) and self.reader is None:
            raise self.loaded
        return self.reader

    def take_sheet(self, p: Path, sheet: str | None, sheets: list[str]):
        """The sheet parsed in the background when it is the one asked for; else None.
        Raises what the engine raised."""
        wanted = self.sheet if self.sheet is not None else (sheets[0] if sheets else None)
        if sheet is not None and sheet != wanted:
            return None
        if not self._take(p, "sheet"):
            return None
        self.join()
        loaded, self.loaded = self.loaded, None
        if isinstance(loaded, Exception):
            raise loaded
        return loaded
