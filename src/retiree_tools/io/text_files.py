"""Text files (CSV) as offices export them: the encoding (UTF-8, BOM, GB18030, UTF-16, a file
glued from two exports), NUL padding, and the delimiter."""

from __future__ import annotations

import codecs
from pathlib import Path


def detect_encoding(p: Path) -> str:
    """utf-8 (BOM or not) when the file decodes as UTF-8, or when most of its non-ASCII lines
    do (a file glued together from two exports: the other lines are read as GB18030, see
    :func:`_gb18030_lines`); else GB18030 when it decodes as that (GBK/GB2312 are subsets);
    else charset-normalizer's best guess."""
    with p.open("rb") as fh:
        sample = fh.read(4 * 1024 * 1024)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for enc in ("utf-8", "gb18030"):
        try:
            _decode_prefix(sample, enc)
            return enc
        except UnicodeDecodeError:
            continue
    if _mostly_utf8(sample):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:200_000]).best()
    return best.encoding if best else "gb18030"


def has_nul(p: Path) -> bool:
    with p.open("rb") as fh:
        return b"\x00" in fh.read(4 * 1024 * 1024)


def _mostly_utf8(sample: bytes) -> bool:
    """More of the sample's non-ASCII lines are valid UTF-8 than not."""
    good = bad = 0
    for line in sample.split(b"\n")[:-1] or [sample]:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
    return good > bad


def _gb18030_lines(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler ``retiree-gb18030``: bytes that are not UTF-8 are decoded as GB18030
    up to the end of their line (a GBK row in a UTF-8 file), never dropped."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    data = exc.object
    nl = data.find(b"\n", exc.start)
    end = max(exc.end, len(data) if nl < 0 else nl)
    return bytes(data[exc.start:end]).decode("gb18030", errors="replace"), end


codecs.register_error("retiree-gb18030", _gb18030_lines)


class NulFree:
    """A text stream without NUL characters (old exports pad fields with them)."""

    def __init__(self, fh):
        self._fh = fh

    def read(self, size: int = -1) -> str:
        return self._fh.read(size).replace("\x00", "")

    def readline(self, size: int = -1) -> str:
        return self._fh.readline(size).replace("\x00", "")

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._fh.readline()
        if not line:
            raise StopIteration
        return line.replace("\x00", "")

    def close(self) -> None:
        self._fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()


def _decode_prefix(sample: bytes, enc: str) -> None:
    """Decode ``sample``; a multi-byte character cut at the sample's end is not an error."""
    dec = codecs.getincrementaldecoder(enc)()
    dec.decode(sample, final=False)


DELIMITERS = (",", "\t", ";", "|")  # in order of preference on a tie
_SNIFF_LINES = 50


def sniff_delimiter(head: bytes, encoding: str) -> str:
    """The delimiter that splits the first lines of ``head`` most consistently: for each
    candidate, the lines are split as CSV (quotes respected) and the candidate scores the number
    of lines having the most common field count (above 1), then that count. A title line (one
    field whatever the delimiter) does not vote; a keyword list inside a field (``扬州;江都``)
    does not win over commas that split every line the same way. The last line of a cut
    ``head`` is left out. Comma when nothing splits."""
    import csv
    from collections import Counter

    text = head.decode(encoding, errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # cut in the middle by the head's size
    lines = lines[:_SNIFF_LINES]
    best, best_score = ",", (0, 0)
    for d in DELIMITERS:
        try:
            counts = Counter(len(rec) for rec in csv.reader(lines, delimiter=d, strict=False))
        except csv.Error:  # a field longer than the csv module allows: this candidate cannot say
            continue
        split = {n: k for n, k in counts.items() if n > 1}
        if not split:
            continue
        width, agree = max(split.items(), key=lambda kv: (kv[1], kv[0]))
        score = (agree, width)
        if score > best_score:
            best, best_score = d, score
    return best


