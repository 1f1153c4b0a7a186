"""acceptance-report files: the HTML page in a real headless browser, hostile text escaped in the
HTML and the xlsx, and the chart drawing what the rows say."""

from __future__ import annotations

import re
from datetime import date

from retiree_tools.acceptance.output import chart, render_html, write_report
from retiree_tools.acceptance.report import acceptance_report

from support.acceptance_data import (
    ENT_A,
    ENT_B,
    assigned,
    people,
    person,
    pid,
    roster_csv,
    targets_csv,
)
from support.browser import screenshot


def _report(tmp_path, lang: str = "zh"):
    a = assigned(tmp_path / "a.xlsx", people(0, 18) + people(18, 2, status="excluded", unit=None)
                 + [person(20, status="review", unit=None), person(21, status="rejected", unit=None)])
    b = assigned(tmp_path / "b.csv", people(30, 9, enterprise=ENT_B, unit="321003001000", file="b.csv")
                 + [person(39, enterprise=ENT_B, id_number=pid(3), file="b.csv")])
    t = targets_csv(tmp_path / "t.csv", [["enterprise", ENT_A, "", 22, "2025-06-30", ""],
                                          ["enterprise", ENT_B, "", 9, "2025-12-31", ""],
                                          ["unit", "321002", "广陵区", 20, "2025-12-31", "95%"],
                                          ["unit", "321003", "邗江区", 12, "2025-12-31", ""],
                                          ["unit", "321084", "高邮市", 6, "2025-12-31", ""]])
    r = roster_csv(tmp_path / "r.csv", [(pid(n), f"人员{n}", ENT_A) for n in range(23)])
    return acceptance_report([a, b], targets=t, roster=r, as_of=date(2025, 7, 15), lang=lang)


def test_html_in_a_real_browser(tmp_path):
    rep = _report(tmp_path)
    html = write_report(rep, tmp_path / "report.html")
    png = screenshot(html, tmp_path / "report.png", size="1240,2400")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 30_000  # a page with text, tables and bars, not a blank one


def test_html_english(tmp_path):
    rep = _report(tmp_path, lang="en")
    html = render_html(rep, "en")
    assert '<html lang="en">' in html and "Acceptance report" in html and "Handed over" in html
    assert "(none)" in html


def test_hostile_names_are_escaped(tmp_path):
    evil = "<script>alert(1)</script>厂"
    formula = "=HYPERLINK(\"http://x\",\"y\")"
    a = assigned(tmp_path / "a.csv", [person(0, enterprise=evil), person(1, enterprise=formula)])
    rep = acceptance_report([a], as_of=date(2025, 7, 1))
    html = render_html(rep, "zh")
    assert "<script>" not in html and "&lt;script&gt;" in html
    out = write_report(rep, tmp_path / "r.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(out)
    values = [c.value for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value is not None]
    assert evil in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert "'" + formula in values


def test_chart_bars_follow_the_rates(tmp_path):
    rep = _report(tmp_path)
    county = chart(rep.rows_of("county"), "zh")
    drawn = {b["label"]: b for b in county["bars"]}
    assert set(drawn) == {"广陵区", "邗江区", "高邮市"}  # rows with a target only
    assert drawn["高邮市"]["width"] == 0 and drawn["高邮市"]["value"] == "0.0%"
    # bars and threshold ticks share one scale: the 0% … 100% axis ticks
    axis = {t["text"]: t["x"] for t in county["ticks"]}
    left, full = axis["0%"], axis["100%"]
    assert left == county["label_w"] and full > left
    scale = full - left  # pixels per 100%
    rows = {r.name: r for r in rep.rows_of("county")}
    for name, bar in drawn.items():
        r = rows[name]
        assert abs(bar["width"] - (r.rate or 0) * scale) < 0.2, name
        assert abs(bar["tick"] - (left + r.min_rate * scale)) < 0.2, name
    # 广陵区's target asks 95%, the others the default 100%: the ticks sit there
    assert rows["广陵区"].min_rate == 0.95 and abs(drawn["广陵区"]["tick"] - (left + 0.95 * scale)) < 0.2
    assert abs(drawn["邗江区"]["tick"] - full) < 0.2 and abs(drawn["高邮市"]["tick"] - full) < 0.2
    assert drawn["邗江区"]["width"] > 0
    html = render_html(rep, "zh")
    assert len(re.findall(r"<rect ", html)) == sum(len(chart(rep.rows_of(s), "zh")["bars"])
                                                   for s in ("enterprise", "county", "unit"))
    # the page draws each tick where the geometry says
    for bar in county["bars"]:
        assert f'x1="{bar["tick"]}"' in html, bar["label"]
