"""Generate the hostile-input corpus into a directory: broken, hostile and odd files for every
input the commands read (transfer workbook, catalogue, targets, roster, assigned file).

Nothing big is committed: bombs are built by repeating one pre-compressed deflate segment, so
generating a sheet that inflates to 3.5 GiB takes milliseconds and a few MB of memory.

    python tests/hostile/make_corpus.py OUT_DIR      # writes the files and corpus.json

The contents come from the bundled samples (a dozen people of ``samples/enterprise_b.csv``,
``samples/catalog.csv``, ``targets.csv``, ``roster.csv``) and an assigned file built from them
with the library, so every role's file is real apart from the one thing that is wrong with it.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import random
import re
import struct
import sys
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from retiree_tools.findings.model import column_letter

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
ROLES = ("workbook", "catalog", "targets", "roster", "assigned")
GiB = 1024**3
MiB = 1024**2


@dataclass
class Case:
    """One corpus file and what each command must do with it.

    ``expect`` maps a role to ``"refused"`` (exit 2 with ``code``) or ``"readable"`` (the file
    is odd but must be read: exit 0/1, or for a side file exit 2 only with a validation code).
    """

    name: str
    file: str
    roles: tuple[str, ...]
    what: str
    expect: dict[str, str] = field(default_factory=dict)
    code: str | None = None  # the InputError / finding code of a refusal
    detail: str = ""  # a fragment the refusal message names


# ---------------------------------------------------------------------------------------------
# Role contents (header first), all text
# ---------------------------------------------------------------------------------------------

def _csv_rows(path: Path, encoding: str, limit: int | None = None) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as fh:
        rows = [r for r in csv.reader(fh)]
    return rows[: limit + 1] if limit else rows


def workbook_rows() -> list[list[str]]:
    """Header and twelve people of enterprise B (real IDs, accounts and phones of the sample)."""
    return _csv_rows(SAMPLES / "enterprise_b.csv", "gb18030", 12)


def catalog_rows() -> list[list[str]]:
    return _csv_rows(SAMPLES / "catalog.csv", "utf-8-sig")


def targets_rows() -> list[list[str]]:
    return _csv_rows(SAMPLES / "targets.csv", "utf-8-sig")


def roster_rows() -> list[list[str]]:
    return _csv_rows(SAMPLES / "roster.csv", "utf-8-sig", 40)


def assigned_rows(work: Path) -> list[list[str]]:
    """An assigned file of the twelve people, written by the library like ``assign -o x.csv``."""
    from retiree_tools.assign.catalog import load_catalog
    from retiree_tools.assign.run import iter_assigned
    from retiree_tools.assign.writer import AssignedWriter
    from retiree_tools.policy import load_policy
    from retiree_tools.validate.run import Options

    src = work / "_people.csv"
    write_csv(src, workbook_rows(), "gb18030")
    out = work / "_assigned.csv"
    writer = AssignedWriter(out)
    for frame in iter_assigned([src], load_catalog(SAMPLES / "catalog.csv"), load_policy(), Options()):
        writer.write(frame)
    writer.close()
    rows = _csv_rows(out, "utf-8-sig")
    src.unlink()
    out.unlink()
    return rows


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------

def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_openpyxl(path: Path, rows: list[list[str]], title: str | None = None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for r in rows:
        ws.append([v if v != "" else None for v in r])
        for c in ws[ws.max_row]:
            c.data_type = "s" if c.value is not None else c.data_type
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def write_xls_bytes(rows: list[list[str]]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if v != "":
                ws.write(i, j, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(v: str) -> str:
    return escape(_XML_ILLEGAL.sub("", v))


def sheet_xml(rows: list[list[str]], *, dimension: str | None = None, extra: str = "",
              cells: dict[tuple[int, int], tuple[str, str]] | None = None) -> bytes:
    """A worksheet of inline strings. ``cells`` maps a 1-based row and 0-based column to the raw
    attributes and content of that ``<c>`` (``(' t="str"', '<f>…</f><v>…</v>')``); ``extra``
    is appended after the last row (stray far cells)."""
    cells = cells or {}
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    for i, r in enumerate(rows, start=1):
        out.append(f'<row r="{i}">')
        for j, v in enumerate(r):
            ref = f"{column_letter(j)}{i}"
            if (i, j) in cells:
                attrs, inner = cells[(i, j)]
                out.append(f'<c r="{ref}"{attrs}>{inner}</c>')
            elif v != "":
                out.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(v)}</t></is></c>')
        out.append("</row>")
    out.append(extra)
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                 b"</Types>")
ROOT_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
             b"</Relationships>")
WORKBOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')


def workbook_rels(sheet_part: str = "worksheets/sheet1.xml", shared: bool = False) -> bytes:
    rels = [f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{sheet_part}"/>']
    if shared:
        rels.append('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels) + "</Relationships>").encode()


def xlsx_parts(sheet: bytes | None, shared: bytes | None = None, sheet_part: str = "worksheets/sheet1.xml") -> dict[str, bytes]:
    types = CONTENT_TYPES if shared is not None else CONTENT_TYPES.replace(
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>', b"")
    parts = {"[Content_Types].xml": types, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
             "xl/_rels/workbook.xml.rels": workbook_rels(sheet_part, shared is not None)}
    if sheet is not None:
        parts["xl/" + sheet_part] = sheet
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    return parts


# ---- a zip writer that can also take pre-compressed (and lying) entries ----

@dataclass
class Raw:
    """A deflated entry given as its compressed stream, with the sizes and CRC to declare."""

    stream: bytes
    crc: int
    size: int


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(1 if len(data) > MiB else 6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def write_zip(path: Path, entries: dict[str, bytes | Raw]) -> Path:
    """Write a zip by hand (stored DOS time 1980-01-01, deflate), entries in order."""
    body = bytearray()
    central = bytearray()
    for name, data in entries.items():
        raw = data if isinstance(data, Raw) else Raw(deflate(data), zlib.crc32(data), len(data))
        fname = name.encode("utf-8")
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, raw.crc, len(raw.stream), raw.size, len(fname), 0)
        body += fname + raw.stream
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, raw.crc, len(raw.stream),
                               raw.size, len(fname), 0, 0, 0, 0, 0, offset)
        central += fname
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0)
    with path.open("wb") as fh:
        fh.write(body)
        fh.write(central)
        fh.write(eocd)
    return path


# ---- CRC-32 of a repeated block without touching gigabytes (zlib's crc32_combine) ----

def _gf2_times(mat: list[int], vec: int) -> int:
    s, i = 0, 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def crc32_repeat(block: bytes, times: int) -> int:
    result, rlen = 0, 0
    base, blen = zlib.crc32(block), len(block)
    while times:
        if times & 1:
            result = crc32_combine(result, base, blen)
            rlen += blen
        base = crc32_combine(base, base, blen)
        blen *= 2
        times >>= 1
    return result


def repeated_deflate(head: bytes, block: bytes, times: int, tail: bytes) -> Raw:
    """``head + block*times + tail`` as one raw deflate stream: each part is compressed on its
    own and ends with a full flush, so the block's segment can simply be repeated."""
    def segment(data: bytes, final: bool) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
        return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)

    seg = segment(block, False)
    stream = segment(head, False) + seg * times + segment(tail, True)
    crc = crc32_combine(zlib.crc32(head), crc32_repeat(block, times), len(block) * times)
    crc = crc32_combine(crc, zlib.crc32(tail), len(tail))
    return Raw(stream, crc, len(head) + len(block) * times + len(tail))


_ROW_BLOCK = b"<row><c><v>1</v></c></row>" * 4096  # 110,592 bytes, no r= so every row is new
_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = b"</sheetData></worksheet>"


def bomb(path: Path, inflated: int, declare: int | None = None) -> Path:
    """An xlsx whose sheet XML inflates to ``inflated`` bytes of rows; ``declare`` puts a false
    uncompressed size (and CRC) in the zip headers."""
    times = max(1, (inflated - len(_SHEET_HEAD) - len(_SHEET_TAIL)) // len(_ROW_BLOCK))
    raw = repeated_deflate(_SHEET_HEAD, _ROW_BLOCK, times, _SHEET_TAIL)
    if declare is not None:  # the CRC of the declared prefix: a reader that stops there is satisfied
        prefix = zlib.decompressobj(-15).decompress(raw.stream, declare)
        raw = Raw(raw.stream, zlib.crc32(prefix), declare)
    parts: dict[str, bytes | Raw] = dict(xlsx_parts(None))
    parts["xl/worksheets/sheet1.xml"] = raw
    return write_zip(path, parts)


# ---- OLE compound file with an EncryptedPackage stream (a password-protected workbook) ----

_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(name: str, kind: int, start: int = _END, size: int = 0, left: int = _FREE, right: int = _FREE,
               child: int = _FREE) -> bytes:
    raw = (name + "\0").encode("utf-16-le") if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1 if name else 0)
            + struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IQ", start, size))


def encrypted_ole(path: Path, package_bytes: int = 16 * 1024) -> Path:
    """A CFB (v3, 512-byte sectors) as Office writes for an encrypted OOXML workbook: streams
    ``EncryptionInfo`` and ``EncryptedPackage``; the directory sector is put last, so a reader
    that only looks at the first megabyte does not see the names of a large file."""
    rng = random.Random(7)
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>'
    info = info.ljust(4096, b"\0")
    package = struct.pack("<Q", package_bytes) + rng.randbytes(package_bytes)
    streams = [info, package]
    sectors: list[bytes] = []
    chains: list[tuple[int, int]] = []  # (first sector, count)
    for s in streams:
        padded = s + b"\0" * (-len(s) % 512)
        first = len(sectors)
        sectors += [padded[i:i + 512] for i in range(0, len(padded), 512)]
        chains.append((first, len(padded) // 512))
    directory = (_dir_entry("Root Entry", 5, child=2) + _dir_entry("EncryptionInfo", 2, chains[0][0], len(info))
                 + _dir_entry("EncryptedPackage", 2, chains[1][0], len(package), left=1) + _dir_entry("", 0))
    dir_sector = len(sectors)
    sectors.append(directory)
    n_data = len(sectors)
    n_fat = 1
    while n_fat * 128 < n_data + n_fat:
        n_fat += 1
    fat = [_FREE] * (n_fat * 128)
    # data sectors are numbered after the FAT sectors
    for first, count in chains:
        for k in range(count):
            fat[n_fat + first + k] = n_fat + first + k + 1 if k < count - 1 else _END
    fat[n_fat + dir_sector] = _END
    for k in range(n_fat):
        fat[k] = _FATSECT
    difat = list(range(n_fat)) + [_FREE] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, n_fat, n_fat + dir_sector, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == 512
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    path.write_bytes(header + fat_bytes + b"".join(sectors))
    return path


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------

PASSWD_MARK = "root:x:0:0"  # a line of /etc/passwd that must never appear in any output


def _generic(out: Path) -> list[Case]:
    """Container-level attacks: one file each, given to every command as every kind of input."""
    cases: list[Case] = []
    everyone = {r: "refused" for r in ROLES}

    def add(name: str, file: str, what: str, code: str, detail: str = "", expect: dict | None = None) -> None:
        cases.append(Case(name, file, ROLES, what, dict(expect or everyone), code, detail))

    (out / "text-renamed.xlsx").write_text("姓名,身份证号码\n张三,110101195001010011\n", encoding="utf-8")
    add("text-renamed", "text-renamed.xlsx", "a CSV text file renamed to .xlsx", "file-unreadable", ".xlsx")
    (out / "html-renamed.xls").write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    # read as a table now (and noted): a table holding only 姓名 is no roster, catalogue or targets file
    add("html-renamed", "html-renamed.xls", "an HTML table saved with an .xls name (old web exports)", "",
        expect={"workbook": "findings", "catalog": "invalid", "targets": "invalid", "roster": "invalid", "assigned": "invalid"})
    (out / "zero-bytes.xlsx").write_bytes(b"")
    add("zero-bytes", "zero-bytes.xlsx", "a zero-byte file", "file-empty")
    good = write_openpyxl(out / "_good.xlsx", workbook_rows())
    (out / "_good.xlsx").unlink()
    (out / "truncated.xlsx").write_bytes(good[: len(good) * 2 // 3])
    add("truncated", "truncated.xlsx", "a real xlsx cut at two thirds (a broken download)", "file-unreadable")
    bomb(out / "bomb-huge.xlsx", int(3.5 * GiB))
    add("bomb-huge", "bomb-huge.xlsx", "zip bomb: sheet XML of repeated <row>s inflating to 3.5 GiB (file 10.7 MB, ratio 350)",
        "file-too-large", "zip 炸弹")
    bomb(out / "bomb-ratio.xlsx", 1 * GiB)
    add("bomb-ratio", "bomb-ratio.xlsx", "zip bomb below the 2 GiB total: 1 GiB at a 350:1 ratio (file 3 MB)",
        "file-too-large", "zip 炸弹")
    bomb(out / "bomb-lying.xlsx", 1 * GiB, declare=4096)
    add("bomb-lying", "bomb-lying.xlsx", "zip bomb whose zip headers claim 4 KiB for a sheet inflating to 1 GiB",
        "file-too-large", "声明")
    many = dict(xlsx_parts(sheet_xml(workbook_rows())))
    for i in range(10_001):
        many[f"customXml/item{i}.bin"] = b""
    write_zip(out / "zip-many-entries.xlsx", many)
    add("zip-many-entries", "zip-many-entries.xlsx", "an xlsx with 10,005 zip entries", "file-too-large", "zip")

    laughs = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    shared = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [' + "".join(laughs) + ']>'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
              '<si><t>&lol9;</t></si></sst>').encode()
    rows = workbook_rows()
    sheet = sheet_xml(rows, cells={(2, 3): (' t="s"', "<v>0</v>")})
    write_zip(out / "billion-laughs.xlsx", xlsx_parts(sheet, shared))
    add("billion-laughs", "billion-laughs.xlsx", "XML entity expansion (billion laughs) in sharedStrings.xml",
        "file-hostile", "DOCTYPE")
    xxe = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
           '</sheetData></worksheet>').encode()
    write_zip(out / "xxe-sheet.xlsx", xlsx_parts(xxe))
    add("xxe-sheet", "xxe-sheet.xlsx", "external entity (XXE) reading /etc/passwd into a sheet cell", "file-hostile", "DOCTYPE")
    xxe_ss = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
              b'<si><t>&xxe;</t></si></sst>')
    write_zip(out / "xxe-shared.xlsx", xlsx_parts(sheet, xxe_ss))
    add("xxe-shared", "xxe-shared.xlsx", "external entity (XXE) reading /etc/passwd into sharedStrings.xml", "file-hostile", "DOCTYPE")
    deep = xxe.replace(b"?>\n", b"?>\n" + b"<!-- " + b"padding " * 2048 + b"-->\n", 1)
    write_zip(out / "xxe-deep-prolog.xlsx", xlsx_parts(deep))
    add("xxe-deep-prolog", "xxe-deep-prolog.xlsx", "XXE whose DOCTYPE follows 16 KiB of comments (past a 4 KiB peek)",
        "file-hostile", "DOCTYPE")
    utf16 = xxe.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    write_zip(out / "xxe-utf16.xlsx", xlsx_parts(utf16))
    add("xxe-utf16", "xxe-utf16.xlsx", "XXE in a UTF-16 sheet (the bytes <!DOCTYPE do not appear)", "file-hostile", "DOCTYPE")
    write_zip(out / "xxe-odd-part.xlsx", xlsx_parts(xxe, sheet_part="worksheets/data.bin"))
    add("xxe-odd-part", "xxe-odd-part.xlsx", "XXE in a sheet part named data.bin (not *.xml)", "file-hostile", "DOCTYPE")

    encrypted_ole(out / "encrypted.xlsx")
    add("encrypted", "encrypted.xlsx", "password-protected workbook (OLE file with an EncryptedPackage stream)", "file-encrypted")
    encrypted_ole(out / "encrypted-large.xlsx", package_bytes=3 * MiB)
    add("encrypted-large", "encrypted-large.xlsx", "password-protected 3 MB workbook, directory at the end", "file-encrypted")

    ods_repeat = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
                  '<office:body><office:spreadsheet><table:table table:name="S"><table:table-row>'
                  '<table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell></table:table-row>'
                  '<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" '
                  'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
                  '</table:table></office:spreadsheet></office:body></office:document-content>').encode()
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    write_zip(out / "ods-repeat.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": ods_repeat,
                                       "META-INF/manifest.xml": manifest})
    add("ods-repeat", "ods-repeat.ods", "an .ods whose one cell is repeated 16,384 × 1,000,000 times (1.3 KB file)",
        "file-too-large", "重复行")

    write_zip(out / "empty.xlsx", xlsx_parts(sheet_xml([])))
    add("empty", "empty.xlsx", "a workbook whose only sheet is empty", "file-empty")
    write_zip(out / "title-only.xlsx", xlsx_parts(sheet_xml([["移交社会化管理退休人员汇总表"]])))
    add("title-only", "title-only.xlsx", "a workbook holding only a title", "",
        expect={"workbook": "findings", "catalog": "invalid", "targets": "invalid", "roster": "invalid", "assigned": "invalid"})
    return cases


def _role_rows(role: str, work: Path) -> list[list[str]]:
    return {"workbook": workbook_rows, "catalog": catalog_rows, "targets": targets_rows,
            "roster": roster_rows}.get(role, lambda: assigned_rows(work))()


def _far_cell_dimension(rows: list[list[str]]) -> bytes:
    return sheet_xml(rows, dimension="A1:XFD1048576", extra='<row r="1048576"><c r="XFD1048576" s="0"/></row>')


# the column of the odd cell in each role: an optional one (a 10 MB remark, target name…),
# except the workbook's formula without a cached value, put in 姓名 to show it reads as blank
ODD_COLUMN = {"workbook": -1, "catalog": -1, "targets": 2, "roster": -1, "assigned": -1}
BLANK_FORMULA_COLUMN = {"workbook": 3}


def formula_cells(rows: list[list[str]], blank_col: int = -1) -> dict[tuple[int, int], tuple[str, str]]:
    """Formulas in data cells: every text cell of the first data row becomes a formula whose
    cached value is that text; in the second data row one cell gets a formula with no cached
    value that would fetch a URL and read /etc/passwd if anything evaluated it."""
    f: dict[tuple[int, int], tuple[str, str]] = {}
    for j, v in enumerate(rows[1]):
        if v:
            f[(2, j)] = (' t="str"', f'<f>"{_xml_text(v)}"&amp;""</f><v>{_xml_text(v)}</v>')
    f[(3, blank_col % len(rows[0]))] = ("", "<f>WEBSERVICE(\"http://127.0.0.1:9/x\")&amp;'file:///etc/passwd'!A1</f>")
    return f


def _role_cases(role: str, out: Path, rows: list[list[str]]) -> list[Case]:
    d = out / role
    d.mkdir(exist_ok=True)
    cases: list[Case] = []

    def add(name: str, file: Path, what: str, expect: str = "readable", code: str | None = None) -> None:
        cases.append(Case(f"{role}/{name}", str(file.relative_to(out)), (role,), what, {role: expect}, code))

    def refuse(name: str, file: Path, what: str, code: str) -> None:
        add(name, file, what, "refused", code)

    # xls content named .xlsx and xlsx content named .xls: sniffed by content, read
    (d / "xls-named.xlsx").write_bytes(write_xls_bytes(rows))
    add("xls-named-xlsx", d / "xls-named.xlsx", "a real .xls (BIFF8) named .xlsx")
    write_openpyxl(d / "xlsx-named.xls", rows)
    add("xlsx-named-xls", d / "xlsx-named.xls", "a real .xlsx named .xls")
    # the used range claims the whole sheet; one styled empty cell sits at XFD1048576
    write_zip(d / "dimension.xlsx", xlsx_parts(_far_cell_dimension(rows)))
    add("dimension", d / "dimension.xlsx", 'dimension ref="A1:XFD1048576" and an empty cell at XFD1048576, ten-odd real rows')
    # a value far away: the real used range is 16,384 columns by 1,048,576 rows
    far = sheet_xml(rows, extra='<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    write_zip(d / "far-cell.xlsx", xlsx_parts(far))
    refuse("far-cell", d / "far-cell.xlsx", "a stray value at XFD1048576 besides the real rows: a used range of "
           "17 billion cells, which the engine would allocate whole", "file-too-large")
    # one 10 MiB cell (random text: it does not compress, so it is not a zip bomb)
    big = [list(r) for r in rows]
    text = base64.b64encode(random.Random(1).randbytes(int(7.5 * MiB))).decode()
    big[2][ODD_COLUMN[role] % len(big[2])] = text
    write_zip(d / "big-cell.xlsx", xlsx_parts(sheet_xml(big)))
    add("big-cell", d / "big-cell.xlsx", "one cell holding 10 MiB of text (an optional column, third row)")
    # CSV with NUL bytes and a row in another encoding
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    lines = buf.getvalue().split("\r\n")
    blob = bytearray()
    for i, line in enumerate(lines):
        enc = "gb18030" if i in (3, 5) else "utf-8"
        data = line.encode(enc, errors="replace")
        if i == 2:
            data = data.replace(b",", b"\x00,", 3)
        blob += data + (b"\r\n" if i < len(lines) - 1 else b"")
    blob += b"\x00\x00\x00\r\n"
    (d / "nul-mixed.csv").write_bytes(bytes(blob))
    add("csv-nul-mixed", d / "nul-mixed.csv", "CSV mostly UTF-8 with two GB18030 rows, NUL bytes in cells and a NUL line")
    # formulas: cached values are read, nothing is evaluated, no cached value is blank
    write_zip(d / "formulas.xlsx", xlsx_parts(sheet_xml(rows, cells=formula_cells(rows, BLANK_FORMULA_COLUMN.get(role, -1)))))
    add("formulas", d / "formulas.xlsx", "formulas in data cells: cached values read, a formula without one blank")
    return cases


def build(out: str | Path) -> list[Case]:
    """Write every corpus file under ``out`` and corpus.json; return the cases."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cases = _generic(out)
    for role in ROLES:
        cases += _role_cases(role, out, _role_rows(role, out))
    (out / "corpus.json").write_text(json.dumps([asdict(c) for c in cases], ensure_ascii=False, indent=1), encoding="utf-8")
    return cases


def good_inputs(out: str | Path) -> dict[str, Path]:
    """Valid inputs for the roles that are not under test: the samples and an assigned file."""
    out = Path(out)
    assigned = out / "good-assigned.csv"
    if not assigned.exists():
        write_csv(assigned, assigned_rows(out))
    return {"workbook": SAMPLES / "enterprise_b.csv", "catalog": SAMPLES / "catalog.csv",
            "targets": SAMPLES / "targets.csv", "roster": SAMPLES / "roster.csv", "assigned": assigned}


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    built = build(target)
    good_inputs(target)
    for c in built:
        size = os.path.getsize(target / c.file)
        print(f"{c.name:32} {size:>12,}  {c.what}")
