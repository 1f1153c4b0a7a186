"""The layout of a transfer workbook: which sheet holds the roster, the header row below the
title rows (two-row headers flattened), the column of each field, and the enterprise named in
a title line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retiree_tools.domain.text import clean_value, header_key, header_key_loose
from retiree_tools.findings.errors import InputError
from retiree_tools.io.source import Peek, Source
from retiree_tools.io.tables import scan_header
from retiree_tools.policy.model import Policy
from retiree_tools.validate.recognise import ColumnReport, header_field, recognise


@dataclass
class Layout:
    header_row: int  # Excel row of the last header row
    first_data_row: int
    header_rows: int  # 1 or 2
    columns: dict[str, int]  # field key → absolute column index
    headers: dict[int, str]  # absolute column index → header text as written (flattened)
    duplicates: list[tuple[int, str, int]] = field(default_factory=list)  # (col, header, first col)
    title_lines: list[str] = field(default_factory=list)
    width: int = 0
    recognised: list[ColumnReport] = field(default_factory=list)  # how each column was read
    weak: bool = False  # found by the second look (few field names): a roster sheet is preferred

    @property
    def rank(self) -> tuple[bool, int]:
        """How good a roster header this is, to choose between sheets."""
        return (not self.weak, len(self.columns))


EMITS = ("sheet-not-found", "header-not-found", "sheet-skipped")
_INSTRUCTIONS = re.compile(r"(说明|须知|注意事项|填表要求|填报要求|指南|目录|封面|README|readme|说　明)")


def choose_sheet(src: Source, policy: Policy, wanted: str | None,
                 overrides: dict[str, str] | None = None) -> tuple[str | None, Peek, Layout | None]:
    """The sheet to read: ``wanted`` (sheet-not-found when there is none of that name), else
    the sheet whose header names the most fields, the first that names the policy's
    ``[layout] roster_min_fields`` ending the search."""
    if src.kind == "csv":
        peek = src.peek(None)
        return None, peek, detect_layout(policy, peek, overrides)
    if wanted is not None:
        if wanted not in src.sheets:
            raise InputError("sheet-not-found", str(src.path), sheet=wanted, available="、".join(src.sheets))
        peek = src.peek(wanted)
        return wanted, peek, detect_layout(policy, peek, overrides)
    best = None
    for name in src.sheets:
        peek = src.peek(name)
        layout = detect_layout(policy, peek, overrides)
        score = layout.rank if layout else (False, -1)
        if best is None or score > best[0]:
            best = (score, name, peek, layout)
        if layout is not None and not layout.weak and score[1] >= policy.layout.roster_min_fields:
            break  # the roster sheet: stop looking
    if best is None:
        raise InputError("file-empty", str(src.path))
    return best[1], best[2], best[3]


def roster_sheets(src: Source, policy: Policy, wanted: str | None, overrides: dict[str, str] | None = None
                  ) -> tuple[list[tuple[str | None, Peek, Layout | None]], list[tuple[str, str]]]:
    """Every sheet to read as a roster, each its own batch: ``wanted`` alone when given; else
    every sheet whose header names the policy's ``[layout] roster_min_fields`` fields (the best
    sheet when none does). Also (sheet, why) of the sheets that hold something but are not
    read: instructions (填表说明 …) and sheets without a roster header."""
    if src.kind == "csv" or wanted is not None or len(src.sheets) <= 1:
        return [choose_sheet(src, policy, wanted, overrides)], []
    seen = []
    for name in src.sheets:
        peek = src.peek(name)
        seen.append((name, peek, detect_layout(policy, peek, overrides)))
    rosters = [t for t in seen if t[2] is not None and len(t[2].columns) >= policy.layout.roster_min_fields]
    if not rosters:
        best = max(seen, key=lambda t: t[2].rank if t[2] else (False, -1))
        rosters = [best]
    chosen = {t[0] for t in rosters}
    skipped = [(name, "instructions" if _INSTRUCTIONS.search(name) or _looks_like_text(peek) else "no_roster")
               for name, peek, _ in seen if name not in chosen and peek.rows]
    return rosters, skipped


def _looks_like_text(peek: Peek) -> bool:
    """A sheet of sentences (instructions): few columns, long texts."""
    cells = [c for _, r in peek.rows for c in r if isinstance(c, str) and c.strip()]
    return bool(cells) and sum(len(c) > 15 for c in cells) >= 0.5 * len(cells)


def match_header(policy: Policy, text: str | None) -> str | None:
    if not text:
        return None
    index = policy.header_index
    return index.get(header_key_loose(text)) or index.get(header_key(text))


def _is_roster_header(fields: set[str]) -> bool:
    """A header of the roster names at least two fields, one of them 姓名 or 身份证号码."""
    return bool({"name", "id_number"} & fields) and len(fields) >= 2


WEAK_MIN_FIELDS = 3  # a row naming this many fields by their exact headers is a header, whatever they are
_HEADER_CELL_CHARS = 20  # a header cell is short; a longer text is a sentence (instructions)
_SENTENCE = re.compile(r"[。！？；;]")


def _header_like(cells: list[str | None]) -> bool:
    """A row that could be a header: some text, every cell short and no sentence."""
    texts = [clean_value(str(c)) for c in cells if c not in (None, "")]
    return bool(texts) and all(len(t) <= _HEADER_CELL_CHARS and not _SENTENCE.search(t) for t in texts)


def _weak_header(policy: Policy, rows: list[tuple[int, list[str | None]]]):
    """The second look, when no row names two fields one of them 姓名 or 身份证号码 (so that the
    report says which required columns are missing instead of "no header"): the first
    header-like row that names, by exact header or alias, 姓名 or 身份证号码 (whatever its other
    cells say), or at least WEAK_MIN_FIELDS fields. Words and content are not used here: a
    sentence or a row of values is no header."""
    def accept(fields: set[str]) -> bool:
        return bool({"name", "id_number"} & fields) or len(fields) >= WEAK_MIN_FIELDS

    candidates = [cells if _header_like(cells) else [] for _, cells in rows]
    return scan_header(candidates, lambda t: match_header(policy, t), accept, numbers=[n for n, _ in rows])


def _header_texts(cells: list[str | None], upper: list[str | None] | None, off: int) -> dict[int, list[str]]:
    """What each header cell may be read as: the cell alone, then with its group cell above
    (a two-row header), or the upper cell where the lower one is blank (merged down)."""
    out: dict[int, list[str]] = {}
    group = None
    width = max(len(cells), len(upper or []))
    for i in range(width):
        cell = cells[i] if i < len(cells) else None
        up = upper[i] if upper is not None and i < len(upper) else None
        group = up or group
        if cell:
            out[i + off] = [cell] + ([f"{group}{cell}"] if upper is not None and group else [])
        elif up:
            out[i + off] = [up]
    return out


def detect_layout(policy: Policy, peek: Peek, overrides: dict[str, str] | None = None) -> Layout | None:
    """The header row is the one (or pair) of the first rows that names the most known fields
    (by exact header or by its words); it must name at least two, one of them 姓名 or
    身份证号码. When none does, a short row naming 姓名 or 身份证号码 (or three fields) by their
    exact headers is the header (``weak``: the missing required columns are then reported).
    The columns are then mapped by header and content together (see
    :mod:`retiree_tools.validate.recognise`). None when no row qualifies."""
    rows = peek.rows
    found = scan_header([cells for _, cells in rows], lambda t: header_field(policy, t), _is_roster_header,
                        best=True, two_row=True, numbers=[n for n, _ in rows])
    weak = found is None
    if weak:
        found = _weak_header(policy, rows)
    if found is None:
        return None
    off = peek.col_offset
    header_row = rows[found.index][0]
    first_header_row = rows[found.index - found.rows + 1][0]
    titles = [" ".join(c for c in r[1] if c) for r in rows if r[0] < first_header_row]
    width = max((len(r[1]) for r in rows), default=0)
    texts = {i + off: t for i, t in found.texts.items()}
    candidates = _header_texts(rows[found.index][1], rows[found.index - 1][1] if found.rows == 2 else None, off)
    body = [cells for _, cells in rows[found.index + 1:]]
    columns, duplicates, reports = recognise(policy, texts, body, off, overrides, candidates)
    return Layout(
        header_row=header_row,
        first_data_row=header_row + 1,
        header_rows=found.rows,
        columns=columns,
        headers=texts,
        duplicates=duplicates,
        title_lines=[t for t in titles if t],
        width=width + off,
        recognised=reports,
        weak=weak,
    )


_ENTERPRISE = re.compile(r"(?:填报单位|移交单位|单位名称|企业名称|填报企业)[:：]\s*(?P<v>[^\s:：（(]+)")
_CREDIT = re.compile(r"(?:统一社会信用代码|信用代码)[:：]\s*(?P<v>[0-9A-Za-z]{15,20})")


def enterprise_from_titles(lines: list[str]) -> tuple[str | None, str | None]:
    """``填报单位：扬州市红旗机械厂（盖章）  统一社会信用代码：9132…`` → (name, credit code)."""
    name = code = None
    for line in lines:
        text = clean_value(line)
        m = _ENTERPRISE.search(text)
        if m and not name:
            name = m.group("v")
        m = _CREDIT.search(text)
        if m and not code:
            code = m.group("v").upper()
    return name, code
