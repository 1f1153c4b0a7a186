"""assign reads an address by meaning: corner and "near" addresses, places of rival units, a
community with its own street, a unit named twice; and where a party member living outside the
receiving area is sent. Real workbooks against the sample catalogue (samples/catalog.csv,
Yangzhou): 东关街 is a keyword of 东关街道, 淮海路 of 汶河街道 (two streets of 广陵区), 宋都社区 a
community of 东关街道 (keyword 宋都), 文昌中路 a road listed for both streets."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from support.cli import run
from support.factory import FILLER, HEADERS, TITLE, person

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CATALOG = SAMPLES / "catalog.csv"
PARTY = ["是否党员", "是否返聘", "外出半年以上"]

GUANGLING, DONGGUAN, WENHE, SONGDU = "321002", "321002001000", "321002002000", "321002001901"
NEAR = "居住地址以路口或附近地点描述，涉及多个接收单位（{}），请人工确定"
BOTH = "居住地址同时匹配多个接收单位（{}），请人工确定"
OUTSIDE = "居住地党组织（需人工转接）"

ADDRESSES = [
    # (现居住地址, status, unit code, flags, reason)
    # a corner of, or a building near, roads of two streets: whatever the lengths of the names
    ("扬州市广陵区东关街与淮海路交叉口", "review", None, ["ambiguous_unit"], NEAR.format("东关街道、汶河街道")),
    ("扬州市广陵区东关街淮海路口", "review", None, ["ambiguous_unit"], NEAR.format("东关街道、汶河街道")),
    ("扬州市广陵区淮海路和东关街交汇处", "review", None, ["ambiguous_unit"], NEAR.format("东关街道、汶河街道")),
    ("扬州市广陵区淮海路18号东关街附近", "review", None, ["ambiguous_unit"], NEAR.format("东关街道、汶河街道")),
    ("扬州市广陵区淮海路18号，靠近东关街", "review", None, ["ambiguous_unit"], NEAR.format("东关街道、汶河街道")),
    ("扬州市广陵区淮海路与曲江路交叉口", "review", None, ["ambiguous_unit"], NEAR.format("汶河街道、曲江街道")),
    # without a marker too: two streets named in two places (淮海路 is the longer name)
    ("扬州市广陵区东关淮海路18号", "review", None, ["ambiguous_unit"], BOTH.format("东关街道、汶河街道")),
    # a community and another street's name
    ("扬州市广陵区汶河街道宋都社区8幢101室", "review", None, ["ambiguous_unit"], BOTH.format("宋都社区、汶河街道")),
    # a road listed for two streets: the street named decides; alone it stays ambiguous
    ("扬州市广陵区东关街道文昌中路8号", "assigned", DONGGUAN, [], None),
    ("扬州市广陵区文昌中路8号", "review", None, ["ambiguous_unit"], BOTH.format("东关街道、汶河街道")),
    # a community and its own street are not rivals: the community wins
    ("扬州市广陵区东关街道宋都社区5幢101室", "assigned", SONGDU, [], None),
    ("扬州市广陵区东关街道宋都路12号", "assigned", SONGDU, [], None),
    # ... but a corner or "near" address names the community only by its road: not known
    ("扬州市广陵区宋都路与东关街交叉口", "review", None, ["ambiguous_unit"], NEAR.format("东关街道、宋都社区")),
    ("扬州市广陵区东关街道，宋都路附近", "review", None, ["ambiguous_unit"], NEAR.format("东关街道、宋都社区")),
    # ... unless the community is named by its own name
    ("扬州市广陵区东关街道宋都社区，靠近东关街", "assigned", SONGDU, [], None),
    # one unit named twice is one unit, with or without a marker
    ("扬州市广陵区东关街道东关街12号", "assigned", DONGGUAN, [], None),
    ("扬州市广陵区东关街与个园交叉口", "assigned", DONGGUAN, [], None),
    ("扬州市广陵区四望亭路与淮海路交叉口", "assigned", WENHE, [], None),
    # near one place only: that place's unit
    ("扬州市广陵区东关街附近", "assigned", DONGGUAN, [], None),
]

MEMBERS = [
    # (现居住地址, 是否党员, 是否返聘, 外出半年以上, unit code, flags, party_org)
    ("扬州市广陵区汶河街道四望亭路1号", "是", "否", "否", WENHE, [], "汶河街道党组织"),
    ("南京市玄武区珠江路1号", "是", "否", "否", GUANGLING, ["resides_elsewhere", "party_outside"], OUTSIDE),
    ("扬州市广陵区某某小区3幢", "是", "否", "否", GUANGLING, ["unit_unresolved", "party_outside"], OUTSIDE),
    ("南京市玄武区珠江路2号", "是", "是", "否", GUANGLING, ["resides_elsewhere"], "原单位党组织"),
    ("南京市玄武区珠江路3号", "是", "否", "是", GUANGLING, ["resides_elsewhere"], "外出务工经商所在地党组织"),
    ("南京市玄武区珠江路4号", "否", "否", "否", GUANGLING, ["resides_elsewhere"], None),
]


def write_book(path: Path, rows: list[list]) -> Path:
    """The factory's workbook (title, filler, header) with the party columns appended."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "移交名单"
    ws.append([TITLE])
    ws.append([FILLER])
    ws.append([*HEADERS, *PARTY])
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=4, min_col=HEADERS.index("身份证号码") + 1, max_col=HEADERS.index("身份证号码") + 1):
        for cell in row:
            cell.number_format = "@"
    wb.save(path)
    return path


def people(tmp: Path, rows: list[list], *extra: str, catalog: Path = CATALOG) -> list[dict]:
    book = write_book(tmp / "in.xlsx", rows)
    r = run("assign", book, "--catalog", catalog, "--format", "json", "-q", "--show-pii", *extra)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)["people"]


@pytest.fixture(scope="module")
def addressed(tmp_path_factory) -> list[dict]:
    rows = [[*person(i, 现居住地址=addr), "否", "否", "否"] for i, (addr, *_) in enumerate(ADDRESSES, start=1)]
    return people(tmp_path_factory.mktemp("addresses"), rows)


@pytest.mark.parametrize("k", range(len(ADDRESSES)), ids=[f"{k:02d}-{a[1]}" for k, a in enumerate(ADDRESSES)])
def test_address(addressed, k):
    addr, status, unit, flags, reason = ADDRESSES[k]
    p = addressed[k]
    assert p["row"] == 4 + k
    assert (p["status"], p["county_code"], p["unit_code"], p["rule"], p["flags"], p["reason"]) == \
        (status, GUANGLING, unit, "medical_insurance", flags, reason)
    if status == "review":
        assert p["party_org"] is None and p["file_transfer"] is False


def test_evidence_names_the_deciding_place(addressed):
    by = {a[0]: p for a, p in zip(ADDRESSES, addressed, strict=True)}
    assert by["扬州市广陵区东关街道宋都社区5幢101室"]["evidence"] == "医保关系所在地：广陵区；长期居住地：宋都社区"
    assert by["扬州市广陵区东关街道宋都路12号"]["evidence"] == "医保关系所在地：广陵区；长期居住地：宋都"
    assert by["扬州市广陵区东关街道文昌中路8号"]["evidence"] == "医保关系所在地：广陵区；长期居住地：东关街道"
    assert by["扬州市广陵区东关街与淮海路交叉口"]["evidence"] == "医保关系所在地：广陵区"


def test_english_reason(tmp_path):
    rows = [[*person(1, 现居住地址="扬州市广陵区东关街与淮海路交叉口"), "否", "否", "否"],
            [*person(2, 现居住地址="扬州市广陵区东关淮海路18号"), "否", "否", "否"]]
    got = [p["reason"] for p in people(tmp_path, rows, "--lang", "en")]
    assert got == ["the address is given by a corner or a nearby place and names several units (东关街道、汶河街道); decide by hand",
                   "the address matches several units equally (东关街道、汶河街道); decide by hand"]


def test_a_marker_inside_a_catalogue_name_is_no_marker(tmp_path):
    """A (made-up) community whose keyword holds 路口: 东关街道三路口 names it plainly."""
    rows = list(csv.reader(CATALOG.open(encoding="utf-8-sig")))
    rows.append(["321002001990", "三路口社区", "community", DONGGUAN, "三路口", "", "", ""])
    cat = tmp_path / "catalog.csv"
    with cat.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    book = [[*person(1, 现居住地址="扬州市广陵区东关街道三路口5号"), "否", "否", "否"],
            [*person(2, 现居住地址="扬州市广陵区东关街道三路口附近"), "否", "否", "否"]]
    got = [(p["status"], p["unit_code"], p["reason"]) for p in people(tmp_path, book, catalog=cat)]
    assert got == [("assigned", "321002001990", None),
                   ("review", None, NEAR.format("东关街道、三路口社区"))]


def test_party_member_outside_the_receiving_area(tmp_path):
    rows = [[*person(i, 现居住地址=addr), member, rehired, away]
            for i, (addr, member, rehired, away, *_) in enumerate(MEMBERS, start=1)]
    got = people(tmp_path, rows)
    assert [(p["status"], p["unit_code"], p["flags"], p["party_org"]) for p in got] == \
        [("assigned", unit, flags, org) for *_, unit, flags, org in MEMBERS]


def test_party_residence_destination_is_policy(tmp_path):
    (tmp_path / "local.toml").write_text('[assign.party]\nresidence_destination = "居住地街道党工委（人工转接）"\n',
                                         encoding="utf-8")
    rows = [[*person(1, 现居住地址="南京市玄武区珠江路1号"), "是", "否", "否"],
            [*person(2, 现居住地址="扬州市广陵区汶河街道四望亭路1号"), "是", "否", "否"]]
    got = people(tmp_path, rows, "--policy", tmp_path / "local.toml")
    assert [(p["party_org"], p["flags"]) for p in got] == [("居住地街道党工委（人工转接）", ["resides_elsewhere", "party_outside"]),
                                                          ("汶河街道党组织", [])]
