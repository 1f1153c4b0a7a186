"""Which files a command reads: suffixes, directory expansion, and the size bound of an input.

A file named on the command line is read whatever its name. A directory is expanded to the
files a command takes from it (sorted by name; hidden files, Office lock files ``~$…`` and
subdirectories left out, as are files of formats no command reads):

- ``rosters`` (validate, assign): workbooks only (:data:`WORKBOOK_SUFFIXES`). Text files
  (.csv .txt .tsv — a 说明.txt beside the workbooks) are skipped: they are read when named.
  So are the workbooks this tool wrote that are not inputs — the assigned file, the
  acceptance report, the forms' 汇总表 — known by the mark in their document properties
  (:func:`own_output`); the blank template and the annotated copy carry no mark (enterprises
  fill them in and send them back).
- ``assigned`` (render-forms, acceptance-report): the assigned files, .xlsx and .csv as
  ``assign`` writes them (other workbook formats too: a clerk may have saved one again);
  .txt/.tsv files and this tool's other outputs are skipped.

Nothing is skipped silently: :func:`scan_paths` returns the skipped files with their reason
(:class:`Skipped`) and :func:`skipped_line` the one line a command prints about them.

Light on purpose (no pandas): the commands call it before the heavy imports."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from retiree_tools.texts import Msg, msg, tr

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
WORKBOOK_SUFFIXES = EXCEL_SUFFIXES  # what a directory scan for rosters reads (.xlsb: a clear refusal)
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES | TEXT_SUFFIXES
ASSIGNED_TEXT_SUFFIXES = {".csv"}  # the text form of the assigned file (assign/writer.py)
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 4 * 1024**3

Scan = Literal["rosters", "assigned"]

# The mark of a workbook this tool wrote that is no input: ``retiree-tools:<output>`` in the
# document's keywords (docProps/core.xml). Set by io/xlsx.py when the writer names an output.
GENERATOR = "retiree-tools"
MARK_PREFIX = "retiree-tools:"
OWN_OUTPUTS = ("assigned", "acceptance-report", "forms-summary", "ledger-export")
_MAX_CORE_XML = 64 * 1024  # docProps/core.xml is a few hundred bytes; larger is not ours


def own_mark(output: str) -> str:
    """The keywords that mark ``output`` (one of :data:`OWN_OUTPUTS`)."""
    if output not in OWN_OUTPUTS:
        raise KeyError(f"unknown output {output!r}")
    return MARK_PREFIX + output


def without_mark(keywords: str | None) -> str | None:
    """``keywords`` with any mark of ours removed (a copy of a marked workbook is no output)."""
    if not keywords:
        return keywords
    kept = [w for w in keywords.split() if not w.startswith(MARK_PREFIX)]
    return " ".join(kept) or None


def own_output(path: Path) -> str | None:
    """Which of this tool's outputs ``path`` is (:data:`OWN_OUTPUTS`), from the mark in its
    docProps/core.xml; None for any other file. Reads only the zip directory and that small
    part (bounded, parsed by defusedxml without a DTD); any problem means "not ours"."""
    try:
        with path.open("rb") as fh:
            if fh.read(4) != ZIP_MAGIC:
                return None
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > _MAX_CORE_XML or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                return None
            with zf.open(info) as part:
                data = part.read(_MAX_CORE_XML + 1)
        if len(data) > _MAX_CORE_XML:
            return None
        from defusedxml import ElementTree as ET

        root = ET.fromstring(data, forbid_dtd=True)
    except Exception:  # noqa: BLE001 - a damaged or hostile file is not ours; its reader says what it is
        return None
    for el in root:
        if el.tag.endswith("}keywords") and el.text:
            for word in el.text.split():
                if word.startswith(MARK_PREFIX) and word[len(MARK_PREFIX):] in OWN_OUTPUTS:
                    return word[len(MARK_PREFIX):]
    return None


@dataclass(frozen=True)
class Skipped:
    """A file of a directory that a scan did not read, and why: ``text-file`` (read only when
    named) or ``own-output`` (written by this tool: ``output`` says which)."""

    path: Path
    reason: Literal["text-file", "own-output"]
    output: str | None = None

    def message(self, lang: str = "zh") -> str:
        return tr(f"paths.skip.{self.reason}", lang)

    def to_dict(self, lang: str = "zh") -> dict:
        """``{"path", "reason", "message"}`` (``output`` too for an own output): the JSON entry."""
        d = {"path": str(self.path), "reason": self.reason, "message": self.message(lang)}
        if self.output is not None:
            d["output"] = self.output
        return d


@dataclass
class Expanded:
    """What :func:`scan_paths` found: the files to read, in order, and the files skipped."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def skipped_line(self, lang: str = "zh") -> str | None:
        return skipped_line(self.skipped, lang)


def _read_from_directory(f: Path, scan: Scan) -> Skipped | bool:
    """True to read ``f`` (found in a directory), False to pass it over unmentioned (a format
    no command reads), or the reason it is skipped."""
    suffix = f.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        if scan == "assigned" and suffix in ASSIGNED_TEXT_SUFFIXES:
            return True
        return Skipped(f, "text-file")
    if suffix not in WORKBOOK_SUFFIXES:
        return False
    output = own_output(f) if suffix in (".xlsx", ".xlsm") else None
    if output is None or (scan == "assigned" and output == "assigned"):
        return True
    return Skipped(f, "own-output", output)


def scan_paths(paths: Iterable[str | Path], scan: Scan = "rosters") -> Expanded:
    """Files as given; directories expanded to the files ``scan`` reads from them (see the
    module's docstring), sorted by name, with the files skipped and why (a skipped file that
    is also named on its own is read, not listed as skipped)."""
    if scan not in ("rosters", "assigned"):
        raise ValueError(f"unknown scan {scan!r}")
    out = Expanded()
    for p in map(Path, paths):
        if not p.is_dir():
            out.files.append(p)
            continue
        for f in sorted(p.iterdir()):
            if not f.is_file() or f.name.startswith((".", "~$")):
                continue
            verdict = _read_from_directory(f, scan)
            if verdict is True:
                out.files.append(f)
            elif isinstance(verdict, Skipped):
                out.skipped.append(verdict)
    if out.skipped:
        read = {_same(f) for f in out.files}
        out.skipped = [s for s in out.skipped if _same(s.path) not in read]
    return out


def _same(p: Path) -> Path:
    try:
        return p.resolve()
    except OSError:
        return p.absolute()


def expand_paths(paths: Iterable[str | Path], scan: Scan = "rosters") -> list[Path]:
    """The files :func:`scan_paths` reads (what was skipped is in its result)."""
    return scan_paths(paths, scan).files


SHOWN_SKIPPED = 10  # files named in the line; the rest are counted


def skipped_line(skipped: Iterable[Skipped | dict], lang: str = "zh") -> str | None:
    """The one line a command prints about the skipped files (None when there are none):
    ``跳过 2 个文件：说明.txt（不是工作簿，要读请直接写出文件名）、assigned.xlsx（本工具生成的文件）``.
    Takes :class:`Skipped` or their JSON entries."""
    items = [(Path(s["path"]).name, tr(f"paths.skip.{s['reason']}", lang)) if isinstance(s, dict)
             else (s.path.name, s.message(lang)) for s in skipped]
    if not items:
        return None
    parts = [tr("paths.skipped_file", lang, name=name, why=why) for name, why in items[:SHOWN_SKIPPED]]
    files = tr("paths.list_separator", lang).join(parts)
    if len(items) > SHOWN_SKIPPED:
        files += tr("paths.skipped_more", lang, n=len(items) - SHOWN_SKIPPED)
    return tr("paths.skipped", lang, n=len(items), files=files)



class SkippedText(Msg):
    """The line about skipped files as a deferred text (rendered in the reader's language)."""

    __slots__ = ()

    def render(self, lang: str = "zh") -> str:
        return skipped_line(self.params["skipped"], lang) or ""


def nothing_to_read(skipped: list[Skipped], reason: str = "error.no_inputs"):
    """The usage error (exit 2) of a command given no file to read: ``reason`` alone, or with
    the line about the files skipped (a directory holding only text files or our own outputs)."""
    from retiree_tools.findings.errors import InputError

    if not skipped:
        return InputError("usage", reason=reason)
    return InputError("usage", reason="error.nothing_read", what=msg(reason),
                      skipped=SkippedText("paths.skipped", {"skipped": list(skipped)}))
