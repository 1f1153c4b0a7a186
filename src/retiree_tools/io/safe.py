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

EMITS = ("output-is-input", "output-failed")

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


# ---- writing: temp then rename, owner-only, and the litter of a killed run ----

_STALE_SECONDS = 3600  # a temp file without a pid is litter when this old


def _temp_prefix(target: Path) -> str:
    """``.NAME.rt<pid>.``: our temp files beside ``target`` say whose they are."""
    return f".{target.name}.rt{os.getpid()}."


def _litter(target: Path) -> re.Pattern[str]:
    name = re.escape(target.name)
    return re.compile(rf"^\.{name}\.(?:rt(?P<pid>\d+)\.[A-Za-z0-9_]+\.(?:tmp|rows)|[A-Za-z0-9_]{{8}}\.(?:tmp|rows)|old-(?P<old>\d+))$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


_TEMP_NAME = re.compile(r"^\.(?P<name>.+?)\.(?:rt\d+\.)?[A-Za-z0-9_]+\.(?:tmp|rows)$")


def _target_of(filename: object) -> str:
    """The output a temporary file of ours stands for (``.assigned.xlsx.rt12.ab.tmp`` →
    ``assigned.xlsx``); any other name as it is."""
    if not filename:
        return ""
    p = Path(str(filename))
    m = _TEMP_NAME.match(p.name)
    return str(p.with_name(m.group("name"))) if m else str(p)


def remove_litter(target: str | os.PathLike[str]) -> list[Path]:
    """Remove what a killed run writing ``target`` left beside it — its hidden temp files and
    directories (``.NAME.rt<pid>.….tmp|.rows`` whose process is gone; ``.NAME.xxxxxxxx.tmp|.rows``
    over an hour old; ``.NAME.old-<pid>`` of a finished swap) — and nothing else. Returns what
    was removed."""
    import time

    target = Path(target)
    parent = target.parent
    pattern = _litter(target)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None:
            continue
        pid = m.group("pid") or m.group("old")
        try:
            stale = not _alive(int(pid)) if pid else now - entry.stat(follow_symlinks=False).st_mtime > _STALE_SECONDS
        except OSError:
            continue
        if not stale:
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def make_private_dirs(directory: str | os.PathLike[str]) -> None:
    """Create ``directory`` and any missing parents owner-only (0700): they hold personal data."""
    d = Path(directory)
    missing = []
    while not d.exists():
        missing.append(d)
        if d.parent == d:
            break
        d = d.parent
    for m in reversed(missing):
        m.mkdir(mode=0o700)
        os.chmod(m, 0o700)


def refuse_directory(*outputs: str | os.PathLike[str] | None) -> None:
    """An output file that names an existing directory is a usage error, said before any work."""
    for out in outputs:
        if out is not None and Path(out).is_dir():
            raise InputError("usage", str(out), reason="error.output_is_dir", dir=str(out))


_OS_REASONS = {"ENOSPC": "error.os.full", "EDQUOT": "error.os.full", "EFBIG": "error.os.full",
               "EROFS": "error.os.read_only", "EACCES": "error.os.denied", "EPERM": "error.os.denied",
               "EISDIR": "error.os.is_dir", "ENOTDIR": "error.os.not_dir", "EEXIST": "error.os.not_dir",
               "ENAMETOOLONG": "error.os.name_too_long"}


def output_failed(target: str | os.PathLike[str] | None, exc: OSError) -> InputError:
    """An operating-system error while writing ``target``, as the one-line ``output-failed``
    error (exit 2): the file we meant to write, and why (disk full, read-only, no permission…)."""
    import errno as _errno

    name = _errno.errorcode.get(exc.errno or 0, "")
    reason = _OS_REASONS.get(name)
    where = str(target) if target is not None else _target_of(exc.filename)
    if reason is None:
        return InputError("output-failed", where, reason="error.os.other", what=exc.strerror or str(exc))
    return InputError("output-failed", where, reason=reason)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], mode: int = PRIVATE_MODE) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success chmod it and rename it into place.

    On any exception the temporary file is removed and an existing ``target`` stays intact. A
    missing parent directory is created owner-only; the litter of a killed earlier run is
    removed first (:func:`remove_litter`). An OS error (disk full, read-only, no permission, a
    directory in the way) becomes ``output-failed`` naming ``target``."""
    target = Path(target)
    refuse_directory(target)
    try:
        make_private_dirs(target.parent)
        remove_litter(target)
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise output_failed(target, exc) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        if isinstance(exc, OSError):
            raise output_failed(target, exc) from None
        raise


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes, mode: int = PRIVATE_MODE) -> None:
    with atomic_path(target, mode) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: str | os.PathLike[str], text: str, mode: int = PRIVATE_MODE, encoding: str = "utf-8") -> None:
    write_bytes_atomic(target, text.encode(encoding), mode)


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str], mode: int = 0o700) -> Iterator[Path]:
    """Yield a temporary directory; on success replace ``target`` with it as a whole.

    A previous ``target`` is moved aside and removed only after the new one is in place. A
    ``target`` that is a symbolic link to a directory keeps its link: the directory it points
    to is replaced. OS errors become ``output-failed`` (see :func:`atomic_path`)."""
    target = Path(target)
    if target.is_symlink() and target.is_dir():
        target = target.resolve()
    try:
        make_private_dirs(target.parent)
        remove_litter(target)
        tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise output_failed(target, exc) from None
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
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise output_failed(target, exc) from None
        raise
