"""Finding the header row below title rows, flattening two-row headers, mapping columns to fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retiree_tools.domain.text import clean_value, header_key, header_key_loose
from retiree_tools.io.source import Peek
from retiree_tools.policy.model import Policy


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


def match_header(policy: Policy, text: str | None) -> str | None:
    if not text:
        return None
    index = policy.header_index
    return index.get(header_key_loose(text)) or index.get(header_key(text))


def _map_row(policy: Policy, cells: list[str | None], upper: list[str | None] | None) -> tuple[dict[int, str], dict[int, str]]:
    """Map one header row (optionally with the group row above it) → {col: field}, {col: text}.

    With a group row, a lower cell is tried alone, then as "group + cell"; a blank lower cell
    (a header merged down over both rows) takes the upper cell's text."""
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
            key = match_header(policy, cand)
            if key:
                mapping[i] = key
                break
        texts[i] = clean_value(shown)
    return mapping, texts


def _forward_fill(cells: list[str | None] | None) -> list[str | None]:
    out: list[str | None] = []
    last = None
    for c in cells or []:
        last = c if c else last
        out.append(last)
    return out


def detect_layout(policy: Policy, peek: Peek) -> Layout | None:
    """The header row is the one (or pair) of the first rows that names the most known fields;
    it must name at least two, one of them 姓名 or 身份证号码. None when no row qualifies."""
    rows = peek.rows
    best: tuple[int, int, int] | None = None  # (score, index, header_rows)
    best_maps: tuple[dict[int, str], dict[int, str]] | None = None
    for idx in range(len(rows)):
        cells = rows[idx][1]
        single, single_texts = _map_row(policy, cells, None)
        cand = [(len(set(single.values())), 1, single, single_texts)]
        if idx > 0 and rows[idx - 1][0] == rows[idx][0] - 1:
            double, double_texts = _map_row(policy, cells, rows[idx - 1][1])
            upper_alone, _ = _map_row(policy, rows[idx - 1][1], None)
            score = len(set(double.values()))
            if score > len(set(single.values())) and score > len(set(upper_alone.values())):
                cand.append((score, 2, double, double_texts))
        for score, nrows, mapping, texts in cand:
            if not ({"name", "id_number"} & set(mapping.values())) or score < 2:
                continue
            if best is None or score > best[0]:
                best = (score, idx, nrows)
                best_maps = (mapping, texts)
    if best is None or best_maps is None:
        return None
    _, idx, nrows = best
    mapping, texts = best_maps
    off = peek.col_offset
    columns: dict[str, int] = {}
    duplicates = []
    for i in sorted(mapping):
        key = mapping[i]
        if key in columns:
            duplicates.append((i + off, texts.get(i, ""), columns[key]))
            continue
        columns[key] = i + off
    header_row = rows[idx][0]
    first_header_row = rows[idx - nrows + 1][0]
    titles = [" ".join(c for c in r[1] if c) for r in rows if r[0] < first_header_row]
    width = max((len(r[1]) for r in rows), default=0)
    return Layout(
        header_row=header_row,
        first_data_row=header_row + 1,
        header_rows=nrows,
        columns=columns,
        headers={i + off: t for i, t in texts.items()},
        duplicates=duplicates,
        title_lines=[t for t in titles if t],
        width=width + off,
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
