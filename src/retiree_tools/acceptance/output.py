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
        fmt = {"head": wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}),
               "pct": wb.add_format({"num_format": "0.0%"}), "text": wb.add_format({"num_format": "@"})}
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


def _table(wb, fmt, title: str, fields: tuple[str, ...], rows: list[dict], lang: str) -> None:
    ws = wb.add_worksheet(title)
    for j, f in enumerate(fields):
        ws.write_string(0, j, _header(f, fields, lang), fmt["head"])
        width = 22 if f in ("id_number", "name", "enterprise", "excluded_by_reason", "key", "values") else 11
        ws.set_column(j, j, width)
    for i, row in enumerate(rows, start=1):
        for j, f in enumerate(fields):
            _cell(ws, i, j, row.get(f), fmt, pct=f in ("rate", "min_rate"))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(fields) - 1)


def _cell(ws, i: int, j: int, v: object, fmt, pct: bool = False) -> None:
    if v is None or v == "":
        return
    if isinstance(v, bool):
        ws.write_string(i, j, "是" if v else "否")
    elif isinstance(v, int | float):
        ws.write_number(i, j, v, fmt["pct"] if pct else None)
    else:
        ws.write_string(i, j, str(escape_formula(str(v))), fmt["text"])


def _summary_sheet(wb, fmt, report: AcceptanceReport, lang: str) -> None:
    """Three columns: label, value, field name (the JSON key, for scripts and tests)."""
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
        ws.write_string(i, 0, name)
        _cell(ws, i, 1, value, fmt, pct=field in ("rate", "min_rate"))
        ws.write_string(i, 2, field)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2, 22)


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
        status_counts=report.status_counts(),
        breaks=[{"kind": label(b.kind, lang), "scope": label(b.scope, lang), "key": b.key, "listed": b.listed,
                 "counted": b.counted, "status_values": _reasons_text(b.values)} for b in report.breaks],
    )
