"""The outputs index (out/index.html): every known output listed and linked, the links relative
and resolving, hostile file names escaped, counts from the files, the same bytes every time."""

from __future__ import annotations

import json
import os
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from retiree_tools.acceptance.report import acceptance_report
from retiree_tools.assign.writer import write_assigned
from retiree_tools.findings.errors import InputError
from retiree_tools.forms.outputs_index import render_outputs_index, write_outputs_index
from retiree_tools.forms.render import render_forms
from retiree_tools.texts import tr
from retiree_tools.validate.run import validate_paths

from support.forms_batch import DATE, batch_frame, make_id
from support.paths import SAMPLES


class _Page(HTMLParser):
    """Links (href, enclosing li id), ids, the text, and the lang of the first span of each h2."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.html_lang = ""
        self.items: dict[str, list[str]] = {}  # li.output id → its hrefs
        self._item: str | None = None
        self.h2_langs: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "html":
            self.html_lang = a.get("lang") or ""
        if tag == "li" and "output" in (a.get("class") or "").split():
            self._item = a.get("id") or ""
            self.items[self._item] = []
        if tag == "a" and a.get("href") is not None:
            self.hrefs.append(a["href"] or "")
            if self._item is not None:
                self.items[self._item].append(a["href"] or "")
        if tag == "h2":
            self._in_h2 = True
        elif tag == "span" and self._in_h2:
            self.h2_langs.append(a.get("lang") or "")
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _target(out: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc and not parts.path.startswith("/"), href  # relative
    return out / unquote(parts.path), parts.fragment


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """An out-dir as the pipeline writes it, from the project's own functions."""
    out = tmp_path_factory.mktemp("pipeline") / "out"
    out.mkdir()
    inputs = [SAMPLES / "enterprise_a.xlsx", SAMPLES / "enterprise_b.csv"]
    report = validate_paths(inputs, annotate=out / "annotated")
    (out / "validate.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False), encoding="utf-8")
    frame = batch_frame()
    county_centre = {**frame.iloc[0].to_dict(), "name": "吴十",
                     "id_number": make_id("321002", "19570101", 99), "unit_code": "321002", "unit_name": "广陵区",
                     "unit_level": "county"}
    frame.loc[len(frame)] = county_centre
    assigned = write_assigned(frame, out / "assigned.xlsx")
    render_forms([assigned], out / "forms", date=DATE)
    acceptance_report([assigned], as_of=DATE, outputs=[out / "acceptance.xlsx", out / "acceptance.html"])
    return out


def test_every_output_is_linked_and_every_link_resolves(out: Path) -> None:
    path = write_outputs_index(out, "zh")
    assert path == out / "index.html"
    page = _parse(path.read_text(encoding="utf-8"))
    assert list(page.items) == ["validate", "annotated", "assigned", "forms", "acceptance"]
    targets = set()
    for href in page.hrefs:
        target, fragment = _target(out, href)
        if href.split("#")[0].endswith("/"):
            assert target.is_dir(), href
        else:
            assert target.is_file(), href
        if fragment:  # a county's section in the forms index
            assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), href
        targets.add(target.resolve())
    expected = [out / "validate.json", out / "annotated" / "enterprise_a.annotated.xlsx",
                out / "annotated" / "enterprise_b.annotated.xlsx", out / "assigned.xlsx",
                out / "forms" / "index.html", out / "forms" / "321002_广陵区", out / "forms" / "321003_邗江区",
                out / "forms" / "未分配区县", out / "acceptance.html", out / "acceptance.xlsx"]
    assert [p for p in expected if p.resolve() not in targets] == []
    assert all(_target(out, h)[0].resolve().is_relative_to(out.resolve()) for h in page.hrefs)


def test_counts_come_from_the_files(out: Path) -> None:
    text = "".join(_parse(render_outputs_index(out, "zh")).text)
    summary = json.loads((out / "validate.json").read_text(encoding="utf-8"))["summary"]
    people = json.loads((out / "forms" / "manifest.json").read_text(encoding="utf-8"))["people"]
    assert tr("outputs.validate.counts", "zh", **summary) in text
    assert tr("outputs.validate.counts", "en", **summary) in text  # English beside
    assert tr("outputs.assigned.counts", "zh", **people) in text
    assert tr("outputs.forms.county", "zh", people=5) in text  # 广陵区: 4 in streets + 1 at the county centre
    assert f"名单 {people['total']} 人，已移交 {people['assigned']}" in text  # from acceptance.xlsx
    assert "扬州市红旗机械厂：错误 17" in text  # enterprise_a's annotated copy, from validate.json


def test_english_first_with_lang_en(out: Path) -> None:
    page = _parse(render_outputs_index(out, "en"))
    assert page.html_lang == "en"
    assert page.h2_langs and set(page.h2_langs) == {"en"}
    assert set(_parse(render_outputs_index(out, "zh")).h2_langs) == {"zh-CN"}
    with pytest.raises(ValueError):
        write_outputs_index(out, "fr")


def test_same_inputs_same_bytes(out: Path, tmp_path: Path) -> None:
    first = write_outputs_index(out, "zh").read_bytes()
    os.utime(out / "validate.json", (0, 0))  # times do not matter
    assert write_outputs_index(out, "zh").read_bytes() == first
    moved = tmp_path / "elsewhere" / "out"
    shutil.copytree(out, moved)
    assert write_outputs_index(moved, "zh").read_bytes() == first  # nor where the directory is
    assert str(out).encode() not in first and str(moved).encode() not in first


def test_written_atomically_owner_only(out: Path) -> None:
    path = write_outputs_index(out, "zh")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_hostile_file_names_are_escaped_and_still_link(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "annotated").mkdir(parents=True)
    names = ["<script>.xlsx", 'a"b&c#d?e%20f.xlsx', "x\u202egpj.xlsx", "<img src=x onerror=alert(1)>.annotated.xlsx"]
    for n in names:
        (out / "annotated" / n).write_bytes(b"x")
    (out / "validate.json").write_text(json.dumps({"files": [{"path": "/in/<img src=x onerror=alert(1)>.xlsx",
                                                              "enterprise": "<b>厂</b>", "summary": {"errors": 1, "warnings": 0}}]}),
                                       encoding="utf-8")
    html = write_outputs_index(out, "zh").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;.xlsx" in html and "&lt;b&gt;厂&lt;/b&gt;：错误 1" in html
    assert "\u202e" not in html  # invisible characters are not shown
    page = _parse(html)
    linked = {_target(out, h)[0].name for h in page.items["annotated"] if not h.endswith("/")}
    assert linked == set(names)
    assert all(_target(out, h)[0].is_file() for h in page.items["annotated"] if not h.endswith("/"))


def test_unreadable_files_give_no_counts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "forms").mkdir(parents=True)
    (out / "validate.json").write_text("{not json", encoding="utf-8")
    (out / "acceptance.xlsx").write_bytes(b"PK\x03\x04 broken")
    (out / "forms" / "manifest.json").write_text('{"generator": "someone else"}', encoding="utf-8")
    (out / "assigned.csv").write_text("状态\n", encoding="utf-8")
    page = _parse(write_outputs_index(out, "zh").read_text(encoding="utf-8"))
    assert list(page.items) == ["validate", "assigned", "forms", "acceptance"]
    assert 'class="counts"' not in write_outputs_index(out, "zh").read_text(encoding="utf-8")


def test_empty_directory(tmp_path: Path) -> None:
    html = write_outputs_index(tmp_path, "en").read_text(encoding="utf-8")
    assert tr("outputs.none", "en") in html and not _parse(html).hrefs
    with pytest.raises(InputError):
        write_outputs_index(tmp_path / "missing", "zh")


def test_the_index_command_writes_the_page_and_never_replaces_the_office_own(out: Path, tmp_path: Path) -> None:
    """``retiree-tools index OUT`` (the demo's last step): the page, JSON ``written``; an
    index.html of the office's own is refused (exit 2, JSON error), a missing directory too."""
    import shutil

    from support.cli import run

    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "index.html").unlink(missing_ok=True)
    r = run("index", copy, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"written": str(copy / "index.html")}
    assert "已写出" in r.stderr
    first = (copy / "index.html").read_bytes()
    assert run("index", copy, "-q").returncode == 0 and (copy / "index.html").read_bytes() == first  # ours: rewritten
    (copy / "index.html").write_text("<html>本中心的目录页</html>", encoding="utf-8")
    r = run("index", copy, "--format", "json")
    assert r.returncode == 2 and "拒绝覆盖" in r.stderr and "Traceback" not in r.stderr
    assert json.loads(r.stdout)["error"]["code"] == "usage"
    assert (copy / "index.html").read_text(encoding="utf-8") == "<html>本中心的目录页</html>"
    r = run("index", tmp_path / "missing", "--lang", "en")
    assert r.returncode == 2 and "not a directory" in r.stderr
