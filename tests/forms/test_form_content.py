"""What the forms say follows the person and the run: registration numbers unique within a
receiving unit across enterprises (and the same on a second run), no 人事档案 service on the
card of a person whose file stays, a signature line for every party keeping a copy of the
agreement, Chinese reasons on the receipts, the 合计 once (no <tfoot>), a receipt for people no
county receives without a 接收方 stamp line."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from retiree_tools.forms.plan import finding_titles, reason_zh
from retiree_tools.forms.render import render_forms

from support.forms_batch import DATE, DONGGUAN, batch_frame, write_batch


def _render(tmp_path: Path, frame: pd.DataFrame | None = None, name: str = "forms") -> tuple[Path, dict]:
    out = tmp_path / name
    src = write_batch(tmp_path / ("in-" + name), ".xlsx", frame)
    return out, render_forms([src], out, date=DATE)


def _files(out: Path, manifest: dict, kind: str) -> list[tuple[dict, str]]:
    return [(f, (out / f["path"]).read_text(encoding="utf-8")) for f in manifest["files"]
            if f["kind"] == kind and f["format"] == "html"]


def _numbers(out: Path, manifest: dict) -> dict[str, list[str]]:
    by_unit: dict[str, list[str]] = {}
    for f, html in _files(out, manifest, "registration"):
        by_unit.setdefault(f["unit_code"], []).extend(re.findall(r"编号：([^<]+)</span>", html))
    return by_unit


def test_registration_numbers_unique_per_unit_and_stable(tmp_path: Path) -> None:
    frame = batch_frame()
    # a third enterprise for 东关街道, listed first in the file, sorted last by name
    extra = frame.iloc[[2]].copy()
    extra["enterprise"], extra["name"], extra["id_number"] = "扬州市第二纺织厂", "吴十", "32100219570101001X"
    for k, v in DONGGUAN.items():
        extra[k] = v
    frame = pd.concat([extra, frame], ignore_index=True)
    out1, m1 = _render(tmp_path, frame, "one")
    out2, m2 = _render(tmp_path, frame, "two")
    numbers = _numbers(out1, m1)
    dongguan = numbers[DONGGUAN["unit_code"]]
    assert len(dongguan) == 3 and len(set(dongguan)) == 3, dongguan
    for unit, nos in numbers.items():
        assert sorted(nos) == [f"{unit}-{n:03d}" for n in range(1, len(nos) + 1)], (unit, nos)
    assert _numbers(out2, m2) == numbers
    # enterprises by name (../../evil, 扬州市第一机械厂, 扬州市第二纺织厂), rows in file order
    enterprises = [re.search(r"移交单位：([^<]+)</span><span>编号：" + re.escape(no), html).group(1)
                   for no in dongguan for _, html in _files(out1, m1, "registration") if "编号：" + no + "<" in html]
    assert enterprises == ["../../evil", "扬州市第一机械厂", "扬州市第二纺织厂"]


def test_card_lists_file_service_only_where_the_file_moves(tmp_path: Path) -> None:
    out, manifest = _render(tmp_path)
    seen = {"是": 0, "否": 0}
    frame = batch_frame().set_index("name")
    for _, html in _files(out, manifest, "card"):
        for card in html.split('<div class="card">')[1:]:
            name = re.search(r"<th>姓　　名</th><td[^>]*>([^<]*)</td>", card).group(1)
            name = name.replace("&lt;", "<").replace("&gt;", ">")
            moves = frame.loc[name, "file_transfer"]
            seen[moves] += 1
            assert ("人事档案集中管理" in card) == (moves == "是"), name
            assert "养老金按时足额发放" in card
    assert seen["是"] >= 3 and seen["否"] == 1


def test_agreement_signed_by_every_party_keeping_a_copy(tmp_path: Path) -> None:
    out, manifest = _render(tmp_path)
    for f, html in _files(out, manifest, "agreement"):
        pages = html.split('<section class="page agreement">')[1:]
        assert len(pages) == f["people"]
        for page in pages:
            assert "一式三份，甲方、乙方及原工作单位各执一份，自各方签字（盖章）之日起生效" in page
            assert "双方签字" not in page  # three parties sign, not two
            signs = page[page.index('<div class="signs">'):]
            for party in ("甲方（盖章）", "乙方（签字）", "原工作单位（盖章）"):
                assert party in signs, party


def test_rejected_reasons_in_chinese() -> None:
    assert finding_titles("id-checksum;date-order") == ["身份证号码校验位错误", finding_titles("date-order")[0]]
    rec = {"status": "rejected", "reason": "数据有错误，未分配：id-checksum", "findings": "id-checksum"}
    assert reason_zh(rec) == "数据有错误，退回补正：身份证号码校验位错误"
    # only the reason names the codes (an older assigned file)
    assert reason_zh({**rec, "findings": ""}) == "数据有错误，退回补正：身份证号码校验位错误"
    # an unknown code is not printed
    assert not re.search(r"[a-z]+-[a-z]+", reason_zh({**rec, "findings": "no-such-code", "reason": "x: no-such-code"}))
    assert reason_zh({"status": "excluded", "reason": "离休人员，保持现行管理"}) == "离休人员，保持现行管理"


def test_receipts_summary_total_and_unplaced(tmp_path: Path) -> None:
    frame = batch_frame()
    bad = frame.iloc[[0]].copy()
    bad["name"], bad["status"], bad["findings"] = "错八", "rejected", "id-checksum"
    bad["reason"] = "数据有错误，未分配：id-checksum"
    for k in ("county_code", "county_name", "unit_code", "unit_name", "unit_level"):
        bad[k] = ""
    out, manifest = _render(tmp_path, pd.concat([frame, bad], ignore_index=True))
    receipts = dict((f["path"], html) for f, html in _files(out, manifest, "receipt"))
    unplaced = receipts["未分配区县/receipt_扬州市第一机械厂.html"]
    body = unplaced[unplaced.index("<body"):]
    assert "身份证号码校验位错误" in body and "id-checksum" not in body
    assert "接收方（盖章）" not in body and "未分配接收区县" in body and "移交材料" not in body
    assert "移交方（盖章）" in body
    placed = receipts["321002_广陵区/receipt_扬州市第一机械厂.html"]
    assert "接收方（盖章）" in placed and "移交材料" in placed
    for _, html in _files(out, manifest, "summary"):
        body = html[html.index("<body"):]
        assert "<tfoot" not in body and body.count("合计：") == 1
        # the signature block sits in the last row group, with the last rows and the total
        end = body[body.index('<tbody class="end">'):]
        assert "合计：" in end and "移交单位（盖章）" in end and "<td class=\"c nw\">" in end


def test_forms_identical_on_a_second_run(tmp_path: Path) -> None:
    out1, m1 = _render(tmp_path, name="a")
    out2, m2 = _render(tmp_path, name="b")
    assert [(f["path"], f["sha256"]) for f in m1["files"] if f["format"] == "html"] == \
        [(f["path"], f["sha256"]) for f in m2["files"] if f["format"] == "html"]
