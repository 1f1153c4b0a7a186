"""Tables read by their header: the one header scanner every tabular input uses (the transfer
workbook's layout, the catalogue, the targets, the roster, the assigned file), and small side
files read whole as text.

A header row maps each of its cells to a field with a ``match`` function (text → field key or
None). A two-row header (a merged group cell above its sub-headers) is tried as "group + cell"
as well as the cell alone; a cell merged down over both rows takes the upper text. Each field
keeps its first column; later columns naming the same field are reported as duplicates.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retiree_tools.domain.text import clean_value, header_key
from retiree_tools.findings.errors import InputError

Match = Callable[[str], str | None]
Cells = Sequence[str | None]


@dataclass
class Header:
    """A header found by :func:`scan_header`. Column indices are positions in the rows given."""

    index: int  # position in ``rows`` of the (last) header row
    rows: int  # 1, or 2 for a group row above the sub-headers
    columns: dict[str, int]  # field → its first column
    texts: dict[int, str]  # column → header text as written (a group row's text joined with "/")
    duplicates: list[tuple[int, str, int]] = field(default_factory=list)  # (column, text, first column)

    @property
    def fields(self) -> set[str]:
        return set(self.columns)


def alias_match(spec: dict[str, Iterable[str]]) -> Match:
    """A ``match`` for fixed header names: ``{field: (name, alias, …)}`` compared with
    :func:`header_key` (no spaces or punctuation, bracketed notes dropped, case-insensitive)."""
    index = {header_key(a): f for f, aliases in spec.items() for a in aliases}
    return lambda text: index.get(header_key(text))


def map_row(match: Match, cells: Cells, upper: Cells | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """One header row (optionally with the group row above it) → ({column: field}, {column: text})."""
    mapping: dict[int, str] = {}
    texts: dict[int, str] = {}
    width = max(len(cells), len(upper or []))
    cells = list(cells) + [None] * (width - len(cells))
    up_raw = (list(upper) + [None] * (width - len(upper))) if upper is not None else [None] * width
    up_fill = _forward_fill(up_raw)
    for i, cell in enumerate(cells):
        if cell:
            candidates = [cell] + ([f"{up_fill[i]}{cell}"] if up_fill[i] else [])
            shown = f"{up_fill[i]}/{cell}" if up_fill[i] and up_raw[i] != cell else cell
        elif up_raw[i]:
            candidates, shown = [up_raw[i]], up_raw[i]
        else:
            continue
        for cand in candidates:
            key = match(cand)
            if key:
                mapping[i] = key
                break
        texts[i] = clean_value(shown)
    return mapping, texts


def _forward_fill(cells: Cells | None) -> list[str | None]:
    out: list[str | None] = []
    last = None
    for c in cells or []:
        last = c if c else last
        out.append(last)
    return out


def _header(index: int, nrows: int, mapping: dict[int, str], texts: dict[int, str]) -> Header:
    columns: dict[str, int] = {}
    duplicates = []
    for i in sorted(mapping):
        key = mapping[i]
        if key in columns:
            duplicates.append((i, texts.get(i, ""), columns[key]))
            continue
        columns[key] = i
    return Header(index, nrows, columns, texts, duplicates)


def scan_header(rows: Sequence[Cells], match: Match, accept: Callable[[set[str]], bool], *,
                limit: int | None = None, best: bool = False, two_row: bool = False,
                numbers: Sequence[int] | None = None) -> Header | None:
    """The header among the first ``limit`` rows: the first row whose fields ``accept``, or
    with ``best`` the accepted row (or row pair, with ``two_row``) naming the most distinct
    fields (the first on a tie). ``numbers`` are the rows' numbers as Excel shows them: a pair
    must be consecutive rows. None when no row is accepted."""
    found: tuple[int, Header] | None = None
    for idx, cells in enumerate(rows[:limit] if limit is not None else rows):
        single, single_texts = map_row(match, cells)
        cands = [(len(set(single.values())), 1, single, single_texts)]
        consecutive = idx > 0 and (numbers is None or numbers[idx - 1] == numbers[idx] - 1)
        if two_row and consecutive:
            double, double_texts = map_row(match, cells, rows[idx - 1])
            upper_alone, _ = map_row(match, rows[idx - 1])
            score = len(set(double.values()))
            if score > len(set(single.values())) and score > len(set(upper_alone.values())):
                cands.append((score, 2, double, double_texts))
        for score, nrows, mapping, texts in cands:
            if not accept(set(mapping.values())):
                continue
            if not best:
                return _header(idx, nrows, mapping, texts)
            if found is None or score > found[0]:
                found = (score, _header(idx, nrows, mapping, texts))
    return found[1] if found else None


def read_text_table(path: str | Path) -> list[list[str | None]]:
    """All rows of a small side file (catalogue, targets, roster) as text cells."""
    return read_text_rows(path)[1]


def read_text_rows(path: str | Path) -> tuple[int, list[list[str | None]]]:
    """:func:`read_text_table` with the row number (as Excel shows it) of the first row."""
    from retiree_tools.io.source import blank, open_source

    src = open_source(path)
    sheet = src.sheets[0] if src.sheets else None
    peek = src.peek(sheet)
    if not peek.rows:
        raise InputError("file-empty", str(path))
    first = peek.rows[0][0]
    width = max((len(r) for _, r in peek.rows), default=0)
    columns = list(range(peek.col_offset, peek.col_offset + max(width, 1))) if src.kind != "csv" else []
    rows: list[list[str | None]] = []
    with contextlib.suppress(StopIteration):
        for _, frame in src.chunks(sheet, first, columns, peek):
            rows.extend([[None if blank(v) else str(v) for v in r] for r in frame.itertuples(index=False)])
    return first, rows
