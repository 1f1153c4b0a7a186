"""Shared CLI plumbing: options, consoles on stderr, JSON on stdout, exit codes, error handling."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


class Lang(StrEnum):
    zh = "zh"
    en = "en"


class Fmt(StrEnum):
    table = "table"
    json = "json"


LangOpt = Annotated[Lang, typer.Option("--lang", metavar="zh|en",
                                       help="消息和报告的语言：zh（默认）或 en。Language of messages and reports.")]
FormatOpt = Annotated[Fmt, typer.Option("--format", metavar="table|json",
                                        help="table：给人看的表格（stderr）；json：stdout 上一个 JSON 文档，供脚本读取。"
                                        "table: human output on stderr; json: one JSON document on stdout.")]
PolicyOpt = Annotated[str | None, typer.Option("--policy", metavar="TOML",
                                               help="本地政策文件，覆盖默认政策的同名条目。A locality's policy TOML merged over the default one.")]
ShowPiiOpt = Annotated[bool, typer.Option("--show-pii",
                                          help="终端上不遮盖身份证号、银行账号和电话。Show ID numbers, bank accounts and phones unmasked.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q",
                                        help="stderr 上不输出给人看的内容（只有退出码和文件）。No human output on stderr.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v",
                                          help="终端上显示完整明细表（默认只显示汇总）。Full tables on the terminal (default: summaries).")]
ColumnsOpt = Annotated[str | None, typer.Option("--columns", metavar="表头=字段,…",
                                                help="本次运行改写列的识别：'表头=字段,表头=字段'（字段键或标准表头；'表头=' 表示忽略该列）。"
                                                "Override how columns are read: 'header=field,…' ('header=' ignores the column).")]
SheetOpt = Annotated[str | None, typer.Option("--sheet", metavar="工作表",
                                              help="要读的工作表（默认：自动找到名册所在的表）。Sheet to read (default: the one holding the roster).")]
EnterpriseOpt = Annotated[str | None, typer.Option("--enterprise", metavar="名称",
                                                   help="移交单位名称（文件没写时必填；写了也以此为准）。Enterprise name (needed when the file does not say it; it takes precedence over the file's title).")]
CreditCodeOpt = Annotated[str | None, typer.Option("--credit-code", metavar="代码",
                                                   help="移交单位的统一社会信用代码（以此为准）。The enterprise's unified social credit code (takes precedence over the file's title).")]


def console():
    """Rich console on stderr: colour only on a terminal (NO_COLOR respected by rich). Not on
    a terminal (a log file, a pipe) tables are laid out 160 columns wide rather than rich's
    80, so that a message stays on one line of the log (COLUMNS overrides)."""
    import os
    import sys

    from rich.console import Console

    width = None
    if "COLUMNS" not in os.environ and not sys.stderr.isatty():
        width = LOG_WIDTH
    return Console(stderr=True, highlight=False, soft_wrap=False, width=width)


LOG_WIDTH = 160


def table(title: str | None = None, **kw: Any):
    """A terminal table as every command shows it: title on the left, a line under the
    header, no outer frame (two lines fewer per table than rich's default box), one space
    between columns (a wide table still fits 100 columns)."""
    from rich import box
    from rich.table import Table

    kw.setdefault("collapse_padding", True)
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, **kw)


MAX_SHOWN = 300  # characters of one value shown on the terminal (a 10 MB cell must not hang rich)


def plain(text: object):
    """A rich Text that shows ``text`` literally: no markup, no control characters, at most
    MAX_SHOWN characters."""
    import re

    from rich.text import Text

    t = str(text)
    if len(t) > MAX_SHOWN:
        t = t[:MAX_SHOWN] + "…"
    return Text(re.sub(r"[\x00-\x08\x0b-\x1f\x7f\x1b]", "?", t))


def print_json(data: Any) -> None:
    """One JSON document on stdout, always UTF-8 (JSON's encoding, whatever the console's code
    page: on Windows a pipe would otherwise be GBK and a rare name character fail): indented
    on a terminal, compact (faster, smaller) in pipes."""
    indent = 2 if sys.stdout.isatty() else None
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None or sys.stdout.isatty():  # a terminal shows text in its own encoding
        sys.stdout.write(text)
    else:
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    sys.stdout.flush()


def one_line(message: str, limit: int = 2000) -> str:
    """A message as one bounded line: control characters (a newline inside a cell value)
    become spaces; the middle of an overlong message is cut."""
    import re

    text = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", message)
    return text if len(text) <= limit else text[: limit * 3 // 4] + " … " + text[-limit // 4:]


def fail(message: str, error: dict | None = None) -> None:
    """One line on stderr, exit 2; with ``error`` (``--format json``) also the one JSON
    document on stdout: ``{"error": {"code", "message", …}}``."""
    sys.stderr.write(f"retiree-tools: {one_line(message)}\n")
    if error is not None:
        print_json({"error": error})
    raise typer.Exit(EXIT_USAGE)


_fail = fail  # the unmasked writer; guarded's fail masks first


def _mask_tree(v: Any, mask) -> Any:
    """Every text in a JSON-able value masked by ``mask``, its structure kept (masking the
    dumped JSON text broke it: a parameter 16384000001 read as a phone became 163****0001,
    no longer JSON); a number whose digits ``mask`` would change becomes the masked text."""
    if isinstance(v, str):
        return mask(v)
    if isinstance(v, dict):
        return {k: _mask_tree(x, mask) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_mask_tree(x, mask) for x in v]
    if isinstance(v, int) and not isinstance(v, bool) and mask(str(v)) != str(v):
        return mask(str(v))
    return v


def error_document(code: str, message: str, path: str | None = None, reason: str | None = None,
                   params: dict | None = None) -> dict:
    """The ``error`` object of an exit-2 JSON document (docs/cli.md)."""
    return {"code": code, "message": message, "path": path, "reason": reason, "params": params or {}}


def with_error(doc: dict, fatal) -> dict:
    """A report document (validate, assign) of a run that ends with exit 2 — a file could not
    be read — carries the same ``error`` object as every other exit 2: the first such file's
    code and message (the report's ``files`` say the rest)."""
    if fatal:
        fr, f = fatal[0]
        d = f.to_dict(show_pii=False)
        doc["error"] = error_document(d["code"], f"{Path(fr.path).name}: {d['message']}", path=str(fr.path),
                                      reason=d["params"].get("reason"), params=d["params"])
    return doc


def fatal_lines(fatal) -> None:
    """The closing ``retiree-tools: …`` line for each file a command could not read (the
    findings table above says the same; scripts read the last line). ``fatal`` is a list of
    (file report, finding), as ``Report.fatal()`` gives it."""
    from pathlib import Path

    from retiree_tools.domain.mask import mask_patterns

    for fr, f in fatal:
        sys.stderr.write(f"retiree-tools: {one_line(mask_patterns(Path(fr.path).name + ': ' + f.message))}\n")


@contextlib.contextmanager
def progress_bar(lang: str, enabled: bool = True):
    """A progress bar on stderr for validate and assign — files done, rows read, elapsed —
    yielding the ``Options.progress`` callback; None (no bar) when stderr is not a terminal
    (a log, a pipe, a cron job), under ``-q``, or when ``enabled`` is false. The bar is removed
    when the work is done, so that it leaves nothing in the scrollback."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from retiree_tools import tr

    with Progress(TextColumn(tr("cli.progress_files", lang)), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rows]} " + tr("cli.progress_rows", lang)), TimeElapsedColumn(),
                  console=console(), transient=True) as bar:
        task = bar.add_task("", total=None, rows=0)

        def tick(done: int, total: int, rows: int) -> None:
            bar.update(task, completed=done, total=total, rows=rows)

        yield tick


def files_or_db(paths: list | None, db: str | None) -> None:
    """render-forms and acceptance-report read assigned files or (``--db``) the ledger: exactly
    one of them (a usage error otherwise, before any work)."""
    from retiree_tools import InputError

    if bool(paths) == (db is not None):
        raise InputError("usage", reason="error.files_or_db")


def skipped_notice(skipped: list[dict], lang: str) -> None:
    """One stderr line naming the files of a directory that were not read, and why
    (``跳过 2 个文件：说明.txt（不是工作簿，要读请直接写出文件名）、…``): nothing is skipped silently."""
    from retiree_tools.io.paths import skipped_line

    line = skipped_line(skipped, lang)
    if line:
        console().print(plain(line), style="yellow")


EXIT_PIPE = 141  # 128 + SIGPIPE


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that nothing more is written to the closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def guarded(fn: F) -> F:
    """Turn library errors into one-line messages and exit 2; never a traceback (set
    RETIREE_TOOLS_DEBUG=1 to see one)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from retiree_tools import InputError, tr

        lang = kwargs.get("lang")
        lang_s = lang.value if isinstance(lang, Lang) else "zh"
        json_out = kwargs.get("fmt") is Fmt.json
        show_pii = bool(kwargs.get("show_pii"))

        def doc(code: str, message: str, **more: Any) -> dict | None:
            return error_document(code, message, **more) if json_out else None

        def fail(message: str, error: dict | None = None) -> None:
            # an error about a cell may quote it: an ID, account or phone is masked unless --show-pii
            if not show_pii:
                from retiree_tools.domain.mask import mask_patterns

                message = mask_patterns(message)
                if error is not None:
                    error = _mask_tree(error, mask_patterns)
            _fail(message, error)

        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except InputError as exc:
            params = {k: v for k, v in exc.finding_params(lang_s).items() if k != "reason"}
            fail(exc.message(lang_s), doc(exc.code, exc.message(lang_s), path=exc.path, reason=exc.reason,
                                          params=params))
        except KeyboardInterrupt:
            sys.stderr.write(f"retiree-tools: {tr('error.interrupted', lang_s)}\n")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader of stdout went away (| head): stop quietly, as a
            _quiet_stdout()      # SIGPIPE'd tool would, with its exit code
            raise typer.Exit(EXIT_PIPE) from None
        except MemoryError:
            fail(tr("error.out_of_memory", lang_s), doc("out-of-memory", tr("error.out_of_memory", lang_s)))
        except OSError as exc:  # disk full, read-only, no permission … outside the atomic writers
            from retiree_tools.io.safe import output_failed

            err = output_failed(None, exc)  # names the output the temp file stood for
            fail(err.message(lang_s), doc(err.code, err.message(lang_s), path=err.path, reason=err.reason))
        except Exception as exc:  # noqa: BLE001 - last line of defence
            if os.environ.get("RETIREE_TOOLS_DEBUG"):
                raise
            message = tr("error.internal", lang_s, what=f"{type(exc).__name__}: {str(exc)[:200]}")
            fail(message, doc("internal-error", message))

    return wrapper  # type: ignore[return-value]
