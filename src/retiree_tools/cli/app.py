"""`retiree-tools`: the typer application; subcommands live in their own modules."""

from __future__ import annotations

import typer

from retiree_tools import __version__

app = typer.Typer(
    name="retiree-tools",
    help="企业退休人员社会化管理移交工具 — validate transfer workbooks, assign receiving "
    "jurisdictions, render handover forms, report acceptance. Exit codes: 0 clean, "
    "1 findings or targets missed, 2 usage or input error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"retiree-tools {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version.")) -> None:
    pass


def _register() -> None:
    from retiree_tools.cli import acceptance_cmd, assign_cmd, forms_cmd, template_cmd, validate_cmd

    for module in (validate_cmd, template_cmd, assign_cmd, forms_cmd, acceptance_cmd):
        module.register(app)


_register()


def main() -> None:
    """Console-script entry point. The cyclic garbage collector runs every 50,000 allocations
    instead of Python's 700: a run allocates millions of small objects (findings, cells) and
    frees nearly all of them by reference count, and the default scans cost ~0.15 s at 100k
    rows (validate 2.58 s → 2.43 s; peak memory unchanged)."""
    import gc
    import sys

    gc.set_threshold(50_000, 20, 50)
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    except BaseException as exc:  # usage errors surface as click exceptions inside app()
        sys.stderr.write(f"retiree-tools: {exc}\n")
        code = 2
    leave(code)


def leave(code: object) -> None:
    """End the process with ``code`` once stdout and stderr are flushed, without the
    interpreter's teardown: freeing a 100k-row run's tables and findings object by object
    takes ~0.2 s (validate 100k: 3.05 s → 2.82 s), and every output file is already closed
    and renamed into place by then. RETIREE_TOOLS_DEBUG or a loaded coverage module keep the
    normal exit (atexit handlers run)."""
    import os
    import sys

    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    if os.environ.get("RETIREE_TOOLS_DEBUG") or "coverage" in sys.modules:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (| head): nothing more to say there
            pass
    os._exit(code)
