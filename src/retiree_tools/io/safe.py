"""Safe output: atomic writes, owner-only file modes, refusing to write over inputs, escaping."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from retiree_tools.domain.text import RE2_PY_SPACE
from retiree_tools.findings.errors import InputError

EMITS = ("output-is-input",)

PRIVATE_MODE = 0o600
_FORMULA_START = re.compile(r"^[\s]*[=+\-@\t\r\n]")


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# the same two rules for whole Arrow columns (RE2 syntax); \s spelled out as Python's \s
_RE2_XML_ILLEGAL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x{fffe}\\x{ffff}]"
_RE2_FORMULA_START = f"^{RE2_PY_SPACE}*[=+\\-@\\t\\r\\n]"


def escape_formula_arrow(arr):
    """:func:`escape_formula` over an Arrow string array (vectorised)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pc.any(pc.match_substring_regex(arr, f"{_RE2_XML_ILLEGAL}|{_RE2_FORMULA_START}")).as_py():
        return arr  # one scan for the usual column that needs neither
    if pc.any(pc.match_substring_regex(arr, _RE2_XML_ILLEGAL)).as_py():
        arr = pc.replace_substring_regex(arr, _RE2_XML_ILLEGAL, "")
    risky = pc.fill_null(pc.match_substring_regex(arr, _RE2_FORMULA_START), False)
    if not pc.any(risky).as_py():
        return arr
    quoted = pc.binary_join_element_wise(pa.scalar("'", arr.type), arr, "")
    return pc.if_else(risky, quoted, arr)


def unescape_formula_arrow(arr):
    """Undo :func:`escape_formula_arrow` when reading our own files back: a leading apostrophe
    before a formula-like text is dropped (the reader escapes again on output)."""
    import pyarrow.compute as pc

    escaped = pc.fill_null(pc.match_substring_regex(arr, "^'" + _RE2_FORMULA_START[1:]), False)
    if not pc.any(escaped).as_py():
        return arr
    return pc.if_else(escaped, pc.utf8_slice_codeunits(arr, 1), arr)


def escape_formula(value: object) -> object:
    """Make a text safe to write into a cell (xlsx or csv).

    Formula injection (OWASP): a string whose first non-blank character is ``= + - @`` (or
    that starts with tab/CR/LF) gets a leading apostrophe. Numbers are left alone: ``-5`` as a
    number is not a formula. Control characters that XML cannot hold (NUL, \\x01 … from a CSV)
    are dropped: openpyxl refuses them and Excel rejects a file that has them.
    """
    if isinstance(value, str) and value:
        if _XML_ILLEGAL.search(value):
            value = _XML_ILLEGAL.sub("", value)
        if value and _FORMULA_START.match(value):
            return "'" + value
    return value


def _resolved(p: str | os.PathLike[str]) -> Path:
    return Path(p).expanduser().resolve()


def refuse_inputs(outputs: Iterable[str | os.PathLike[str]], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise ``output-is-input`` when an output path is an input or lies inside an input
    directory. (An output file beside an input is fine; a command that replaces a whole output
    directory also refuses one that holds an input: see ``forms.check_out_dir``.)"""
    ins = [_resolved(p) for p in inputs]
    for out in outputs:
        o = _resolved(out)
        for i in ins:
            if o == i or (i.is_dir() and i in o.parents):
                raise InputError("output-is-input", str(out), input=str(i))


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], mode: int = PRIVATE_MODE) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success chmod it and rename it into place.

    On any exception the temporary file is removed and an existing ``target`` stays intact.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes, mode: int = PRIVATE_MODE) -> None:
    with atomic_path(target, mode) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: str | os.PathLike[str], text: str, mode: int = PRIVATE_MODE, encoding: str = "utf-8") -> None:
    write_bytes_atomic(target, text.encode(encoding), mode)


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str], mode: int = 0o700) -> Iterator[Path]:
    """Yield a temporary directory; on success replace ``target`` with it as a whole.

    A previous ``target`` is moved aside and removed only after the new one is in place.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield tmp
        os.chmod(tmp, mode)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
