"""Shared CLI plumbing: options, consoles on stderr, JSON on stdout, exit codes, error handling."""

from __future__ import annotations

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
    """Rich console on stderr: colour only on a terminal (NO_COLOR respected by rich)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=False)


def plain(text: object):
    """A rich Text that shows ``text`` literally: no markup, no control characters."""
    import re

    from rich.text import Text

    return Text(re.sub(r"[\x00-\x08\x0b-\x1f\x7f\x1b]", "?", str(text)))


def print_json(data: Any) -> None:
    """One JSON document on stdout: indented on a terminal, compact (faster, smaller) in pipes."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent, default=str))
    sys.stdout.write("\n")
    sys.stdout.flush()


def fail(message: str) -> None:
    """One line on stderr, exit 2."""
    sys.stderr.write(f"retiree-tools: {message}\n")
    raise typer.Exit(EXIT_USAGE)


def guarded(fn: F) -> F:
    """Turn library errors into one-line messages and exit 2; never a traceback (set
    RETIREE_TOOLS_DEBUG=1 to see one)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import InputError

        lang = kwargs.get("lang")
        lang_s = lang.value if isinstance(lang, Lang) else "zh"
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except InputError as exc:
            fail(exc.message(lang_s))
        except KeyboardInterrupt:
            sys.stderr.write("retiree-tools: interrupted\n")
            raise typer.Exit(130) from None
        except MemoryError:
            fail("内存不足 / out of memory")
        except Exception as exc:  # noqa: BLE001 - last line of defence
            if os.environ.get("RETIREE_TOOLS_DEBUG"):
                raise
            fail(f"内部错误 / internal error: {type(exc).__name__}: {str(exc)[:200]} (RETIREE_TOOLS_DEBUG=1 shows details)")

    return wrapper  # type: ignore[return-value]
