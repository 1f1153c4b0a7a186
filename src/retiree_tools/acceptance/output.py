"""Acceptance report files: a deterministic xlsx workbook and a self-contained HTML page.

Both are for the office: ID numbers are written in full. Both are written atomically and
owner-only. The HTML has inline CSS and an inline SVG chart; no script, no external URL.
"""

from __future__ import annotations

from pathlib import Path

from retiree_tools.acceptance.model import (
    COUNT_FIELDS,
    SCOPES,
    AcceptanceReport,
    Row,
    label,
    rate_text,
    status_label,
)
from retiree_tools.findings.errors import InputError
from retiree_tools.io.safe import atomic_path, escape_formula, write_text_atomic

ROW_FIELDS = ("key", "name", "target", "listed", "assigned", "excluded", "review", "rejected", "unknown",
              "missing", "rate", "min_rate", "deadline", "status", "duplicates", "excluded_by_reason")
TOTAL_FIELDS = ("listed", "assigned", "excluded", "review", "rejected", "unknown", "duplicates",
                "duplicate_ids", "people", "target", "missing", "unexpected", "rate")
PERSON_FIELDS = ("id_number", "name", "enterprise", "status", "file", "row", "line", "reason")
HTML_LIST_LIMIT = 1000
CHART_LIMIT = 25
STATUS_COLOURS = {"break": "#7b1fa2", "overdue": "#c62828", "behind": "#ef6c00", "over-target": "#ad8b00",
                  "on-track": "#1565c0", "met": "#2e7d32"}


SUFFIXES = (".xlsx", ".html", ".htm")


def write_report(report: AcceptanceReport, path: str | Path, lang: str = "zh") -> Path:
    """Write ``report`` as .xlsx or .html (by suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(report, path, lang)
    if suffix in (".html", ".htm"):
        write_text_atomic(path, render_html(report, lang))
        return path
    raise InputError("usage", reason="error.output_suffix", allowed=" / ".join(SUFFIXES), name=path.name)


def _reasons_text(d: dict[str, int]) -> str:
    return "；".join(f"{k} {v}" for k, v in d.items())


def row_values(r: Row, lang: str) -> dict[str, object]:
    """A row's cells for the files: counts as numbers, status and reasons in words."""
    d = r.model_dump()
    d["status"] = label(r.status, lang)
    d["excluded_by_reason"] = _reasons_text(r.excluded_by_reason)
    return d


def person_values(p, lang: str) -> dict[str, object]:
    d = p.model_dump()
    d["status"] = status_label(p.status, lang)
    d["reason"] = label(p.reason, lang) if p.reason else ""
    return d


# ---------------------------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------------------------

def write_xlsx(report: AcceptanceReport, path: Path, lang: str = "zh") -> Path:
    from retiree_tools.io.xlsx import xlsxwriter_workbook

    with atomic_path(path) as tmp:
        wb = xlsxwriter_workbook(tmp, mark="acceptance-report")  # no input: directory scans skip it
        cell = {"border": 1, "valign": "top"}
        fmt = {"head": wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                                      "valign": "vcenter"}),
               "pct": wb.add_format({**cell, "num_format": "0.0%"}), "num": wb.add_format(cell),
               "text": wb.add_format({**cell, "num_format": "@"}),
               "wrap": wb.add_format({**cell, "num_format": "@", "text_wrap": True})}
        _summary_sheet(wb, fmt, report, lang)
        for scope in SCOPES:
            rows = [row_values(r, lang) for r in report.rows_of(scope)]
            _table(wb, fmt, label(scope, lang), ROW_FIELDS, rows, lang)
        people = [("missing_people", report.missing_people), ("unexpected_people", report.unexpected_people)]
        for key, plist in people:
            _table(wb, fmt, label(key, lang)[:31], PERSON_FIELDS, [person_values(p, lang) for p in plist], lang)
        dups = [{"id_number": d.id_number, "name": d.name, "count": d.count, "enterprise": o.enterprise,
                 "file": o.file, "row": o.row, "status": status_label(o.status, lang)}
                for d in report.duplicates for o in d.occurrences]
        _table(wb, fmt, label("duplicate_people", lang)[:31],
               ("id_number", "name", "count", "enterprise", "file", "row", "status"), dups, lang)
        brk = [{"kind": label(b.kind, lang), "scope": label(b.scope, lang), "key": b.key, "listed": b.listed,
                "counted": b.counted, "values": _reasons_text(b.values)} for b in report.breaks]
        _table(wb, fmt, label("breaks", lang), ("kind", "scope", "key", "listed", "counted", "values"), brk, lang)
        wb.close()
    return path


def _header(field: str, fields: tuple[str, ...], lang: str) -> str:
    """Column title; ``name`` is a person's name (姓名) in the people lists."""
    return label("person_name" if field == "name" and "id_number" in fields else field, lang)


#: columns that wrap (the widest texts: names of units and enterprises, reasons, paths)
WRAPPED_FIELDS = frozenset(("name", "enterprise", "excluded_by_reason", "reason", "values", "file", "key"))
WIDTH_SAMPLE = 2000  # rows looked at to choose a column's width
SUMMARY_LABEL_WIDTH = 48  # the summary sheet's first column (labels; exclusion reasons wrap)


def _widths(fields: tuple[str, ...], headers: list[str], rows: list[dict]) -> list[float]:
    """Each column's width from its content (the first rows): a number or code whole, a
    wrapped text at most 40 wide; a header wraps to two lines rather than widen its column."""
    from retiree_tools.io.print_setup import column_width, display_width

    out = []
    for f, h in zip(fields, headers, strict=True):
        values = [_shown(r.get(f)) for r in rows[:WIDTH_SAMPLE]]
        width = column_width(values, least=6, most=40 if f in WRAPPED_FIELDS else 60)
        out.append(max(width, min(display_width(h) / 2 + 2, 30)))
    return out


def _shown(v: object) -> str:
    if v is None or isinstance(v, bool):
        return ""
    if isinstance(v, float):
        return f"{v:.1%}" if v <= 10 else f"{v:.2f}"
    return str(v)


def _table(wb, fmt, title: str, fields: tuple[str, ...], rows: list[dict], lang: str) -> None:
    from retiree_tools.io.print_setup import line_count, row_height, xlsxwriter_print_setup

    ws = wb.add_worksheet(title)
    headers = [_header(f, fields, lang) for f in fields]
    widths = _widths(fields, headers, rows)
    head_lines = 1
    for j, (h, width) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(0, j, h, fmt["head"])
        ws.set_column(j, j, width)
        head_lines = max(head_lines, line_count(h, width))
    ws.set_row(0, row_height(head_lines))
    wrapped = [f in WRAPPED_FIELDS for f in fields]
    for i, row in enumerate(rows, start=1):
        lines = 1
        for j, f in enumerate(fields):
            v = row.get(f)
            _cell(ws, i, j, v, fmt, pct=f in ("rate", "min_rate"), wrap=wrapped[j])
            if wrapped[j] and isinstance(v, str) and v:
                lines = max(lines, line_count(v, widths[j]))
        if lines > 1:  # LibreOffice does not grow a row for its wrapped text
            ws.set_row(i, row_height(lines))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(fields) - 1)
    xlsxwriter_print_setup(ws, title_rows=(0, 0))


def _cell(ws, i: int, j: int, v: object, fmt, pct: bool = False, wrap: bool = False) -> None:
    if v is None or v == "":
        ws.write_blank(i, j, None, fmt["text"])  # the table's border
        return
    if isinstance(v, bool):
        ws.write_string(i, j, "是" if v else "否", fmt["text"])
    elif isinstance(v, int | float):
        ws.write_number(i, j, v, fmt["pct"] if pct else fmt["num"])
    else:
        ws.write_string(i, j, str(escape_formula(str(v))), fmt["wrap" if wrap else "text"])


def _summary_sheet(wb, fmt, report: AcceptanceReport, lang: str) -> None:
    """Three columns: label, value, field name (the JSON key, for scripts and tests)."""
    from retiree_tools.io.print_setup import line_count, row_height, xlsxwriter_print_setup

    ws = wb.add_worksheet(label("summary", lang))
    for j, h in enumerate((label("summary", lang), "", "field")):
        ws.write_string(0, j, h, fmt["head"])
    lines: list[tuple[str, object, str]] = [
        (label("as_of", lang), report.as_of, "as_of"),
        (label("min_rate", lang), report.min_rate, "min_rate"),
        (label("verdict", lang), label("verdict_ok" if report.met else "verdict_fail", lang), "met"),
    ]
    t = report.totals
    for f in TOTAL_FIELDS:
        name = label("roster_target" if f == "target" else f, lang)
        lines.append((name, getattr(t, f), f))
    for reason, n in t.excluded_by_reason.items():
        lines.append((f"{label('excluded', lang)}：{reason}", n, "excluded_by_reason"))
    for status, n in report.status_counts().items():
        lines.append((f"{label('status', lang)}：{label(status, lang)}", n, f"status_counts.{status}"))
    for i, (name, value, field) in enumerate(lines, start=1):
        ws.write_string(i, 0, name, fmt["wrap"])  # a reason of exclusion with its documents: long
        _cell(ws, i, 1, value, fmt, pct=field in ("rate", "min_rate"), wrap=True)
        ws.write_string(i, 2, field, fmt["text"])
        n = max(line_count(name, SUMMARY_LABEL_WIDTH), line_count(value, 26) if isinstance(value, str) else 1)
        if n > 1:
            ws.set_row(i, row_height(n))
    ws.set_column(0, 0, SUMMARY_LABEL_WIDTH)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 24)
    ws.freeze_panes(1, 0)
    xlsxwriter_print_setup(ws, title_rows=(0, 0))


# ---------------------------------------------------------------------------------------------
# html
# ---------------------------------------------------------------------------------------------

def chart_rows(rows: list[Row]) -> list[Row]:
    """The rows a chart shows: those with a target; in a scope without targets, the worst
    rows (at most :data:`CHART_LIMIT`)."""
    targeted = [r for r in rows if r.target is not None]
    return targeted or rows


def chart(rows: list[Row], lang: str) -> dict:
    """Geometry of a horizontal bar chart: one bar per row (rate), a dashed tick at its
    threshold; the axis runs from 0 to at least 100%."""
    targeted = any(r.target is not None for r in rows)
    drawn = chart_rows(rows)
    shown = drawn[:CHART_LIMIT]
    label_w, bar_w, bar_h, gap, top = 230, 430, 18, 8, 28
    top_rate = max([1.0] + [min(r.rate or 0, 1.5) for r in shown])
    scale = bar_w / top_rate
    bars = []
    for i, r in enumerate(shown):
        y = top + i * (bar_h + gap)
        rate = r.rate
        width = min(rate, top_rate) * scale if rate is not None else 0
        name = r.name or r.key
        bars.append({"y": y, "width": round(width, 1), "colour": STATUS_COLOURS[r.status],
                     "label": name if len(name) <= 14 else name[:13] + "…", "title": f"{name} {r.key}",
                     "value": rate_text(rate), "status": label(r.status, lang),
                     "tick": round(label_w + r.min_rate * scale, 1)})
    ticks = [{"x": round(label_w + f * scale, 1), "text": f"{int(f * 100)}%"}
             for f in (0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5) if f <= top_rate + 1e-9]
    height = top + len(shown) * (bar_h + gap) + 10
    return {"bars": bars, "ticks": ticks, "label_w": label_w, "bar_h": bar_h, "height": height,
            "width": label_w + bar_w + 150, "bottom": height - 10, "more": len(rows) - len(shown),
            "targeted": targeted}


def progress_chart(progress) -> dict | None:
    """Geometry of the handovers-over-time chart (``acceptance-report --db``): the cumulative
    people handed over week by week (a line with a dot per week), the expected total (dashed),
    and each deadline of the targets as a vertical line with the people due by then."""
    import datetime as dt

    if progress is None:
        return None
    days = [dt.date.fromisoformat(w.week) for w in progress.weeks] + [dt.date.fromisoformat(d.date) for d in progress.deadlines]
    if not days:
        return None
    first, last = min(days), max(days)
    span = max((last - first).days, 7)
    left, width, top, height = 60, 560, 24, 200
    top_n = max([progress.expected, 1] + [w.cumulative for w in progress.weeks])

    def x(day: str) -> float:
        return round(left + (dt.date.fromisoformat(day) - first).days / span * width, 1)

    def y(n: int) -> float:
        return round(top + height - n / top_n * height, 1)

    points = [{"x": x(w.week), "y": y(w.cumulative), "week": w.week, "n": w.handed_over, "cumulative": w.cumulative}
              for w in progress.weeks]
    deadlines = [{"x": x(d.date), "y": y(d.due), "date": d.date, "due": d.due} for d in progress.deadlines]
    return {"points": points, "line": " ".join(f"{p['x']},{p['y']}" for p in points), "deadlines": deadlines,
            "expected_y": y(progress.expected), "expected": progress.expected, "left": left, "right": left + width,
            "top": top, "bottom": top + height, "width": left + width + 140, "height": top + height + 34,
            "first": first.isoformat(), "last": last.isoformat()}


def render_html(report: AcceptanceReport, lang: str = "zh") -> str:
    from importlib import resources

    import jinja2

    text = resources.files("retiree_tools").joinpath("templates/acceptance.html.j2").read_text("utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(text)
    sections = []
    for scope in SCOPES:
        rows = report.rows_of(scope)
        if rows:
            sections.append({"scope": scope, "title": label(scope, lang), "chart": chart(rows, lang),
                             "rows": [row_values(r, lang) | {"rate_text": rate_text(r.rate), "code": r.status,
                                                             "min_rate_text": rate_text(r.min_rate)} for r in rows]})
    lists = [
        ("missing_people", [person_values(p, lang) for p in report.missing_people], ("id_number", "name", "enterprise", "line", "reason")),
        ("unexpected_people", [person_values(p, lang) for p in report.unexpected_people],
         ("id_number", "name", "enterprise", "status", "file", "row", "reason")),
    ]
    dups = [{"id_number": d.id_number, "name": d.name, "count": d.count,
             "where": "；".join(f"{o.enterprise or ''} {o.file or ''}:{o.row or ''} {status_label(o.status, lang)}"
                               for o in d.occurrences)} for d in report.duplicates]
    totals = report.totals.model_dump()
    return template.render(
        lang=lang, L=lambda k, **p: label(k, lang, **p), report=report, sections=sections, totals=totals,
        total_fields=[f for f in TOTAL_FIELDS if f != "rate" and totals[f] is not None], count_fields=COUNT_FIELDS,
        rate_text=rate_text, lists=[(k, rows[:HTML_LIST_LIMIT], fields, len(rows)) for k, rows, fields in lists],
        dups=dups[:HTML_LIST_LIMIT], dup_total=len(dups), limit=HTML_LIST_LIMIT, colours=STATUS_COLOURS,
        status_counts=report.status_counts(), progress=report.progress, progress_chart=progress_chart(report.progress),
        breaks=[{"kind": label(b.kind, lang), "scope": label(b.scope, lang), "key": b.key, "listed": b.listed,
                 "counted": b.counted, "status_values": _reasons_text(b.values)} for b in report.breaks],
    )
