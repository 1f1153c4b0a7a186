"""The head start on the first workbook (io.prefetch.Prefetch) and the threaded container screen:
same verdicts and same results as the plain path, hostile files still refused before any
engine parses them, and a file changed in between read again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from retiree_tools.findings.errors import InputError
from retiree_tools.io import containers, workers
from retiree_tools.io.prefetch import Prefetch
from retiree_tools.policy import load_policy
from retiree_tools.validate.run import Options, validate_paths

from hostile.make_corpus import write_zip, xlsx_parts
from support.factory import person, write_openpyxl


def _big_sheet(far: str | None, odd_cell: bool = False, rows: int = 45_000) -> bytes:
    """A sheet of random text big enough for the screened (>16 MiB) and threaded (>4 MiB
    compressed) path; ``far`` puts one extra cell at that reference halfway down."""
    rnd = os.urandom(rows * 4 * 24).hex()
    out = [b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    k = 0
    for r in range(1, rows + 1):
        cells = []
        for c in "ABCD":
            cells.append(f'<c r="{c}{r}" t="inlineStr"><is><t>{rnd[k:k + 48]}</t></is></c>')
            k += 48
        if far and r == rows // 2:
            cells.append(f'<c r="{far}" t="inlineStr"><is><t>x</t></is></c>')
        if odd_cell and r == rows // 3:
            cells.append(f'<c s="0" r="E{r}" t="inlineStr"><is><t>attributes before r=</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>'.encode())
    out.append(b"</sheetData></worksheet>")
    return b"".join(out)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("big")
    files = {
        "clean": write_zip(d / "clean.xlsx", xlsx_parts(_big_sheet(None, odd_cell=True))),
        "far-column": write_zip(d / "far-column.xlsx", xlsx_parts(_big_sheet("XFD20000"))),
        "far-row": write_zip(d / "far-row.xlsx", xlsx_parts(_big_sheet("AZ1048576"))),
    }
    info = containers.zipfile.ZipFile(files["clean"]).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > containers.EXACT_SCAN_SIZE and info.compress_size > containers.THREADED_SCAN_SIZE
    return files


def test_threaded_screen_passes_a_large_clean_sheet(big):
    assert containers.check_zip(big["clean"]) == "xlsx"


@pytest.mark.parametrize("name", ["far-column", "far-row"])
def test_threaded_screen_finds_a_far_cell_in_a_large_sheet(big, name):
    with pytest.raises(InputError) as err:
        containers.check_zip(big[name])
    assert err.value.code == "file-too-large"
    assert err.value.reason == "error.used_range"
    assert "used range" in err.value.detail("en") and "使用区域" in err.value.detail("zh")


@pytest.mark.parametrize("text, hit", [
    (b'<c r="A1" s="1">', False), (b'<c  r="AB12">', False), (b'<c\tr="B2">', False), (b"<cols>", False),
    (b'<c s="1" r="A1">', True), (b"<c>", True), (b'<c r="ABC1">', True), (b'<c r="BA1">', True),
    (b'<c r="A1234567">', True), (b'<c r = "A1">', True),
])
def test_screen_pattern_is_the_same_in_re2_and_re(text, hit):
    data = b"<row>" + text + b"<v>1</v></c></row>" + b" " * 32
    assert containers._screen_hit(data) is hit
    assert (containers._SCREEN.search(data) is not None) is hit


def test_ahead_raises_what_the_thread_raised_and_stops_when_closed():
    def broken():
        yield b"a"
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        list(containers._ahead(broken()))

    produced = []

    def endless():
        while True:
            produced.append(1)
            yield b"x"

    before = workers.running()
    gen = containers._ahead(endless(), depth=2)
    assert next(gen) == b"x"
    assert workers.running() == before + 1
    gen.close()
    time.sleep(0.2)
    assert workers.running() == before  # closing the generator ended its thread
    assert len(produced) <= 10  # it stopped instead of running on


def _people(tmp_path: Path, n: int, name: str = "a.xlsx") -> Path:
    return write_openpyxl(tmp_path / name, [person(i) for i in range(1, n + 1)])


def _summary(report):
    return [(fr.people, fr.sheet, fr.header_row, sorted((f.code, f.row, f.column) for f in fr.findings)) for fr in report.files]


def test_prefetched_sheet_is_taken_and_gives_the_same_report(tmp_path, monkeypatch):
    path = _people(tmp_path, 12)
    policy = load_policy(None)
    head = Prefetch.start(path)
    assert head is not None and head.kind == "xlsx"
    with_head = validate_paths([path], policy, Options(prefetch=head))
    assert head.taken == {"vetted", "reader", "sheet"}  # the source took all three parts
    monkeypatch.setenv("RETIREE_TOOLS_NO_PREFETCH", "1")
    assert Prefetch.start(path) is None
    assert _summary(validate_paths([path], policy, Options())) == _summary(with_head)
    assert with_head.files[0].people == 12


def test_a_file_changed_after_the_prefetch_is_read_again(tmp_path):
    path = _people(tmp_path, 5)
    head = Prefetch.start(path)
    head.join()
    _people(tmp_path, 9)  # rewritten in place: other size and time
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    report = validate_paths([path], load_policy(None), Options(prefetch=head))
    assert report.files[0].people == 9
    assert head.taken == set()  # nothing of the stale head start was used


def test_a_prefetch_is_only_taken_by_its_own_file(tmp_path):
    a, b = _people(tmp_path, 3, "a.xlsx"), _people(tmp_path, 4, "b.xlsx")
    head = Prefetch.start(a)
    report = validate_paths([b, a], load_policy(None), Options(prefetch=head))
    assert [fr.people for fr in report.files] == [4, 3]
    assert head.taken == {"vetted", "reader", "sheet"}  # taken by a, the second file


def test_a_hostile_first_file_is_refused_through_the_prefetch(big):
    head = Prefetch.start(big["far-row"])
    assert head.thread is None  # no engine was started on it
    report = validate_paths([big["far-row"]], load_policy(None), Options(prefetch=head))
    assert [f.code for f in report.files[0].findings] == ["file-too-large"]
    assert head.taken == {"vetted"}


def test_prefetch_takes_the_named_sheet(tmp_path):
    import openpyxl

    path = _people(tmp_path, 4)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("说明", 0).append(["本表为移交名单"])
    wb.save(path)
    head = Prefetch.start(path, sheet="移交名单")
    report = validate_paths([path], load_policy(None), Options(sheet="移交名单", prefetch=head))
    assert "sheet" in head.taken
    assert report.files[0].people == 4 and report.files[0].sheet == "移交名单"


def test_no_prefetch_state_is_kept_in_a_module():
    """The head start is an object handed to the library, not a global the reader consults."""
    from retiree_tools.io import prefetch as module

    assert not [name for name, v in vars(module).items() if isinstance(v, Prefetch)]
    assert not hasattr(module, "speculate")


def test_workers_keep_order_and_raise_what_failed():
    from retiree_tools.io.workers import Jobs, Worker, map_pair

    assert map_pair(lambda x: x * x, range(7)) == [x * x for x in range(7)]
    jobs = Jobs([lambda: 1, lambda: 1 / 0, lambda: 3])
    assert jobs.result(0) == 1
    with pytest.raises(ZeroDivisionError):
        jobs.result(1)
    with pytest.raises(ZeroDivisionError):  # a later job does not run after a failure
        jobs.result(2)
    with pytest.raises(ValueError, match="boom"):
        Worker(lambda: (_ for _ in ()).throw(ValueError("boom"))).result()


def test_a_thread_that_cannot_start_is_an_error_not_a_hang(monkeypatch):
    """A process at its memory limit may start a thread that never runs (Thread.start would
    wait for it forever): the worker gives up after START_TIMEOUT with a MemoryError."""
    import _thread

    from retiree_tools.io import workers as w

    monkeypatch.setattr(w, "START_TIMEOUT", 0.2)
    monkeypatch.setattr(_thread, "start_new_thread", lambda fn, args: None)  # the thread never comes up
    start = time.monotonic()
    with pytest.raises(MemoryError):
        w.Worker(lambda: None)
    assert time.monotonic() - start < 2
