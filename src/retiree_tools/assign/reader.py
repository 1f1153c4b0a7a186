"""Reading assigned files back (xlsx or csv, as assign wrote them) into one frame keyed by the
contract's column keys: for render-forms and acceptance-report."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from retiree_tools.assign.contract import COLUMNS, KEYS
from retiree_tools.findings.errors import InputError
from retiree_tools.io.tables import alias_match, scan_header


def _header_match():
    """Header text → contract key: the key itself, or its Chinese or English header."""
    return alias_match({key: (key, zh, en) for key, zh, en in COLUMNS})


def read_assigned(paths: Iterable[str | Path], columns: list[str] | None = None) -> pd.DataFrame:
    """Read one or more assigned files (xlsx or csv; directories expanded to their assigned
    files, ``io.paths.scan_paths(…, "assigned")``) into one frame with the contract's keys as
    column names and text values (None for blank). ``columns`` limits the keys read. Raises
    InputError (exit 2) when a file is not an assigned file."""
    from retiree_tools.io.paths import nothing_to_read, scan_paths
    from retiree_tools.io.source import open_source

    found = scan_paths(paths, "assigned")
    files = found.files
    if not files:
        raise nothing_to_read(found.skipped, "error.no_assigned_files")
    frames = []
    match = _header_match()
    for path in files:
        src = open_source(path)
        sheet = src.sheets[0] if src.sheets else None
        peek = src.peek(sheet)
        if not peek.rows:
            raise InputError("file-empty", str(path))
        head_row, cells = peek.rows[0]
        found = scan_header([cells], match, lambda fields: True)
        mapping = {i + peek.col_offset: k for k, i in found.columns.items()}
        missing = {"status", "id_number", "enterprise"} - set(mapping.values())
        if missing:
            raise InputError("file-unreadable", str(path), reason="error.not_assigned_file", missing=", ".join(sorted(missing)))
        wanted = {i: k for i, k in mapping.items() if columns is None or k in columns}
        parts = []
        for _, chunk in src.chunks(sheet, head_row + 1, sorted(wanted), peek):
            chunk = chunk[[c for c in sorted(wanted)]]
            chunk.columns = [wanted[c] for c in sorted(wanted)]
            parts.append(chunk)
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(wanted.values()))
        frame = _unescaped(frame)
        frame = frame[frame.notna().any(axis=1)].reset_index(drop=True)  # blank lines are no people
        for key in (columns or KEYS):
            if key not in frame:
                frame[key] = None
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out = out.astype(object).where(out.notna(), None)
    return out


def _unescaped(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Arrow strings ("" → missing), with the formula-escaping apostrophe that
    :class:`AssignedWriter` added removed, so readers see the enterprise's own text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from retiree_tools.io.safe import unescape_formula_arrow

    out = {}
    for col in frame.columns:
        s = frame[col]
        if hasattr(s.array, "__arrow_array__"):
            arr = pa.array(s.array)
        else:
            arr = pa.array([None if v is None or v != v or v == "" else str(v) for v in s.to_numpy(dtype=object)],
                           type=pa.string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            arr = pc.cast(arr, pa.string())
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
        out[col] = pd.arrays.ArrowExtensionArray(unescape_formula_arrow(arr))
    return pd.DataFrame(out, index=frame.index)
