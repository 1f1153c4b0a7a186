"""Which files a command reads: suffixes, directory expansion, and the size bound of an input.

Light on purpose (no pandas): the commands call it before the heavy imports."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

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
