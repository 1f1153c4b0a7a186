"""Shared CLI plumbing: options, consoles on stderr, JSON on stdout, exit codes, error handling."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
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


LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of messages and reports: zh (default) or en.")]
FormatOpt = Annotated[Fmt, typer.Option("--format", help="table: human output on stderr; json: one JSON document on stdout.")]
PolicyOpt = Annotated[str | None, typer.Option("--policy", help="A locality's policy TOML merged over the default one.")]
ShowPiiOpt = Annotated[bool, typer.Option("--show-pii", help="Show ID numbers, bank accounts and phones unmasked on the terminal.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No human output on stderr (exit code and files only).")]


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
    """One JSON document on stdout: indented on a terminal, compact (faster, smaller) in pipes."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()


def one_line(message: str, limit: int = 2000) -> str:
    """A message as one bounded line: control characters (a newline inside a cell value)
    become spaces; the middle of an overlong message is cut."""
    import re

    text = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", message)
    return text if len(text) <= limit else text[: limit * 3 // 4] + " … " + text[-limit // 4:]


def fail(message: str) -> None:
    """One line on stderr, exit 2."""
    sys.stderr.write(f"retiree-tools: {one_line(message)}\n")
    raise typer.Exit(EXIT_USAGE)


def fatal_lines(fatal) -> None:
    """The closing ``retiree-tools: …`` line for each file a command could not read (the
    findings table above says the same; scripts read the last line). ``fatal`` is a list of
    (file report, finding), as ``Report.fatal()`` gives it."""
    from pathlib import Path

    for fr, f in fatal:
        sys.stderr.write(f"retiree-tools: {one_line(Path(fr.path).name + ': ' + f.message)}\n")


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
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except InputError as exc:
            fail(exc.message(lang_s))
        except KeyboardInterrupt:
            sys.stderr.write(f"retiree-tools: {tr('error.interrupted', lang_s)}\n")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader of stdout went away (| head): stop quietly, as a
            _quiet_stdout()      # SIGPIPE'd tool would, with its exit code
            raise typer.Exit(EXIT_PIPE) from None
        except MemoryError:
            fail(tr("error.out_of_memory", lang_s))
        except Exception as exc:  # noqa: BLE001 - last line of defence
            if os.environ.get("RETIREE_TOOLS_DEBUG"):
                raise
            fail(tr("error.internal", lang_s, what=f"{type(exc).__name__}: {str(exc)[:200]}"))

    return wrapper  # type: ignore[return-value]
