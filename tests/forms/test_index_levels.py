"""The forms index keeps county and receiving unit apart: a county is a section with a county
heading, each unit a section inside it with a unit heading naming its level — also a unit that
is the county centre itself (level county, same code and name as its county)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from retiree_tools.assign.writer import write_assigned
from retiree_tools.forms.render import level_text, render_forms

from support.forms_batch import DATE, batch_frame, make_id


class _Tree(HTMLParser):
    """Every element as (tag, classes, attrs, ancestors' (tag, classes)) and the text inside
    each heading."""

    VOID = {"meta", "br", "img", "input", "link", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str], dict]] = []
        self.elements: list[tuple[str, set[str], dict, list[tuple[str, set[str]]]]] = []
        self.text: dict[int, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        self.elements.append((tag, classes, a, [(t, c) for t, c, _ in self.stack]))
        if tag not in self.VOID:
            self.stack.append((tag, classes, {"i": len(self.elements) - 1}))

    def handle_endtag(self, tag):
        while self.stack:
            t, _, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        for t, _, meta in self.stack:
            if t in ("h2", "h3"):
                self.text[meta["i"]] = self.text.get(meta["i"], "") + data

    def find(self, tag: str, cls: str) -> list[int]:
        return [i for i, (t, c, _, _) in enumerate(self.elements) if t == tag and cls in c]


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> _Tree:
    tmp = tmp_path_factory.mktemp("levels")
    frame = batch_frame()
    centre = {**frame.iloc[0].to_dict(), "name": "吴十", "id_number": make_id("321002", "19570101", 99),
              "unit_code": "321002", "unit_name": "广陵区", "unit_level": "county"}
    frame.loc[len(frame)] = centre
    out = tmp / "forms"
    render_forms([write_assigned(frame, tmp / "assigned.xlsx")], out, date=DATE)
    t = _Tree()
    t.feed((out / "index.html").read_text(encoding="utf-8"))
    return t


def test_counties_and_units_are_nested_sections(tree: _Tree) -> None:
    counties = tree.find("section", "county")
    units = tree.find("section", "unit")
    assert len(counties) == 3 and len(units) == 4  # 广陵区, 邗江区, no county; 广陵区 itself, 汶河, 东关, 邗上
    for i in units:
        assert ("section", {"county"}) in tree.elements[i][3], "a unit lies inside its county's section"
        assert not any(t == "section" and "unit" in c for t, c in tree.elements[i][3]), "units do not nest"
    heads = {i: tree.elements[i][3] for i in tree.find("h2", "county-head")}
    assert len(heads) == 3 and all(a[-1] == ("section", {"county"}) for a in heads.values())
    for i in tree.find("h3", "unit-head"):
        assert tree.elements[i][3][-1][1] >= {"unit"}, "a unit heading is its unit section's"
    assert not [i for i in tree.find("h2", "county-head") if any("unit" in c for _, c in tree.elements[i][3])]


def test_county_level_unit_heading_differs_from_its_county(tree: _Tree) -> None:
    levels = {tree.elements[i][2].get("data-level") for i in tree.find("section", "unit")}
    assert levels == {"county", "street"}
    centre = [i for i in tree.find("section", "unit") if tree.elements[i][2].get("data-level") == "county"]
    assert len(centre) == 1 and "level-county" in tree.elements[centre[0]][1]
    unit_heads = tree.find("h3", "unit-head")
    county_heads = tree.find("h2", "county-head")
    centre_head = next(i for i in unit_heads if i > centre[0])
    guangling = next(i for i in county_heads if "321002" in tree.text[i])
    assert "321002" in tree.text[centre_head] and "广陵区" in tree.text[centre_head]
    assert tree.text[centre_head] != tree.text[guangling]
    # the level word is in the unit heading (both languages), in no county heading
    for lang in ("zh", "en"):
        word = level_text("county")[lang]
        assert word in tree.text[centre_head]
        assert not [i for i in county_heads if word in tree.text[i]]
    # every unit heading carries its level's word, every county heading does not
    street = level_text("街道")
    assert street["key"] == "street"
    assert all(street["zh"] in tree.text[i] for i in unit_heads if i != centre_head)


def test_level_words() -> None:
    assert level_text("county") == {"key": "county", "zh": "县级", "en": "county-level"}
    assert level_text("区县")["key"] == "county" and level_text("社区")["en"] == "community"
    assert level_text("片区") == {"key": "", "zh": "片区", "en": "片区"}  # unknown: as written
    assert level_text("") == {"key": "", "zh": "", "en": ""}


def test_county_sections_have_anchors(tree: _Tree) -> None:
    ids = [tree.elements[i][2].get("id") for i in tree.find("section", "county")]
    assert ids == ["c-321002", "c-321003", "c-none"]


def test_golden_batch_unchanged_in_shape(tmp_path: Path) -> None:
    """The batch without a county-level unit: every unit a street, under its county."""
    out = tmp_path / "forms"
    render_forms([write_assigned(batch_frame(), tmp_path / "a.xlsx")], out)
    t = _Tree()
    t.feed((out / "index.html").read_text(encoding="utf-8"))
    assert [t.elements[i][2].get("data-level") for i in t.find("section", "unit")] == ["street"] * 3
